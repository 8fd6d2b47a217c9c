-- Node acquisition: the deterministic provider server name, the actions queued after the
-- create action (start_server), and whether the machine's last heartbeat said it is healthy.

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "lastHeartbeatHealthy" BOOLEAN,
ADD COLUMN     "providerNextActionIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "providerServerName" TEXT;
