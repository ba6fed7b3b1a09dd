/**
 * handleSummary for every script: the whole summary as JSON (for CI and trend charts) and
 * a short verdict on stdout: each threshold, passed or failed, and p95 per step.
 */
interface MetricSummary {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
interface Summary {
  metrics: Record<string, MetricSummary>;
}

export function summarize(script: string) {
  return (data: Summary) => {
    const lines = [`${script}: thresholds`];
    for (const [name, metric] of Object.entries(data.metrics)) {
      for (const [rule, { ok }] of Object.entries(metric.thresholds ?? {})) {
        lines.push(`  ${ok ? 'ok  ' : 'FAIL'} ${name} ${rule}`);
      }
    }
    lines.push('p95 by step (ms):');
    for (const [name, metric] of Object.entries(data.metrics)) {
      const step = /^http_req_duration\{step:(\w+)\}$/.exec(name);
      if (step && metric.values['p(95)'] !== undefined)
        lines.push(`  ${step[1]}: ${metric.values['p(95)'].toFixed(1)}`);
    }
    return {
      [__ENV.SUMMARY_FILE ?? `summary-${script}.json`]: JSON.stringify(data, null, 2),
      stdout: `${lines.join('\n')}\n`,
    };
  };
}
