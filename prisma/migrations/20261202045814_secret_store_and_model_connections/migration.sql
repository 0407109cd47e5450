-- CreateTable
CREATE TABLE "stored_secrets" (
    "id" UUID NOT NULL,
    "owner_key" TEXT NOT NULL,
    "user_id" UUID,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "iv" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "auth_tag" BYTEA NOT NULL,
    "hint" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "stored_secrets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_connections" (
    "provider" TEXT NOT NULL,
    "base_url" TEXT,
    "models" TEXT[],
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "model_connections_pkey" PRIMARY KEY ("provider")
);

-- CreateTable
CREATE TABLE "instance_settings" (
    "name" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "instance_settings_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "stored_secrets_key_id_idx" ON "stored_secrets"("key_id");

-- CreateIndex
CREATE UNIQUE INDEX "stored_secrets_owner_key_name_key" ON "stored_secrets"("owner_key", "name");

-- AddForeignKey
ALTER TABLE "stored_secrets" ADD CONSTRAINT "stored_secrets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
