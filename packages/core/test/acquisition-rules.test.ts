/**
 * The pure rules of node acquisition: phase transitions, deadlines, retry backoff, the node
 * spec against a catalog, server names and labels, the bootstrap user data, and the NODE_*
 * table against docs/error-codes.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_ERRORS, NODE_ERROR_CODES, nodeError, nodeErrorFromProvider } from '@hangar/domain/node-errors';
import { HAPPY_PATH, NODE_PHASES, PhaseTransitionError, TRANSITIONS, assertTransition, canTransition, isTerminalPhase, nextAcquisitionPhase } from '@hangar/domain/phases';
import { providerErrorInfo } from '@hangar/domain/provider-errors';
import { NodePhase } from '@hangar/db/generated/prisma/enums';
import type { ProviderCatalog } from '@hangar/providers/provider';
import { ipv6AddressOf } from '../src/acquisition.ts';
import { AGENT_INSTALL_PATH, AGENT_SCRIPT_URL, AGENT_UNIT_PATH, BOOTSTRAP_CONFIG_PATH, buildUserData, heartbeatIntervalMs } from '../src/bootstrap.ts';
import { PHASE_CLOCK_LEASE_MS, PHASE_CLOCK_RENEW_MS, PHASE_DEADLINES_MS, PHASE_TIMEOUT_CODES, VALIDATING_DEADLINE_MS, msLeftInPhase, phaseDeadlineMs, phaseUsedMs } from '../src/deadlines.ts';
import { nodeJobOptions } from '../src/node-jobs.ts';
import { nodeNameProblem, parseNodeLabels, specProblem } from '../src/node-spec.ts';
import { providerProfile } from '@hangar/providers/registry';

const hetzner = providerProfile('HETZNER').labels;
import { RETRY_MAX_DELAY_MS, isTransient, retryDelayMs, retryPolicy } from '../src/retry-policy.ts';
import { formatMs, timeoutError } from '../src/provider-steps.ts';
import { ATTEMPT_LABEL, attemptOf, hangarLabels, serverNameFor } from '../src/server-labels.ts';
import { readUserData } from '../../../apps/hetzner-sim/src/cloud-init.ts';

/** Hetzner's metadata service, as its profile states it (the bootstrap document carries it). */
const HETZNER_METADATA = providerProfile('HETZNER').metadata;

describe('phases', () => {
  it('allows the happy path and nothing out of terminal CANCELLED/RELEASED', () => {
    for (const [index, phase] of HAPPY_PATH.entries()) {
      const next = HAPPY_PATH[index + 1];
      if (next) expect(canTransition(phase, next)).toBe(true);
      expect(nextAcquisitionPhase(phase)).toBe(next ?? null);
    }
    expect(TRANSITIONS.CANCELLED).toEqual([]);
    expect(TRANSITIONS.RELEASED).toEqual([]);
    expect(canTransition('READY', 'CANCELLED')).toBe(false);
    expect(canTransition('QUEUED', 'READY')).toBe(false);
    expect(() => assertTransition('RELEASED', 'QUEUED')).toThrow(PhaseTransitionError);
    expect(NODE_PHASES.filter(isTerminalPhase)).toEqual(['READY', 'FAILED', 'CANCELLED', 'RELEASED']);
  });

  it('names the same phases, in the same order, as schema.prisma (pure domain cannot import it)', () => {
    expect([...NODE_PHASES]).toEqual(Object.values(NodePhase));
  });
});

