-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "host_key" TEXT;
