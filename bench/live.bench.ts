import { createEngine } from '../src/engine/engine.js';
import { measureFanout, type FanoutResult } from './liveFanout.js';
import { measureRenderCost } from './liveRender.js';
import { BENCH_PREFIX, benchStack, createEvent } from './support.js';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ensureWrk, runWrk, type WrkResult } from './wrk.js';

const CONNECTIONS = 64;
const SECONDS = 10;
const BASELINE_SECONDS = 5;
const TICK_MS = 250;
const FANOUT = { clients: 5_000, rate: 1_000, seconds: 10, processes: 2 };

/** CPU seconds of this process's finished children (wrk runs here, one at a time). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in USER_HZ
}

interface LiveRow extends WrkResult {
  /** wrk's own CPU while it ran, as % of one core */
  wrkCpuPercent: number;
  baselineRequestsPerSecond: number;
  vsBareHono: number;
}

async function measured(name: string, url: string, headers: Record<string, string>, seconds: number) {
  const before = childrenCpuSeconds();
  const row = await runWrk(name, url, { connections: CONNECTIONS, durationSeconds: seconds, headers });
  return { ...row, wrkCpuPercent: ((childrenCpuSeconds() - before) / row.seconds) * 100 };
}

function liveTable(rows: LiveRow[]): string {
  return [
    '| endpoint | errors | req/s | p50 ms | p90 ms | p99 ms | MiB/s | wrk CPU | bare Hono just before | vs bare Hono |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.errors} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p90Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ` +
        `${(r.bytesPerSecond / 1024 ** 2).toFixed(0)} | ${r.wrkCpuPercent.toFixed(0)}% | ${r.baselineRequestsPerSecond.toFixed(0)} | ${(r.vsBareHono * 100).toFixed(0)}% |`,
    ),
  ].join('\n');
}

/**
 * Live availability (`npm run bench -- live`): wrk (one thread, 64 connections) against
 * the API in its own process and a bare Hono endpoint in the same run, for the states of a
 * 10,000-seat event, their 304, the layout's 304 and the full seat map; the cost of
 * rendering a new state of that map; then fan-out: 5,000 SSE clients (two lean client
 * processes) while the event changes 1,000 times a second.
 */
export async function liveBench(): Promise<{ rows: unknown[]; summary: Record<string, unknown> }> {
  ensureWrk();
  const loadBefore = loadavg()[0]!;
  const stack = await benchStack();
  const { db } = stack;
  try {
    const map = await createEvent(db.pool, 50, 200);
    const fan = await createEvent(db.pool, 50, 200);
    const [api, bare] = await Promise.all([
      stack.startApi({
        LIVE_TICK_MS: String(TICK_MS),
        LIVE_MAX_CONNECTIONS: String(FANOUT.clients + 100),
        LOG_LEVEL: 'warn',
      }),
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

    await runWrk('warm-up', `${bare.url}/ping`, { durationSeconds: 2 });
    for (const path of ['availability', 'seats', 'layout'])
      await runWrk('warm-up', `${base}/${path}`, { durationSeconds: 2, headers: gzip });

    // Each endpoint right after a bare Hono run of its own: on a shared machine the ratio to
    // the baseline next to it moves far less than the ratio to one baseline at the start.
    const endpoints: [name: string, url: string, headers?: Record<string, string>][] = [
      ["GET /healthz (the API's middleware alone: its floor)", `${api.url}/healthz`],
      ['GET availability, 10,000 seats (200)', `${base}/availability`],
      ['GET availability, 10,000 seats, gzip (200)', `${base}/availability`, gzip],
      ['GET availability with If-None-Match (304)', `${base}/availability`, { 'If-None-Match': etag }],
      ['GET layout with If-None-Match (304)', `${base}/layout`, { 'If-None-Match': layoutEtag }],
      ['GET full seat map, 10,000 seats', `${base}/seats`],
      ['GET full seat map, 10,000 seats, gzip', `${base}/seats`, gzip],
    ];
    const rows: LiveRow[] = [];
    for (const [name, url, headers] of endpoints) {
      const baseline = await measured('bare Hono GET /ping', `${bare.url}/ping`, {}, BASELINE_SECONDS);
      const row = await measured(name, url, headers ?? {}, SECONDS);
      rows.push({
        ...row,
        baselineRequestsPerSecond: baseline.requestsPerSecond,
        vsBareHono: row.requestsPerSecond / baseline.requestsPerSecond,
      });
    }
    console.log(
      `\n## live (API in its own process; wrk -t1 -c${CONNECTIONS}, ${SECONDS} s each, after ${BASELINE_SECONDS} s of bare Hono)\n`,
    );
    console.log(liveTable(rows));

    const render = measureRenderCost(50, 200);
    console.log(
      `\nfull seat map, a new state of ${render.seats} seats (one seat changed), rendered in the bench process: ` +
        `${render.plainMs.toFixed(2)} ms plain (${render.plainBytes} bytes), ${render.gzipMs.toFixed(2)} ms with its gzip body (${render.gzipBytes} bytes)`,
    );

    const fanout: FanoutResult = await measureFanout({
      apiUrl: api.url,
      apiPid: api.child.pid!,
      engine,
      eventId: fan.id,
      tickMs: TICK_MS,
      ...FANOUT,
    });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const dropped = Number(/^ticketing_live_clients_dropped_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    console.log(
      `\nfan-out: ${fanout.clients} clients, ${fanout.changesPerSecond.toFixed(0)} changes/s for ${FANOUT.seconds} s, tick ${TICK_MS} ms: ` +
        `lag p50 ${fanout.lagP50Ms.toFixed(1)} ms, p99 ${fanout.lagP99Ms.toFixed(1)} ms (target ${2 * TICK_MS} ms), max ${fanout.lagMaxMs.toFixed(1)} ms; ` +
        `a message reached the last clients p50 ${fanout.spreadP50Ms.toFixed(1)} ms, p99 ${fanout.spreadP99Ms.toFixed(1)} ms after the first; ` +
        `delivered ${fanout.delivered} of ${fanout.expected}; API CPU ${fanout.apiCpuPercent.toFixed(0)}% of a core, ` +
        `clients (${fanout.clientProcesses} processes) ${fanout.clientCpuPercent.toFixed(0)}% of a core, ` +
        `RSS ${fanout.apiRssBeforeMiB.toFixed(0)} MiB before the clients, ${fanout.apiRssMaxMiB.toFixed(0)} MiB at most; dropped ${dropped}`,
    );

    const [healthz, availability, availabilityGzip, notModified, , fullMap, fullMapGzip] = rows;
    console.log(
      `\nload average (1 min) on this machine: ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
    );
    const summary = {
      healthzVsBareHono: healthz!.vsBareHono,
      availabilityVsBareHono: availability!.vsBareHono,
      availabilityGzipVsBareHono: availabilityGzip!.vsBareHono,
      notModifiedVsBareHono: notModified!.vsBareHono,
      fullMapVsBareHono: fullMap!.vsBareHono,
      fullMapGzipVsBareHono: fullMapGzip!.vsBareHono,
      render,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg()[0],
      fanout: { ...fanout, tickMs: TICK_MS, dropped },
    };
    return { rows, summary };
  } finally {
    await stack.close();
  }
}
