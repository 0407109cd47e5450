-- Live updates without a NOTIFY in every write transaction. Postgres serializes commits that
-- carry a NOTIFY (one global lock), which capped task throughput at a few hundred per second;
-- the web process now reads what was written since its last look by the transaction that wrote
-- it (change_xid against its last snapshot, see lib/live/change-feed.ts), and no write notifies.
DROP TRIGGER "tasks_notify_change" ON "tasks";
DROP FUNCTION "baton_notify_task_change"();
DROP TRIGGER "timeline_events_notify_insert" ON "timeline_events";
DROP FUNCTION "baton_notify_timeline_event"();

-- AlterTable
ALTER TABLE "timeline_events" ADD COLUMN     "change_xid" xid8 DEFAULT pg_current_xact_id();

-- CreateTable
CREATE TABLE "task_changes" (
    "id" BIGSERIAL NOT NULL,
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "TaskStatus" NOT NULL,
    "title" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "change_xid" xid8 DEFAULT pg_current_xact_id(),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_changes_change_xid_idx" ON "task_changes"("change_xid");

-- CreateIndex
CREATE INDEX "task_changes_created_at_idx" ON "task_changes"("created_at");

-- CreateIndex
CREATE INDEX "timeline_events_change_xid_idx" ON "timeline_events"("change_xid");

-- Every version of a task, as the notification carried it: a task that went queued -> running
-- between two looks of the feed is announced as both. An insert takes no global lock.
CREATE FUNCTION "baton_record_task_change"() RETURNS trigger AS $$
BEGIN
  INSERT INTO "task_changes" ("task_id", "user_id", "status", "title", "updated_at")
    VALUES (NEW."id", NEW."user_id", NEW."status", left(NEW."title", 200), NEW."updated_at");
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "tasks_record_change" AFTER INSERT OR UPDATE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "baton_record_task_change"();
