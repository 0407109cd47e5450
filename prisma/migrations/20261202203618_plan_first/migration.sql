-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "plan_first" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "schedules" ADD COLUMN     "plan_first" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "triggers" ADD COLUMN     "plan_first" BOOLEAN NOT NULL DEFAULT false;
