import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { createEngine } from '../src/engine/engine.js';
import { deleteTopology, topology } from '../src/notify/amqpTopology.js';
import type { ApiProcess } from '../tests/support/apiProcess.js';
import { BENCH_PREFIX, benchStack, createBuyerAccounts, createEvent } from './support.js';
import { median } from './measure.js';
import { ensureWrk, runWrk, wrkTable, type WrkRequest, type WrkResult } from './wrk.js';

const CONNECTIONS = 64;
const SECONDS = 5;
/** seats per event: a larger actor is more arguments than one EVALSHA can carry (loadEvent) */
const EVENT_ROWS = 200;
const EVENT_SEATS_PER_ROW = 300;
const EVENT_SEATS = EVENT_ROWS * EVENT_SEATS_PER_ROW;
/** 2-seat reserves per event (three per buyer: 6 seats, the per-buyer cap) and events per reserve run */
const RESERVES_PER_EVENT = EVENT_SEATS / 2;
const RESERVE_EVENTS = 3;
/** 2-seat checkouts, one buyer each, all in one event (a new event for each checkout run) */
const CHECKOUTS = EVENT_SEATS / 2;
const BUYERS = CHECKOUTS;
/**
 * Checkout without notifications and with the outbox written, alternated this many times:
 * the outbox costs less than two runs of the same checkout differ here, so its ratio is the
 * median of each round's pair, not one pair of runs at different points of the bench.
 */
const CHECKOUT_ROUNDS = 5;
/** seconds of each checkout run, after a second of checkouts by the last buyers to warm the process up */
const CHECKOUT_SECONDS = 6;
/** the buyers measured (the first ones); the rest warm up */
const CHECKOUTS_MEASURED = Math.floor((CHECKOUTS * 2) / 3);
/** The shared RabbitMQ (checkout with notifications); the bench declares its own exchange and deletes it. */
const BROKER = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The API over real HTTP (its own process, as `npm start` runs it, real Redis and Postgres)
 * next to three baselines in the same run: bare Hono, Hono + one EVALSHA, and the
 * database-only reserve (SELECT ... FOR UPDATE). wrk (one thread, 64 connections) is the
 * load generator; each buyer request carries its own session, seats and Idempotency-Key.
 * Rate limits are on (production) except on the row that says otherwise.
 */
