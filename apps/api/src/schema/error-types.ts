import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import { builder } from './builder.ts';

/** A NodeError as stored in Node.error / AcquisitionEvent.error (JSON). */
export interface NodeErrorShape {
  code: string;
  message: string;
  retryable: boolean;
  provider?: ProviderErrorInfo | null;
}

export const ProviderErrorRef = builder.objectRef<ProviderErrorInfo>('ProviderError').implement({
  description: "A provider's answer, mapped to one PROVIDER_* code (docs/error-codes.md). Never holds a token.",
  fields: (t) => ({
    code: t.exposeString('code', { description: 'PROVIDER_* code.' }),
    message: t.exposeString('message'),
    retryable: t.exposeBoolean('retryable'),
    providerCode: t.exposeString('providerCode', { nullable: true, description: "The provider's own code, e.g. rate_limit_exceeded." }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true, description: "The provider's request id (Hetzner: X-Correlation-Id)." }),
  }),
});

export const NodeErrorRef = builder.objectRef<NodeErrorShape>('NodeError').implement({
  description: 'Why a node failed: a PROVIDER_* code (provider answers) or a NODE_* code (Hangar’s own).',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    retryable: t.exposeBoolean('retryable'),
    provider: t.field({ type: ProviderErrorRef, nullable: true, resolve: (error) => error.provider ?? null }),
  }),
});
