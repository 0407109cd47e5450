-- CreateTable
CREATE TABLE "task_code_rules" (
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "repository" TEXT NOT NULL,
    "base_branch" TEXT NOT NULL,
    "branch_prefix" TEXT NOT NULL,
    "registry_hosts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_code_rules_pkey" PRIMARY KEY ("task_id")
);

-- CreateIndex
CREATE INDEX "task_code_rules_user_id_idx" ON "task_code_rules"("user_id");
