/**
 * `npm run cluster -- up [--apis N]`: a local Redis Cluster (3 masters, 3 replicas, AOF
 * on), N API processes (3 by default) and nginx in front, on free ports; it stays in the
 * foreground until Ctrl-C or `npm run cluster -- down`, then stops everything it started.
 * Postgres is DATABASE_URL, or an embedded one kept in .data/cluster/postgres.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivatePostgres } from '../../src/infra/postgresServer.js';
import { startLocalStack } from './localStack.js';

const DIR = join(process.cwd(), '.data', 'cluster');
const STATE = join(DIR, 'state.json');

interface State {
  supervisor: number;
  pids: number[];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function up(apiCount: number): Promise<void> {
  if (existsSync(STATE)) {
    const state = JSON.parse(readFileSync(STATE, 'utf8')) as State;
    if (alive(state.supervisor))
      throw new Error(`a local cluster already runs (pid ${state.supervisor}): npm run cluster -- down`);
  }
  for (const entry of existsSync(DIR) ? (await import('node:fs')).readdirSync(DIR) : []) {
    if (entry.startsWith('redis-') || entry.startsWith('api-'))
      rmSync(join(DIR, entry), { recursive: true, force: true });
  }
  const pg = process.env.DATABASE_URL
    ? undefined
    : await startPrivatePostgres({ dir: join(DIR, 'postgres'), persistent: true });
  const stack = await startLocalStack({ dir: DIR, databaseUrl: process.env.DATABASE_URL ?? pg!.url, apis: apiCount });
  writeFileSync(STATE, JSON.stringify({ supervisor: process.pid, pids: stack.pids() } satisfies State));
  console.log(`cluster up: ${stack.url} (nginx) -> ${stack.apis.map((a) => a.url).join(', ')}`);
  console.log(`REDIS_CLUSTER_NODES=${stack.redis.spec}`);
  console.log(`DATABASE_URL=${stack.env.DATABASE_URL}`);
  console.log('stop with Ctrl-C or `npm run cluster -- down`');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await pg?.stop();
    rmSync(STATE, { force: true });
    console.log('cluster down');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

async function down(): Promise<void> {
  if (!existsSync(STATE)) {
    console.log('no local cluster runs');
    return;
  }
  const state = JSON.parse(readFileSync(STATE, 'utf8')) as State;
  if (alive(state.supervisor)) process.kill(state.supervisor, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(state.supervisor) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // whatever outlived its supervisor (killed -9, say) is stopped by its recorded pid
  for (const pid of state.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(STATE, { force: true });
  console.log('cluster down');
}

const [command, ...rest] = process.argv.slice(2);
const apisFlag = rest.indexOf('--apis');
const apiCount = apisFlag >= 0 ? Number(rest[apisFlag + 1]) : 3;
if (command === 'up' && Number.isInteger(apiCount) && apiCount >= 1) await up(apiCount);
else if (command === 'down') await down();
else {
  console.error('usage: npm run cluster -- up [--apis N] | down');
  process.exit(2);
}
