import { ERROR_HTTP_STATUS, invalidInput } from './errors.ts';
import { type Prng, createPrng, deriveSeed } from './prng.ts';
import type { ServerFaults } from './state.ts';
import { FieldErrors, isRecord } from './validate.ts';

/**
 * Fault rules: deterministic misbehaviour for tests. A rule matches requests by method, path
 * (glob or regex on the path WITHOUT the /v1 prefix; a glob may also be written with it) and
 * optionally project. Two kinds exist:
 *  - request rules act on the HTTP exchange: `delayMs`, and at most one of `error`, `drop`,
 *    `hang`, `malformedJson`, `badGateway`;
 *  - server rules shape the servers created by a matching request (default POST /servers,
 *    optionally only those named like `serverName`): `actionError`, `neverRunning`,
 *    `bootNeverPhonesHome`, `bootDelayMs`, `heartbeatStopsAfter`, `registerFails`.
 * A request rule on POST /servers may also name a `location`: it then applies only to creates
 * asking for that location (the body's `location`, or its `datacenter`'s location), which is how
 * a test makes one location refuse for capacity (`{"location":"fsn1","error":"resource_unavailable"}`).
 * `times` makes a rule expire after that many applications; `probability` applies it to that
 * share of matches, drawing from a PRNG seeded with the simulator's seed.
 */

const MAX_DELAY_MS = 600_000;
const TERMINAL_EFFECTS = ['error', 'drop', 'hang', 'malformedJson', 'badGateway'] as const;
const SERVER_EFFECTS = ['actionError', 'neverRunning', 'bootNeverPhonesHome', 'bootDelayMs', 'heartbeatStopsAfter', 'registerFails'] as const;
const API_PREFIX = '/v1';

export type TerminalEffect = (typeof TERMINAL_EFFECTS)[number];

export interface FaultRule {
  readonly id: number;
  readonly method: string;
  readonly path: string | null;
  readonly pathRegex: string | null;
  readonly projectId: number | null;
  readonly serverName: string | null;
  /** Request rules on POST /servers: only creates asking for this location (name). */
  readonly location: string | null;
  /** Applications left before the rule expires; null = unlimited. */
  times: number | null;
  readonly probability: number | null;
  hits: number;
  readonly delayMs: number | null;
  readonly error: { code: string; message: string; status: number } | null;
  readonly drop: boolean;
  readonly hang: boolean;
  readonly malformedJson: boolean;
  readonly badGateway: boolean;
  /** Perform the request (e.g. create the server) before answering with the fault. */
  readonly processRequest: boolean;
  readonly actionError: { atProgress: number; code: string; message: string } | null;
  readonly neverRunning: boolean;
  readonly bootNeverPhonesHome: boolean;
  readonly bootDelayMs: number | null;
  readonly heartbeatStopsAfter: number | null;
  readonly registerFails: boolean;
}

interface CompiledRule {
  rule: FaultRule;
  matchesPath: (path: string) => boolean;
  matchesServerName: (name: string) => boolean;
  isServerRule: boolean;
}

export interface FaultBook {
  add(input: unknown): FaultRule;
  list(): FaultRule[];
  remove(id: number): boolean;
  clear(): number;
  /**
   * The first request rule that applies to this request (consumes one of its `times`).
   * `location` is the location a POST /servers asks for (see placementOf), for rules naming one.
   */
  forRequest(method: string, path: string, projectId: number | null, location?: string | null): FaultRule | null;
  /** Whether a rule naming a location could apply here (the caller then reads the body for forRequest). */
  wantsLocation(method: string, path: string, projectId: number | null): boolean;
  /** Merges every server rule that applies to a server created by this request. */
  forServer(method: string, path: string, projectId: number, serverName: string): ServerFaults;
  /** Forget all rules and restart the PRNG and id sequence (POST /_sim/reset). */
  reset(): void;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function stripApiPrefix(path: string): string {
  if (path === API_PREFIX) return '/';
  return path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path;
}

function readNonNegativeInt(input: Record<string, unknown>, key: string, errors: FieldErrors, max = Number.MAX_SAFE_INTEGER): number | null {
  const value = input[key];
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) {
    errors.add(key, `must be an integer from 0 to ${max}`);
    return null;
  }
  return value as number;
}

