import { type ApiRoute, type SimDeps } from '../context.ts';
import { toRfc3339 } from '../clock.ts';
import { ApiError } from '../errors.ts';
import { isGone } from '../lifecycle.ts';
import { type ResourceKind, createRoute, resourceRoutes } from '../project-resource.ts';
import { type Firewall, type FirewallRule, type SimState } from '../state.ts';
import { FieldErrors, isRecord } from '../validate.ts';

/**
 * Firewalls: list/create/get/update/delete. Rules are checked as the spec describes them; a
 * firewall applies to the servers created with it (POST /servers `firewalls`), shown in
 * `applied_to`. apply_to at create and the rule/apply actions are not simulated.
 */

const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'gre']);
const PORTED = new Set(['tcp', 'udp']);
const PORT = /^(\d{1,5})(-(\d{1,5}))?$|^any$/;
const MAX_CIDRS = 100;
const MAX_DESCRIPTION = 255;
const CIDR = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

function readIps(value: unknown, field: string, errors: FieldErrors): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((ip) => typeof ip !== 'string' || !CIDR.test(ip))) {
    errors.add(field, 'must be an array of CIDR blocks');
    return [];
  }
  if (value.length > MAX_CIDRS) errors.add(field, `at most ${MAX_CIDRS} CIDR blocks`);
  return value as string[];
}

function readRule(value: unknown, field: string, errors: FieldErrors): FirewallRule | null {
  if (!isRecord(value)) {
    errors.add(field, 'must be an object');
    return null;
  }
  const { direction, protocol, port, description } = value;
  if (direction !== 'in' && direction !== 'out') errors.add(`${field}.direction`, 'must be in or out');
  if (typeof protocol !== 'string' || !PROTOCOLS.has(protocol)) errors.add(`${field}.protocol`, 'must be one of tcp, udp, icmp, esp, gre');
  const ported = typeof protocol === 'string' && PORTED.has(protocol);
  if (ported && (typeof port !== 'string' || !PORT.test(port))) errors.add(`${field}.port`, 'is required for tcp and udp (a port, a range a-b, or any)');
  if (!ported && port !== undefined && port !== null) errors.add(`${field}.port`, 'is only allowed for tcp and udp');
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > MAX_DESCRIPTION)) {
    errors.add(`${field}.description`, `must be a string of at most ${MAX_DESCRIPTION} characters`);
  }
  const sourceIps = readIps(value.source_ips, `${field}.source_ips`, errors);
  const destinationIps = readIps(value.destination_ips, `${field}.destination_ips`, errors);
  if (direction === 'in' && sourceIps.length === 0) errors.add(`${field}.source_ips`, 'is required for direction in');
  if (direction === 'out' && destinationIps.length === 0) errors.add(`${field}.destination_ips`, 'is required for direction out');
  if ((direction !== 'in' && direction !== 'out') || typeof protocol !== 'string' || !PROTOCOLS.has(protocol)) return null;
  return {
    direction,
    protocol: protocol as FirewallRule['protocol'],
    port: ported && typeof port === 'string' ? port : null,
    sourceIps: direction === 'in' ? sourceIps : [],
    destinationIps: direction === 'out' ? destinationIps : [],
    description: typeof description === 'string' ? description : null,
  };
}

function appliedServerIds(state: SimState, firewall: Firewall, now: number): number[] {
  return [...state.servers.values()].filter((s) => !isGone(s, now) && s.firewallIds.includes(firewall.id)).map((s) => s.id);
}

export function renderFirewall(state: SimState, firewall: Firewall, now: number): unknown {
  return {
    id: firewall.id,
    name: firewall.name,
    labels: { ...firewall.labels },
    created: toRfc3339(firewall.createdMs),
    rules: firewall.rules.map((r) => ({
      description: r.description,
      direction: r.direction,
      source_ips: r.sourceIps,
      destination_ips: r.destinationIps,
      protocol: r.protocol,
      port: r.port,
    })),
    applied_to: appliedServerIds(state, firewall, now).map((id) => ({ type: 'server', server: { id } })),
  };
}

/** A firewall's own create fields: its rules; apply_to is refused (not simulated). */
function readFirewallFields(body: Record<string, unknown>, errors: FieldErrors): Pick<Firewall, 'rules'> {
  const rules: FirewallRule[] = [];
  if (body.rules !== undefined && body.rules !== null) {
    if (!Array.isArray(body.rules)) errors.add('rules', 'must be an array');
    else body.rules.forEach((raw, i) => {
      const rule = readRule(raw, `rules.${i}`, errors);
      if (rule) rules.push(rule);
    });
  }
  if (Array.isArray(body.apply_to) && body.apply_to.length > 0) errors.add('apply_to', 'applying at create is not simulated: apply the firewall when creating the server');
  return { rules };
}

export function firewallRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const kind: ResourceKind<Firewall> = {
    plural: 'firewalls',
    singular: 'firewall',
    title: 'Firewall',
    store: state.firewalls,
    render: (firewall, req) => renderFirewall(state, firewall, req.now),
    assertDeletable: (firewall, req) => {
      // The spec's one operation-specific error of DELETE /firewalls/{id}.
      if (appliedServerIds(state, firewall, req.now).length > 0) throw new ApiError('resource_in_use', 'firewall is still applied to servers; remove it from them first');
    },
  };
  return [
    ...resourceRoutes(kind),
    // Create answers the actions of apply_to; with nothing applied at create there are none.
    createRoute(state, kind, { idCounter: 'firewall', read: readFirewallFields, replyExtras: { actions: [] } }),
  ];
}
