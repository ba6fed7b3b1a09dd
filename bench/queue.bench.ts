import { benchStack, createBuyers, createEvent } from './support.js';
import { ensureWrk, runWrk, wrkTable, type WrkRequest, type WrkResult } from './wrk.js';

const CONNECTIONS = 64;
const BUYERS = 20_000;

/**
 * Waiting-room joins and position polls over HTTP (wrk, one thread, 64 connections; rate
 * limits on, counted inside the join and position scripts), next to bare Hono and Hono +
 * one EVALSHA in the same run.
 */
export async function queueBench(): Promise<{ rows: WrkResult[]; summary: Record<string, number> }> {
  ensureWrk();
  const stack = await benchStack();
  try {
    // capacity 1: admission barely moves, so the queue stays 20,000 long while it is polled
    const event = await createEvent(stack.db.pool, 10, 100, {
      highDemand: true,
      queueRatePerSecond: 1,
      queueCapacity: 1,
    });
    const tokens = await createBuyers(stack.db.pool, stack.sessions, BUYERS);
    const [api, bare, evalsha] = await Promise.all([
      stack.startApi({ RATE_LIMITS: 'on', NOTIFICATIONS: 'off' }),
      stack.startBaseline('bare'),
      stack.startBaseline('evalsha'),
    ]);
    const asBuyers = (method: string, path: string): WrkRequest[] =>
      tokens.map((token) => ({ method, path, headers: { Authorization: `Bearer ${token}` } }));
    const run = (name: string, url: string, requests?: WrkRequest[]) =>
      runWrk(name, url, { connections: CONNECTIONS, durationSeconds: 3, requests });

    await run('warm-up', `${bare.url}/ping`);
    const bareRow = await run('bare Hono GET /ping (baseline)', `${bare.url}/ping`);
    const evalshaRow = await run('Hono + one EVALSHA (baseline)', `${evalsha.url}/evalsha`);
    // each buyer joins once (a list that runs out starts again: joining again keeps the place)
    const joins = await run(
      `POST /api/queue/:id/join (${BUYERS} buyers)`,
      api.url,
      asBuyers('POST', `/api/queue/${event.id}/join`),
    );
    const polls = await run('GET /api/queue/:id/position', api.url, asBuyers('GET', `/api/queue/${event.id}/position`));

    const rows = [bareRow, evalshaRow, joins, polls];
    console.log(`\n## queue (API in its own process, rate limits on; wrk -t1 -c${CONNECTIONS})\n`);
    console.log(wrkTable(rows, bareRow));
    const summary = {
      joinsPerSecond: joins.requestsPerSecond,
      pollsPerSecond: polls.requestsPerSecond,
      joinsVsEvalsha: joins.requestsPerSecond / evalshaRow.requestsPerSecond,
      pollsVsEvalsha: polls.requestsPerSecond / evalshaRow.requestsPerSecond,
      errors: rows.reduce((n, r) => n + r.errors, 0),
    };
    console.log(
      `\njoins ${(summary.joinsVsEvalsha * 100).toFixed(0)}% and position polls ${(summary.pollsVsEvalsha * 100).toFixed(0)}% of Hono + one EVALSHA`,
    );
    return { rows, summary };
  } finally {
    await stack.close();
  }
}
