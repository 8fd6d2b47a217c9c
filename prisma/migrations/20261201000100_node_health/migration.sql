-- Live machine health (a stored state with HEALTH timeline events) and archived nodes.

-- AlterEnum
ALTER TYPE "EventKind" ADD VALUE 'HEALTH';

-- CreateEnum
CREATE TYPE "NodeHealth" AS ENUM ('HEALTHY', 'OVERDUE', 'LOST');

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "archivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "health" "NodeHealth";

-- READY nodes start healthy; the node_health job corrects them on its first run.
UPDATE "Node" SET "health" = 'HEALTHY' WHERE "phase" = 'READY';
