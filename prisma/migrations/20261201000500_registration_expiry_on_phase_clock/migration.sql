-- A registration token now expires on the phase clock (packages/core/src/bootstrap.ts), not at a
-- wall-clock time: Hangar's own downtime must not expire a token its machine still needs.
ALTER TABLE "Node" DROP COLUMN "registrationExpiresAt";
