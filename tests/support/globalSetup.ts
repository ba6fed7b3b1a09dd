import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startRedisCluster, type LocalRedisCluster } from '../../scripts/cluster/redisCluster.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/postgresServer.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** set in the redis-cluster project: a real local Redis Cluster (3 masters, 3 replicas) */
    redisClusterNodes: string;
    /** a Postgres where tests may CREATE DATABASE; each test file makes its own */
    adminDatabaseUrl: string;
  }
}

let redis: PrivateRedis | undefined;
let cluster: LocalRedisCluster | undefined;
let clusterDir: string | undefined;
let postgres: PrivatePostgres | undefined;

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** One private redis-server for the run (or REDIS_URL); each test keeps to its own key prefix. */
export async function setup(project: TestProject): Promise<void> {
  if (project.name === 'redis-cluster') {
    clusterDir = mkdtempSync(join(tmpdir(), 'tk-test-cluster-'));
    cluster = await startRedisCluster({ dir: clusterDir });
    project.provide('redisClusterNodes', cluster.spec);
    project.provide('redisUrl', '');
  } else if (process.env.TEST_REDIS_URL) {
    project.provide('redisUrl', process.env.TEST_REDIS_URL);
  } else {
    // Cluster mode: Redis itself refuses any operation of the suite that spans slots.
    redis = await startPrivateRedis({ cluster: true });
    project.provide('redisUrl', redis.url);
  }
  if (!cluster) project.provide('redisClusterNodes', '');
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await reachable(adminUrl)) {
    project.provide('adminDatabaseUrl', adminUrl);
  } else {
    postgres = await startPrivatePostgres();
    project.provide('adminDatabaseUrl', postgres.url);
  }
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  await cluster?.stop();
  if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  await postgres?.destroy();
}
