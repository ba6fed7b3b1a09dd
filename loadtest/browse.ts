/**
 * Browsing: event search, event pages and seat maps, by ramping numbers of visitors.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 loadtest/browse.ts      (-e PROFILE=smoke: 2 visitors, 15 s)
 */
import { check, sleep } from 'k6';
import { api, json } from './lib/api.ts';
import { SMOKE } from './lib/config.ts';
import { summarize } from './lib/summary.ts';

export const options = {
  scenarios: {
    browse: SMOKE
      ? { executor: 'constant-vus', vus: 2, duration: '15s' }
      : {
          executor: 'ramping-vus',
          startVUs: 10,
          stages: [
            { target: 200, duration: '30s' },
            { target: 500, duration: '1m' },
            { target: 0, duration: '20s' },
          ],
        },
  },
  thresholds: {
    'http_req_duration{step:search}': ['p(95)<150'],
    'http_req_duration{step:event}': ['p(95)<100'],
    'http_req_duration{step:seatmap}': ['p(95)<200'],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  },
};

export const handleSummary = summarize('browse');

const QUERIES = ['limit=20', 'status=on_sale&limit=20', 'q=live&limit=10', 'city=Lisbon', 'status=upcoming&limit=50'];

export default function visitor() {
  const page = api.searchEvents(QUERIES[Math.floor(Math.random() * QUERIES.length)]!);
  check(page, { 'search 200': (r) => r.status === 200 });
  const events = json<{ events: { id: string }[] }>(page).events;
  if (events.length === 0) return;
  const event = events[Math.floor(Math.random() * events.length)]!;
  check(api.event(event.id), { 'event 200': (r) => r.status === 200 });
  sleep(Math.random());
  check(api.seatMap(event.id), { 'seat map 200': (r) => r.status === 200 });
  sleep(1 + Math.random() * 2);
}