describe('deadlines', () => {
  it('scale with deadlineScale and map to the documented timeout codes', () => {
    expect(phaseDeadlineMs('PROVISIONING', 1)).toBe(600_000);
    expect(phaseDeadlineMs('PROVISIONING', 0.01)).toBe(6_000);
    expect(phaseDeadlineMs('QUEUED', 1)).toBeNull();
    expect(msLeftInPhase('QUEUED', { phaseUsedMs: 0, phaseClockAt: new Date(0) }, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(msLeftInPhase('VALIDATING', { phaseUsedMs: 0, phaseClockAt: new Date(1_000) }, 1, 3_000)).toBe(58_000);
  });

  it('count only the time a worker held the job: a gap after the last renewal counts for at most one lease', () => {
    const clock = { phaseUsedMs: 20_000, phaseClockAt: new Date(100_000) };
    expect(phaseUsedMs(clock, 101_000)).toBe(21_000); // a holder between renewals
    expect(phaseUsedMs(clock, 100_000 + PHASE_CLOCK_LEASE_MS)).toBe(20_000 + PHASE_CLOCK_LEASE_MS);
    expect(phaseUsedMs(clock, 100_000 + 60 * 60_000)).toBe(20_000 + PHASE_CLOCK_LEASE_MS); // an hour with no worker
    expect(phaseUsedMs(clock, 99_000)).toBe(20_000); // a clock behind the renewal counts nothing
    expect(PHASE_CLOCK_LEASE_MS).toBeGreaterThan(PHASE_CLOCK_RENEW_MS);
    expect(msLeftInPhase('VALIDATING', clock, 1, 100_000 + 60 * 60_000)).toBe(VALIDATING_DEADLINE_MS - 20_000 - PHASE_CLOCK_LEASE_MS);
    expect(PHASE_TIMEOUT_CODES).toMatchObject({ PROVISIONING: 'NODE_BOOTSTRAP_TIMEOUT', WAITING_FOR_READINESS: 'NODE_READINESS_TIMEOUT', WAITING_FOR_SERVER: 'PROVIDER_TIMEOUT' });
    expect(timeoutError('PROVISIONING', 'NODE_BOOTSTRAP_TIMEOUT')).toMatchObject({ code: 'NODE_BOOTSTRAP_TIMEOUT', retryable: true, provider: null });
    expect(timeoutError('CREATING_SERVER', 'PROVIDER_TIMEOUT')).toMatchObject({ code: 'PROVIDER_TIMEOUT', retryable: true });
  });

  it('a job outlives every deadline at its scale', () => {
    const total = Object.values(PHASE_DEADLINES_MS).reduce((sum, ms) => sum + ms, 0);
    expect((nodeJobOptions('n', { deadlineScale: 3 }).expireInSeconds ?? 0) * 1000).toBeGreaterThan(total * 3);
    expect(heartbeatIntervalMs({ deadlineScale: 1 })).toBe(15_000);
    expect(heartbeatIntervalMs({ deadlineScale: 0.0001 })).toBe(100);
  });
});

describe('retry policy', () => {
  it('full jitter under a capped exponential step, never below Retry-After', () => {
    const policy = retryPolicy(1);
    expect(retryDelayMs(1, policy, { random: () => 1 })).toBe(500);
    expect(retryDelayMs(3, policy, { random: () => 1 })).toBe(2_000);
    expect(retryDelayMs(20, policy, { random: () => 1 })).toBe(RETRY_MAX_DELAY_MS);
    expect(retryDelayMs(4, policy, { random: () => 0 })).toBe(0);
    expect(retryDelayMs(1, policy, { random: () => 0, retryAfterMs: 1_200 })).toBe(1_200);
    expect(retryDelayMs(3, retryPolicy(0.1), { random: () => 1 })).toBe(200);
    expect(isTransient('PROVIDER_RATE_LIMITED')).toBe(true);
    expect(isTransient('PROVIDER_UNAVAILABLE')).toBe(true);
    expect(isTransient('PROVIDER_CAPACITY_UNAVAILABLE')).toBe(false);
    expect(isTransient('PROVIDER_AUTH_FAILED')).toBe(false);
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2_400)).toBe('2.4 s');
    expect(formatMs(65_000)).toBe('1 min 5 s');
  });
});

const CATALOG: ProviderCatalog = {
  locations: [
    { name: 'fsn1', description: 'Falkenstein', country: 'DE', city: 'Falkenstein' },
    { name: 'ash', description: 'Ashburn', country: 'US', city: 'Ashburn' },
  ],
  serverTypes: [
    { name: 'cx22', cores: 2, memoryGb: 4, diskGb: 40, architecture: 'x86', locations: ['fsn1'], deprecated: false, prices: [] },
    { name: 'cax11', cores: 2, memoryGb: 4, diskGb: 40, architecture: 'arm', locations: ['fsn1'], deprecated: false, prices: [] },
    { name: 'cx11', cores: 1, memoryGb: 2, diskGb: 20, architecture: 'x86', locations: [], deprecated: true, prices: [] },
  ],
  images: [
    { name: 'ubuntu-24.04', description: 'Ubuntu 24.04', architecture: 'x86' },
    { name: 'ubuntu-24.04', description: 'Ubuntu 24.04', architecture: 'arm' },
    { name: 'debian-12-x86-only', description: 'Debian 12', architecture: 'x86' },
  ],
};

