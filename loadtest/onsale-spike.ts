/**
 * The production on-sale profile: arrivals ramp from 200 to 20,000 requests per second.
 * Each virtual buyer joins the waiting room, polls at the pace of its ETA, loads the seat
 * map once admitted, reserves seats and checks out. Thresholds are the platform's SLOs; at
 * the end, the admin stats must show no seat sold twice.
 *
 *   npx ticketctl tokens 20000 > tokens.json
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e TOKENS_FILE=tokens.json -e EVENT_ID=<high-demand event> \
 *     -e ADMIN_TOKEN=<admin session> loadtest/onsale-spike.ts
 *
 * Sizing: each arriving buyer is one iteration, and one VU is busy for the whole journey
 * (mostly waiting in the queue), so VUs needed = arrivals per second x journey seconds:
 * 4,000 buyers/s x ~5 s is 20,000 VUs, which is `maxVUs`. Tokens are reused round-robin,
 * so the file needs as many tokens as buyers you want to be distinct (20,000 here; a token
 * is ~45 bytes, and the file is shared by all VUs through SharedArray). One k6 process at
 * 20,000 VUs needs about 8-16 GB of memory. `-e PROFILE=smoke` runs 10 buyers in 20 s to
 * check the script and a deployment first.
 */
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Counter, Rate } from 'k6/metrics';
import { api, json, pickAvailable, type Seat, type Standing } from './lib/api.ts';
import { ADMIN_TOKEN, EVENT_ID, SMOKE, TOKENS, requireSettings } from './lib/config.ts';
import { summarize } from './lib/summary.ts';

/** A buyer's journey is about this many requests; arrival rates are buyers per second. */
const REQUESTS_PER_BUYER = Number(__ENV.REQUESTS_PER_BUYER ?? 5);
const perSecond = (requests: number) => Math.max(1, Math.round(requests / REQUESTS_PER_BUYER));
const MAX_WAIT_SECONDS = Number(__ENV.MAX_WAIT_SECONDS ?? 300);

const lockSuccess = new Rate('lock_success');
const oversold = new Counter('oversold_seats');
const purchases = new Counter('purchases');

const smoke = {
  executor: 'constant-arrival-rate',
  rate: 1,
  timeUnit: '2s',
  duration: '20s',
  preAllocatedVUs: 10,
  maxVUs: 10,
};

export const options = {
  scenarios: {
    onsale: SMOKE
      ? smoke
      : {
          executor: 'ramping-arrival-rate',
          startRate: perSecond(200),
          timeUnit: '1s',
          preAllocatedVUs: 2_000,
          maxVUs: 20_000,
          stages: [
            { target: perSecond(2_000), duration: '30s' },
            { target: perSecond(20_000), duration: '1m' },
            { target: perSecond(20_000), duration: '2m' },
            { target: 0, duration: '30s' },
          ],
        },
  },
  thresholds: {
    'http_req_duration{step:seatmap}': ['p(95)<200'],
    'http_req_duration{step:reserve}': ['p(95)<100'],
    'http_req_duration{step:checkout}': ['p(95)<2000'],
    lock_success: ['rate>0.999'],
    oversold_seats: ['count==0'],
    // lost seat races (409) and not-yet-durable checkouts (503) are expected answers, not failures
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export const handleSummary = summarize('onsale-spike');

export function setup() {
  requireSettings('EVENT_ID', 'ADMIN_TOKEN', 'TOKENS');
}

export default function buyer() {
  const token = TOKENS[exec.scenario.iterationInTest % TOKENS.length]!;
  let standing = json<Standing>(api.join(EVENT_ID, token));
  const gaveUpAt = Date.now() + MAX_WAIT_SECONDS * 1000;
  while (standing.status === 'waiting' && Date.now() < gaveUpAt) {
    sleep(Math.min(Math.max(standing.estimatedWaitSeconds / 2, 1), 5));
    const res = api.position(EVENT_ID, token);
    if (res.status === 200) standing = json<Standing>(res);
  }
  if (standing.status !== 'admitted') return;

  for (let attempt = 0; attempt < 3; attempt++) {
    const map = api.seatMap(EVENT_ID);
    if (!check(map, { 'seat map 200': (r) => r.status === 200 })) continue;
    const seatIds = pickAvailable(json<{ seats: Seat[] }>(map).seats, 1 + Math.floor(Math.random() * 2));
    if (seatIds.length === 0) return; // sold out
    const held = api.reserve(EVENT_ID, seatIds, token);
    // a lock either succeeds or is cleanly refused (someone was faster); anything else is a failure
    lockSuccess.add(held.status === 201 || held.status === 409);
    if (held.status !== 201) continue;
    const key = `${exec.vu.idInTest}-${exec.scenario.iterationInTest}`;
    let paid = api.checkout(EVENT_ID, token, key);
    for (let retry = 0; paid.status === 503 && retry < 5; retry++) {
      sleep(Number(paid.headers['Retry-After'] ?? 1));
      paid = api.checkout(EVENT_ID, token, key);
    }
    if (check(paid, { 'checkout 201': (r) => r.status === 201 })) purchases.add(1);
    return;
  }
}

/** Nothing oversold: the live counts add up and never exceed the event's seats. */
export function teardown() {
  const res = api.stats(EVENT_ID, ADMIN_TOKEN);
  const stats = json<{ counts: { total: number; available: number; held: number; sold: number } }>(res);
  const { total, available, held, sold } = stats.counts;
  const consistent = check(res, {
    'stats 200': (r) => r.status === 200,
    'no seat sold twice': () => sold <= total && available + held + sold === total,
  });
  if (!consistent) oversold.add(Math.max(1, sold - total));
}
