-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "parent_run_id" UUID,
ADD COLUMN     "parent_task_id" UUID,
ADD COLUMN     "subtask_depth" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "tasks_parent_task_id_idx" ON "tasks"("parent_task_id");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_parent_task_id_fkey" FOREIGN KEY ("parent_task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
