import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { globalKeys } from '../src/engine/keys.js';
import type { RedisClient } from '../src/infra/redisClient.js';
import { backlogTotal } from '../src/engine/salesBacklog.js';
import { rebuildActor } from '../src/persist/rebuild.js';
import { reconcileEvent } from '../src/persist/reconcile.js';
import { httpClient } from './httpClient.js';
import { median } from './measure.js';
import { BENCH_PREFIX, benchStack, createBuyers, createEvent } from './support.js';
import { Timeline, type Second, type StepSummary } from './timeline.js';

const BUYERS = 20_000;
const ROWS = 20;
const SEATS_PER_ROW = 100; // 2,000 seats
const ADMIT_PER_SECOND = 250;
const ADMITTED_AT_ONCE = 500;
const CONNECTIONS = 128;
/** buyers arrive over this long; the sale opens a third of the way in */
const ARRIVAL_MS = 9_000;
const OPENS_AFTER_MS = 3_000;
const GIVE_UP_MS = 180_000;
const ADMISSION_MS = 15 * 60_000;

/** What the simulation needs of a stack: one API process on one Redis, or nginx over a cluster. */
type OnsaleStack = Pick<Awaited<ReturnType<typeof benchStack>>, 'db' | 'engine' | 'sessions' | 'close'> & {
  redis: RedisClient;
  startApi(): Promise<{ url: string }>;
};

interface SeatMap {
  counts: { total: number; available: number; held: number; sold: number };
  seats: { id: string; status: string }[];
}

function pick<T>(items: T[], n: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, items.length)) chosen.add(Math.floor(Math.random() * items.length));
  return [...chosen].map((i) => items[i]!);
}

const p90 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length * 0.9)]! : 0;
};

/** How far the ETA told was from the wait that followed (waits under a second are skipped in the ratios). */
function accuracy(samples: { told: number; waited: number }[]) {
  const errors = samples.map((s) => Math.abs(s.told - s.waited));
  const relative = samples.filter((s) => s.waited >= 1).map((s) => Math.abs(s.told - s.waited) / s.waited);
  return {
    buyers: samples.length,
    medianErrorSeconds: median(errors),
    medianRelativeError: median(relative),
    p90RelativeError: p90(relative),
  };
}

/**
 * The on-sale simulation: 20,000 buyers for a 2,000-seat high-demand event, through the
 * waiting room, until it sells out. Each buyer joins, polls at the pace its ETA suggests,
 * loads the seat map when admitted, reserves 1 to 4 seats, and checks out (2% of cards are
 * declined and their holds released); a lost race reloads the map and tries again.
 */