describe('node spec', () => {
  it('names the field of the first problem', () => {
    expect(specProblem(CATALOG, { serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' })).toBeNull();
    expect(specProblem(CATALOG, { serverType: 'cax11', location: 'fsn1', image: 'ubuntu-24.04' })).toBeNull();
    expect(specProblem(CATALOG, { serverType: 'cx22', location: 'mars1', image: 'ubuntu-24.04' })).toMatchObject({ field: 'location', kind: 'unknown' });
    expect(specProblem(CATALOG, { serverType: 'cx99', location: 'fsn1', image: 'ubuntu-24.04' })).toMatchObject({ field: 'serverType', kind: 'unknown' });
    expect(specProblem(CATALOG, { serverType: 'cx22', location: 'ash', image: 'ubuntu-24.04' })).toMatchObject({ field: 'serverType', kind: 'unavailable' });
    expect(specProblem(CATALOG, { serverType: 'cx11', location: 'fsn1', image: 'ubuntu-24.04' })).toMatchObject({ field: 'serverType', kind: 'unavailable', message: expect.stringMatching(/deprecated/) });
    expect(specProblem(CATALOG, { serverType: 'cx22', location: 'fsn1', image: 'windows' })).toMatchObject({ field: 'image', kind: 'unknown' });
    const mismatch = specProblem(CATALOG, { serverType: 'cax11', location: 'fsn1', image: 'debian-12-x86-only' });
    expect(mismatch).toMatchObject({ field: 'image' });
    expect(mismatch?.message).toMatch(/x86.*arm/);
  });

  it('node names are RFC 1123 labels; labels follow Hetzner rules and keep hangar.dev/ for Hangar', () => {
    for (const good of ['a', 'web-1', '0', 'a'.repeat(63)]) expect(nodeNameProblem(good)).toBeNull();
    for (const bad of ['', '-a', 'a-', 'Web', 'a_b', 'a.b', 'a'.repeat(64), 'é']) expect(nodeNameProblem(bad)).not.toBeNull();
    expect(parseNodeLabels(undefined, hetzner)).toEqual({ labels: {} });
    expect(parseNodeLabels({ team: 'web', 'example.com/tier': '' }, hetzner)).toEqual({ labels: { team: 'web', 'example.com/tier': '' } });
    expect(parseNodeLabels(['x'], hetzner)).toHaveProperty('problem');
    expect(parseNodeLabels({ team: 1 }, hetzner)).toHaveProperty('problem');
    expect(parseNodeLabels({ 'hangar.dev/node-id': 'x' }, hetzner)).toHaveProperty('problem');
    expect(parseNodeLabels({ 'hetzner.cloud/x': 'y' }, hetzner)).toHaveProperty('problem');
    expect(parseNodeLabels({ 'bad key': 'y' }, hetzner)).toHaveProperty('problem');
    expect(parseNodeLabels({ team: '-bad' }, hetzner)).toHaveProperty('problem');
    // The GraphQL shape: a list of entries, each problem naming its entry, never repeating it.
    expect(parseNodeLabels([{ key: 'team', value: 'web' }], hetzner)).toEqual({ labels: { team: 'web' } });
    expect(parseNodeLabels([{ key: 'team', value: 'a' }, { key: 'team', value: 'b' }], hetzner)).toMatchObject({ field: 'labels.1.key' });
    const hostile = parseNodeLabels([{ key: 'ok', value: `v\u0000${'y'.repeat(100_000)}` }], hetzner);
    expect(hostile).toMatchObject({ field: 'labels.0.value' });
    expect(JSON.stringify(hostile)).not.toContain('yyyy');
  });
});

describe('server identity', () => {
  it('a deterministic name that stays a valid label, and labels naming node, organization, connection and attempt', () => {
    const node = { id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', name: 'web-1', organizationId: 'org', providerConnectionId: 'conn', attempt: 2 };
    expect(serverNameFor(node)).toBe('web-1-0f1e2d3c');
    const long = serverNameFor({ ...node, name: `${'a'.repeat(53)}-${'b'.repeat(9)}` });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(nodeNameProblem(long)).toBeNull();
    expect(hangarLabels(node)).toEqual({ 'hangar.dev/node-id': node.id, 'hangar.dev/organization-id': 'org', 'hangar.dev/connection-id': 'conn', 'hangar.dev/attempt': '2' });
    expect(attemptOf({ [ATTEMPT_LABEL]: '3' })).toBe(3);
    expect(attemptOf({})).toBeNull();
    expect(ipv6AddressOf('2001:db8:0:1267::/64')).toBe('2001:db8:0:1267::1');
    expect(ipv6AddressOf(null)).toBeNull();
  });
});

describe('bootstrap user data', () => {
  const userData = buildUserData({ apiUrl: 'http://127.0.0.1:4000/', registrationToken: `rt_${'x'.repeat(43)}`, metadata: HETZNER_METADATA });

  it('is a cloud-config with the bootstrap JSON on one line, found the way the machine finds it', () => {
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const matches = userData.match(/\{"hangarBootstrap":1,[^\n]*\}/g);
    expect(matches).toHaveLength(1);
    // The metadata service is the provider's (its profile), not a constant of core.
    expect(JSON.parse(matches?.[0] ?? '')).toEqual({
      hangarBootstrap: 1,
      apiUrl: 'http://127.0.0.1:4000',
      registrationToken: `rt_${'x'.repeat(43)}`,
      metadataUrl: HETZNER_METADATA.url,
      metadataPath: HETZNER_METADATA.path,
    });
    // Hetzner's user_data limit is 32 KiB; a user's own cloud-config shares it.
    expect(Buffer.byteLength(userData)).toBeLessThan(16 * 1024);
  });

  it('installs the agent file verbatim (one definition), its config 0600, and starts its unit', () => {
    const plan = readUserData(userData);
    const files = new Map(plan?.writeFiles.map((file) => [file.path, file]));
    expect(files.get(BOOTSTRAP_CONFIG_PATH)?.mode).toBe(0o600);
    expect(files.get(AGENT_INSTALL_PATH)?.content.toString('utf8')).toBe(readFileSync(AGENT_SCRIPT_URL, 'utf8'));
    // The script and the builder name the same config path (the script's is relative to HANGAR_ROOT).
    expect(readFileSync(AGENT_SCRIPT_URL, 'utf8')).toContain(`CONF="$ROOT${BOOTSTRAP_CONFIG_PATH}"`);
    expect(files.get(AGENT_UNIT_PATH)?.content.toString('utf8')).toContain(`ExecStart=${AGENT_INSTALL_PATH}`);
    expect(plan?.startedUnits).toEqual(['hangar-agent.service']);
  });

  it("passes cloud-init's own schema check (Debian's cloud-init)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hangar-user-data-'));
    try {
      const file = path.join(dir, 'user-data');
      writeFileSync(file, userData);
      const result = run('cloud-init', ['schema', '--config-file', file]);
      expect(result, result.output).toMatchObject({ status: 0 });
      expect(result.output).toContain('Valid cloud-config');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has an agent script that shellcheck finds clean (POSIX sh)', () => {
    const result = run('shellcheck', ['--shell=sh', '--severity=style', fileURLToPath(AGENT_SCRIPT_URL)]);
    expect(result, result.output).toMatchObject({ status: 0 });
  });
});

/** Runs a checker from Debian's packages; a missing one fails the test with the package to install. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} is required (apt-get install ${command === 'cloud-init' ? 'cloud-init' : 'shellcheck'}): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('NODE_* errors', () => {
  it('carry retryable and hint from the table, and docs/error-codes.md lists every code with the same text', () => {
    expect(nodeError('NODE_SERVER_LOST')).toMatchObject({ code: 'NODE_SERVER_LOST', retryable: true, hint: NODE_ERRORS.NODE_SERVER_LOST.hint, provider: null });
    const info = providerErrorInfo('PROVIDER_SERVER_ERROR', { providerCode: 'server_error' });
    expect(nodeErrorFromProvider(info, { code: 'PROVIDER_ACTION_FAILED' })).toMatchObject({ code: 'PROVIDER_ACTION_FAILED', retryable: true, provider: info });

    const doc = readFileSync(new URL('../../../docs/error-codes.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Node errors'));
    expect(section.length).toBeGreaterThan(0);
    const rows = new Map<string, string[]>();
    for (const [, code, rest] of section.matchAll(/^\| `(NODE_[A-Z_]+)` \|(.*)\|$/gm)) rows.set(code as string, (rest as string).split(' | ').map((cell) => cell.trim()));
    expect([...rows.keys()]).toEqual(NODE_ERROR_CODES);
    for (const code of NODE_ERROR_CODES) {
      const [retryable, meaning, hint] = rows.get(code) ?? [];
      expect(retryable).toBe(NODE_ERRORS[code].retryable ? 'yes' : 'no');
      expect(meaning).toBe(NODE_ERRORS[code].meaning);
      expect(hint).toBe(NODE_ERRORS[code].hint);
    }
  });
});
