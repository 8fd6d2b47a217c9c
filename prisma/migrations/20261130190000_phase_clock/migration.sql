-- The phase clock: deadline time a phase has used, counted only while a worker holds the
-- node's job (packages/core deadlines.ts). Existing nodes start their current phase's clock now.

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "phaseClockAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "phaseUsedMs" INTEGER NOT NULL DEFAULT 0;
