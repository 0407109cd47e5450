-- CreateTable
CREATE TABLE "engine_signals" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB,
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consumed_at" TIMESTAMP(3),
    "consumed_by" TEXT,

    CONSTRAINT "engine_signals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "engine_signals_key_key" ON "engine_signals"("key");

-- CreateIndex
CREATE INDEX "engine_signals_run_id_topic_created_at_idx" ON "engine_signals"("run_id", "topic", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "engine_signals_run_id_consumed_by_key" ON "engine_signals"("run_id", "consumed_by");
