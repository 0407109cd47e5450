-- CreateTable
CREATE TABLE "model_turns" (
    "run_id" UUID NOT NULL,
    "turn" INTEGER NOT NULL,
    "start" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_turns_pkey" PRIMARY KEY ("run_id","turn")
);

-- AddForeignKey
ALTER TABLE "model_turns" ADD CONSTRAINT "model_turns_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
