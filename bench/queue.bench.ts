import { httpClient } from './httpClient.js';
import { measure, table, type Measurement } from './measure.js';
import { benchStack, createBuyers, createEvent } from './support.js';

const CONNECTIONS = 64;
const BUYERS = 20_000;

/** Waiting-room joins and position polls over HTTP, next to a bare Hono endpoint in the same run. */
export async function queueBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const stack = await benchStack();
  try {
    // capacity 1: admission barely moves, so the queue stays 20,000 long while it is polled
    const event = await createEvent(stack.db.pool, 10, 100, { highDemand: true, queueRatePerSecond: 1, queueCapacity: 1 });
    const tokens = await createBuyers(stack.db.pool, stack.sessions, BUYERS);
    const [api, bare] = await Promise.all([stack.startApi(), stack.startBaseline('bare')]);
    const apiClient = httpClient(api.url, CONNECTIONS);
    const bareClient = httpClient(bare.url, CONNECTIONS);
    const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % BUYERS]}` });

    await measure('warm-up', 3_000, CONNECTIONS, async () => (await bareClient.request('GET', '/ping')).status === 200);
    const bareRow = await measure('bare Hono GET /ping (baseline)', 30_000, CONNECTIONS, async () =>
      (await bareClient.request('GET', '/ping')).status === 200);
    const joins = await measure(`POST /api/queue/:id/join (${BUYERS} buyers)`, BUYERS, CONNECTIONS, async (i) =>
      (await apiClient.request('POST', `/api/queue/${event.id}/join`, { headers: auth(i) })).status === 200);
    const polls = await measure('GET /api/queue/:id/position', 30_000, CONNECTIONS, async (i) =>
      (await apiClient.request('GET', `/api/queue/${event.id}/position`, { headers: auth(i) })).status === 200);
    apiClient.close();
    bareClient.close();

    const rows = [bareRow, joins, polls];
    console.log(`\n## queue (API in its own process, ${CONNECTIONS} keep-alive connections)\n`);
    console.log(table(rows, bareRow));
    const summary = {
      joinsPerSecond: joins.opsPerSecond,
      pollsPerSecond: polls.opsPerSecond,
      joinsVsBareHono: joins.opsPerSecond / bareRow.opsPerSecond,
      pollsVsBareHono: polls.opsPerSecond / bareRow.opsPerSecond,
    };
    console.log(`\njoins ${(summary.joinsVsBareHono * 100).toFixed(0)}% and position polls ${(summary.pollsVsBareHono * 100).toFixed(0)}% of bare Hono`);
    return { rows, summary };
  } finally {
    await stack.close();
  }
}
