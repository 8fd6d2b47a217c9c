import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type CloudInitPlan, execStartOf, readUserData } from './cloud-init.ts';
import type { BootRecord, Server } from './state.ts';

/**
 * The script boot mode's machine: the server's own user data, run for real. On first boot it
 * does what cloud-init would (write_files into a private root directory, then the services
 * runcmd starts, each unit's ExecStart under /bin/sh as a child process); on later power-ons
 * only the services start again (the root is the machine's disk: the agent's credential
 * survives). The child gets the sandbox through the agent's own overridable settings
 * (HANGAR_ROOT, HANGAR_METADATA_URL pointing at the simulator) and nothing of our environment.
 * A power-off or delete sends SIGTERM to the child's process group (SIGKILL after
 * AGENT_STOP_GRACE_MS); a delete or stopAll() also removes the root.
 *
 * Runs code taken from user data on this host: the simulator allows the mode on a loopback
 * address only.
 */
export const AGENT_STOP_GRACE_MS = 5_000;
/** How many of the agent's last log lines the boot record keeps, and how much of each. */
export const AGENT_LOG_LINES = 50;
export const AGENT_LOG_LINE_MAX_CHARS = 500;
const MACHINE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const UNIT_DIR = '/etc/systemd/system';
const SHELL = '/bin/sh';
const SH_SHEBANGS = new Set(['#!/bin/sh', '#!/usr/bin/env sh']);
/** The agent's informational lines; any other line is a problem worth showing as lastError. */
const INFO_LINES = [/^registering with Hangar/, /^registered as node/, /^registered already/, /^first heartbeat accepted/, /^heartbeats accepted again/, /^stopping \(SIG/];

/**
 * Every agent process of this Node process: if it exits without stop() (a crash, process.exit),
 * they are killed on the way out, so none outlives the simulator's process.
 */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const live of liveChildren) signalGroup(live, 'SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

export interface ScriptMachines {
  /** Boots the machine (first boot: installs the user data's files); resolves once its services run. */
  boot(server: Server): Promise<void>;
  /** Shuts the machine down (power-off); with `destroy` (delete) its disk goes too. */
  halt(server: Server, destroy: boolean): Promise<void>;
  /** Halts and destroys every machine. */
  stopAll(): Promise<void>;
}

interface Machine {
  root: string;
  /** The units runcmd started at first boot; started again at every power-on. */
  units: string[];
  /** Running service processes. */
  children: Set<ChildProcess>;
  exits: Set<Promise<void>>;
  /** A shutdown under way; a boot waits for it. */
  halting: Promise<void> | null;
}

export function buildScriptMachines(deps: { metadataUrl: (serverId: number) => string; retryBaseMs: number }): ScriptMachines {
  const machines = new Map<number, Machine>();
  let baseDir: string | null = null;

  async function install(server: Server, plan: CloudInitPlan): Promise<Machine> {
    baseDir ??= await mkdtemp(path.join(tmpdir(), 'hangar-sim-machines-'));
    const root = await mkdtemp(path.join(baseDir, `server-${server.id}-`));
    const machine: Machine = { root, units: plan.startedUnits, children: new Set(), exits: new Set(), halting: null };
    machines.set(server.id, machine);
    for (const file of plan.writeFiles) {
      const target = inRoot(root, file.path);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      if (file.append) await appendFile(target, file.content, { mode: file.mode });
      else await writeFile(target, file.content, { mode: file.mode });
      await chmod(target, file.mode);
    }
    return machine;
  }

  async function startUnit(server: Server, machine: Machine, unit: string): Promise<void> {
    const boot = server.boot;
    let unitFile: string;
    try {
      unitFile = await readFile(inRoot(machine.root, path.posix.join(UNIT_DIR, unit)), 'utf8');
    } catch {
      boot.lastError = `runcmd starts ${unit}, which write_files did not install`;
      return;
    }
    const command = execStartOf(unitFile);
    if (!command) {
      boot.lastError = `${unit} has no ExecStart`;
      return;
    }
    const [program = '', ...args] = command;
    const script = inRoot(machine.root, program);
    const firstLine = (await readFile(script, 'utf8').catch(() => '')).split('\n', 1)[0] ?? '';
    if (!SH_SHEBANGS.has(firstLine.trim())) {
      boot.lastError = `${unit} runs ${program}, which is not a ${SHELL} script`;
      return;
    }
    const child = spawn(SHELL, [script, ...args], {
      cwd: machine.root,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: MACHINE_PATH,
        LANG: 'C',
        HANGAR_ROOT: machine.root,
        HANGAR_METADATA_URL: deps.metadataUrl(server.id),
        HANGAR_AGENT_RETRY_BASE_MS: String(deps.retryBaseMs),
      },
    });
    machine.children.add(child);
    trackChild(child);
    boot.pid = child.pid ?? null;
    boot.state = 'registering';
    createInterface({ input: child.stderr }).on('line', (line) => record(boot, line));
    const exit = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        machine.children.delete(child);
        machine.exits.delete(exit);
        if (boot.pid === child.pid) boot.pid = null;
        // A signal is our shutdown; exit 0 is the agent stopping as told; anything else gave up.
        boot.state = signal !== null || code === 0 ? 'stopped' : 'gave_up';
        resolve();
      });
      child.once('error', (error) => {
        boot.lastError = `${unit} did not start: ${error.message}`;
      });
    });
    machine.exits.add(exit);
  }

  async function halt(serverId: number, destroy: boolean): Promise<void> {
    const machine = machines.get(serverId);
    if (!machine) return;
    const halting = shutDown(machine, serverId, destroy);
    machine.halting = halting;
    await halting;
    if (machine.halting === halting) machine.halting = null;
  }

  async function shutDown(machine: Machine, serverId: number, destroy: boolean): Promise<void> {
    for (const child of machine.children) signalGroup(child, 'SIGTERM');
    const exits = Promise.all(machine.exits);
    const grace = setTimeout(() => {
      for (const child of machine.children) signalGroup(child, 'SIGKILL');
    }, AGENT_STOP_GRACE_MS);
    await exits;
    clearTimeout(grace);
    if (destroy) {
      machines.delete(serverId);
      await rm(machine.root, { recursive: true, force: true });
    }
  }

  return {
    async boot(server) {
      let machine = machines.get(server.id);
      if (!machine) {
        const plan = server.userData === null ? null : readUserData(server.userData);
        if (!plan) {
          server.boot.state = 'none';
          server.boot.lastError = 'user data is not a cloud-config the simulator can read';
          return;
        }
        machine = await install(server, plan);
      }
      await machine.halting;
      if (machine.children.size > 0 || !machines.has(server.id)) return;
      for (const unit of machine.units) await startUnit(server, machine, unit);
    },
    halt: (server, destroy) => halt(server.id, destroy),
    async stopAll() {
      await Promise.all([...machines.keys()].map((id) => halt(id, true)));
      if (baseDir !== null && machines.size === 0) {
        await rm(baseDir, { recursive: true, force: true });
        baseDir = null;
      }
    },
  };
}

