import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Engine } from '../src/engine/engine.js';

const nowMs = () => performance.timeOrigin + performance.now();
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** Lags in 0.1 ms buckets up to 60 s: percentiles of tens of millions of deliveries without keeping them. */
class LagHistogram {
  private readonly buckets = new Float64Array(600_000);
  count = 0;
  add(ms: number) {
    this.buckets[Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms * 10)))]! += 1;
    this.count += 1;
  }
  percentile(p: number): number {
    let seen = 0;
    const wanted = (p / 100) * this.count;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= wanted) return i / 10;
    }
    return Number.NaN;
  }
}

interface Report {
  closed: number;
  versions: number[];
  fromVersions: number[];
  arrivals: number[];
}

export interface FanoutResult {
  clients: number;
  /** load-generator processes the clients were spread over */
  clientProcesses: number;
  changesPerSecond: number;
  changes: number;
  /** (client, change) pairs delivered, of clients x changes */
  delivered: number;
  expected: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /**
   * How long after the first client each client got the same message: the time the API takes
   * to write one tick to every client and the clients to read it, apart from the tick's wait.
   */
  spreadP50Ms: number;
  spreadP99Ms: number;
  /** the API process while the event changed: CPU as % of one core, and its memory */
  apiCpuPercent: number;
  apiRssBeforeMiB: number;
  apiRssMaxMiB: number;
  /** the client processes together while the event changed, as % of one core */
  clientCpuPercent: number;
  clientsConnectSeconds: number;
  clientsClosed: number;
}

/** A worker of live clients (bench/sseFanoutClient.ts) and its IPC. */
function startClients(url: string, clients: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sseFanoutClient.ts', url, String(clients)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`a fan-out client process exited (${code}) before '${type}'`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, pid: child.pid!, next };
}

/**
 * `clients` live clients, spread over `processes` lean client processes, on one API process
 * while the event changes `rate` times a second for `seconds`: each change is a one-seat
 * reserve or release through the engine, timed at its reply; each client's arrival of it is
 * its lag. The clients' own CPU is measured too: they share the machine with the API.
 */
export async function measureFanout(options: {
  apiUrl: string;
  apiPid: number;
  engine: Engine;
  eventId: string;
  clients: number;
  rate: number;
  seconds: number;
  tickMs: number;
  processes: number;
}): Promise<FanoutResult> {
  const { engine, eventId, rate } = options;
  const rssBefore = rssMiB(options.apiPid);
  const connectStarted = nowMs();
  const url = `${options.apiUrl}/api/events/${eventId}/live`;
  const workers = Array.from({ length: options.processes }, (_, w) =>
    startClients(
      url,
      Math.floor(options.clients / options.processes) + (w < options.clients % options.processes ? 1 : 0),
    ),
  );
  await Promise.all(workers.map((w) => w.next('ready')));
  const clientsConnectSeconds = (nowMs() - connectStarted) / 1000;

  const commits = new Map<number, number>();
  const op = async (k: number) => {
    const seat = (k >> 1) % 10_000;
    const user = `fan${seat}`;
    const result =
      k % 2 === 0 ? await engine.reserveSeats(eventId, user, [seat]) : await engine.releaseSeats(eventId, user, [seat]);
    if (result.ok) commits.set(result.version, nowMs());
  };
  const clientCpu = () => workers.reduce((sum, w) => sum + cpuSeconds(w.pid), 0);
  let rssMax = rssMiB(options.apiPid);
  const cpuBefore = cpuSeconds(options.apiPid);
  const clientCpuBefore = clientCpu();
  const started = nowMs();
  let issued = 0;
  while (nowMs() - started < options.seconds * 1000) {
    const due = Math.floor(((nowMs() - started) * rate) / 1000);
    const batch: Promise<void>[] = [];
    while (issued < due) batch.push(op(issued++));
    await Promise.all(batch);
    rssMax = Math.max(rssMax, rssMiB(options.apiPid));
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = (nowMs() - started) / 1000;
  const apiCpuPercent = ((cpuSeconds(options.apiPid) - cpuBefore) / elapsed) * 100;
  const clientCpuPercent = ((clientCpu() - clientCpuBefore) / elapsed) * 100;
  // the last changes reach the clients with the next tick or two
  await new Promise((r) => setTimeout(r, 4 * options.tickMs + 500));
  rssMax = Math.max(rssMax, rssMiB(options.apiPid));

  const reports = await Promise.all(
    workers.map(async (w) => {
      const reported = w.next<Report>('report');
      w.child.send({ type: 'report' });
      return reported;
    }),
  );
  const lags = new LagHistogram();
  let lagMax = 0;
  const firstArrival = new Map<number, number>();
  for (const report of reports) {
    for (let i = 0; i < report.versions.length; i++) {
      if (report.fromVersions[i]! < 0) continue;
      const first = firstArrival.get(report.versions[i]!);
      if (first === undefined || report.arrivals[i]! < first)
        firstArrival.set(report.versions[i]!, report.arrivals[i]!);
    }
  }
  const spreads = new LagHistogram();
  for (const report of reports) {
    for (let i = 0; i < report.versions.length; i++) {
      const first = firstArrival.get(report.versions[i]!);
      if (report.fromVersions[i]! >= 0 && first !== undefined) spreads.add(report.arrivals[i]! - first);
    }
  }
  for (const report of reports) {
    for (let i = 0; i < report.versions.length; i++) {
      const from = report.fromVersions[i]!;
      if (from < 0) continue;
      for (let v = from + 1; v <= report.versions[i]!; v++) {
        const committed = commits.get(v);
        if (committed === undefined) continue;
        const lag = report.arrivals[i]! - committed;
        lags.add(lag);
        if (lag > lagMax) lagMax = lag;
      }
    }
  }
  return {
    clients: options.clients,
    clientProcesses: options.processes,
    changesPerSecond: commits.size / elapsed,
    changes: commits.size,
    delivered: lags.count,
    expected: commits.size * options.clients,
    lagP50Ms: lags.percentile(50),
    lagP99Ms: lags.percentile(99),
    lagMaxMs: lagMax,
    spreadP50Ms: spreads.percentile(50),
    spreadP99Ms: spreads.percentile(99),
    apiCpuPercent,
    apiRssBeforeMiB: rssBefore,
    apiRssMaxMiB: rssMax,
    clientCpuPercent,
    clientsConnectSeconds,
    clientsClosed: reports.reduce((n, r) => n + r.closed, 0),
  };
}
