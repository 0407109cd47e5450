-- Live updates without a NOTIFY in every write transaction. Postgres serializes commits that
-- carry a NOTIFY (one global lock), which capped task throughput at a few hundred per second;
-- the web process now reads changed rows by the transaction that wrote them (change_xid against
-- its last snapshot, see lib/live/change-feed.ts), and no write notifies.
DROP TRIGGER "tasks_notify_change" ON "tasks";
DROP FUNCTION "baton_notify_task_change"();
DROP TRIGGER "timeline_events_notify_insert" ON "timeline_events";
DROP FUNCTION "baton_notify_timeline_event"();

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "change_xid" xid8 DEFAULT pg_current_xact_id();

-- AlterTable
ALTER TABLE "timeline_events" ADD COLUMN     "change_xid" xid8 DEFAULT pg_current_xact_id();

-- CreateIndex
CREATE INDEX "tasks_change_xid_idx" ON "tasks"("change_xid");

-- CreateIndex
CREATE INDEX "timeline_events_change_xid_idx" ON "timeline_events"("change_xid");

-- An update is a change too: the column default only covers inserts. A BEFORE trigger edits the
-- row being written (no extra statement, no notification).
CREATE FUNCTION "baton_task_change_xid"() RETURNS trigger AS $$
BEGIN
  NEW."change_xid" := pg_current_xact_id();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "tasks_change_xid" BEFORE UPDATE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "baton_task_change_xid"();
