// The web side's view of the DBOS engine: it enqueues and signals through DBOSClient and never
// launches DBOS itself, so no workflow ever runs inside a request. Every enqueue of a run carries
// a notification on WORK_CHANNEL in its own transaction, which wakes the workers at once (in a
// caller's transaction, the caller sends it with a statement of its own: startWake).
import { DBOSClient } from "@dbos-inc/dbos-sdk";
import pg from "pg";
import type { DirectTransaction } from "@/lib/db";
import type { NotificationRequest } from "@/lib/push/notification-request";
import type { PgNotification, TaskDispatcher } from "../port";
import { quietDbosLogger } from "./quiet-logger";
import { dbosSystemPool } from "./system-pool";
import {
  DBOS_APP_NAME,
  DBOS_APP_VERSION,
  DBOS_SCHEMA,
  DELIVER_NOTIFICATION_WORKFLOW,
  NOTIFICATION_QUEUE,
  RUN_TASK_WORKFLOW,
  TASK_QUEUE,
  WORK_CHANNEL,
} from "./names";

export class DbosDispatcher implements TaskDispatcher {
  private client: Promise<DBOSClient> | undefined;
  /** DBOSClient's, and for enqueues outside a caller's transaction: each is BEGIN, DBOS's rows, NOTIFY, COMMIT. */
  private pool: pg.Pool | undefined;

  constructor(private readonly systemDatabaseUrl: string) {}

  private getClient(): Promise<DBOSClient> {
    this.client ??= DBOSClient.create({
      systemDatabaseUrl: this.systemDatabaseUrl,
      systemDatabasePool: this.getPool(),
      systemDatabaseSchemaName: DBOS_SCHEMA,
      applicationName: DBOS_APP_NAME,
      logger: quietDbosLogger(),
    }).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private getPool(): pg.Pool {
    this.pool ??= dbosSystemPool(this.systemDatabaseUrl, { max: 5 });
    return this.pool;
  }

  async startRun(runId: string, options?: { delayMs?: number }): Promise<void> {
    const client = await this.getClient();
    await this.enqueueAndWake(TASK_QUEUE, (connection) => client.enqueueInTransaction(connection, runEnqueueOptions(runId, options), runId));
  }

  /** One transaction: DBOS's rows for the workflow, and the notification that wakes a worker. */
  private async enqueueAndWake(queueName: string, enqueue: (connection: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const connection = await this.getPool().connect();
    try {
      await connection.query("BEGIN");
      await enqueue(connection);
      await connection.query("SELECT pg_notify($1, $2)", [WORK_CHANNEL, queueName]);
      await connection.query("COMMIT");
    } catch (error) {
      await connection.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  /**
   * startRun inside the caller's transaction (the one that wrote the run): one commit for the task
   * and its workflow, and the caller's statements carry the wake-up (startWake). Nothing is
   * enqueued if it rolls back.
   */
  async startRunInTransaction(tx: DirectTransaction, runId: string, options?: { delayMs?: number }): Promise<void> {
    const client = await this.getClient();
    await client.enqueueInTransaction(tx.connection, runEnqueueOptions(runId, options), runId);
  }

  readonly startWake: PgNotification = { channel: WORK_CHANNEL, payload: TASK_QUEUE };

  async signal(runId: string, topic: string, payload: unknown, idempotencyKey?: string): Promise<void> {
    const client = await this.getClient();
    await client.send(runId, payload, topic, idempotencyKey);
  }

  async deliverNotification(notification: NotificationRequest): Promise<void> {
    const client = await this.getClient();
    await this.enqueueAndWake(NOTIFICATION_QUEUE, (connection) =>
      client.enqueueInTransaction(
        connection,
        { queueName: NOTIFICATION_QUEUE, workflowName: DELIVER_NOTIFICATION_WORKFLOW, workflowID: `notification-${notification.id}`, appVersion: DBOS_APP_VERSION },
        notification,
      ),
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    const pool = this.pool;
    this.client = undefined;
    this.pool = undefined;
    await (client && (await client).destroy());
    await pool?.end();
  }
}

function runEnqueueOptions(runId: string, options?: { delayMs?: number }) {
  const delaySeconds = options?.delayMs && options.delayMs > 0 ? Math.ceil(options.delayMs / 1000) : undefined;
  return {
    queueName: TASK_QUEUE,
    workflowName: RUN_TASK_WORKFLOW,
    workflowID: runId,
    appVersion: DBOS_APP_VERSION,
    ...(delaySeconds ? { delaySeconds } : {}),
  };
}
