import { afterAll, describe, expect, it } from 'vitest';
import { WEB_CONFIG_PATH } from '../src/app.ts';
import { startTestApi, type TestApi } from './api-harness.ts';

// GET /web-config.json tells the web app what it cannot know by itself: the URL of the
// simulator this server runs (`npm start` passes it), or null when there is none.
const started: TestApi[] = [];
afterAll(async () => { await Promise.all(started.map((api) => api.stop())); });

async function webConfig(api: TestApi): Promise<{ status: number; body: unknown; cacheControl: string | null }> {
  const response = await fetch(`${api.app.url}${WEB_CONFIG_PATH}`);
  return { status: response.status, body: await response.json(), cacheControl: response.headers.get('cache-control') };
}

describe('GET /web-config.json', () => {
  it('names the simulator the server runs, on its real port, without a token', async () => {
    const api = await startTestApi({ app: { simulatorUrl: 'http://127.0.0.1:47123' } });
    started.push(api);
    expect(await webConfig(api)).toEqual({ status: 200, body: { simulatorApiUrl: 'http://127.0.0.1:47123/v1' }, cacheControl: 'no-store' });
  });

  it('says null when the server runs no simulator', async () => {
    const api = await startTestApi();
    started.push(api);
    expect((await webConfig(api)).body).toEqual({ simulatorApiUrl: null });
  });
});
