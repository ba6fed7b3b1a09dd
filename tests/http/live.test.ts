import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { DEFAULT_LIVE_SETTINGS, LiveHub, type LiveSink } from '../../src/services/liveHub.js';
import { TurnSharedReads } from '../../src/services/turnSharedReads.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { LiveSeatMap, SseClient } from '../support/sseClient.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

/** pings this often here (10 s by default) */
const PING_MS = 150;

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi({ live: { tickMs: 20, resumeVersions: 8, maxConnections: 6, pingMs: PING_MS } });
});
afterAll(() => api.close());

/** clients a test opened: closed after it, so one that fails midway leaves no connection to the next */
const openClients = new Set<SseClient>();
afterEach(async () => {
  for (const client of openClients) client.close();
  openClients.clear();
  await pollUntil(async () => api.live.connectionCount === 0);
});

async function follow(eventId: string, headers: Record<string, string> = {}) {
  const client = await SseClient.open(`${api.url}/api/events/${eventId}/live`, headers);
  openClients.add(client);
  return client;
}

/** The actor's seat string, as a/h/s. */
async function actorStates(eventId: string) {
  const read = await api.fx.engine.seatStates(eventId);
  return read!;
}

describe('GET /api/events/:id/layout', () => {
  it('serves the layout once per layout version: ETag, then 304', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 2, seatsPerRow: 3 });
    const res = await api.call('GET', `/api/events/${eventId}/layout`);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    const layout = await res.json();
    expect(etag).toBe(`"${layout.layoutVersion}"`);
    expect(layout).toEqual({
      eventId,
      layoutVersion: expect.any(Number),
      sections: [{ name: 'Floor', rows: 2, seatsPerRow: 3, priceCents: 5000 }],
      seats: seatIds.map((id, i) => ({
        id,
        section: 'Floor',
        row: String(1 + Math.floor(i / 3)),
        number: String(1 + (i % 3)),
        priceCents: 5000,
      })),
    });
    const again = await api.call('GET', `/api/events/${eventId}/layout`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect(
      (await api.call('GET', `/api/events/${eventId}/layout`, { headers: { 'if-none-match': '"other"' } })).status,
    ).toBe(200);
  });

  it('is 404 for an unknown or malformed event', async () => {
    expect((await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000/layout')).status).toBe(404);
    expect((await api.call('GET', '/api/events/nope/layout')).status).toBe(404);
  });
});

describe('GET /api/events/:id/availability', () => {
  it('serves one character per seat with the version as ETag; 304 while unchanged', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 5 });
    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: buyer.token,
      body: { eventId, seatIds: [seatIds[1], seatIds[3]] },
    });
    const res = await api.call('GET', `/api/events/${eventId}/availability`);
    expect(res.status).toBe(200);
    const { version } = await actorStates(eventId);
    expect(res.headers.get('etag')).toBe(`"${version}"`);
    expect(await res.json()).toEqual({
      eventId,
      version,
      counts: { total: 5, available: 3, held: 2, sold: 0 },
      states: 'ahaha',
    });

    const unchanged = await api.call('GET', `/api/events/${eventId}/availability`, {
      headers: { 'if-none-match': `"${version}"` },
    });
    expect(unchanged.status).toBe(304);
    await api.call('DELETE', '/api/seats/release', { token: buyer.token, body: { eventId, seatIds: [seatIds[1]] } });
    const changed = await api.call('GET', `/api/events/${eventId}/availability`, {
      headers: { 'if-none-match': `"${version}"` },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${version + 1}"`);
    expect((await changed.json()).states).toBe('aaaha');
  });

  it('gzips the layout and the states for clients that take gzip: the same documents, compressed once', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 4, seatsPerRow: 50 });
    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', { token: buyer.token, body: { eventId, seatIds: [seatIds[7]] } });
    for (const path of ['layout', 'availability']) {
      const plain = await api.call('GET', `/api/events/${eventId}/${path}`, {
        headers: { 'accept-encoding': 'identity' },
      });
      expect(plain.headers.get('content-encoding')).toBeNull();
      const plainBytes = Buffer.from(await plain.arrayBuffer());
      const zipped = await api.call('GET', `/api/events/${eventId}/${path}`, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
      expect(zipped.headers.get('etag')).toBe(plain.headers.get('etag'));
      expect(Buffer.from(await zipped.arrayBuffer())).toEqual(plainBytes); // fetch undoes the gzip
    }
    const states = await (
      await api.call('GET', `/api/events/${eventId}/availability`, { headers: { 'accept-encoding': 'gzip' } })
    ).json();
    expect(states.states).toBe(`${'a'.repeat(7)}h${'a'.repeat(192)}`);
  });

  it('is 404 for an unknown event', async () => {
    expect((await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000/availability')).status).toBe(404);
  });
});

