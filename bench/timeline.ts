import { performance } from 'node:perf_hooks';

export interface StepSummary {
  step: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface Second {
  /** seconds since the start */
  t: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Latencies of an open-loop run by step and by second, for the report's table and chart. */
export class Timeline {
  private readonly started = performance.now();
  private readonly byStep = new Map<string, { latencies: number[]; errors: number }>();
  private readonly bySecond: number[][] = [];

  /** Times `work`; a result of false (or a throw) counts as an error of that step. */
  async time<T>(step: string, work: () => Promise<T>, ok: (value: T) => boolean = () => true): Promise<T> {
    const t0 = performance.now();
    let good = false;
    try {
      const value = await work();
      good = ok(value);
      return value;
    } finally {
      const latency = performance.now() - t0;
      const entry = this.byStep.get(step) ?? { latencies: [], errors: 0 };
      entry.latencies.push(latency);
      if (!good) entry.errors += 1;
      this.byStep.set(step, entry);
      const second = Math.floor((t0 - this.started) / 1000);
      (this.bySecond[second] ??= []).push(latency);
    }
  }

  steps(): StepSummary[] {
    return [...this.byStep.entries()].map(([step, { latencies, errors }]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        step,
        count: sorted.length,
        errors,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
      };
    });
  }

  seconds(): Second[] {
    return Array.from(this.bySecond, (latencies = [], t) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        t,
        requests: sorted.length,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
      };
    });
  }
}
