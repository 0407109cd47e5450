// Names shared by the DBOS worker and the web side's client. They are part of the durable
// history in the system database: renaming one orphans workflows already enqueued.
export const DBOS_APP_NAME = "baton";
export const DBOS_SCHEMA = "dbos";
export const TASK_QUEUE = "baton-tasks";
export const RUN_TASK_WORKFLOW = "run-task";
/** Fixed, so a restarted worker of a newer build still recovers workflows of the running version. */
export const DBOS_APP_VERSION = "1";
export const NOTIFICATION_QUEUE = "baton-notifications";
export const DELIVER_NOTIFICATION_WORKFLOW = "deliver-notification";
/** Postgres notification channel: new work is on the queue the payload names, so workers poll it now. */
export const WORK_CHANNEL = "baton_work";
