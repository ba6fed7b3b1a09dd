import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { createEngine } from '../src/engine/engine.js';
import { deleteTopology, topology } from '../src/notify/amqpTopology.js';
import { BENCH_PREFIX, benchStack, buyerSessions, createBuyerAccounts, createEvent } from './support.js';
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
/** 2-seat checkouts of one event, one per buyer (each checkout side has three such events, the relay's run one) */
const CHECKOUTS = EVENT_SEATS / 2;
const BUYERS = CHECKOUTS;
/**
 * Checkout without notifications and with the outbox written, driven in turn this many times
 * for CHECKOUT_SECONDS each: the outbox costs less than two runs of the same checkout, minutes
 * apart, differ on this machine, so the two are measured side by side and often.
 */
const CHECKOUT_ROUNDS = 20;
const CHECKOUT_SECONDS = 2;
/** checkouts offered to each of those runs (more than one can make in its time), and to the warm-up */
const CHECKOUT_SLICE = 5_000;
/**
 * Then both sides driven together, half the connections each, this many times: they share
 * every moment of the machine, so its drift does not enter their ratio. Each side offered
 * TOGETHER_SLICE checkouts a run.
 */
const TOGETHER_ROUNDS = 10;
const TOGETHER_SLICE = 4_000;
/** events (of CHECKOUTS each) per side: enough for every run's slice and the warm-up */
const CHECKOUT_EVENTS = Math.ceil(
  ((CHECKOUT_ROUNDS + 1) * CHECKOUT_SLICE + TOGETHER_ROUNDS * TOGETHER_SLICE) / CHECKOUTS,
);
/** the relay-in-the-API run */
const RELAY_SECONDS = 6;
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
    // events for checkout without notifications and with the outbox (one slice per round and
    // the warm-up's), one for the relay's run
    const sales: { id: string; seatIds: string[] }[] = [];
    for (let i = 0; i < 2 * CHECKOUT_EVENTS + 1; i++) sales.push(await event());
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
    const holdTwo = async (eventId: string, on = engine) => {
      for (let b = 0; b < CHECKOUTS; b += 500) {
        await Promise.all(
          buyers
            .slice(b, b + 500)
            .map((buyer, j) => on.reserveSeats(eventId, buyer.id, [2 * (b + j), 2 * (b + j) + 1])),
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
    /** every buyer's checkout of its two held seats; with `tokens`, their sessions of another world (REDIS_PREFIX) */
    const checkouts = (eventId: string, tag: string, tokens?: string[]): WrkRequest[] =>
      Array.from({ length: CHECKOUTS }, (_, i) => ({
        method: 'POST',
        path: '/api/checkout',
        headers: {
          ...(tokens ? { Authorization: `Bearer ${tokens[i]}` } : bearer(i)),
          'Idempotency-Key': `${tag}-${i}`,
        },
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
      if (row.requests > 0) postgresCpuPerRequest.set(name, (postgresCpuSince(postgresBefore) * 1000) / row.requests);
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
    // Checkout without notifications (NOTIFICATIONS=off) and with the outbox written in the
    // persister's transaction, the relay elsewhere (NOTIFICATIONS=outbox): two API processes
    // side by side, each in a Redis world of its own (REDIS_PREFIX: its own actors, sessions
    // and sales streams, so neither's persister takes the other's sales), the same Postgres.
    // They are driven in turn, CHECKOUT_SECONDS at a time, the order swapped every round, and
    // Postgres settled before each run: both see the machine as it is at that moment.
    for (const p of [api, apiNoLimits]) p.child.kill('SIGTERM');
    await Promise.all([api, apiNoLimits].map((p) => p.exited));
    const sideBySide = async (notifications: 'off' | 'outbox', events: { id: string }[]) => {
      const prefix = `${BENCH_PREFIX}${notifications}:`;
      const world = stack.under(prefix);
      const started = await stack.startApi({ RATE_LIMITS: 'on', NOTIFICATIONS: notifications, REDIS_PREFIX: prefix });
      pidOf.set(new URL(started.url).origin, started.child.pid!);
      const tokens = await buyerSessions(
        world.sessions,
        buyers.map((b) => b.id),
      );
      for (const e of events) await holdTwo(e.id, world.engine);
      await loadLayouts(started.url, events);
      const requests = events.flatMap((e, k) => checkouts(e.id, `${notifications}-${k}`, tokens));
      await run('warm-up', started.url, { requests: requests.slice(-CHECKOUT_SLICE), seconds: 1 });
      return { api: started, requests };
    };
    const off = await sideBySide('off', sales.slice(0, CHECKOUT_EVENTS));
    const outbox = await sideBySide('outbox', sales.slice(CHECKOUT_EVENTS, 2 * CHECKOUT_EVENTS));
    const checkoutRounds: { off: WrkResult; outbox: WrkResult }[] = [];
    for (let round = 0; round < CHECKOUT_ROUNDS; round++) {
      const drive = async (side: typeof off, name: string) => {
        await postgresSettled();
        const requests = side.requests.slice(round * CHECKOUT_SLICE, (round + 1) * CHECKOUT_SLICE);
        return run(`${name} (round ${round + 1})`, side.api.url, { requests, seconds: CHECKOUT_SECONDS });
      };
      const offName = 'POST /api/checkout, 2 seats, notifications off';
      const outboxName = 'POST /api/checkout, 2 seats, outbox written, relay elsewhere';
      if (round % 2 === 0) {
        const first = await drive(off, offName);
        checkoutRounds.push({ off: first, outbox: await drive(outbox, outboxName) });
      } else {
        const first = await drive(outbox, outboxName);
        checkoutRounds.push({ off: await drive(off, offName), outbox: first });
      }
    }
    const togetherRounds: { off: WrkResult; outbox: WrkResult }[] = [];
    for (let round = 0; round < TOGETHER_ROUNDS; round++) {
      await postgresSettled();
      const from = CHECKOUT_ROUNDS * CHECKOUT_SLICE + round * TOGETHER_SLICE;
      const drive = (side: typeof off) =>
        runWrk(
          `${side === off ? 'notifications off' : 'outbox written'}, driven together (round ${round + 1})`,
          side.api.url,
          {
            connections: CONNECTIONS / 2,
            durationSeconds: CHECKOUT_SECONDS,
            requests: side.requests.slice(from, from + TOGETHER_SLICE),
          },
        );
      const [offRun, outboxRun] = await Promise.all([drive(off), drive(outbox)]);
      togetherRounds.push({ off: offRun, outbox: outboxRun });
    }
    for (const p of [off.api, outbox.api]) p.child.kill('SIGTERM');
    await Promise.all([off.api, outbox.api].map((p) => p.exited));

    // The same checkout with the relay to RabbitMQ in the API process too (NOTIFICATIONS=relay),
    // alone. The runs above left their entries for a relay elsewhere: marked published here, and
    // the outbox vacuumed and analysed, as autovacuum keeps a live one (analysed while it was
    // empty, the relay's query scanned the whole table each round).
    await db.pool.query('UPDATE outbox SET published_at = clock_timestamp() WHERE published_at IS NULL');
    await db.pool.query('VACUUM ANALYZE outbox, orders, tickets');
    const relayed = await stack.startApi({
      RATE_LIMITS: 'on',
      NOTIFICATIONS: 'relay',
      AMQP_URL: BROKER,
      AMQP_EXCHANGE: shape.exchange,
    });
    pidOf.set(new URL(relayed.url).origin, relayed.child.pid!);
    const relaySale = sales[2 * CHECKOUT_EVENTS]!;
    await holdTwo(relaySale.id);
    await loadLayouts(relayed.url, [relaySale]);
    const relayRequests = checkouts(relaySale.id, 'relay');
    await run('warm-up', relayed.url, { requests: relayRequests.slice(-CHECKOUT_SLICE), seconds: 1 });
    await postgresSettled();
    const checkoutNotified = await run(
      'POST /api/checkout, 2 seats, outbox + relay to RabbitMQ in the API',
      relayed.url,
      {
        requests: relayRequests.slice(0, -CHECKOUT_SLICE),
        seconds: RELAY_SECONDS,
      },
    );
    const bareAgain = await run('bare Hono GET /ping (baseline, again at the end)', `${bare.url}/ping`);

    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    /** Runs of one kind as one row: their requests over their time, the median of their latencies, CPU over all. */
    const combined = (name: string, runs: WrkResult[]): WrkResult => {
      const requests = sum(runs.map((r) => r.requests));
      const seconds = sum(runs.map((r) => r.seconds));
      const perRequest = (m: Map<string, number>) => sum(runs.map((r) => (m.get(r.name) ?? 0) * r.requests)) / requests;
      cpuPerRequest.set(name, perRequest(cpuPerRequest));
      postgresCpuPerRequest.set(name, perRequest(postgresCpuPerRequest));
      return {
        name: `${name} (${runs.length} runs of ${CHECKOUT_SECONDS} s)`,
        requests,
        errors: sum(runs.map((r) => r.errors)),
        seconds,
        requestsPerSecond: requests / seconds,
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p75Ms: median(runs.map((r) => r.p75Ms)),
        p90Ms: median(runs.map((r) => r.p90Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        bytesPerSecond: sum(runs.map((r) => r.bytesPerSecond * r.seconds)) / seconds,
        wraps: sum(runs.map((r) => r.wraps)),
      };
    };
    const checkout = combined(
      'POST /api/checkout, 2 seats, notifications off',
      checkoutRounds.map((r) => r.off),
    );
    const checkoutOutbox = combined(
      'POST /api/checkout, 2 seats, outbox written, relay elsewhere',
      checkoutRounds.map((r) => r.outbox),
    );
    const rows = [
      bareRow,
      evalshaRow,
      health,
      list,
      page,
      reserveNoLimits,
      reserve,
      lock,
      checkout,
      checkoutOutbox,
      checkoutNotified,
      bareAgain,
    ];
    const wrapped = [...rows, ...togetherRounds.flatMap((r) => [r.off, r.outbox])].filter((r) => r.wraps > 0);
    if (wrapped.length > 0)
      console.log(`\nwarning: request lists ran out (replays measured): ${wrapped.map((r) => r.name).join('; ')}`);
    console.log(`\n## http (API in its own process, real Redis and Postgres; wrk -t1 -c${CONNECTIONS})\n`);
    console.log(wrkTable(rows, bareRow));
    console.log('\nCPU per request (µs, user + system, 10 ms ticks) of the serving process, and of Postgres:');
    for (const row of rows) {
      const key = row.name.replace(/ \(\d+ runs of \d+ s\)$/, '');
      if (cpuPerRequest.has(key))
        console.log(
          `- ${row.name}: ${cpuPerRequest.get(key)!.toFixed(0)}; Postgres ${postgresCpuPerRequest.get(key)!.toFixed(0)}`,
        );
    }
    const ratio = (a: WrkResult, b: WrkResult) => a.requestsPerSecond / b.requestsPerSecond;
    /**
     * The outbox's ratio from rounds of both sides: over all their runs, and their
     * round-by-round ratios with the mean give or take two standard errors (how far the
     * rounds leave it uncertain).
     */
    const outboxRatio = (rounds: { off: WrkResult; outbox: WrkResult }[]) => {
      const byRound = rounds.map((r) => ratio(r.outbox, r.off));
      const mean = sum(byRound) / byRound.length;
      const variance = sum(byRound.map((x) => (x - mean) ** 2)) / (byRound.length - 1);
      const rate = (side: 'off' | 'outbox') =>
        sum(rounds.map((r) => r[side].requests)) / sum(rounds.map((r) => r[side].seconds));
      return {
        overall: rate('outbox') / rate('off'),
        byRound,
        mean,
        twoStandardErrors: 2 * Math.sqrt(variance / byRound.length),
      };
    };
    const inTurn = outboxRatio(checkoutRounds);
    const together = outboxRatio(togetherRounds);
    const summary = {
      evalshaVsBareHono: ratio(evalshaRow, bareRow),
      healthVsBareHono: ratio(health, bareRow),
      eventListVsBareHono: ratio(list, bareRow),
      eventPageVsBareHono: ratio(page, bareRow),
      reserveVsEvalsha: ratio(reserve, evalshaRow),
      reserveNoLimitsVsEvalsha: ratio(reserveNoLimits, evalshaRow),
      reserveVsPostgresLock: ratio(reserve, lock),
      checkoutPerSecond: checkout.requestsPerSecond,
      checkoutP99Ms: checkout.p99Ms,
      checkoutOutboxVsOffInTurn: inTurn,
      checkoutOutboxVsOffTogether: together,
      checkoutNotifiedVsOff: ratio(checkoutNotified, checkout),
      errors: rows.reduce((n, r) => n + r.errors, 0),
      cpuMicrosecondsPerRequest: Object.fromEntries(cpuPerRequest),
      postgresCpuMicrosecondsPerRequest: Object.fromEntries(postgresCpuPerRequest),
    };
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    console.log(
      `\nreserve (limits on) = ${pct(summary.reserveVsEvalsha)} of Hono + EVALSHA (target 55%), ` +
        `${summary.reserveVsPostgresLock.toFixed(1)}x the Postgres-lock design (target 10x); event list ${pct(summary.eventListVsBareHono)} ` +
        `and event page ${pct(summary.eventPageVsBareHono)} of bare Hono (target 35%); checkout ${checkout.requestsPerSecond.toFixed(0)}/s ` +
        `(target 3,000), p99 ${checkout.p99Ms.toFixed(1)} ms (target 50 ms; the median of ${CHECKOUT_ROUNDS} runs); ` +
        `with the outbox and the relay in the API ${(summary.checkoutNotifiedVsOff * 100).toFixed(1)}% of checkout without`,
    );
    const describe = (r: typeof inTurn) =>
      `${(r.overall * 100).toFixed(1)}% (run by run ${r.byRound.map(pct).join(', ')}; ` +
      `their mean ${(r.mean * 100).toFixed(1)}% ± ${(r.twoStandardErrors * 100).toFixed(1)})`;
    console.log(
      `checkout with the outbox written vs without (target >= 95%): driven in turn, ${CHECKOUT_ROUNDS} runs of ` +
        `${CHECKOUT_SECONDS} s each, ${describe(inTurn)}; driven together, ${CONNECTIONS / 2} connections each, ` +
        `${TOGETHER_ROUNDS} runs of ${CHECKOUT_SECONDS} s, ${describe(together)}`,
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
function postgresCpuSince(before: Map<number, number>): number {
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
    if (postgresCpuSince(before) < 25) return;
  }
}
