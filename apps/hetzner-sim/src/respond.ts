import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.ts';

/**
 * Reading requests and writing answers. Handlers return a Reply; only this module touches the
 * response object, so headers like X-Correlation-Id cannot be forgotten on some path.
 */
export interface Reply {
  status: number;
  /** undefined = no body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Request bodies above this are refused (Hetzner's largest field, user_data, is 32 KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/json';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('json_error', `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON request body; anything unparsable is Hetzner's 400 json_error. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new ApiError('json_error', 'request body is empty, expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('json_error', `invalid JSON: ${(error as Error).message}`);
  }
}

export function errorReply(error: ApiError, headers?: Record<string, string>): Reply {
  return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } }, headers };
}

export function send(res: ServerResponse, reply: Reply, baseHeaders: Record<string, string>): void {
  const headers: Record<string, string | number> = { ...baseHeaders, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  // Encode once: the length and the bytes sent come from the same buffer.
  const payload = Buffer.from(JSON.stringify(reply.body));
  headers['Content-Type'] = JSON_CONTENT_TYPE;
  headers['Content-Length'] = payload.length;
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** A raw answer for faults that must not look like the API (text/html 502, broken JSON). */
export function sendRaw(res: ServerResponse, status: number, contentType: string, text: string, baseHeaders: Record<string, string>): void {
  res.writeHead(status, { ...baseHeaders, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
