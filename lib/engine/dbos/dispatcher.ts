// The web side's view of the DBOS engine: it enqueues and signals through DBOSClient and never
// launches DBOS itself, so no workflow ever runs inside a request.
import { DBOSClient } from "@dbos-inc/dbos-sdk";
import type { NotificationRequest } from "@/lib/push/notification-request";
import type { TaskDispatcher } from "../port";
import { quietDbosLogger } from "./quiet-logger";
import { DBOS_APP_NAME, DBOS_APP_VERSION, DBOS_SCHEMA, DELIVER_NOTIFICATION_WORKFLOW, NOTIFICATION_QUEUE, RUN_TASK_WORKFLOW, TASK_QUEUE } from "./names";

export class DbosDispatcher implements TaskDispatcher {
  private client: Promise<DBOSClient> | undefined;

  constructor(private readonly systemDatabaseUrl: string) {}

  private getClient(): Promise<DBOSClient> {
    this.client ??= DBOSClient.create({
      systemDatabaseUrl: this.systemDatabaseUrl,
      systemDatabaseSchemaName: DBOS_SCHEMA,
      applicationName: DBOS_APP_NAME,
      systemDatabasePoolSize: 5,
      logger: quietDbosLogger(),
    }).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  async startRun(runId: string, options?: { delayMs?: number }): Promise<void> {
    const client = await this.getClient();
    const delaySeconds = options?.delayMs && options.delayMs > 0 ? Math.ceil(options.delayMs / 1000) : undefined;
    await client.enqueue(
      {
        queueName: TASK_QUEUE,
        workflowName: RUN_TASK_WORKFLOW,
        workflowID: runId,
        appVersion: DBOS_APP_VERSION,
        ...(delaySeconds ? { delaySeconds } : {}),
      },
      runId,
    );
  }

  async signal(runId: string, topic: string, payload: unknown, idempotencyKey?: string): Promise<void> {
    const client = await this.getClient();
    await client.send(runId, payload, topic, idempotencyKey);
  }

  async deliverNotification(notification: NotificationRequest): Promise<void> {
    const client = await this.getClient();
    await client.enqueue(
      { queueName: NOTIFICATION_QUEUE, workflowName: DELIVER_NOTIFICATION_WORKFLOW, workflowID: `notification-${notification.id}`, appVersion: DBOS_APP_VERSION },
      notification,
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await (await client).destroy();
  }
}
