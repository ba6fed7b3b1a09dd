import { mkdirSync, writeFileSync } from 'node:fs';
import { engineBench } from './engine.bench.js';
import { httpBench } from './http.bench.js';
import { onsaleBench } from './onsale.bench.js';
import { persisterBench } from './persister.bench.js';
import { queueBench } from './queue.bench.js';

type Bench = () => Promise<{ rows: unknown[]; summary: Record<string, unknown>; timeline?: unknown[] }>;
const BENCHES: Record<string, Bench> = {
  engine: engineBench,
  persister: persisterBench,
  http: httpBench,
  queue: queueBench,
  onsale: onsaleBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const name of names) results[name] = await BENCHES[name]!();
mkdirSync('bench/results', { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = `bench/results/${stamp}-${names.join('-')}.json`;
writeFileSync(file, JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results }, null, 2));
console.log(`\nwrote ${file}`);
process.exit(0);