export async function onsaleBench(stack: OnsaleStack | Promise<OnsaleStack> = benchStack()) {
  stack = await stack;
  try {
    const event = await createEvent(stack.db.pool, ROWS, SEATS_PER_ROW, {
      highDemand: true,
      queueRatePerSecond: ADMIT_PER_SECOND,
      queueCapacity: ADMITTED_AT_ONCE,
    });
    const tokens = await createBuyers(stack.db.pool, stack.sessions, BUYERS);
    const { engine } = stack;
    const api = await stack.startApi();
    const client = httpClient(api.url, CONNECTIONS);
    const timeline = new Timeline();

    // The sale opens OPENS_AFTER_MS after the first buyer arrives: early arrivals are shuffled.
    const started = Date.now();
    const opensAt = started + OPENS_AFTER_MS;
    await stack.db.pool.query('UPDATE events SET on_sale_date = $2, updated_at = now() WHERE id = $1', [
      event.id,
      new Date(opensAt),
    ]);
    await rebuildActor({ engine, pool: stack.db.pool }, event.id);
    await stack.redis.del(globalKeys(BENCH_PREFIX).eventCache(event.id));

    let soldOutAt: number | undefined;
    const monitor = (async () => {
      while (!soldOutAt && Date.now() - started < GIVE_UP_MS) {
        const snap = await engine.snapshotEvent(event.id);
        if (snap.ok && snap.counts.sold === snap.counts.total) soldOutAt = Date.now();
        await sleep(100);
      }
    })();
    const done = () => soldOutAt !== undefined || Date.now() - started > GIVE_UP_MS;

    /** the ETA each admitted buyer was told (first answer after the opening), and how long it then waited (s) */
    const etaEarlyJoiners: { told: number; waited: number }[] = [];
    const etaLateJoiners: { told: number; waited: number }[] = [];
    let admittedBuyers = 0;
    let orders = 0;
    let declined = 0;
    const call = (
      step: string,
      method: string,
      path: string,
      i: number,
      options: { body?: unknown; key?: string } = {},
    ) =>
      timeline.time(
        step,
        () =>
          client.request(method, path, {
            body: options.body,
            headers: {
              authorization: `Bearer ${tokens[i]}`,
              ...(options.key ? { 'idempotency-key': options.key } : {}),
            },
          }),
        (res) => res.status < 500,
      );

    async function buyer(i: number) {
      await sleep(Math.floor((i / BUYERS) * ARRIVAL_MS));
      const joined = await call('join', 'POST', `/api/queue/${event.id}/join`, i);
      if (joined.status !== 200) return;
      let standing = JSON.parse(joined.body) as { status: string; estimatedWaitSeconds: number };
      // The ETA is judged from the first answer after the opening: before it, later early
      // joiners are still being shuffled in ahead or behind, so no place is final.
      let told =
        Date.now() >= opensAt ? { seconds: standing.estimatedWaitSeconds, at: Date.now(), early: false } : undefined;
      while (standing.status === 'waiting' && !done()) {
        await sleep(Math.min(Math.max(standing.estimatedWaitSeconds * 500, 1_000), 5_000) + Math.random() * 250);
        const polled = await call('position', 'GET', `/api/queue/${event.id}/position`, i);
        if (polled.status === 200) standing = JSON.parse(polled.body);
        if (!told && Date.now() >= opensAt && standing.status === 'waiting')
          told = { seconds: standing.estimatedWaitSeconds, at: Date.now(), early: true };
      }
      if (standing.status !== 'admitted' || done()) return;
      admittedBuyers++;
      // The admission time itself (not when this buyer's poll noticed it): admittedUntil less 15 minutes.
      const status = await call('status', 'GET', `/api/queue/${event.id}/status`, i);
      const admittedUntil =
        status.status === 200 ? (JSON.parse(status.body) as { admittedUntil?: string }).admittedUntil : undefined;
      if (admittedUntil && told) {
        const waited = (Date.parse(admittedUntil) - ADMISSION_MS - told.at) / 1000;
        (told.early ? etaEarlyJoiners : etaLateJoiners).push({ told: told.seconds, waited });
      }

      for (let attempt = 0; attempt < 5 && !done(); attempt++) {
        const mapRes = await call('seatmap', 'GET', `/api/events/${event.id}/seats`, i);
        if (mapRes.status !== 200) continue;
        const map = JSON.parse(mapRes.body) as SeatMap;
        const free = map.seats.filter((s) => s.status === 'available');
        if (free.length === 0) break;
        const seatIds = pick(free, 1 + Math.floor(Math.random() * 4)).map((s) => s.id);
        const held = await call('reserve', 'POST', '/api/seats/reserve', i, { body: { eventId: event.id, seatIds } });
        if (held.status !== 201) continue;
        const card = Math.random() < 0.02 ? 'tok_declined' : 'tok_visa';
        const key = randomUUID();
        let paid = await call('checkout', 'POST', '/api/checkout', i, {
          body: { eventId: event.id, payment: { method: 'card', token: card } },
          key,
        });
        while (paid.status === 503) {
          await sleep(200);
          paid = await call('checkout', 'POST', '/api/checkout', i, {
            body: { eventId: event.id, payment: { method: 'card', token: card } },
            key,
          });
        }
        if (paid.status === 201) {
          orders++;
          return;
        }
        if (paid.status === 402) {
          declined++;
          await call('release', 'DELETE', '/api/seats/release', i, { body: { eventId: event.id, seatIds } });
        }
      }
      await call('leave', 'POST', `/api/queue/${event.id}/leave`, i);
    }

    await Promise.all(Array.from({ length: BUYERS }, (_, i) => buyer(i)));
    await monitor;
    client.close();

    // The durable record: wait until the persister has everything, then compare.
    while (backlogTotal(await engine.salesBacklog(event.id)) > 0) await sleep(100);
    const reconciliation = await reconcileEvent({ engine, pool: stack.db.pool }, event.id);
    const { rows } = await stack.db.pool.query<{ tickets: number; seats: number; orders: number }>(
      `SELECT count(*)::int AS tickets, count(DISTINCT seat_id)::int AS seats,
              (SELECT count(*)::int FROM orders WHERE event_id = $1 AND status = 'completed') AS orders
       FROM tickets WHERE event_id = $1 AND status = 'valid'`,
      [event.id],
    );
    const pg = rows[0]!;
    const snap = await engine.snapshotEvent(event.id);

    const steps: StepSummary[] = timeline.steps();
    const seconds: Second[] = timeline.seconds();
    const summary = {
      buyers: BUYERS,
      seats: ROWS * SEATS_PER_ROW,
      admittedBuyers,
      orders,
      declinedCards: declined,
      timeToSellOutSeconds: soldOutAt ? (soldOutAt - opensAt) / 1000 : null,
      requests: steps.reduce((n, s) => n + s.count, 0),
      eta: { joinedBeforeOpening: accuracy(etaEarlyJoiners), joinedAfterOpening: accuracy(etaLateJoiners) },
      soldInRedis: snap.ok ? snap.counts.sold : null,
      validTicketsInPostgres: pg.tickets,
      distinctSeatsInPostgres: pg.seats,
      completedOrdersInPostgres: pg.orders,
      seatsSoldTwice: pg.tickets - pg.seats,
      postgresAgreesWithRedis: reconciliation.ok && reconciliation.report.consistent,
    };
    console.log(
      `\n## on-sale simulation (${BUYERS} buyers, ${ROWS * SEATS_PER_ROW} seats, waiting room at ${ADMIT_PER_SECOND}/s, ${ADMITTED_AT_ONCE} at once, ${CONNECTIONS} connections)\n`,
    );
    console.log('| step | requests | errors | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|');
    for (const s of steps)
      console.log(
        `| ${s.step} | ${s.count} | ${s.errors} | ${s.p50Ms.toFixed(1)} | ${s.p95Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} |`,
      );
    console.log(`\n${JSON.stringify(summary, null, 2)}`);
    return { rows: steps, summary, timeline: seconds };
  } finally {
    await stack.close();
  }
}
