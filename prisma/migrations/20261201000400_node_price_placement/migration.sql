-- Prices and fallback placements on nodes (issue 12 parts 4 and 5).
-- requestedServerType / requestedLocation keep what createNode asked for (null: the same as serverType / location); serverType / location
-- say where the node went (an alternative after a capacity refusal). price is the catalog price
-- of the placement in use, copied when it was chosen; serverCreatedAt starts the billing clock.

ALTER TABLE "Node" ADD COLUMN "requestedServerType" TEXT;
ALTER TABLE "Node" ADD COLUMN "requestedLocation" TEXT;
UPDATE "Node" SET "requestedServerType" = "serverType", "requestedLocation" = "location";
ALTER TABLE "Node" ADD COLUMN "alternatives" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "Node" ADD COLUMN "placementIndex" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Node" ADD COLUMN "price" JSONB;
ALTER TABLE "Node" ADD COLUMN "serverCreatedAt" TIMESTAMPTZ(3);
