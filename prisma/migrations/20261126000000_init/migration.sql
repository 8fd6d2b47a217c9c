-- CreateEnum
CREATE TYPE "ProviderKind" AS ENUM ('HETZNER');

-- CreateEnum
CREATE TYPE "CredentialStatus" AS ENUM ('UNCHECKED', 'VALID', 'INVALID', 'READ_ONLY', 'UNREACHABLE', 'RATE_LIMITED');

-- CreateEnum
CREATE TYPE "NodePhase" AS ENUM ('QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY', 'FAILED', 'CANCELLED', 'RELEASING', 'RELEASED');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('PHASE_ENTERED', 'PROGRESS', 'RETRY', 'ERROR', 'INFO');

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderConnection" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProviderKind" NOT NULL,
    "apiEndpoint" TEXT NOT NULL,
    "tokenSealed" TEXT NOT NULL,
    "tokenKeyId" TEXT NOT NULL,
    "tokenHint" TEXT NOT NULL,
    "tokenFingerprint" TEXT NOT NULL,
    "credentialStatus" "CredentialStatus" NOT NULL DEFAULT 'UNCHECKED',
    "credentialCheckedAt" TIMESTAMPTZ(3),
    "credentialError" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "providerConnectionId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phase" "NodePhase" NOT NULL DEFAULT 'QUEUED',
    "serverType" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "sshKeyNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" JSONB NOT NULL DEFAULT '{}',
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "providerServerId" TEXT,
    "providerActionId" TEXT,
    "ipv4" TEXT,
    "ipv6" TEXT,
    "error" JSONB,
    "registrationTokenHash" TEXT,
    "registrationExpiresAt" TIMESTAMPTZ(3),
    "nodeCredentialHash" TEXT,
    "registeredAt" TIMESTAMPTZ(3),
    "lastHeartbeatAt" TIMESTAMPTZ(3),
    "cancelRequestedAt" TIMESTAMPTZ(3),
    "phaseEnteredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" TIMESTAMPTZ(3),
    "releasedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcquisitionEvent" (
    "id" BIGSERIAL NOT NULL,
    "nodeId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "phase" "NodePhase" NOT NULL,
    "kind" "EventKind" NOT NULL,
    "message" TEXT NOT NULL,
    "progress" INTEGER,
    "attempt" INTEGER,
    "error" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AcquisitionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "organizationId" UUID NOT NULL,
    "apiTokenId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_name_key" ON "Organization"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_organizationId_idx" ON "ApiToken"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderConnection_organizationId_name_key" ON "ProviderConnection"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Node_registrationTokenHash_key" ON "Node"("registrationTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Node_nodeCredentialHash_key" ON "Node"("nodeCredentialHash");

-- CreateIndex
CREATE INDEX "Node_organizationId_createdAt_idx" ON "Node"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "Node_providerConnectionId_idx" ON "Node"("providerConnectionId");

-- A node name is unique among the organization's live nodes; released, failed and cancelled
-- nodes free their name. Prisma cannot express a partial index, so it lives only here.
CREATE UNIQUE INDEX "Node_live_name_key" ON "Node"("organizationId", "name")
    WHERE "phase" NOT IN ('RELEASED', 'FAILED', 'CANCELLED');

-- CreateIndex
CREATE UNIQUE INDEX "AcquisitionEvent_nodeId_seq_key" ON "AcquisitionEvent"("nodeId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_at_idx" ON "AuditEvent"("organizationId", "at");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderConnection" ADD CONSTRAINT "ProviderConnection_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_providerConnectionId_fkey" FOREIGN KEY ("providerConnectionId") REFERENCES "ProviderConnection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcquisitionEvent" ADD CONSTRAINT "AcquisitionEvent_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_apiTokenId_fkey" FOREIGN KEY ("apiTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;
