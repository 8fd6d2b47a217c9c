/**
 * GraphQL POST load, run as a child process so it does not share an event loop with the server
 * under test: `node graphql-driver.ts <url> <requests> <concurrency> <token> <body-json>`.
 * Keep-alive connections, a bounded number of requests, `concurrency` in flight; a response
 * counts as failed unless it is 200 with `data` and no `errors`. Prints one JSON line:
 * {"requests","failures","ms","rps","p50","p99"} (latencies in ms).
 */
import http from 'node:http';

const [url = '', requestsArg = '1000', concurrencyArg = '1', token = '', body = '{}'] = process.argv.slice(2);
const REQUESTS = Number(requestsArg);
const CONCURRENCY = Number(concurrencyArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) };
const latencies: number[] = [];
let firstFailure = '';

function once(): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(`${url}/graphql`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => {
        latencies.push(performance.now() - started);
        const ok = res.statusCode === 200 && text.includes('"data"') && !text.includes('"errors"');
        if (!ok && !firstFailure) firstFailure = text.slice(0, 300);
        resolve(ok);
      });
    });
    req.on('error', (error) => { firstFailure ||= error.message; resolve(false); });
    req.end(body);
  });
}

let issued = 0;
let failures = 0;
async function worker(): Promise<void> {
  while (issued < REQUESTS) {
    issued++;
    if (!(await once())) failures++;
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const ms = performance.now() - started;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN) * 100) / 100;
console.log(JSON.stringify({ requests: REQUESTS, failures, firstFailure, ms: Math.round(ms), rps: Math.round((REQUESTS / ms) * 1000), p50: at(50), p99: at(99) }));
