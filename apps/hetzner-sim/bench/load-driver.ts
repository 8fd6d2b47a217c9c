import http from 'node:http';

/**
 * Load generator, run as a child process so it does not share an event loop with the server
 * under test: `node load-driver.ts <url> <requests> <concurrency> [bearer-token]`. Keep-alive
 * connections, a bounded number of requests, `concurrency` in flight. Prints one JSON line:
 * {"requests","failures","ms","rps"}.
 */
const [url = '', requestsArg = '20000', concurrencyArg = '32', token] = process.argv.slice(2);
const REQUESTS = Number(requestsArg);
const CONCURRENCY = Number(concurrencyArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const headers = token ? { Authorization: `Bearer ${token}` } : {};

function once(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
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
console.log(JSON.stringify({ requests: REQUESTS, failures, ms: Math.round(ms), rps: Math.round((REQUESTS / ms) * 1000) }));