/** `file` (absolute, on the machine) inside the machine's root; never outside it. */
function inRoot(root: string, file: string): string {
  const target = path.resolve(root, `.${path.posix.normalize(`/${file}`)}`);
  if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`path ${file} leaves the machine's root`);
  return target;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** One line of the agent's log into the boot record. */
function record(boot: BootRecord, fullLine: string): void {
  const line = fullLine.slice(0, AGENT_LOG_LINE_MAX_CHARS);
  boot.log.push(line);
  if (boot.log.length > AGENT_LOG_LINES) boot.log.splice(0, boot.log.length - AGENT_LOG_LINES);
  const text = line.replace(/^hangar-agent: /, '');
  const attempt = /^registering with Hangar \(attempt (\d+)\)/.exec(text);
  if (attempt) {
    boot.state = 'registering';
    boot.registerAttempts = Number(attempt[1]);
    return;
  }
  const registered = /^registered as node ([A-Za-z0-9-]*);/.exec(text);
  if (registered) {
    boot.nodeId = registered[1] || null;
    boot.state = 'heartbeating';
    return;
  }
  if (text.startsWith('registered already')) {
    boot.state = 'heartbeating';
    return;
  }
  if (!INFO_LINES.some((info) => info.test(text))) boot.lastError = text.replace(/^warning: /, '');
}
