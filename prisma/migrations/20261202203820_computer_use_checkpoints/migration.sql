-- CreateTable
CREATE TABLE "computer_use_checkpoints" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "call_key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "conversation" JSONB NOT NULL,
    "seen_frame" JSONB NOT NULL,
    "url" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "iv" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "auth_tag" BYTEA NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "computer_use_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "computer_use_checkpoints_run_id_call_key_key" ON "computer_use_checkpoints"("run_id", "call_key");
