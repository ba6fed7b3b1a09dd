/**
 * Hold churn: buyers reserve seats and release them again at a steady rate, the load that
 * expiring and abandoned holds put on the engine during a long sale.
 *
 *   npx ticketctl tokens 2000 > tokens.json
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e TOKENS_FILE=tokens.json -e EVENT_ID=<an on-sale event> \
 *     -e RATE=500 loadtest/hold-churn.ts      (-e PROFILE=smoke: 2 buyers a second for 15 s)
 *
 * Sizing: one VU per request in flight: RATE x the reserve+release time; 2,000 VUs cover
 * 500/s even at a 4 s response. TOKENS_FILE should hold at least as many tokens as VUs in
 * flight, so that concurrent iterations rarely share a buyer (and its 6-seat limit).
 */
import exec from 'k6/execution';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { api, json, pickAvailable, type Seat } from './lib/api.ts';
import { EVENT_ID, SMOKE, TOKENS, requireSettings } from './lib/config.ts';
import { summarize } from './lib/summary.ts';

const lockSuccess = new Rate('lock_success');

export const options = {
  scenarios: {
    churn: {
      executor: 'constant-arrival-rate',
      rate: SMOKE ? 2 : Number(__ENV.RATE ?? 200),
      timeUnit: '1s',
      duration: SMOKE ? '15s' : (__ENV.DURATION ?? '2m'),
      preAllocatedVUs: 200,
      maxVUs: 2_000,
    },
  },
  thresholds: {
    'http_req_duration{step:reserve}': ['p(95)<100'],
    'http_req_duration{step:release}': ['p(95)<100'],
    lock_success: ['rate>0.999'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export const handleSummary = summarize('hold-churn');

export function setup() {
  requireSettings('EVENT_ID', 'TOKENS');
  const map = api.seatMap(EVENT_ID);
  return { seats: json<{ seats: Seat[] }>(map).seats };
}

export default function churn(data: { seats: Seat[] }) {
  const token = TOKENS[exec.scenario.iterationInTest % TOKENS.length]!;
  const seatIds = pickAvailable(data.seats, 1 + Math.floor(Math.random() * 2));
  const held = api.reserve(EVENT_ID, seatIds, token);
  lockSuccess.add(held.status === 201 || held.status === 409);
  if (held.status === 201) check(api.release(EVENT_ID, seatIds, token), { 'release 200': (r) => r.status === 200 });
}
