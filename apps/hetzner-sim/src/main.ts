import { generateToken } from './projects.ts';
import { buildSimulator } from './simulator.ts';
import { isSpeedName } from './speed.ts';
import { isBootMode } from './state.ts';

/**
 * Runs the simulator alone: `npm run sim`.
 *   HANGAR_SIM_PORT   port (default 4010)
 *   HANGAR_SIM_SPEED  realistic | fast | instant (default realistic)
 *   HANGAR_SIM_SEED   integer seed (default 1)
 *   HANGAR_SIM_HOST   interface (default 127.0.0.1)
 *   HANGAR_SIM_PROJECT  if set, create a project of this name at start and print its tokens
 *   HANGAR_SIM_BOOT   simulated | script: who plays a booting machine (default simulated)
 */
const DEFAULT_PORT = 4010;
const DEFAULT_SEED = 1;

function readInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

const speed = process.env.HANGAR_SIM_SPEED ?? 'realistic';
if (!isSpeedName(speed)) {
  console.error(`HANGAR_SIM_SPEED must be realistic, fast or instant, got '${speed}'`);
  process.exit(2);
}
const boot = process.env.HANGAR_SIM_BOOT || 'simulated';
if (!isBootMode(boot)) {
  console.error(`HANGAR_SIM_BOOT must be simulated or script, got '${boot}'`);
  process.exit(2);
}
const projectName = process.env.HANGAR_SIM_PROJECT;
const project = projectName ? { name: projectName, token: generateToken(), readOnlyToken: generateToken() } : undefined;
const simulator = buildSimulator({
  port: readInt('HANGAR_SIM_PORT', DEFAULT_PORT),
  speed,
  seed: readInt('HANGAR_SIM_SEED', DEFAULT_SEED),
  host: process.env.HANGAR_SIM_HOST,
  project,
  boot,
});

await simulator.start();
console.log(`hetzner-sim listening on ${simulator.url} (speed ${speed}, boot ${boot}); API ${simulator.url}/v1, admin ${simulator.url}/_sim`);
if (project) {
  console.log(`project '${project.name}': HCLOUD_TOKEN=${project.token} (read-only: ${project.readOnlyToken})`);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`hetzner-sim: ${signal}, stopping`);
  await simulator.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
