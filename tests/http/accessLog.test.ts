import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../src/http/appDeps.js';
import { AppError } from '../../src/http/errors.js';
import { edge } from '../../src/http/middleware/edge.js';
import { requestContext } from '../../src/http/middleware/requestContext.js';
import { createMetrics } from '../../src/infra/metrics.js';

/**
 * An app with the edge over its routes, its log lines kept as objects; its API gate refuses
 * /api/refused at once and /api/later after asking (a promise), as a rate limit does.
 */
function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = new Hono<AppEnv>();
  const tooMany = () => new AppError(429, 'rate_limited', 'Too many requests.');
  app.use(
    edge({
      context: requestContext({ log: pino({ level: 'info' }, sink), metrics: createMetrics() }),
      apiGate: (c) => {
        if (c.req.path === '/api/refused') throw tooMany();
        if (c.req.path === '/api/later') return Promise.reject(tooMany());
      },
      deadlineMs: 1_000,
      answerError: (err, c) =>
        err instanceof AppError
          ? c.json({ code: err.code }, err.status as ContentfulStatusCode)
          : c.json({ code: 'internal' }, 500),
    }),
  );
  app.get('/api/things/:id', (c) => c.json({ id: c.req.param('id') }, c.req.param('id') === 'gone' ? 404 : 200));
  app.post('/api/mine', (c) => {
    c.get('log').setUser('user-7');
    c.get('log').info({ event: 'thing_done', things: 2 });
    return c.body(null, 204);
  });
  return { app, lines };
}

describe('access log', () => {
  it('writes one line per request: method, route template, status, duration and request id', async () => {
    const { app, lines } = appWithLog();
    await app.request('/api/things/42', { headers: { 'x-request-id': 'req-1' } });
    await app.request('/api/things/gone');
    await app.request('/nowhere');
    const access = lines.filter((l) => l.event === 'http_request');
    expect(access).toHaveLength(3);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/api/things/:id', status: 200, requestId: 'req-1' });
    expect(access[1]).toMatchObject({ method: 'GET', route: '/api/things/:id', status: 404 });
    expect(access[2]).toMatchObject({ method: 'GET', route: 'unmatched', status: 404 });
    for (const line of access) {
      expect(typeof line.durationMs).toBe('number');
      expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
      expect(line.requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    }
  });

  it('writes the line of a request the API gate refused, with the status it was answered', async () => {
    const { app, lines } = appWithLog();
    for (const path of ['/api/refused', '/api/later']) {
      const res = await app.request(path, { headers: { 'x-request-id': `req${path.replace('/api/', '-')}` } });
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({ code: 'rate_limited' });
    }
    const access = lines.filter((l) => l.event === 'http_request');
    expect(access).toEqual([
      expect.objectContaining({ requestId: 'req-refused', route: 'unmatched', status: 429 }),
      expect.objectContaining({ requestId: 'req-later', route: 'unmatched', status: 429 }),
    ]);
  });

  it('carries the request id, and the user id once known, on every line of the request', async () => {
    const { app, lines } = appWithLog();
    await app.request('/api/mine', { method: 'POST', headers: { 'x-request-id': 'req-9' } });
    expect(lines.find((l) => l.event === 'thing_done')).toMatchObject({
      requestId: 'req-9',
      userId: 'user-7',
      things: 2,
    });
    expect(lines.find((l) => l.event === 'http_request')).toMatchObject({
      requestId: 'req-9',
      userId: 'user-7',
      status: 204,
    });
  });
});
