/** The scale-out shape on one machine: a Redis Cluster, N API processes, nginx in front. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/infra/redisServer.js';
import { startNginx, type Nginx } from './nginx.js';
import { startApiServer, stopProcess, type ApiServer } from './processes.js';
import { startRedisCluster, type LocalRedisCluster } from './redisCluster.js';

export interface LocalStackOptions {
  dir: string;
  databaseUrl: string;
  apis?: number;
  masters?: number;
  /** more environment for every API process (e.g. RATE_LIMITS, REDIS_PREFIX) */
  env?: Record<string, string>;
}

export interface LocalStack {
  redis: LocalRedisCluster;
  apis: ApiServer[];
  nginx: Nginx;
  /** nginx's address: where buyers go */
  url: string;
  /** the environment that reaches this stack (for ticketctl and the persister) */
  env: Record<string, string>;
  /** every process id of the stack, for a teardown from another process */
  pids(): number[];
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dir, { recursive: true });
  const redis = await startRedisCluster({ dir: options.dir, masters: options.masters ?? 3 });
  const apis: ApiServer[] = [];
  let nginx: Nginx | undefined;
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_CLUSTER_NODES: redis.spec,
    TRUSTED_PROXIES: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const stop = async () => {
    if (nginx) await stopProcess(nginx.child, 'SIGQUIT');
    await Promise.all(apis.map((api) => stopProcess(api.child)));
    await redis.stop();
  };
  try {
    const ports = await Promise.all(Array.from({ length: options.apis ?? 3 }, () => freePort()));
    const start = (port: number) => startApiServer(port, env, join(options.dir, `api-${port}.log`));
    // The first one migrates and seeds alone; the others start on a ready database.
    apis.push(await start(ports[0]!));
    apis.push(...(await Promise.all(ports.slice(1).map(start))));
    nginx = await startNginx(join(options.dir, 'nginx'), await freePort(), ports);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    redis,
    apis,
    nginx,
    url: nginx.url,
    env,
    pids: () =>
      [nginx!.child, ...apis.map((a) => a.child), ...redis.nodes.map((n) => n.child)]
        .map((c) => c.pid)
        .filter((p): p is number => p !== undefined),
    stop,
  };
}
