import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';

/**
 * What cloud-init would do with a server's user data, as far as the script boot mode plays it:
 * the files of `write_files` and the systemd services `runcmd` starts. A cloud-config document
 * (`#cloud-config`) or a MIME multipart one (its `text/cloud-config` parts, merged the way
 * cloud-init merges parts by default: a later part's top-level key replaces an earlier one's,
 * unless the part asks for `list(append)` in `merge_how`). Other part types (shell scripts,
 * boothooks) are not run: the simulator runs only the services the cloud-config starts.
 */
export interface WriteFile {
  /** Absolute path on the machine. */
  path: string;
  content: Buffer;
  /** File mode (cloud-init's default is 0644). */
  mode: number;
  append: boolean;
}

export interface CloudInitPlan {
  writeFiles: WriteFile[];
  /** Units started by `systemctl start|restart|enable --now UNIT` in runcmd, in order. */
  startedUnits: string[];
}

const DEFAULT_FILE_MODE = 0o644;
const MULTIPART_HEADER = /^content-type:\s*multipart\//im;

type CloudConfig = Record<string, unknown>;

/** Reads user data into the plan; null when it holds no cloud-config (or one that does not parse). */
export function readUserData(userData: string): CloudInitPlan | null {
  const configs = cloudConfigsOf(userData);
  if (configs.length === 0) return null;
  let merged: CloudConfig = {};
  for (const config of configs) merged = mergePart(merged, config);
  try {
    return { writeFiles: readWriteFiles(merged.write_files), startedUnits: readStartedUnits(merged.runcmd) };
  } catch {
    return null;
  }
}

/**
 * The parts of user data as digests (a MIME multipart document's parts, or the whole document as
 * one): what tests compare, since the text may hold a registration token.
 */
export function userDataDigests(userData: string): Array<{ type: string; bytes: number; sha256: string }> {
  const head = userData.slice(0, userData.search(/\r?\n\r?\n/) >>> 0);
  const parts = MULTIPART_HEADER.test(head)
    ? multipartParts(userData)
    : [{ type: userData.startsWith('#cloud-config') ? 'text/cloud-config' : userData.startsWith('#!') ? 'text/x-shellscript' : 'text/plain', body: userData }];
  return parts.map((part) => ({ type: part.type, bytes: Buffer.byteLength(part.body), sha256: createHash('sha256').update(part.body).digest('hex') }));
}

function cloudConfigsOf(userData: string): CloudConfig[] {
  const head = userData.slice(0, userData.search(/\r?\n\r?\n/) >>> 0);
  if (MULTIPART_HEADER.test(head)) return multipartParts(userData).flatMap((part) => (part.type === 'text/cloud-config' ? parseCloudConfig(part.body) : []));
  return userData.startsWith('#cloud-config') ? parseCloudConfig(userData) : [];
}

function parseCloudConfig(text: string): CloudConfig[] {
  try {
    const parsed: unknown = parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? [parsed as CloudConfig] : [];
  } catch {
    return [];
  }
}

function mergePart(base: CloudConfig, part: CloudConfig): CloudConfig {
  const how = String(part.merge_how ?? part.merge_type ?? '');
  const append = /list\([^)]*append/.test(how);
  const merged: CloudConfig = { ...base };
  for (const [key, value] of Object.entries(part)) {
    const earlier = merged[key];
    merged[key] = append && Array.isArray(earlier) && Array.isArray(value) ? [...earlier, ...value] : value;
  }
  return merged;
}

interface Part {
  type: string;
  body: string;
}

/** The parts of a MIME multipart document (one level; base64 and 7/8bit transfer encodings). */
function multipartParts(text: string): Part[] {
  const { headers, body } = splitHeaders(text);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (boundary === undefined) return [];
  const parts: Part[] = [];
  const chunks = body.split(`--${boundary}`);
  // chunks[0] is the preamble; the part after the closing `--boundary--` starts with `--`.
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    const part = splitHeaders(chunk.replace(/^\r?\n/, ''));
    const type = (part.headers.get('content-type') ?? 'text/plain').split(';')[0]?.trim().toLowerCase() ?? '';
    const encoding = (part.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
    const raw = part.body.replace(/\r?\n$/, '');
    parts.push({ type, body: encoding === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw });
  }
  return parts;
}

function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const body = end ? text.slice(end.index + end[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function readWriteFiles(value: unknown): WriteFile[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error('write_files is not a list');
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) throw new Error('write_files entry is not a mapping');
    const { path, content, encoding, permissions, append } = entry as Record<string, unknown>;
    if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('write_files path must be absolute');
    return { path, content: decode(content ?? '', String(encoding ?? 'text')), mode: readMode(permissions), append: append === true };
  });
}

/** cloud-init's write_files encodings. */
function decode(content: unknown, encoding: string): Buffer {
  const text = typeof content === 'string' ? content : String(content);
  switch (encoding.toLowerCase()) {
    case 'b64':
    case 'base64':
      return Buffer.from(text, 'base64');
    case 'gz+b64':
    case 'gz+base64':
    case 'gzip+b64':
    case 'gzip+base64':
      return gunzipSync(Buffer.from(text, 'base64'));
    case 'text':
      return Buffer.from(text, 'utf8');
    default:
      throw new Error(`unsupported write_files encoding ${encoding}`);
  }
}

function readMode(permissions: unknown): number {
  if (permissions === undefined || permissions === null) return DEFAULT_FILE_MODE;
  // YAML reads an unquoted 0644 as the octal number 420.
  if (typeof permissions === 'number') return permissions;
  if (typeof permissions === 'string' && /^0?o?[0-7]{3,4}$/.test(permissions)) return Number.parseInt(permissions.replace(/^0?o?/, ''), 8);
  throw new Error('write_files permissions must be octal');
}

/** runcmd entries are argv lists or shell lines; only `systemctl` starting units counts. */
function readStartedUnits(runcmd: unknown): string[] {
  if (runcmd === undefined || runcmd === null) return [];
  if (!Array.isArray(runcmd)) throw new Error('runcmd is not a list');
  const units: string[] = [];
  for (const entry of runcmd as unknown[]) {
    const argv = Array.isArray(entry) ? entry.map(String) : typeof entry === 'string' ? entry.trim().split(/\s+/) : [];
    if (argv[0] !== 'systemctl' && argv[0] !== '/usr/bin/systemctl' && argv[0] !== '/bin/systemctl') continue;
    const words = argv.slice(1);
    const verb = words.find((word) => !word.startsWith('-'));
    const starts = verb === 'start' || verb === 'restart' || (verb === 'enable' && words.includes('--now'));
    if (!starts) continue;
    for (const unit of words.slice(words.indexOf(verb) + 1)) if (!unit.startsWith('-')) units.push(unit.includes('.') ? unit : `${unit}.service`);
  }
  return units;
}

/** The ExecStart command line of a systemd unit file, split into words; null when there is none. */
export function execStartOf(unitFile: string): string[] | null {
  const line = /^ExecStart=(.+)$/m.exec(unitFile)?.[1];
  if (line === undefined) return null;
  // Prefixes such as `-` (ignore failure) or `@` do not change what runs here.
  const words = line.trim().replace(/^[-@:+!]+/, '').split(/\s+/);
  return words.length > 0 && words[0] !== '' ? words : null;
}
