import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAIL_FAST_REDIS } from '../../src/infra/availability.js';
import { StoreRedis } from '../../src/infra/storeRedis.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { engineFixture } from '../support/engine.js';
import { LiveSeatMap, SseClient } from '../support/sseClient.js';
import { seedEvent } from '../support/world.js';

const CLIENT_BUFFER_BYTES = 64 * 1024;

async function pollUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a slow live reader', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi({ live: { tickMs: 5, maxBufferedBytes: CLIENT_BUFFER_BYTES } });
  });
  afterAll(() => api.close());

  it('is dropped once it falls a bounded amount behind; the others keep up and converge', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 200, seatsPerRow: 100 });
    const { engine } = api.fx;
    const follower = await SseClient.open(`${api.url}/api/events/${eventId}/live`);
    // A client that asks for the stream and never reads a byte of it.
    const slow = connect(Number(new URL(api.url).port), '127.0.0.1');
    slow.pause();
    slow.write(`GET /api/events/${eventId}/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    slow.on('error', () => {});
    await pollUntil(() => api.live.connectionCount === 2);

    // Volume fast enough to fill the kernel's socket buffers: a message the feed cannot read
    // makes it read the actor again and send every client a 20,000-seat snapshot.
    const channel = engine.keys(eventId)!.changes;
    let maxBuffered = 0;
    for (let i = 0; api.live.connectionCount === 2 && i < 20_000; i++) {
      await api.fx.redis.publish(channel, 'unreadable');
      if (i % 10 === 0) await engine.reserveSeats(eventId, `u${i % 1000}`, [i % 20_000]);
      maxBuffered = Math.max(maxBuffered, api.live.bufferedBytes);
    }
    slow.destroy();
    // it was dropped, and the server never kept more than the cap for it however far behind it was
    expect(api.live.connectionCount).toBe(1);
    expect(maxBuffered).toBeLessThanOrEqual(CLIENT_BUFFER_BYTES);
    const metrics = await (await api.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/^ticketing_live_clients_dropped_total 1$/m);
    expect(api.live.connectionCount).toBe(1);

    const actor = (await engine.seatStates(eventId))!;
    await follower.until(() => new LiveSeatMap(follower).update().version === actor.version, 20_000);
    expect(new LiveSeatMap(follower).update().states).toBe(actor.states);
    follower.close();
  });
});

describe('live streams across Redis faults', () => {
  let server: PrivateRedis;
  let api: ApiFixture;
  beforeAll(async () => {
    server = await startPrivateRedis();
    // our client, as production has it: its errors are tagged as Redis's (a 503, not a 500)
    const redis = new StoreRedis(server.url, FAIL_FAST_REDIS).on('error', () => {}); // the faults are the point here
    api = await startApi({ fx: engineFixture({}, redis), live: { tickMs: 10, redisGraceMs: 5_000 } });
  });
  afterAll(async () => {
    await api.close();
    await server.stop();
  });

  it('a restart: the stream stays open, is sent a new snapshot, then follows again', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 4 });
    const client = await SseClient.open(`${api.url}/api/events/${eventId}/live`);
    await client.until(() => client.events.length === 1);
    await server.kill();
    await server.restart(); // no persistence here: the actor is gone and is rebuilt from Postgres
    await client.until(() => client.events.filter((e) => e.event === 'snapshot').length >= 2, 20_000);
    expect(client.ended).toBe(false);
    await pollUntil(
      async () => (await api.fx.engine.reserveSeats(eventId, 'u1', [3]).catch(() => undefined))?.ok === true,
    );
    const actor = (await api.fx.engine.seatStates(eventId))!;
    await client.until(() => new LiveSeatMap(client).update().version === actor.version);
    expect(new LiveSeatMap(client).update().states).toBe('aaah');
    client.close();
  });

  it('an outage: streams end cleanly after the grace, new ones are refused, and all is well once Redis is back', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 4 });
    const client = await SseClient.open(`${api.url}/api/events/${eventId}/live`);
    await client.until(() => client.events.length === 1);
    await server.kill();
    await client.until(() => client.ended, 20_000);
    expect(api.live.connectionCount).toBe(0);
    expect((await api.call('GET', `/api/events/${eventId}/live`)).status).toBe(503);
    await server.restart();
    await pollUntil(async () => (await api.call('GET', `/api/events/${eventId}/availability`)).status === 200);
    const again = await SseClient.open(`${api.url}/api/events/${eventId}/live`);
    await again.until(() => again.events.length === 1);
    expect(again.events[0]!.event).toBe('snapshot');
    again.close();
  });
});