function readFlag(input: Record<string, unknown>, key: string, errors: FieldErrors): boolean {
  const value = input[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') errors.add(key, 'must be a boolean');
  return value === true;
}

function readString(input: Record<string, unknown>, key: string, errors: FieldErrors): string | null {
  const value = input[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') {
    errors.add(key, 'must be a non-empty string');
    return null;
  }
  return value;
}

function readError(value: unknown, errors: FieldErrors): FaultRule['error'] {
  if (value === undefined || value === null) return null;
  const spec = typeof value === 'string' ? { code: value } : value;
  if (!isRecord(spec) || typeof spec.code !== 'string' || spec.code === '') {
    errors.add('error', 'must be a code or {code, message?, status?}');
    return null;
  }
  const status = spec.status ?? ERROR_HTTP_STATUS[spec.code];
  if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
    errors.add('error', `unknown code '${spec.code}': give a status (400-599)`);
    return null;
  }
  const message = typeof spec.message === 'string' ? spec.message : `simulated ${spec.code}`;
  return { code: spec.code, message, status: status as number };
}

function readActionError(value: unknown, errors: FieldErrors): FaultRule['actionError'] {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    errors.add('actionError', 'must be {atProgress, code, message}');
    return null;
  }
  const { atProgress, code, message } = value;
  if (!Number.isInteger(atProgress) || (atProgress as number) < 0 || (atProgress as number) > 100) {
    errors.add('actionError', 'atProgress must be an integer from 0 to 100');
  }
  if (typeof code !== 'string' || code === '') errors.add('actionError', 'code must be a non-empty string');
  if (errors.has('actionError')) return null;
  return {
    atProgress: atProgress as number,
    code: code as string,
    message: typeof message === 'string' ? message : `simulated ${code as string}`,
  };
}

function compile(input: unknown, id: number): CompiledRule {
  if (!isRecord(input)) throw invalidInput([{ name: 'rule', messages: ['must be a JSON object'] }]);
  const errors = new FieldErrors();
  const serverEffectsGiven = SERVER_EFFECTS.filter((key) => input[key] !== undefined && input[key] !== null && input[key] !== false);
  const terminalGiven = TERMINAL_EFFECTS.filter((key) => input[key] !== undefined && input[key] !== null && input[key] !== false);
  const isServerRule = serverEffectsGiven.length > 0;

  const methodRaw = readString(input, 'method', errors);
  const method = (methodRaw ?? (isServerRule ? 'POST' : '*')).toUpperCase();
  const pathGiven = readString(input, 'path', errors);
  const pathRegex = readString(input, 'pathRegex', errors);
  const path = pathGiven ?? (isServerRule && pathRegex === null ? '/servers' : null);
  let regex: RegExp | null = null;
  if (pathRegex !== null) {
    try {
      regex = new RegExp(pathRegex);
    } catch {
      errors.add('pathRegex', 'is not a valid regular expression');
    }
  }
  const projectId = readNonNegativeInt(input, 'projectId', errors);
  const serverName = readString(input, 'serverName', errors);
  const location = readString(input, 'location', errors);
  const times = readNonNegativeInt(input, 'times', errors);
  if (times === 0) errors.add('times', 'must be at least 1');
  let probability: number | null = null;
  if (input.probability !== undefined && input.probability !== null) {
    const p = input.probability;
    if (typeof p !== 'number' || !(p > 0 && p <= 1)) errors.add('probability', 'must be a number in (0, 1]');
    else probability = p;
  }

  const rule: FaultRule = {
    id,
    method,
    path: path === null ? null : stripApiPrefix(path),
    pathRegex,
    projectId,
    serverName,
    location,
    times,
    probability,
    hits: 0,
    delayMs: readNonNegativeInt(input, 'delayMs', errors, MAX_DELAY_MS),
    error: readError(input.error, errors),
    drop: readFlag(input, 'drop', errors),
    hang: readFlag(input, 'hang', errors),
    malformedJson: readFlag(input, 'malformedJson', errors),
    badGateway: readFlag(input, 'badGateway', errors),
    processRequest: readFlag(input, 'processRequest', errors),
    actionError: readActionError(input.actionError, errors),
    neverRunning: readFlag(input, 'neverRunning', errors),
    bootNeverPhonesHome: readFlag(input, 'bootNeverPhonesHome', errors),
    bootDelayMs: readNonNegativeInt(input, 'bootDelayMs', errors, MAX_DELAY_MS),
    heartbeatStopsAfter: readNonNegativeInt(input, 'heartbeatStopsAfter', errors),
    registerFails: readFlag(input, 'registerFails', errors),
  };

  if (terminalGiven.length > 1) errors.add('rule', `choose one of ${terminalGiven.join(', ')}`);
  if (isServerRule && (terminalGiven.length > 0 || rule.delayMs !== null)) {
    errors.add('rule', 'server faults (actionError, neverRunning, boot*) cannot be combined with request faults');
  }
  if (!isServerRule && terminalGiven.length === 0 && rule.delayMs === null) {
    errors.add('rule', `needs an effect: delayMs, ${TERMINAL_EFFECTS.join(', ')}, ${SERVER_EFFECTS.join(', ')}`);
  }
  if (serverName !== null && !isServerRule) errors.add('serverName', 'only applies to server faults');
  if (location !== null && (isServerRule || method !== 'POST' || rule.path !== '/servers')) {
    errors.add('location', 'only applies to request rules on POST /servers');
  }
  errors.throwIfAny();

  const glob = rule.path === null ? null : globToRegExp(rule.path);
  const nameGlob = serverName === null ? null : globToRegExp(serverName);
  return {
    rule,
    isServerRule,
    matchesPath: (p) => (glob === null || glob.test(p)) && (regex === null || regex.test(p)),
    matchesServerName: (name) => nameGlob === null || nameGlob.test(name),
  };
}

