/**
 * The adapter conformance suite: what any provider adapter must do for Hangar, whatever the
 * provider. A provider runs it with one call (see hetzner-conformance.test.ts):
 *
 *   runAdapterConformance('Hetzner (simulator)', hetznerSimulatorTarget);
 *
 * It checks, over the adapter's public interface only: credentials are checked live (VALID for
 * a working token, INVALID with PROVIDER_AUTH_FAILED for a refused one), the catalog is
 * consistent and prices are exact decimal strings, a server is created with labels, SSH keys and
 * user data and reaches running, it is found by label (and only by its labels), read, deleted
 * (a second delete is not an error), failures map to documented PROVIDER_* codes (an unknown
 * server type, a capacity refusal), and the token is never on an enumerable property.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderErrorCode } from '@hangar/domain/provider-errors';
import { parseDecimal } from '@hangar/domain/money';
import { isProviderError, type ProviderError } from '../src/provider-error.ts';
import type { CreateServerInput, ProviderAdapter, ProviderServer } from '../src/provider.ts';

/** What the suite needs of one provider account (a simulator project or a real test account). */
export interface ConformanceTarget {
  /** An adapter with a working read & write token. */
  adapter: ProviderAdapter;
  /** An adapter for the same API with a token the provider refuses. */
  refusedAdapter: ProviderAdapter;
  /** The token `adapter` uses: it must never show on the adapter's enumerable properties. */
  token: string;
  /** A placement that can be ordered (type, location, image). */
  placement: Pick<CreateServerInput, 'serverType' | 'location' | 'image'>;
  /** Creates an SSH key in the account (as a user would, outside the adapter) and returns its name. */
  createSshKey(name: string): Promise<string>;
  /** Makes the provider refuse creates in `location` for capacity until `undo` is called. */
  refuseCapacity(location: string): Promise<() => Promise<void>>;
  /** What the provider holds for a server, when it can be looked at (simulators): its SSH key names and the SHA-256 (hex) of its user data. */
  inspect?(serverId: string): Promise<{ sshKeyNames: string[]; userDataSha256: string | null }>;
  /** Ends the target (stops a simulator, deletes what is left). */
  close(): Promise<void>;
}

async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(isProviderError(error), String(error)).toBe(true);
  return error as ProviderError;
}

