type Row = Record<string, unknown>;

export interface BenchResult {
  rows: Row[] | unknown[];
  summary: Record<string, unknown>;
  timeline?: unknown[];
}

const cell = (v: unknown) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? '');

function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!).filter((c) => c !== 'seconds');
  return [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}

function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value]];
}

/** The Markdown report of one `npm run bench`: each benchmark's table and summary. */
export function markdownReport(machine: Record<string, unknown>, results: Record<string, BenchResult>): string {
  const parts = [
    `# Benchmark report, ${new Date().toISOString()}`,
    '',
    `Machine: ${Object.entries(machine)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  ];
  for (const [name, r] of Object.entries(results)) {
    parts.push(
      `## ${name}`,
      '',
      markdownTable(r.rows as Row[]),
      '',
      ...flatten(r.summary).map(([k, v]) => `- ${k}: ${cell(v)}`),
      '',
    );
  }
  return parts.join('\n');
}
