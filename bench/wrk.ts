/**
 * wrk (Debian's package) as the HTTP load generator: a C client on one thread, so it takes
 * one core and leaves the other to the server under test, unlike a Node client that
 * competes with it. `runWrk` runs it against a URL (with headers, or a Lua script from
 * bench/wrk/) and returns req/s and latency percentiles.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkOptions {
  connections?: number;
  /** wrk threads; one keeps wrk on one core */
  threads?: number;
  durationSeconds?: number;
  headers?: Record<string, string>;
  /** a Lua script in bench/wrk/ (by file name) */
  script?: string;
  /** distinct requests, sent in this order (bench/wrk/requests.lua); instead of `headers` and `script` */
  requests?: readonly WrkRequest[];
  timeoutSeconds?: number;
}

/** One request of a list: each can carry its own session, Idempotency-Key and body. */
export interface WrkRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface WrkResult {
  name: string;
  requests: number;
  /** responses that were not 2xx or 3xx, plus socket errors */
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  bytesPerSecond: number;
  /** with a request list: how often the run went through the whole list and started again */
  wraps: number;
}

/** The path of wrk, installing Debian's package when it is missing (as root). */
export function ensureWrk(): string {
  const found = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
  if (found) return found;
  console.log('wrk is missing: apt-get install -y wrk');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'inherit' });
  return '/usr/bin/wrk';
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: unreadable duration ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Reads wrk's `--latency` report. */
export function parseWrk(name: string, output: string): WrkResult {
  const percentile = (p: number) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)\\s*$`, 'm').exec(output);
    if (!m) throw new Error(`wrk: no ${p}% latency in:\n${output}`);
    return duration(m[1]!);
  };
  const totals = /(\d+) requests in ([\d.]+)(us|ms|s|m|h)/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB|TB)/.exec(output);
  if (!totals || !rps) throw new Error(`wrk: unreadable report:\n${output}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  return {
    name,
    requests: Number(totals[1]),
    errors: non2xx + socketErrors,
    seconds: duration(`${totals[2]}${totals[3]}`) / 1000,
    requestsPerSecond: Number(rps[1]),
    p50Ms: percentile(50),
    p75Ms: percentile(75),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    bytesPerSecond: transfer ? Number(transfer[1]) * BYTES[transfer[2]!]! : 0,
    wraps: Number(/^wraps (\d+)$/m.exec(output)?.[1] ?? 0),
  };
}

/** Runs wrk against `url` and returns what it measured. */
export async function runWrk(name: string, url: string, options: WrkOptions = {}): Promise<WrkResult> {
  const args = [
    `-t${options.threads ?? 1}`,
    `-c${options.connections ?? 64}`,
    `-d${options.durationSeconds ?? 10}s`,
    `--timeout`,
    `${options.timeoutSeconds ?? 10}s`,
    '--latency',
  ];
  for (const [header, value] of Object.entries(options.headers ?? {})) args.push('-H', `${header}: ${value}`);
  const list = options.requests ? requestFile(options.requests) : undefined;
  const script = list ? 'requests.lua' : options.script;
  if (script) args.push('-s', new URL(`./wrk/${script}`, import.meta.url).pathname);
  args.push(url);
  try {
    const env = list ? { ...process.env, WRK_REQUESTS: list.file } : process.env;
    const { stdout } = await run(ensureWrk(), args, { maxBuffer: 1024 * 1024, env });
    return parseWrk(name, stdout);
  } finally {
    list?.remove();
  }
}

/** The request list as bench/wrk/requests.lua reads it: one tab-separated line per request. */
function requestFile(requests: readonly WrkRequest[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tk-wrk-'));
  const file = join(dir, 'requests.tsv');
  const lines = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
    if (headers.length > 2) throw new Error('requests.lua takes at most two headers per request');
    return [
      r.method,
      r.path,
      headers[0] ?? '',
      headers[1] ?? '',
      r.body === undefined ? '' : JSON.stringify(r.body),
    ].join('\t');
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Markdown table of wrk results, each as a share of the baseline's req/s. */
export function wrkTable(rows: WrkResult[], baseline?: WrkResult): string {
  const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
  return [
    '| endpoint | requests | errors | req/s | p50 ms | p90 ms | p99 ms | MiB/s | vs baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.requests} | ${r.errors} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p90Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${mb(r.bytesPerSecond)} | ${baseline ? `${((r.requestsPerSecond / baseline.requestsPerSecond) * 100).toFixed(0)}%` : ''} |`,
    ),
  ].join('\n');
}
