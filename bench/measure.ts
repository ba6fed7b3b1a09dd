import { performance } from 'node:perf_hooks';

export interface Measurement {
  name: string;
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** The middle value of a list (0 for none). */
export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs `total` calls of `op(i)` with `concurrency` callers in flight, recording each
 * call's latency. `op` resolving to false counts as an error (a refused operation).
 */
export async function measure(
  name: string,
  total: number,
  concurrency: number,
  op: (i: number) => Promise<boolean | void>,
): Promise<Measurement> {
  const latencies = new Float64Array(total);
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        if ((await op(i)) === false) errors += 1;
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort();
  return {
    name,
    ops: total,
    errors,
    seconds,
    opsPerSecond: total / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
  };
}

export function table(rows: Measurement[], baseline?: Measurement): string {
  const head = '| operation | ops | errors | ops/s | p50 ms | p95 ms | p99 ms | vs baseline |';
  const line = '|---|---:|---:|---:|---:|---:|---:|---:|';
  const body = rows.map((r) => {
    const ratio = baseline ? `${((r.opsPerSecond / baseline.opsPerSecond) * 100).toFixed(0)}%` : '';
    return `| ${r.name} | ${r.ops} | ${r.errors} | ${r.opsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p95Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${ratio} |`;
  });
  return [head, line, ...body].join('\n');
}
