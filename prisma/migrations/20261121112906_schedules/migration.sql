-- CreateEnum
CREATE TYPE "ScheduleStatus" AS ENUM ('active', 'paused');

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "schedule_id" UUID,
ADD COLUMN     "scheduled_for" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "missed_run_policy" TEXT NOT NULL,
    "status" "ScheduleStatus" NOT NULL DEFAULT 'active',
    "next_run_at" TIMESTAMP(3),
    "missed_runs" INTEGER NOT NULL DEFAULT 0,
    "last_missed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "schedules_status_next_run_at_idx" ON "schedules"("status", "next_run_at");

-- CreateIndex
CREATE INDEX "schedules_user_id_idx" ON "schedules"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_schedule_id_scheduled_for_key" ON "tasks"("schedule_id", "scheduled_for");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
