/**
 * A local Redis Cluster from the Debian redis-server binary: masters and replicas on free
 * loopback ports, AOF on (fsync always, as the engine expects of a confirmed sale), each
 * node in its own directory, every process stopped by its pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../src/infra/redisServer.js';
import { exited, pollUntil } from './processes.js';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  dir: string;
  child: ChildProcess;
}

export interface LocalRedisCluster {
  nodes: ClusterNode[];
  /** `host:port,...` for REDIS_CLUSTER_NODES */
  spec: string;
  /** the node serving a key's slot as master now */
  masterOf(key: string): Promise<ClusterNode>;
  /** SIGKILL, like a crashed host; its data dir stays */
  kill(node: ClusterNode): Promise<void>;
  /** resolves once every slot is served by a master that answers, and the cluster says ok */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  dir: string;
  masters?: number;
  replicasPerMaster?: number;
  /** how long a master may be silent before its replica takes over */
  nodeTimeoutMs?: number;
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 55_000 || taken.has(port)) continue;
    if (await portFree(port + 10_000)) return port;
  }
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function info(port: number, section: 'CLUSTER' | 'replication'): Promise<string> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return String(section === 'CLUSTER' ? await client.call('CLUSTER', 'INFO') : await client.info('replication'));
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

export async function startRedisCluster(options: RedisClusterOptions): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const total = masters * (1 + (options.replicasPerMaster ?? 1));
  const taken = new Set<number>();
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        n.child.kill('SIGKILL');
        await exited(n.child);
      }),
    );
  };
  try {
    for (let i = 0; i < total; i++) {
      const port = await clusterPort(taken);
      taken.add(port);
      const dir = join(options.dir, `redis-${port}`);
      mkdirSync(dir, { recursive: true });
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--logfile',
          join(dir, 'redis.log'),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(options.nodeTimeoutMs ?? 2_000),
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      nodes.push({ port, dir, child });
    }
    await pollUntil(
      async () => (await Promise.all(nodes.map((n) => info(n.port, 'CLUSTER')))).every(Boolean),
      15_000,
      'redis-server nodes answer',
    );
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(options.replicasPerMaster ?? 1),
        '--cluster-yes',
      ],
      { timeout: 60_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const spec = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);

  const cluster: LocalRedisCluster = {
    nodes,
    spec,
    async masterOf(key) {
      const node = alive()[0];
      if (!node) throw new Error('no node alive');
      const client = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        const found = nodes.find((n) => n.port === owner);
        if (!found) throw new Error(`no node serves slot ${slot}`);
        return found;
      } finally {
        client.disconnect();
      }
    },
    async kill(node) {
      node.child.kill('SIGKILL');
      await exited(node.child);
    },
    async waitHealthy(timeoutMs = 60_000) {
      await pollUntil(
        async () => {
          const live = alive();
          const states = await Promise.all(live.map((n) => info(n.port, 'CLUSTER')));
          if (!states.every((s) => s.includes('cluster_state:ok') && s.includes('cluster_slots_ok:16384')))
            return false;
          // every live replica has caught up with its master's stream of writes
          const replication = await Promise.all(live.map((n) => info(n.port, 'replication')));
          return replication.every((r) => !r.includes('role:slave') || r.includes('master_link_status:up'));
        },
        timeoutMs,
        'the Redis Cluster is healthy',
      );
    },
    stop,
  };
  await cluster.waitHealthy();
  return cluster;
}
