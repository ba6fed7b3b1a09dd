import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/http/securityHeaders.js';
import { WEB_APP_CSP } from '../../src/http/webApp.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

let api: ApiFixture;
let world: SeededEvent;
beforeAll(async () => {
  api = await startApi();
  world = await seedEvent(api.db.pool, api.fx.engine);
});
afterAll(() => api.close());

/** Each security header, once, with the contract's value unless the answer's own is named. */
function expectSecured(res: Response, own: Record<string, string> = {}) {
  for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...own }))
    expect(res.headers.get(name), name).toBe(value);
}

describe('security headers and the request id, written by the server on every answer', () => {
  it('a plain answer: all of them, and the request id echoed when sane, made up when not', async () => {
    const sane = await api.call('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expectSecured(sane);
    expect(sane.headers.get('x-request-id')).toBe('abc-123');
    const insane = await api.call('GET', '/healthz', { headers: { 'x-request-id': 'has spaces' } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an answer with headers of its own keeps its own values, once each (200 and 304)', async () => {
    const path = `/api/events/${world.eventId}/availability`;
    const first = await api.call('GET', path);
    expect(first.status).toBe(200);
    expectSecured(first, { 'Cache-Control': 'no-cache' });
    const etag = first.headers.get('etag')!;
    const again = await api.call('GET', path, { headers: { 'if-none-match': etag } });
    expect([again.status, again.headers.get('etag')]).toEqual([304, etag]);
    expectSecured(again, { 'Cache-Control': 'no-cache' });
    expect(again.headers.get('x-request-id')).toBeTruthy();
  });

  it('the web app page keeps its own policy; problems and streams carry them too', async () => {
    const page = await api.call('GET', '/');
    expect(page.status).toBe(200); // npm test builds the web app first
    expectSecured(page, { 'Content-Security-Policy': WEB_APP_CSP, 'Cache-Control': 'no-cache' });
    const problem = await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000');
    expect(problem.status).toBe(404);
    expectSecured(problem);
    const controller = new AbortController();
    const stream = await fetch(`${api.url}/api/events/${world.eventId}/live`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expectSecured(stream);
    expect(stream.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    controller.abort();
    // The stream writes its own head, with the request id: it goes out once.
    const named = new AbortController();
    const echoed = await fetch(`${api.url}/api/events/${world.eventId}/live`, {
      signal: named.signal,
      headers: { 'x-request-id': 'stream-1' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('stream-1');
    named.abort();
  });
});
