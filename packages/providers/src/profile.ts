/**
 * What Hangar knows about a provider kind without an account: how its tokens look and where a
 * person gets one, its label rules, where a machine reads its own identity, how it bills. Core
 * asks the kind's profile (registry.ts providerProfile) instead of knowing any provider: one
 * profile per kind, next to its adapter.
 */
import type { ProviderKind } from './provider.ts';

/** The rules a provider holds labels to. */
export interface LabelRules {
  /** Why a label key is invalid, or null. Never repeats the key. */
  keyProblem(key: string): string | null;
  /** Why a label value is invalid, or null. Never repeats the value. */
  valueProblem(value: string): string | null;
}

export interface ProviderProfile {
  readonly kind: ProviderKind;
  /** How people call it, e.g. "Hetzner Cloud". */
  readonly displayName: string;
  /** The public API, for connections that do not name an endpoint. */
  readonly defaultApiEndpoint: string;
  /** Where a person gets a token that works, for messages ("… Cloud Console → project → Security → API tokens"). */
  readonly tokenGuidance: string;
  /**
   * Why `token` (trimmed, without whitespace or control characters) cannot be a token of this
   * provider, with what to do; null when its shape fits. Shape only: validity is a live call.
   * Never repeats the token.
   */
  tokenShapeProblem(token: string): string | null;
  readonly labels: LabelRules;
  /** The machine's metadata service as the agent reads it: base URL and the path before a key (e.g. instance-id). */
  readonly metadata: { url: string; path: string };
  /** How a server is billed, in one sentence (docs and API descriptions). */
  readonly billingRule: string;
}
