-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "browser_origins" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "computer_use_checkpoints" ADD COLUMN     "step_key" TEXT,
ADD COLUMN     "step_result" JSONB;
