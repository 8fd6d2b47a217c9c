-- The stored catalog: what each connection's provider offers, as last read with its token.

-- CreateTable
CREATE TABLE "ProviderCatalog" (
    "providerConnectionId" UUID NOT NULL,
    "tokenFingerprint" TEXT NOT NULL,
    "locations" JSONB NOT NULL,
    "serverTypes" JSONB NOT NULL,
    "images" JSONB NOT NULL,
    "fetchedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderCatalog_pkey" PRIMARY KEY ("providerConnectionId")
);

-- AddForeignKey
ALTER TABLE "ProviderCatalog" ADD CONSTRAINT "ProviderCatalog_providerConnectionId_fkey" FOREIGN KEY ("providerConnectionId") REFERENCES "ProviderConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
