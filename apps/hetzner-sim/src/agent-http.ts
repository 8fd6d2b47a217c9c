import http from 'node:http';
import https from 'node:https';

/**
 * The simulated machine's HTTP client: one POST with a JSON body, no connection pooling (so no
 * idle sockets outlive the simulator), a timeout, and an abort signal for stop().
 */
export interface AgentResponse {
  status: number;
  body: unknown;
}

export function postJson(url: string, payload: unknown, headers: Record<string, string>, signal: AbortSignal, timeoutMs: number): Promise<AgentResponse> {
  const data = JSON.stringify(payload);
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), 'User-Agent': 'hangar-sim-machine/1', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? null : JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}
