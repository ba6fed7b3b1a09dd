import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { rawState } from '../support/rawState.js';
import { seedEvent, type SeededEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

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
    const checkout = () =>
      api.call('POST', '/api/checkout', {
        token: a.token,
        body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_declined' } },
        headers: { 'idempotency-key': `k${seat++}` },
      });
    expect((await exhaust(checkout)).allowed).toBe(5);
    // another class of the same user is untouched
    expect((await api.call('GET', '/api/orders', { token: a.token })).status).toBe(200);
  });

  it('limit logins before any password is checked: the 11th attempt is refused even with the right password', async () => {
    const email = `limited-${Date.now()}@example.test`;
    const reg = await proxied.call('POST', '/api/auth/register', {
      body: { email, password: 'right password', name: 'L' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(reg.status).toBe(201);
    const login = (password: string) =>
      proxied.call('POST', '/api/auth/login', {
        body: { email, password },
        headers: { 'x-forwarded-for': '203.0.113.9' },
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
    const viaProxy = (ip: string) =>
      proxied.call('GET', '/api/events', { headers: { 'x-forwarded-for': `10.9.9.9, ${ip}` } });
    expect((await exhaust(() => viaProxy('198.51.100.1'))).allowed).toBe(100);
    expect((await viaProxy('198.51.100.2')).status).toBe(200);
  });

  it("let every limiter key expire, the middleware's and those under an event's tag", async () => {
    const keys = await api.fx.redis.keys(`${api.fx.prefix}*rl:*`);
    expect(keys.some((k) => k.startsWith(`${api.fx.prefix}rl:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${api.fx.prefix}{e:`))).toBe(true);
    for (const key of keys) {
      const ttl = await api.fx.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });
});

describe("rate limits counted by the operation's own script (one round trip), per user per event", () => {
  const limiterOf = (eventId: string, endpointClass: string, userId: string) =>
    api.fx.engine.keys(eventId)!.rateLimit(endpointClass, userId);

  it('reserve: 20 a minute; the 21st is a 429 with Retry-After and RateLimit headers that changes nothing; another event has its own count', async () => {
    const [event, other] = [await seedEvent(api.db.pool, api.fx.engine), await seedEvent(api.db.pool, api.fx.engine)];
    const buyer = await api.user();
    const reserve = (e: SeededEvent, seat: number) =>
      api.call('POST', '/api/seats/reserve', {
        token: buyer.token,
        body: { eventId: e.eventId, seatIds: [e.seatIds[seat]] },
      });
    // the first takes seat 0, the next 19 ask for it again (no change, still counted)
    for (let i = 0; i < 20; i++) {
      const res = await reserve(event, 0);
      expect(res.status).toBe(201);
      expect(res.headers.get('ratelimit-limit')).toBe('20');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(19 - i));
    }
    const limiter = limiterOf(event.eventId, 'reserve', buyer.id);
    expect(limiter).toContain(`{e:${event.eventId}}`);
    const [before, counted] = [await rawState(api.fx, event.eventId), await api.fx.redis.get(limiter)];

    const refused = await reserve(event, 1);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(refused.headers.get('ratelimit-limit')).toBe('20');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // seat 1 was free and stays free; the limiter itself did not move
    expect(await rawState(api.fx, event.eventId)).toEqual(before);
    expect(await api.fx.redis.get(limiter)).toBe(counted);
    const ttl = await api.fx.redis.pttl(limiter);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(63_000);

    const elsewhere = await reserve(other, 0);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers.get('ratelimit-remaining')).toBe('19');
    // one request comes back every 3 s
    api.fx.clock.advance(3_000);
    expect((await reserve(event, 1)).status).toBe(201);
    expect((await reserve(event, 2)).status).toBe(429);
  });

  it('checkout: 5 a minute, counted by its first engine call; the 6th is a 429 that keeps nothing, so its Idempotency-Key works later', async () => {
    const event = await seedEvent(api.db.pool, api.fx.engine);
    const buyer = await api.user();
    expect(
      (
        await api.call('POST', '/api/seats/reserve', {
          token: buyer.token,
          body: { eventId: event.eventId, seatIds: [event.seatIds[0]] },
        })
      ).status,
    ).toBe(201);
    const checkout = (key: string, token: string) =>
      api.call('POST', '/api/checkout', {
        token: buyer.token,
        body: { eventId: event.eventId, payment: { method: 'card', token } },
        headers: { 'idempotency-key': key },
      });
    for (let i = 0; i < 5; i++) {
      const declined = await checkout(`declined-${i}`, 'tok_declined');
      expect(declined.status).toBe(402);
      expect(declined.headers.get('ratelimit-remaining')).toBe(String(4 - i));
    }
    const before = await rawState(api.fx, event.eventId);
    const refused = await checkout('buy', 'tok_visa');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    expect(await rawState(api.fx, event.eventId)).toEqual(before);
    expect(await api.fx.redis.get(limiterOf(event.eventId, 'checkout', buyer.id))).not.toBeNull();

    api.fx.clock.advance(12_000);
    const bought = await checkout('buy', 'tok_visa');
    expect(bought.status).toBe(201);
    expect(bought.headers.get('idempotent-replayed')).toBeNull();
  });

  it('queue join (5 a minute) and position (the default 100) are counted by their scripts', async () => {
    const event = await seedEvent(api.db.pool, api.fx.engine, { highDemand: true });
    const buyer = await api.user();
    const join = () => api.call('POST', `/api/queue/${event.eventId}/join`, { token: buyer.token });
    for (let i = 0; i < 5; i++) expect((await join()).status).toBe(200);
    const before = await rawState(api.fx, event.eventId);
    const refused = await join();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(await rawState(api.fx, event.eventId)).toEqual(before);
    expect(await api.fx.redis.get(limiterOf(event.eventId, 'join', buyer.id))).not.toBeNull();

    const position = await api.call('GET', `/api/queue/${event.eventId}/position`, { token: buyer.token });
    expect(position.status).toBe(200);
    expect(position.headers.get('ratelimit-limit')).toBe('100');
    expect(position.headers.get('ratelimit-remaining')).toBe('99');
    expect(await api.fx.redis.get(limiterOf(event.eventId, 'default', buyer.id))).not.toBeNull();
  });

  it('with RATE_LIMITS=off the scripts count nothing and answer no RateLimit headers', async () => {
    const open = await startApi({ rateLimits: false });
    try {
      const event = await seedEvent(open.db.pool, open.fx.engine);
      const buyer = await open.user();
      for (let i = 0; i < 25; i++) {
        const res = await open.call('POST', '/api/seats/reserve', {
          token: buyer.token,
          body: { eventId: event.eventId, seatIds: [event.seatIds[0]] },
        });
        expect(res.status).toBe(201);
        expect(res.headers.get('ratelimit-limit')).toBeNull();
      }
      expect(await open.fx.redis.keys(`${open.fx.prefix}*rl:*`)).toEqual([]);
    } finally {
      await open.close();
    }
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
  await expectAnswersDocumented(proxied);
});
