-- CreateTable
CREATE TABLE "takeovers" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "expires_at" TIMESTAMP(3) NOT NULL,
    "claimed_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "note" TEXT,
    "relay_url" TEXT,
    "pages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keystrokes" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "takeovers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "takeover_links" (
    "id" UUID NOT NULL,
    "takeover_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "takeover_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "takeovers_user_id_status_idx" ON "takeovers"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "takeovers_run_id_key_key" ON "takeovers"("run_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "takeover_links_token_hash_key" ON "takeover_links"("token_hash");

-- AddForeignKey
ALTER TABLE "takeover_links" ADD CONSTRAINT "takeover_links_takeover_id_fkey" FOREIGN KEY ("takeover_id") REFERENCES "takeovers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
