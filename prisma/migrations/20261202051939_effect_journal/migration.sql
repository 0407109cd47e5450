-- AlterTable
ALTER TABLE "timeline_events" ADD COLUMN     "step_key" TEXT;

-- CreateTable
CREATE TABLE "effects" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "call_key" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "last_error" TEXT,
    "outcome" JSONB,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "effects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "effects_idempotency_key_key" ON "effects"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "effects_run_id_call_key_key" ON "effects"("run_id", "call_key");

-- CreateIndex
CREATE UNIQUE INDEX "timeline_events_run_id_step_key_key" ON "timeline_events"("run_id", "step_key");

-- AddForeignKey
ALTER TABLE "effects" ADD CONSTRAINT "effects_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