describe('reads shared per turn of the event loop (availability, the seat map)', () => {
  it('shares one read among the callers of a turn, and never hands a later caller a read already sent', async () => {
    const sent: string[] = [];
    const answers: ((value: number) => void)[] = [];
    const reads = new TurnSharedReads((key) => {
      sent.push(key);
      return new Promise<number>((resolve) => answers.push(resolve));
    });
    const first = [reads.get('e1'), reads.get('e1'), reads.get('e2')];
    expect(sent).toEqual([]); // sent after this turn's callers have asked
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['e1', 'e2']);
    const later = reads.get('e1'); // asked after the read of e1 went out: it must not get that one
    answers[0]!(1);
    answers[1]!(2);
    expect(await Promise.all(first)).toEqual([1, 1, 2]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['e1', 'e2', 'e1']);
    answers[2]!(3);
    expect(await later).toBe(3);
  });
});

describe('GET /api/events/:id/seats (the full seat map)', () => {
  /** The map as a client without gzip gets it, checked to be the same document gzipped. */
  async function seatMap(eventId: string, query = '') {
    const plain = await api.call('GET', `/api/events/${eventId}/seats${query}`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const map = await plain.json();
    const zipped = await api.call('GET', `/api/events/${eventId}/seats${query}`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    expect(await zipped.json()).toEqual(map); // fetch undoes the gzip
    return map;
  }
  const STATUS = { a: 'available', h: 'held', s: 'sold' } as const;

  it('is exact for every state, a lapsed hold included (no new version), plain and gzipped alike', async () => {
    // 300 seats: the gzip body is assembled from three pieces of 128 seats
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 3, seatsPerRow: 100 });
    const expected = (version: number, states: string) => ({
      eventId,
      version,
      counts: {
        total: 300,
        available: [...states].filter((c) => c === 'a').length,
        held: [...states].filter((c) => c === 'h').length,
        sold: [...states].filter((c) => c === 's').length,
      },
      seats: seatIds.map((id, i) => ({
        id,
        section: 'Floor',
        row: String(1 + Math.floor(i / 100)),
        number: String(1 + (i % 100)),
        priceCents: 5000,
        status: STATUS[states[i] as 'a' | 'h' | 's'],
      })),
    });
    const start = (await actorStates(eventId)).version;
    const states = (changes: Record<number, string>) =>
      Array.from({ length: 300 }, (_, i) => changes[i] ?? 'a').join('');
    expect(await seatMap(eventId)).toEqual(expected(start, states({})));

    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: buyer.token,
      body: { eventId, seatIds: [seatIds[1], seatIds[250]] },
    });
    expect(await seatMap(eventId)).toEqual(expected(start + 1, states({ 1: 'h', 250: 'h' })));

    // The holds lapse: nothing is swept and the version stays, yet the map shows the seats free.
    api.fx.clock.advance(api.fx.engine.limits.holdTtlMs + 1_000);
    expect(await seatMap(eventId)).toEqual(expected(start + 1, states({})));

    const other = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: other.token,
      body: { eventId, seatIds: [seatIds[2], seatIds[299]] },
    });
    const bought = await api.call('POST', '/api/checkout', {
      token: other.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
    });
    expect(bought.status).toBe(201);
    const now = await actorStates(eventId);
    expect(await seatMap(eventId)).toEqual(expected(now.version, states({ 2: 's', 299: 's' })));
    expect(await seatMap(eventId, '?section=Floor')).toEqual(expected(now.version, states({ 2: 's', 299: 's' })));
    expect((await seatMap(eventId, '?section=Balcony')).seats).toEqual([]);
  });
});

