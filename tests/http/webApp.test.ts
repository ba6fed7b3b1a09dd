import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/appDeps.js';
import { serveWebApp, WEB_APP_CSP } from '../../src/http/webApp.js';

const dir = mkdtempSync(join(tmpdir(), 'webapp-'));
mkdirSync(join(dir, 'assets'));
const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-AbCd1234.js"></script></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;
writeFileSync(join(dir, 'index.html'), INDEX);
writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), SCRIPT);
writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(join(tmpdir(), 'webapp-secret.txt'), 'outside');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The middleware in front of a stand-in API, as createApp mounts it. */
function appWith(webDir: string) {
  const app = new Hono<AppEnv>();
  app.use(serveWebApp(webDir));
  app.get('/api/ping', (c) => c.json({ ok: true }));
  app.notFound((c) => c.json({ code: 'not_found' }, 404));
  return app;
}
const app = appWith(dir);

describe('the web app served at /', () => {
  it('answers / and any app path with index.html, revalidated on every visit, under the app CSP', async () => {
    for (const path of ['/', '/events/0d7c8a2e-4d7e-4a55-9a55-2f0b2a3f4a11', '/orders', '/login?next=/admin']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
      expect(await res.text()).toBe(INDEX);
    }
    expect(WEB_APP_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  it('serves hashed assets for a year, gzipped when asked, and other files revalidated', async () => {
    const plain = await app.request('/assets/index-AbCd1234.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await plain.text()).toBe(SCRIPT);
    const zipped = await app.request('/assets/index-AbCd1234.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(SCRIPT);
    const icon = await app.request('/favicon.svg');
    expect([icon.status, icon.headers.get('content-type'), icon.headers.get('cache-control')]).toEqual([
      200,
      'image/svg+xml',
      'no-cache',
    ]);
    const head = await app.request('/assets/index-AbCd1234.js', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('leaves the API, missing files, writes and paths outside the build alone', async () => {
    expect(await (await app.request('/api/ping')).json()).toEqual({ ok: true });
    for (const path of [
      '/api/nothing',
      '/metrics',
      '/openapi.json',
      '/docs',
      '/healthz',
      '/readyz',
      '/assets/gone-12345678.js',
      '/robots.txt',
      '/..%2Fwebapp-secret.txt',
      '/%2e%2e/webapp-secret.txt',
    ]) {
      const res = await app.request(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });

  it('says so in words when the app has not been built', async () => {
    const res = await appWith(join(dir, 'missing')).request('/events');
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/not built yet: run `npm run web:build`/);
  });
});
