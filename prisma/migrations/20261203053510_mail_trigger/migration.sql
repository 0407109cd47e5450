-- AlterEnum
ALTER TYPE "TriggerKind" ADD VALUE 'mail';

-- AlterTable
ALTER TABLE "triggers" ADD COLUMN     "mail_folder" TEXT,
ADD COLUMN     "mail_from" TEXT,
ADD COLUMN     "mail_last_uid" BIGINT,
ADD COLUMN     "mail_subject" TEXT,
ADD COLUMN     "mail_uid_validity" BIGINT,
ADD COLUMN     "mail_unread_only" BOOLEAN NOT NULL DEFAULT false;
