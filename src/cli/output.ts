/** A failure the operator must act on: bad usage or an unreachable service (exit 2). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What a command produces: data for --json, text for people, and whether it found a problem (exit 1). */
export interface Report {
  data: unknown;
  text: string;
  finding?: boolean;
}

type Cell = string | number | boolean | null | undefined;

/** A plain aligned table; numbers align right. */
export function table(rows: Record<string, Cell>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const numeric = cols.map((c) => rows.every((r) => typeof r[c] === 'number' || r[c] === undefined || r[c] === null));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

export const when = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '-');

/**
 * A one-line progress bar on stderr, only when stderr is a terminal: never in a pipe, a file or
 * a script's capture, and never on stdout, where the report (and --json) goes.
 */
export function progress(
  label: string,
  total: number,
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
) {
  const tty = stream.isTTY === true;
  return (done: number) => {
    if (!tty || total <= 0) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
    if (done === total) stream.write('\n');
  };
}