describe('GET /api/events/:id/live', () => {
  it('sends a snapshot, then coalesced changes whose ids are versions', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 4 });
    const client = await follow(eventId);
    try {
      expect(client.response.status).toBe(200);
      expect(client.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await client.until(() => client.events.length === 1);
      const start = await actorStates(eventId);
      expect(client.events[0]).toEqual({
        id: String(start.version),
        event: 'snapshot',
        data: JSON.stringify({
          version: start.version,
          states: 'aaaa',
          counts: { total: 4, available: 4, held: 0, sold: 0 },
        }),
      });
      const buyer = await api.user();
      await api.call('POST', '/api/seats/reserve', {
        token: buyer.token,
        body: { eventId, seatIds: [seatIds[0], seatIds[2]] },
      });
      await api.call('DELETE', '/api/seats/release', { token: buyer.token, body: { eventId, seatIds: [seatIds[0]] } });
      await client.until(() => new LiveSeatMap(client).update().version === start.version + 2);
      const map = new LiveSeatMap(client).update();
      expect(map.states).toBe('aaha');
      expect(map.discontinuities).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("I9: a client following the event converges to exactly the actor's states while 200 buyers reserve, release and buy", async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 10, seatsPerRow: 30 });
    const client = await follow(eventId);
    try {
      const buyers = await Promise.all(Array.from({ length: 200 }, () => api.user()));
      const outcomes = await Promise.all(
        buyers.map(async (buyer, b) => {
          const seats = [seatIds[(b * 7) % 300]!, seatIds[(b * 7 + 1) % 300]!, seatIds[(b * 13 + 5) % 300]!];
          const held = await api.call('POST', '/api/seats/reserve', {
            token: buyer.token,
            body: { eventId, seatIds: [...new Set(seats)] },
          });
          if (held.status !== 201) return `reserve ${held.status}`;
          const { hold } = await held.json();
          if (b % 3 === 0) {
            const released = await api.call('DELETE', '/api/seats/release', {
              token: buyer.token,
              body: { eventId, seatIds: hold.seatIds.slice(0, 1) },
            });
            return `release ${released.status}`;
          }
          if (b % 3 === 1) {
            const bought = await api.call('POST', '/api/checkout', {
              token: buyer.token,
              headers: { 'idempotency-key': `k${b}` },
              body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
            });
            return `checkout ${bought.status}`;
          }
          return 'hold 201';
        }),
      );
      const tally = new Map<string, number>();
      for (const o of outcomes) tally.set(o, (tally.get(o) ?? 0) + 1);
      expect([...tally.keys()].sort()).toEqual(['checkout 201', 'hold 201', 'release 200', 'reserve 409']);
      const actor = await actorStates(eventId);
      expect(actor.states).toMatch(/s/);
      await client.until(() => new LiveSeatMap(client).update().version === actor.version);
      const map = new LiveSeatMap(client).update();
      expect(map.states).toBe(actor.states);
      expect(map.discontinuities).toEqual([]);
      expect(client.events.filter((e) => e.event === 'snapshot')).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('resumes from Last-Event-ID with only the missed changes; a stale or unknown one gets a snapshot', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10 });
    const engine = api.fx.engine;
    const watcher = await follow(eventId); // keeps the feed (and its recent changes) alive in this process
    try {
      await watcher.until(() => watcher.events.length === 1);
      const first = await follow(eventId);
      await first.until(() => first.events.length === 1);
      const seen = Number(first.events[0]!.id);
      first.close();
      await engine.reserveSeats(eventId, 'u1', [1, 2]);
      await engine.releaseSeats(eventId, 'u1', [2]);
      await engine.reserveSeats(eventId, 'u2', [5]);
      await watcher.until(() => watcher.events.at(-1)!.id === String(seen + 3));

      const resumed = await follow(eventId, { 'last-event-id': String(seen) });
      await resumed.until(() => resumed.events.length === 1);
      expect(resumed.events[0]).toMatchObject({ id: String(seen + 3), event: 'changes' });
      expect(JSON.parse(resumed.events[0]!.data)).toEqual({
        fromVersion: seen,
        version: seen + 3,
        seats: [
          [1, 'h'],
          [2, 'a'],
          [5, 'h'],
        ],
        counts: { total: 10, available: 8, held: 2, sold: 0 },
      });
      resumed.close();

      const current = await follow(eventId, { 'last-event-id': String(seen + 3) });
      await engine.releaseSeats(eventId, 'u2', [5]);
      await current.until(() => current.events.length === 1);
      expect(current.events[0]).toMatchObject({ id: String(seen + 4), event: 'changes' });
      expect(JSON.parse(current.events[0]!.data).seats).toEqual([[5, 'a']]);
      current.close();

      // resumeVersions is 8 here: 10 more changes push `seen` out of what is kept
      for (let i = 0; i < 10; i++)
        await engine.reserveSeats(eventId, `v${i}`, [9]).then(() => engine.releaseSeats(eventId, `v${i}`, [9]));
      // the feed learns of changes by pub/sub: wait until it has the last one, or a snapshot may be one behind
      await watcher.until(() => watcher.events.at(-1)!.id === String(seen + 24));
      for (const lastEventId of [String(seen), '999999', 'junk']) {
        const stale = await follow(eventId, { 'last-event-id': lastEventId });
        try {
          await stale.until(() => stale.events.length === 1);
          expect(stale.events[0]).toMatchObject({ event: 'snapshot', id: String(seen + 24) });
          expect(JSON.parse(stale.events[0]!.data).states).toBe('ahaaaaaaaa');
        } finally {
          stale.close();
        }
      }
    } finally {
      watcher.close();
    }
  });

  it('resumes from Redis state when this process follows the event no longer: a snapshot, or nothing when up to date', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 6 });
    const { engine } = api.fx;
    const channel = engine.keys(eventId)!.changes;
    const subscribers = async () => ((await api.fx.redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1];
    const first = await follow(eventId);
    await first.until(() => first.events.length === 1);
    const seen = Number(first.events[0]!.id);
    first.close();
    // The last client left: the process unsubscribed and forgot the event's recent changes.
    await pollUntil(async () => (await subscribers()) === 0);
    await engine.reserveSeats(eventId, 'u1', [0, 3]);
    await engine.releaseSeats(eventId, 'u1', [0]);

    // Behind: only Redis knows the event now, and it keeps states, not history: a snapshot.
    const behind = await follow(eventId, { 'last-event-id': String(seen) });
    await behind.until(() => behind.events.length === 1);
    expect(behind.events[0]).toEqual({
      id: String(seen + 2),
      event: 'snapshot',
      data: JSON.stringify({
        version: seen + 2,
        states: 'aaahaa',
        counts: { total: 6, available: 5, held: 1, sold: 0 },
      }),
    });
    behind.close();
    await pollUntil(async () => (await subscribers()) === 0);

    // Up to date with the actor: nothing to send; the next change comes as changes from there.
    const current = await follow(eventId, { 'last-event-id': String(seen + 2) });
    await pollUntil(async () => (await subscribers()) === 1);
    await engine.reserveSeats(eventId, 'u2', [5]);
    await current.until(() => current.events.length === 1);
    expect(current.events[0]).toEqual({
      id: String(seen + 3),
      event: 'changes',
      data: JSON.stringify({
        fromVersion: seen + 2,
        version: seen + 3,
        seats: [[5, 'h']],
        counts: { total: 6, available: 4, held: 2, sold: 0 },
      }),
    });
    current.close();
  });

  it('resumes the same way in a process that never followed the event (a new process)', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 4 });
    const { engine } = api.fx;
    const watcher = await follow(eventId); // the first process keeps following it
    try {
      await watcher.until(() => watcher.events.length === 1);
      const seen = Number(watcher.events[0]!.id);
      await engine.reserveSeats(eventId, 'u1', [1]);
      await watcher.until(() => watcher.events.at(-1)!.id === String(seen + 1));

      const fresh = new LiveHub({ engine, log: silentLogger }, { ...DEFAULT_LIVE_SETTINGS, tickMs: 20 });
      await fresh.start();
      try {
        const behind = new RecordingSink();
        const joined = await fresh.join(eventId, seen, behind);
        expect(joined.ok).toBe(true);
        expect(behind.events()).toEqual([
          `id: ${seen + 1}\nevent: snapshot\ndata: ${JSON.stringify({ version: seen + 1, states: 'ahaa', counts: { total: 4, available: 3, held: 1, sold: 0 } })}`,
        ]);
        const upToDate = new RecordingSink();
        await fresh.join(eventId, seen + 1, upToDate);
        expect(upToDate.events()).toEqual([]);
      } finally {
        await fresh.stop();
      }
    } finally {
      watcher.close();
    }
  });

  it('shares one subscription per event, dropped with the last client', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const channel = api.fx.engine.keys(eventId)!.changes;
    const subscribers = async () => ((await api.fx.redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1];
    const [a, b] = [await follow(eventId), await follow(eventId)];
    await a.until(() => a.events.length === 1);
    await b.until(() => b.events.length === 1);
    expect(await subscribers()).toBe(1);
    a.close();
    b.close();
    await pollUntil(async () => (await subscribers()) === 0);
    expect(api.live.connectionCount).toBe(0);
  });

  it('pings every client at the configured interval, changes or not', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const client = await follow(eventId);
    try {
      await client.until(() => client.events.length === 1);
      const opened = Date.now();
      const arrivals: number[] = [];
      const pings = () => client.comments.filter((c) => c === 'ping').length;
      while (arrivals.length < 4) {
        const seen = pings();
        await client.until(() => pings() > seen, 5 * PING_MS);
        arrivals.push(Date.now());
      }
      // a comment of its own (": ping"), not an event, so EventSource clients see nothing
      expect(client.events).toHaveLength(1);
      // Timers never fire early: at most one ping per interval elapsed (plus the one that may
      // fall just after the snapshot), so not on every tick (20 ms) nor in bursts.
      expect(pings()).toBeLessThanOrEqual(Math.floor((Date.now() - opened) / PING_MS) + 1);
    } finally {
      client.close();
    }
  });

  it('refuses connections beyond the per-process cap with a 503 problem', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const clients = await Promise.all(Array.from({ length: 6 }, () => follow(eventId)));
    try {
      expect(clients.map((c) => c.response.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const refused = await api.call('GET', `/api/events/${eventId}/live`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'live_connections_full' });
    } finally {
      for (const c of clients) c.close();
    }
    await pollUntil(async () => api.live.connectionCount === 0);
  });

  it('is 404 for an unknown event', async () => {
    expect((await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000/live')).status).toBe(404);
  });
});

async function pollUntil(condition: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A live sink that keeps what the hub wrote (its events without retry: lines or pings). */
class RecordingSink implements LiveSink {
  private readonly chunks: Buffer[] = [];
  readonly bufferedBytes = 0;
  write(chunk: Buffer) {
    this.chunks.push(chunk);
  }
  end() {}
  destroy() {}
  events(): string[] {
    return Buffer.concat(this.chunks)
      .toString()
      .split('\n\n')
      .filter((e) => e.startsWith('id: '));
  }
}

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
