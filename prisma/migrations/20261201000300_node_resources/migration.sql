-- What a node is created with besides its size and place: SSH keys by provider id, the user's
-- own user data (sealed: it may hold secrets; only its kind, size and SHA-256 are shown),
-- private networks, firewalls, a placement group and whether it gets public addresses.

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "sshKeyIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "userDataSealed" TEXT,
ADD COLUMN     "userDataKind" TEXT,
ADD COLUMN     "userDataBytes" INTEGER,
ADD COLUMN     "userDataSha256" TEXT,
ADD COLUMN     "networkIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "firewallIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "placementGroupId" TEXT,
ADD COLUMN     "publicIpv4" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "publicIpv6" BOOLEAN NOT NULL DEFAULT true;
