-- CreateEnum
CREATE TYPE "TriggerKind" AS ENUM ('webhook', 'feed', 'calendar');

-- CreateTable
CREATE TABLE "triggers" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "TriggerKind" NOT NULL,
    "name" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "policy_floor" JSONB,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "rate_limit_per_minute" INTEGER NOT NULL DEFAULT 30,
    "dedupe_header" TEXT NOT NULL DEFAULT 'x-baton-event-id',
    "dedupe_field" TEXT,
    "feed_url" TEXT,
    "poll_interval_seconds" INTEGER NOT NULL DEFAULT 300,
    "next_poll_at" TIMESTAMP(3),
    "last_polled_at" TIMESTAMP(3),
    "etag" TEXT,
    "last_modified" TEXT,
    "calendar_url" TEXT,
    "lead_minutes" INTEGER NOT NULL DEFAULT 30,
    "feed_primed" BOOLEAN NOT NULL DEFAULT false,
    "last_poll_error" TEXT,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "deduped_count" INTEGER NOT NULL DEFAULT 0,
    "rate_limited_count" INTEGER NOT NULL DEFAULT 0,
    "skipped_count" INTEGER NOT NULL DEFAULT 0,
    "rejected_count" INTEGER NOT NULL DEFAULT 0,
    "not_modified_count" INTEGER NOT NULL DEFAULT 0,
    "last_rejected_at" TIMESTAMP(3),
    "last_rejected_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trigger_events" (
    "id" UUID NOT NULL,
    "trigger_id" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "claimed_key" TEXT,
    "signature" TEXT,
    "task_id" UUID,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "preview" TEXT NOT NULL DEFAULT '',
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trigger_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "triggers_user_id_idx" ON "triggers"("user_id");

-- CreateIndex
CREATE INDEX "triggers_kind_paused_next_poll_at_idx" ON "triggers"("kind", "paused", "next_poll_at");

-- CreateIndex
CREATE INDEX "trigger_events_trigger_id_received_at_idx" ON "trigger_events"("trigger_id", "received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "trigger_events_trigger_id_claimed_key_key" ON "trigger_events"("trigger_id", "claimed_key");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_events_trigger_id_signature_key" ON "trigger_events"("trigger_id", "signature");

-- AddForeignKey
ALTER TABLE "triggers" ADD CONSTRAINT "triggers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger_events" ADD CONSTRAINT "trigger_events_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "triggers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