/** Polls `read` (each poll is one provider call) until `done`, at most `attempts` times. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 200): Promise<T> {
  let value = await read();
  for (let attempt = 1; attempt < attempts && !done(value); attempt += 1) value = await read();
  return value;
}

/** Runs the suite against the target `open` returns (opened once for the suite). */
export function runAdapterConformance(name: string, open: () => Promise<ConformanceTarget>): void {
  describe(`provider adapter conformance: ${name}`, () => {
    let target: ConformanceTarget;
    const run = `c${Date.now().toString(36)}`;
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.close();
    });

    it('checks credentials live: VALID for a working token, INVALID (PROVIDER_AUTH_FAILED) for a refused one', async () => {
      expect(await target.adapter.validateCredentials()).toEqual({ status: 'VALID', error: null });
      const refused = await target.refusedAdapter.validateCredentials();
      expect(refused.status).toBe('INVALID');
      expect(refused.error?.code).toBe('PROVIDER_AUTH_FAILED');
    });

    it('never holds the token on an enumerable property', () => {
      expect(JSON.stringify(target.adapter)).not.toContain(target.token);
      expect(Object.values(target.adapter).some((value) => typeof value === 'string' && value.includes(target.token))).toBe(false);
    });

    it('reads a consistent catalog with exact decimal prices', async () => {
      const catalog = await target.adapter.readCatalog();
      const locations = new Set(catalog.locations.map((location) => location.name));
      expect(locations.size).toBeGreaterThan(0);
      expect(catalog.images.length).toBeGreaterThan(0);
      expect(catalog.serverTypes.length).toBeGreaterThan(0);
      for (const type of catalog.serverTypes) {
        for (const location of type.locations) expect(locations.has(location), `${type.name} in ${location}`).toBe(true);
        for (const price of type.prices) {
          for (const money of [price.hourly, price.monthly]) {
            expect(parseDecimal(money.net), `${type.name} ${price.location} ${money.net}`).not.toBeNull();
            expect(parseDecimal(money.gross), `${type.name} ${price.location} ${money.gross}`).not.toBeNull();
            expect(money.currency).toMatch(/^[A-Z]{3}$/);
          }
          expect((parseDecimal(price.monthly.gross) as bigint) >= (parseDecimal(price.hourly.gross) as bigint)).toBe(true);
        }
      }
      const wanted = catalog.serverTypes.find((type) => type.name === target.placement.serverType);
      expect(wanted?.locations).toContain(target.placement.location);
      expect(catalog.images.some((image) => image.name === target.placement.image && image.architecture === wanted?.architecture)).toBe(true);
    });

    it('creates a server with labels, SSH keys and user data; finds it by label; deletes it', async () => {
      const key = await target.createSshKey(`${run}-key`);
      const labels = { 'hangar.dev/conformance': run, role: 'web' };
      const userData = `#cloud-config\nruncmd: [echo ${run}]\n`;
      const created = await target.adapter.createServer({ ...target.placement, name: `${run}-a`, labels, sshKeys: [key], userData });
      expect(created.server.name).toBe(`${run}-a`);
      expect(created.server.labels).toMatchObject(labels);
      const action = await target.adapter.waitForAction(created.actionId, { deadlineMs: 60_000 });
      expect(action.status).toBe('success');
      for (const id of created.nextActionIds) expect((await target.adapter.waitForAction(id, { deadlineMs: 60_000 })).status).toBe('success');
      const running = await eventually(() => target.adapter.readServer(created.server.id), (server) => server?.status === 'running');
      expect(running?.status).toBe('running');
      expect(running?.ipv4 ?? running?.ipv6).toBeTruthy();
      if (target.inspect) {
        const held = await target.inspect(created.server.id);
        expect(held.sshKeyNames).toEqual([key]);
        expect(held.userDataSha256).toBe(createHash('sha256').update(userData).digest('hex'));
      }

      const found = await target.adapter.findServersByLabel({ 'hangar.dev/conformance': run });
      expect(found.map((server: ProviderServer) => server.id)).toEqual([created.server.id]);
      expect(await target.adapter.findServersByLabel({ 'hangar.dev/conformance': run, role: 'db' })).toEqual([]);

      const deleted = await target.adapter.deleteServer(created.server.id);
      if (deleted.actionId !== null) expect((await target.adapter.waitForAction(deleted.actionId, { deadlineMs: 60_000 })).status).toBe('success');
      expect(await eventually(() => target.adapter.readServer(created.server.id), (server) => server === null)).toBeNull();
      expect(await target.adapter.deleteServer(created.server.id)).toEqual({ actionId: null });
      expect(await target.adapter.readServer(created.server.id)).toBeNull();
    });

    it('maps failures to documented PROVIDER_* codes, keeping the provider’s own code', async () => {
      const unknownType = await providerFailure(target.adapter.createServer({ ...target.placement, serverType: `${run}-no-such-type`, name: `${run}-b`, labels: {}, userData: '' }));
      expect(isProviderErrorCode(unknownType.code)).toBe(true);
      expect(['PROVIDER_INVALID_REQUEST', 'PROVIDER_NOT_FOUND']).toContain(unknownType.code);
      expect(unknownType.info.providerCode).toBeTruthy();
      expect(unknownType.info.retryable).toBe(false);

      const undo = await target.refuseCapacity(target.placement.location);
      try {
        const refused = await providerFailure(target.adapter.createServer({ ...target.placement, name: `${run}-c`, labels: {}, userData: '' }));
        expect(refused.code).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
        expect(refused.info.providerCode).toBeTruthy();
      } finally {
        await undo();
      }
      expect(await target.adapter.findServersByLabel({ 'hangar.dev/conformance': `${run}-none` })).toEqual([]);
    });
  });
}
