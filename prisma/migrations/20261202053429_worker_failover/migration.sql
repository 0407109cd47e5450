-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "executor_id" TEXT;

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "seen_at" TIMESTAMP(3) NOT NULL,
    "taken_over_at" TIMESTAMP(3),
    "taken_over_by" TEXT,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);