export function noServerFaults(): ServerFaults {
  return { actionError: null, neverRunning: false, bootNeverPhonesHome: false, bootDelayMs: null, heartbeatStopsAfter: null, registerFails: false, ruleIds: [] };
}

export function buildFaultBook(seed: number): FaultBook {
  let rules: CompiledRule[] = [];
  let nextRuleId = 1;
  let random: Prng = createPrng(deriveSeed(seed, 'faults'));

  const matches = (c: CompiledRule, method: string, path: string, projectId: number | null): boolean =>
    (c.rule.method === '*' || c.rule.method === method) &&
    c.matchesPath(stripApiPrefix(path)) &&
    (c.rule.projectId === null || c.rule.projectId === projectId);

  /** Decides by probability and books one application; the rule expires when its times run out. */
  const apply = (c: CompiledRule): boolean => {
    if (c.rule.probability !== null && random.next() >= c.rule.probability) return false;
    c.rule.hits++;
    if (c.rule.times !== null) {
      c.rule.times--;
      if (c.rule.times === 0) rules = rules.filter((other) => other !== c);
    }
    return true;
  };

  return {
    add(input) {
      const compiled = compile(input, nextRuleId);
      nextRuleId++;
      rules.push(compiled);
      return compiled.rule;
    },
    list: () => rules.map((c) => c.rule),
    remove(id) {
      const before = rules.length;
      rules = rules.filter((c) => c.rule.id !== id);
      return rules.length < before;
    },
    clear() {
      const count = rules.length;
      rules = [];
      return count;
    },
    forRequest(method, path, projectId, location = null) {
      if (rules.length === 0) return null;
      for (const c of rules) {
        if (c.isServerRule || !matches(c, method, path, projectId)) continue;
        if (c.rule.location !== null && c.rule.location !== location) continue;
        if (apply(c)) return c.rule;
      }
      return null;
    },
    wantsLocation(method, path, projectId) {
      return rules.some((c) => !c.isServerRule && c.rule.location !== null && matches(c, method, path, projectId));
    },
    forServer(method, path, projectId, serverName) {
      const faults = noServerFaults();
      for (const c of [...rules]) {
        if (!c.isServerRule || !matches(c, method, path, projectId) || !c.matchesServerName(serverName)) continue;
        if (!apply(c)) continue;
        const r = c.rule;
        faults.ruleIds.push(r.id);
        faults.neverRunning ||= r.neverRunning;
        faults.bootNeverPhonesHome ||= r.bootNeverPhonesHome;
        faults.registerFails ||= r.registerFails;
        faults.bootDelayMs = r.bootDelayMs ?? faults.bootDelayMs;
        faults.heartbeatStopsAfter = r.heartbeatStopsAfter ?? faults.heartbeatStopsAfter;
        faults.actionError = r.actionError ?? faults.actionError;
      }
      return faults;
    },
    reset() {
      rules = [];
      nextRuleId = 1;
      random = createPrng(deriveSeed(seed, 'faults'));
    },
  };
}

/**
 * The location name a POST /servers body asks for: its `location`, else the location of its
 * `datacenter` (names like "fsn1-dc14"), else null (unparsable bodies included: routing then
 * answers them as it always does).
 */
export function requestedLocation(bodyText: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  if (typeof body.location === 'string' && body.location !== '') return body.location;
  if (typeof body.datacenter === 'string') return /^([a-z0-9]+)-dc[0-9]+$/.exec(body.datacenter)?.[1] ?? null;
  return null;
}
