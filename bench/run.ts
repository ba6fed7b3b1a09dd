import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { timelineChart } from './chart.js';
import { engineBench } from './engine.bench.js';
import { httpBench } from './http.bench.js';
import { notifyBench } from './notify.bench.js';
import { liveBench } from './live.bench.js';
import { onsaleBench } from './onsale.bench.js';
import { onsaleClusterBench } from './onsaleCluster.js';
import { persisterBench } from './persister.bench.js';
import { queueBench } from './queue.bench.js';
import { seatMapBench } from './seatMap.bench.js';
import { ticketsBench } from './tickets.bench.js';
import { markdownReport, type BenchResult } from './report.js';
import type { Second } from './timeline.js';

type Bench = () => Promise<BenchResult>;
const BENCHES: Record<string, Bench> = {
  engine: engineBench,
  persister: persisterBench,
  http: httpBench,
  queue: queueBench,
  onsale: () => onsaleBench(),
  // the same simulation on a Redis Cluster (3 masters, 3 replicas) behind nginx
  'onsale-cluster-1': onsaleClusterBench(1),
  'onsale-cluster-3': onsaleClusterBench(3),
  'onsale-cluster-1-everysec': onsaleClusterBench(1, 'everysec'),
  'onsale-cluster-3-everysec': onsaleClusterBench(3, 'everysec'),
  notify: notifyBench,
  tickets: ticketsBench,
  live: liveBench,
  seatmap: seatMapBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((n) => !n.startsWith('onsale-cluster'));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results: Record<string, BenchResult> = {};
for (const name of names) results[name] = await BENCHES[name]!();

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${platform()} ${release()}`,
};
mkdirSync('bench/results', { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const base = `bench/results/${stamp}-${names.join('-')}`;
const files: Record<string, string> = {
  json: `${JSON.stringify({ machine, results }, null, 2)}\n`,
  md: markdownReport(machine, results),
};
const withTimeline = Object.entries(results).find(([, r]) => r.timeline && r.timeline.length > 0);
if (withTimeline)
  files.svg = timelineChart(
    `${withTimeline[0]}: requests per second and latency over time`,
    withTimeline[1].timeline as Second[],
  );
for (const [ext, content] of Object.entries(files)) {
  writeFileSync(`${base}.${ext}`, content);
  writeFileSync(`bench/results/latest.${ext}`, content);
}
console.log(
  `\nwrote ${Object.keys(files)
    .map((ext) => `${base}.${ext}`)
    .join(', ')} (and bench/results/latest.*)`,
);
process.exit(0);
