-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "policy_floor" JSONB;

-- AlterTable
ALTER TABLE "schedules" ADD COLUMN     "policy_floor" JSONB,
ADD COLUMN     "template" TEXT;
