import { CredentialStatus, EventKind, NodeHealth, NodePhase, ProviderKind } from '@hangar/db/generated/prisma/enums';
import { builder } from './builder.ts';

/** GraphQL enums mirror the Prisma enums of the same names (one source: schema.prisma). */
export const NodePhaseEnum = builder.enumType(NodePhase, { name: 'NodePhase' });
export const EventKindEnum = builder.enumType(EventKind, { name: 'EventKind' });
export const NodeHealthEnum = builder.enumType(NodeHealth, {
  name: 'NodeHealth',
  description: 'How a READY node’s machine is doing by its heartbeats: HEALTHY (they arrive), OVERDUE (none for 3 intervals), LOST (none for 20 intervals). Each change is a HEALTH event on the timeline.',
});
export const ProviderKindEnum = builder.enumType(ProviderKind, { name: 'ProviderKind' });
export const CredentialStatusEnum = builder.enumType(CredentialStatus, {
  name: 'CredentialStatus',
  description: 'Result of the last live call to the provider with the stored token (never guessed from its shape).',
});

/** A CPU architecture of a server type or image. The provider's lower-case names map to these. */
export const ArchitectureEnum = builder.enumType('Architecture', {
  description: 'CPU architecture: a server type and an image fit together when they share it.',
  values: { X86: { value: 'x86', description: 'x86-64 (Intel/AMD).' }, ARM: { value: 'arm', description: 'ARM64 (Ampere).' } } as const,
});
