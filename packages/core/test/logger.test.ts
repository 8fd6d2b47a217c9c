import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

describe('logger', () => {
  it('logs a thrown plain object (as pg-boss emits) with its message and code, not [object Object]', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } }) });
    log.error({ err: { message: 'queue node_provision does not exist', code: 'QUEUE_MISSING' } }, 'pg-boss error');
    log.error({ err: { detail: 'no message here' } }, 'pg-boss error');
    const [first, second] = lines.map((line) => JSON.parse(line) as { err: Record<string, unknown> });
    expect(first!.err).toMatchObject({ message: 'queue node_provision does not exist', code: 'QUEUE_MISSING' });
    expect(second!.err.message).toBe('{"detail":"no message here"}');
    expect(lines.join('')).not.toContain('[object Object]');
  });
});