export async function httpBench(): Promise<{ rows: WrkResult[]; summary: Record<string, unknown> }> {
  ensureWrk();
  const stack = await benchStack();
  const { db } = stack;
  const shape = topology(`bench.http.${randomUUID().slice(0, 8)}`, ['mail', 'webhooks']);
  try {
    const event = () => createEvent(db.pool, EVENT_ROWS, EVENT_SEATS_PER_ROW);
    const reserveOn: { id: string; seatIds: string[] }[] = [];
    const reserveOff: { id: string; seatIds: string[] }[] = [];
    for (let i = 0; i < RESERVE_EVENTS; i++) {
      reserveOn.push(await event());
      reserveOff.push(await event());
    }
    // one event per checkout run: the rounds without and with the outbox, and the relay's run
    const sales: { id: string; seatIds: string[] }[] = [];
    for (let i = 0; i < 2 * CHECKOUT_ROUNDS + 1; i++) sales.push(await event());
    const listed = await createEvent(db.pool, 10, 100);
    // a list of 20 events to page through (the one above and 19 more)
    for (let i = 0; i < 19; i++) await createEvent(db.pool, 10, 100);
    const buyers = await createBuyerAccounts(db.pool, stack.sessions, BUYERS);
    await db.pool.query(
      `CREATE TABLE lock_seats (seat_index int PRIMARY KEY, status text NOT NULL, holder text, held_until timestamptz)`,
    );
    const locks = RESERVE_EVENTS * RESERVES_PER_EVENT;
    await db.pool.query(`INSERT INTO lock_seats SELECT i, 'available' FROM generate_series(0, ${2 * locks - 1}) AS i`);
    // The tables set up here are vacuumed and analysed now, so that autovacuum does not take a
    // million new seats on in the middle of a measured run. Not orders and tickets: analysed
    // while empty, the plans of the tickets' foreign-key checks (kept by each connection) would
    // scan every order so far (13 million rows read for 4,000 orders, in a scratch run).
    await db.pool.query('VACUUM ANALYZE venues, events, seats, users, lock_seats');

    const [api, apiNoLimits, bare, evalsha, pglock] = await Promise.all([
      stack.startApi({ RATE_LIMITS: 'on', NOTIFICATIONS: 'off' }),
      stack.startApi({ RATE_LIMITS: 'off', NOTIFICATIONS: 'off', PERSISTER: 'off' }),
      stack.startBaseline('bare'),
      stack.startBaseline('evalsha'),
      stack.startBaseline('pglock'),
    ]);
    // Checkout: every buyer holds 2 seats of the event, taken through the engine beforehand.
    const engine = createEngine({ redis: stack.redis, prefix: BENCH_PREFIX });
    const holdTwo = async (eventId: string) => {
      for (let b = 0; b < CHECKOUTS; b += 500) {
        await Promise.all(
          buyers
            .slice(b, b + 500)
            .map((buyer, j) => engine.reserveSeats(eventId, buyer.id, [2 * (b + j), 2 * (b + j) + 1])),
        );
      }
    };

    const bearer = (i: number) => ({ Authorization: `Bearer ${buyers[i % BUYERS]!.token}` });
    const reserves = (events: { id: string; seatIds: string[] }[]): WrkRequest[] =>
      events.flatMap((e) =>
        Array.from({ length: RESERVES_PER_EVENT }, (_, i) => ({
          method: 'POST',
          path: '/api/seats/reserve',
          headers: bearer(Math.floor(i / 3)),
          body: { eventId: e.id, seatIds: [e.seatIds[2 * i], e.seatIds[2 * i + 1]] },
        })),
      );
    const checkouts = (eventId: string, tag: string): WrkRequest[] =>
      Array.from({ length: CHECKOUTS }, (_, i) => ({
        method: 'POST',
        path: '/api/checkout',
        headers: { ...bearer(i), 'Idempotency-Key': `${tag}-${i}` },
        body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
      }));
    const lockRequests: WrkRequest[] = Array.from({ length: locks }, (_, i) => ({
      method: 'POST',
      path: '/reserve',
      body: { userId: `u${i}`, seats: [2 * i, 2 * i + 1] },
    }));
    // CPU the serving process used per request (user + system, from /proc), next to each row
    const cpuPerRequest = new Map<string, number>();
    // and the CPU of every Postgres process on the machine per request (the persister's statements, WAL)
    const postgresCpuPerRequest = new Map<string, number>();
    const pidOf = new Map<string, number>();
    for (const p of [api, apiNoLimits, bare, evalsha, pglock]) pidOf.set(new URL(p.url).origin, p.child.pid!);
    const run = async (
      name: string,
      url: string,
      options: { requests?: WrkRequest[]; seconds?: number; pid?: number } = {},
    ) => {
      const pid = options.pid ?? pidOf.get(new URL(url).origin);
      const before = pid ? processCpuMs(pid) : 0;
      const postgresBefore = postgresCpuMs();
      const row = await runWrk(name, url, {
        connections: CONNECTIONS,
        durationSeconds: options.seconds ?? SECONDS,
        requests: options.requests,
      });
      if (pid && row.requests > 0) cpuPerRequest.set(name, ((processCpuMs(pid) - before) * 1000) / row.requests);
      if (row.requests > 0) postgresCpuPerRequest.set(name, (cpuSince(postgresBefore) * 1000) / row.requests);
      return row;
    };

    // Each API process loads an event's layout (60,000 seats from Postgres) on first use: before the clock.
    const loadLayouts = async (url: string, events: { id: string }[]) => {
      for (const e of events)
        if ((await fetch(`${url}/api/events/${e.id}/layout`)).status !== 200) throw new Error(`no layout for ${e.id}`);
    };
    await loadLayouts(api.url, reserveOn);
    await loadLayouts(apiNoLimits.url, reserveOff);
    await run('warm-up', `${bare.url}/ping`, { seconds: 2 });
    await run('warm-up', `${evalsha.url}/evalsha`, { seconds: 2 });
    // One client address: anonymous reads would meet the 100-a-minute limit, so they go to the API without limits.
    await run('warm-up', `${apiNoLimits.url}/api/events?limit=20`, { seconds: 2 });
    await run('warm-up', `${apiNoLimits.url}/api/events/${listed.id}`, { seconds: 1 });

    const bareRow = await run('bare Hono GET /ping (baseline)', `${bare.url}/ping`);
    const evalshaRow = await run('Hono + one EVALSHA (baseline)', `${evalsha.url}/evalsha`);
    const health = await run('API GET /healthz (middleware only)', `${api.url}/healthz`);
    const list = await run(
      'GET /api/events?limit=20 (anonymous, limits off)',
      `${apiNoLimits.url}/api/events?limit=20`,
    );
    const page = await run('GET /api/events/:id (anonymous, limits off)', `${apiNoLimits.url}/api/events/${listed.id}`);
    const reserveNoLimits = await run('POST /api/seats/reserve, 2 seats, rate limits off', apiNoLimits.url, {
      requests: reserves(reserveOff),
      seconds: 3,
    });
    const reserve = await run('POST /api/seats/reserve, 2 seats, rate limits on', api.url, {
      requests: reserves(reserveOn),
      seconds: 3,
    });
    const lock = await run('Postgres SELECT ... FOR UPDATE reserve (baseline)', pglock.url, {
      requests: lockRequests,
      seconds: 3,
    });
    // Checkout, each run by an API process alone (no other persister takes its sales), on an
    // event of its own whose seats every buyer already holds two of: without notifications
    // (NOTIFICATIONS=off) and with the outbox written in the persister's transaction, the relay
    // elsewhere (NOTIFICATIONS=outbox), alternated; then once with the relay to RabbitMQ in the
    // API process too (NOTIFICATIONS=relay).
    let running: ApiProcess[] = [api, apiNoLimits];
    const alone = async (env: Record<string, string>, name: string, tag: string) => {
      for (const p of running) p.child.kill('SIGTERM');
      await Promise.all(running.map((p) => p.exited));
      const sale = sales.shift()!;
      const started = await stack.startApi({ RATE_LIMITS: 'on', ...env });
      running = [started];
      await holdTwo(sale.id);
      pidOf.set(new URL(started.url).origin, started.child.pid!);
      await loadLayouts(started.url, [sale]);
      await postgresSettled();
      const all = checkouts(sale.id, tag);
      await run('warm-up', started.url, { requests: all.slice(CHECKOUTS_MEASURED), seconds: 1 });
      return run(name, started.url, { requests: all.slice(0, CHECKOUTS_MEASURED), seconds: CHECKOUT_SECONDS });
    };
    const checkoutRounds: { off: WrkResult; outbox: WrkResult }[] = [];
    for (let round = 1; round <= CHECKOUT_ROUNDS; round++) {
      const off = () =>
        alone(
          { NOTIFICATIONS: 'off' },
          `POST /api/checkout, 2 seats, notifications off (round ${round})`,
          `off-${round}`,
        );
      const outbox = () =>
        alone(
          { NOTIFICATIONS: 'outbox' },
          `POST /api/checkout, 2 seats, outbox written, relay elsewhere (round ${round})`,
          `outbox-${round}`,
        );
      // in turn first and second (off, outbox; outbox, off; ...): a drift of the machine during the rounds favours neither
      if (round % 2 === 1) {
        const first = await off();
        checkoutRounds.push({ off: first, outbox: await outbox() });
      } else {
        const first = await outbox();
        checkoutRounds.push({ off: await off(), outbox: first });
      }
    }
    // The rounds above left their entries for a relay elsewhere; this run's relay relays its own.
    // Vacuumed and analysed then, as autovacuum keeps a live outbox: analysed while it was
    // empty, the relay's query scanned the whole table each round.
    await db.pool.query('UPDATE outbox SET published_at = clock_timestamp() WHERE published_at IS NULL');
    await db.pool.query('VACUUM ANALYZE outbox, orders, tickets');
    const checkoutNotified = await alone(
      { NOTIFICATIONS: 'relay', AMQP_URL: BROKER, AMQP_EXCHANGE: shape.exchange },
      'POST /api/checkout, 2 seats, outbox + relay to RabbitMQ in the API',
      'relay',
    );
    const bareAgain = await run('bare Hono GET /ping (baseline, again at the end)', `${bare.url}/ping`);

    const rows = [
      bareRow,
      evalshaRow,
      health,
      list,
      page,
      reserveNoLimits,
      reserve,
      lock,
      ...checkoutRounds.flatMap((r) => [r.off, r.outbox]),
      checkoutNotified,
      bareAgain,
    ];
    const wrapped = rows.filter((r) => r.wraps > 0);
    if (wrapped.length > 0)
      console.log(`\nwarning: request lists ran out (replays measured): ${wrapped.map((r) => r.name).join('; ')}`);
    console.log(`\n## http (API in its own process, real Redis and Postgres; wrk -t1 -c${CONNECTIONS})\n`);
    console.log(wrkTable(rows, bareRow));
    console.log('\nCPU per request (µs, user + system, 10 ms ticks) of the serving process, and of Postgres:');
    for (const row of rows)
      if (cpuPerRequest.has(row.name))
        console.log(
          `- ${row.name}: ${cpuPerRequest.get(row.name)!.toFixed(0)}; Postgres ${postgresCpuPerRequest.get(row.name)!.toFixed(0)}`,
        );
    const ratio = (a: WrkResult, b: WrkResult) => a.requestsPerSecond / b.requestsPerSecond;
    const offRuns = checkoutRounds.map((r) => r.off);
    const outboxVsOff = checkoutRounds.map((r) => ratio(r.outbox, r.off));
    const checkoutPerSecond = median(offRuns.map((r) => r.requestsPerSecond));
    const summary = {
      evalshaVsBareHono: ratio(evalshaRow, bareRow),
      healthVsBareHono: ratio(health, bareRow),
      eventListVsBareHono: ratio(list, bareRow),
      eventPageVsBareHono: ratio(page, bareRow),
      reserveVsEvalsha: ratio(reserve, evalshaRow),
      reserveNoLimitsVsEvalsha: ratio(reserveNoLimits, evalshaRow),
      reserveVsPostgresLock: ratio(reserve, lock),
      checkoutPerSecond,
      checkoutP99Ms: median(offRuns.map((r) => r.p99Ms)),
      checkoutOutboxVsOff: median(outboxVsOff),
      checkoutOutboxVsOffByRound: outboxVsOff,
      checkoutNotifiedVsOff: checkoutNotified.requestsPerSecond / checkoutPerSecond,
      errors: rows.reduce((n, r) => n + r.errors, 0),
      cpuMicrosecondsPerRequest: Object.fromEntries(cpuPerRequest),
      postgresCpuMicrosecondsPerRequest: Object.fromEntries(postgresCpuPerRequest),
    };
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    console.log(
      `\nreserve (limits on) = ${pct(summary.reserveVsEvalsha)} of Hono + EVALSHA (target 55%), ` +
        `${summary.reserveVsPostgresLock.toFixed(1)}x the Postgres-lock design (target 10x); event list ${pct(summary.eventListVsBareHono)} ` +
        `and event page ${pct(summary.eventPageVsBareHono)} of bare Hono (target 35%); checkout ${checkoutPerSecond.toFixed(0)}/s ` +
        `(target 3,000), p99 ${summary.checkoutP99Ms.toFixed(1)} ms (target 50 ms), medians of ${CHECKOUT_ROUNDS} runs; ` +
        `with the outbox written ${(summary.checkoutOutboxVsOff * 100).toFixed(1)}% of without, the median of ${CHECKOUT_ROUNDS} ` +
        `alternated pairs (${outboxVsOff.map((x) => `${(x * 100).toFixed(1)}%`).join(', ')}; target >= 95%), ` +
        `with the relay in the API too ${(summary.checkoutNotifiedVsOff * 100).toFixed(1)}% of the median without`,
    );
    return { rows, summary };
  } finally {
    await stack.close();
    const connection = await amqp.connect(BROKER).catch(() => undefined);
    if (connection) {
      await deleteTopology(await connection.createChannel(), shape).catch(() => {});
      await connection.close();
    }
  }
}

/** User + system CPU time of a process so far (ms), from /proc (Linux); 0 once it is gone. */
function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks (100 a second)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time so far (ms) of every process named postgres (the server and its backends), by pid. */
function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue; // gone meanwhile
    }
    if (comm === 'postgres') byPid.set(Number(entry), processCpuMs(Number(entry)));
  }
  return byPid;
}

/**
 * The CPU (ms) those processes used since `before`: a backend that started meanwhile counts
 * whole, one that ended meanwhile is not counted (its last moments are lost, never negative).
 */
function cpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpuMs()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * Waits (at most 30 s) until Postgres has used less than 5% of a core for half a second: what
 * an earlier run left it to do (autovacuum of the rows it wrote, the checkpointer writing them
 * out) is then not measured as part of the next one.
 */
async function postgresSettled(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const before = postgresCpuMs();
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (cpuSince(before) < 25) return;
  }
}
