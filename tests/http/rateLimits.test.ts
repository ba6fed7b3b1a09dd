import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

let api: ApiFixture;
let proxied: ApiFixture;
let world: SeededEvent;
beforeAll(async () => {
  api = await startApi({ rateLimits: true });
  proxied = await startApi({ rateLimits: true, trustedProxies: ['127.0.0.1'] });
  world = await seedEvent(api.db.pool, api.fx.engine, { rows: 5, seatsPerRow: 10 });
});
afterAll(async () => {
  await api.close();
  await proxied.close();
});

/** Calls until the first 429; returns how many were let through and the 429. */
async function exhaust(next: () => Promise<Response>, most = 200) {
  for (let allowed = 0; allowed < most; allowed++) {
    const res = await next();
    if (res.status === 429) return { allowed, limited: res };
  }
  throw new Error('never limited');
}

describe('rate limits', () => {
  it('allow 100 requests a minute to an anonymous client, then 429 with Retry-After and RateLimit headers', async () => {
    const first = await api.call('GET', '/api/venues');
    expect(first.headers.get('ratelimit-limit')).toBe('100');
    expect(first.headers.get('ratelimit-remaining')).toBe('99');
    const { allowed, limited } = await exhaust(() => api.call('GET', '/api/venues'));
    expect(allowed).toBe(99);
    expect(await limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-content-type-options')).toBe('nosniff');
    // one request comes back every 600 ms
    api.fx.clock.advance(600);
    expect((await api.call('GET', '/api/venues')).status).toBe(200);
    expect((await api.call('GET', '/api/venues')).status).toBe(429);
    api.fx.clock.advance(60_000);
  });

  it('count each user separately, per endpoint class: 20 reserves, 5 checkouts a minute', async () => {
    const [a, b] = [await api.user(), await api.user()];
    let seat = 0;
    const reserveNext = (token: string) => () => {
      const seatId = world.seatIds[seat++ % world.seatIds.length];
      return api.call('POST', '/api/seats/reserve', { token, body: { eventId: world.eventId, seatIds: [seatId] } });
    };
    expect((await exhaust(reserveNext(a.token))).allowed).toBe(20);
    const other = await reserveNext(b.token)();
    expect(other.headers.get('ratelimit-limit')).toBe('20');
    expect(other.status).not.toBe(429);
    const checkout = () => api.call('POST', '/api/checkout', {
      token: a.token, body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_declined' } }, headers: { 'idempotency-key': `k${seat++}` },
    });
    expect((await exhaust(checkout)).allowed).toBe(5);
    // another class of the same user is untouched
    expect((await api.call('GET', '/api/orders', { token: a.token })).status).toBe(200);
  });

  it('limit logins before any password is checked: the 11th attempt is refused even with the right password', async () => {
    const email = `limited-${Date.now()}@example.test`;
    const reg = await proxied.call('POST', '/api/auth/register', {
      body: { email, password: 'right password', name: 'L' }, headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(reg.status).toBe(201);
    const login = (password: string) => proxied.call('POST', '/api/auth/login', {
      body: { email, password }, headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    for (let i = 0; i < 9; i++) expect((await login('wrong password')).status).toBe(401);
    const refused = await login('right password');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' });
  }, 30_000);

  it('believe X-Forwarded-For only from a trusted proxy', async () => {
    // untrusted peer: a forged header does not buy a fresh bucket
    const forged = (ip: string) => api.call('GET', '/api/events', { headers: { 'x-forwarded-for': ip } });
    api.fx.clock.advance(60_000);
    const { allowed } = await exhaust(() => forged(`198.51.100.${Math.floor(Math.random() * 250)}`));
    expect(allowed).toBe(100);
    // trusted proxy: each client address has its own bucket
    const viaProxy = (ip: string) => proxied.call('GET', '/api/events', { headers: { 'x-forwarded-for': `10.9.9.9, ${ip}` } });
    expect((await exhaust(() => viaProxy('198.51.100.1'))).allowed).toBe(100);
    expect((await viaProxy('198.51.100.2')).status).toBe(200);
  });

  it('let every limiter key expire', async () => {
    const keys = await api.fx.redis.keys(`${api.fx.prefix}rl:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await api.fx.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });
});
