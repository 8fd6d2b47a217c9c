import pino, { type Logger } from 'pino';
import { noteText, secretRegistry } from '@hangar/domain/secret-registry';

export type { Logger } from 'pino';

/**
 * Paths pino blanks in every log line. Secrets should never reach a logger at all; this is
 * the second line of defence.
 */
const REDACTED_PATHS = [
  'authorization', 'token', 'password', 'secret',
  '*.authorization', '*.token', '*.password', '*.secret', '*.apiToken', '*.registrationToken', '*.nodeCredential',
  'req.headers.authorization', 'headers.authorization',
];

/** Longest message of a non-Error value logged as an error. */
const NON_ERROR_MESSAGE_MAX_CHARS = 500;

/**
 * Errors as type, message, code and stack only: driver errors carry whole clients otherwise.
 * A thrown non-Error (pg-boss emits plain objects) keeps its message and code, not "[object Object]".
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    if (typeof error !== 'object' || error === null) return { message: String(error) };
    const { message, code, name } = error as { message?: unknown; code?: unknown; name?: unknown };
    let text: string;
    try {
      text = typeof message === 'string' ? message : JSON.stringify(error);
    } catch {
      text = Object.prototype.toString.call(error);
    }
    return { type: typeof name === 'string' ? name : 'non-Error', message: text.slice(0, NON_ERROR_MESSAGE_MAX_CHARS), ...(code !== undefined ? { code } : {}) };
  }
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code !== undefined ? { code } : {}), stack: error.stack };
}

/**
 * JSON lines, or pretty lines on a terminal. `level` and `format` come from the launcher's
 * configuration (HANGAR_LOG_LEVEL, HANGAR_LOG_FORMAT; config.ts).
 */
export function createLogger(options: { level?: string; format?: 'json' | 'pretty'; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? 'info';
  const base = { level, name: options.name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { err: serializeError } };
  if (secretRegistry()) {
    // The test suite's secret scan is collecting: every line also goes to it (secret-registry.ts).
    const tap = { write: (line: string) => noteText('log', line) };
    return pino(base, pino.multistream([{ level: 'trace', stream: options.destination ?? pino.destination(1) }, { level: 'trace', stream: tap }]));
  }
  if (options.destination) return pino(base, options.destination);
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } } });
  }
  return pino(base);
}
