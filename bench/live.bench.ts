import { createEngine } from '../src/engine/engine.js';
import { measureFanout, type FanoutResult } from './liveFanout.js';
import { measureRenderCost } from './liveRender.js';
import { BENCH_PREFIX, benchStack, createEvent } from './support.js';
import { ensureWrk, runWrk, wrkTable, type WrkResult } from './wrk.js';

const CONNECTIONS = 64;
const SECONDS = 10;
const TICK_MS = 250;
const FANOUT = { clients: 5_000, rate: 1_000, seconds: 10, processes: 2 };

/**
 * Live availability (`npm run bench -- live`): wrk (one thread, 64 connections) against
 * the API in its own process and a bare Hono endpoint in the same run, for the states of a
 * 10,000-seat event, their 304, the layout's 304 and the full seat map; the cost of
 * rendering a new state of that map; then fan-out: 5,000 SSE clients (two lean client
 * processes) while the event changes 1,000 times a second.
 */
export async function liveBench(): Promise<{ rows: unknown[]; summary: Record<string, unknown> }> {
  ensureWrk();
  const stack = await benchStack();
  const { db } = stack;
  try {
    const map = await createEvent(db.pool, 50, 200);
    const fan = await createEvent(db.pool, 50, 200);
    const [api, bare] = await Promise.all([
      stack.startApi({ LIVE_TICK_MS: String(TICK_MS), LIVE_MAX_CONNECTIONS: String(FANOUT.clients + 100), LOG_LEVEL: 'warn' }),
      stack.startBaseline('bare'),
    ]);
    const engine = createEngine({ redis: stack.redis, prefix: BENCH_PREFIX });
    // states that are not all alike: about 2,300 of the 10,000 seats held
    for (let i = 0; i < 500; i++) {
      const seats = [6 * i, 6 * i + 1, 6 * i + 2, 6 * i + 3, 6 * i + 4, 6 * i + 5];
      await engine.reserveSeats(map.id, `holder${i}`, seats.slice(0, i % 3 === 0 ? 6 : 4));
    }
    const base = `${api.url}/api/events/${map.id}`;
    const etag = (await fetch(`${base}/availability`)).headers.get('etag')!;
    const layoutEtag = (await fetch(`${base}/layout`)).headers.get('etag')!;
    const gzip = { 'Accept-Encoding': 'gzip' };

    const run = (name: string, url: string, headers: Record<string, string> = {}) =>
      runWrk(name, url, { connections: CONNECTIONS, durationSeconds: SECONDS, headers });
    await runWrk('warm-up', `${bare.url}/ping`, { durationSeconds: 2 });
    for (const path of ['availability', 'seats', 'layout']) await runWrk('warm-up', `${base}/${path}`, { durationSeconds: 2, headers: gzip });

    const rows: WrkResult[] = [];
    const bareRow = await run('bare Hono GET /ping (baseline)', `${bare.url}/ping`);
    rows.push(bareRow);
    rows.push(await run('GET availability, 10,000 seats (200)', `${base}/availability`));
    rows.push(await run('GET availability with If-None-Match (304)', `${base}/availability`, { 'If-None-Match': etag }));
    rows.push(await run('GET layout with If-None-Match (304)', `${base}/layout`, { 'If-None-Match': layoutEtag }));
    rows.push(await run('GET full seat map, 10,000 seats', `${base}/seats`));
    rows.push(await run('GET full seat map, 10,000 seats, gzip', `${base}/seats`, gzip));
    const bareAgain = await run('bare Hono GET /ping (baseline, again)', `${bare.url}/ping`);
    rows.push(bareAgain);
    console.log(`\n## live (API in its own process; wrk -t1 -c${CONNECTIONS}, ${SECONDS} s each)\n`);
    console.log(wrkTable(rows, bareRow));

    const render = measureRenderCost(50, 200);
    console.log(`\nfull seat map, a new state of ${render.seats} seats (one seat changed), rendered in the bench process: `
      + `${render.plainMs.toFixed(2)} ms plain (${render.plainBytes} bytes), ${render.gzipMs.toFixed(2)} ms with its gzip body (${render.gzipBytes} bytes)`);

    const fanout: FanoutResult = await measureFanout({
      apiUrl: api.url, apiPid: api.child.pid!, engine, eventId: fan.id, tickMs: TICK_MS, ...FANOUT,
    });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const dropped = Number(/^ticketing_live_clients_dropped_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    console.log(`\nfan-out: ${fanout.clients} clients, ${fanout.changesPerSecond.toFixed(0)} changes/s for ${FANOUT.seconds} s, tick ${TICK_MS} ms: `
      + `lag p50 ${fanout.lagP50Ms.toFixed(1)} ms, p99 ${fanout.lagP99Ms.toFixed(1)} ms (target ${2 * TICK_MS} ms), max ${fanout.lagMaxMs.toFixed(1)} ms; `
      + `delivered ${fanout.delivered} of ${fanout.expected}; API CPU ${fanout.apiCpuPercent.toFixed(0)}% of a core, `
      + `clients (${fanout.clientProcesses} processes) ${fanout.clientCpuPercent.toFixed(0)}% of a core, `
      + `RSS ${fanout.apiRssBeforeMiB.toFixed(0)} MiB before the clients, ${fanout.apiRssMaxMiB.toFixed(0)} MiB at most; dropped ${dropped}`);

    const [availability, notModified, , fullMap, fullMapGzip] = rows.slice(1);
    const summary = {
      availabilityVsBareHono: availability!.requestsPerSecond / bareRow.requestsPerSecond,
      notModifiedVsBareHono: notModified!.requestsPerSecond / bareRow.requestsPerSecond,
      fullMapVsBareHono: fullMap!.requestsPerSecond / bareRow.requestsPerSecond,
      fullMapGzipVsBareHono: fullMapGzip!.requestsPerSecond / bareRow.requestsPerSecond,
      render,
      fanout: { ...fanout, tickMs: TICK_MS, dropped },
    };
    return { rows, summary };
  } finally {
    await stack.close();
  }
}
