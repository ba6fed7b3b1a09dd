import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis, type ChainableCommander, type RedisOptions } from 'ioredis';
import { FAIL_FAST_REDIS } from './availability.js';
import type { Logger } from './logger.js';
import { StoreCluster, StoreRedis } from './storeRedis.js';

/**
 * One Redis node or a Redis Cluster: both speak the same commands. Everything that talks
 * to Redis takes this type, so the engine, the persister and the CLI run on either.
 * What a cluster adds is one rule: no command, MULTI or script may touch two slots.
 */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** a single node (ignored when clusterNodes is set) */
  url?: string;
  /** `host:port,host:port,...`: any reachable nodes of the cluster; the rest are discovered */
  clusterNodes?: string;
  /** the cluster nodes' password (requirepass); a single node's is in its URL */
  password?: string;
}

const NODE = /^\[?([A-Za-z0-9.:_-]+?)\]?:(\d{1,5})$/;

/** Parses `host:port,host:port`; throws on anything else. */
export function parseClusterNodes(spec: string): { host: string; port: number }[] {
  const nodes = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const match = NODE.exec(s);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65_535) throw new TypeError(`not a host:port: ${JSON.stringify(s)}`);
      return { host: match[1]!, port };
    });
  if (nodes.length === 0) throw new TypeError('no cluster nodes given');
  return nodes;
}

/**
 * A client for the target. `options` apply to every node's connection (a cluster's too);
 * a cluster client reads and writes on masters only, follows MOVED/ASK, and refreshes its
 * slot map by itself after a failover.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}, log?: Logger): RedisClient {
  if (target.clusterNodes) {
    return new StoreCluster(
      parseClusterNodes(target.clusterNodes),
      {
        redisOptions: target.password ? { ...options, password: target.password } : options,
        scaleReads: 'master',
        enableOfflineQueue: options.enableOfflineQueue ?? true,
        lazyConnect: options.lazyConnect ?? false,
        // a failover takes a few seconds: refresh the slot map promptly and retry redirects
        slotsRefreshInterval: 2_000,
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        retryDelayOnMoved: 50,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      },
      log,
    );
  }
  if (!target.url) throw new TypeError('a Redis URL or cluster nodes are required');
  return new StoreRedis(target.url, options, log);
}

/** The API's client for the target: fail fast, never queue while a node is gone. */
export function createFailFastClient(target: RedisTarget, log?: Logger): RedisClient {
  return createRedisClient(target, { ...FAIL_FAST_REDIS }, log);
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The master connections: the one node, or every master of the cluster. */
export function masterNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * Keys grouped by the node that serves their slot (one group on a single node), so a
 * caller can send one pipeline per node instead of one multi-key command across slots.
 */
export function groupByNode(client: RedisClient, keys: readonly string[]): string[][] {
  if (!isCluster(client)) return keys.length > 0 ? [[...keys]] : [];
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const node = client.slots[calculateSlot(key)]?.[0] ?? '?';
    const group = groups.get(node) ?? [];
    group.push(key);
    groups.set(node, group);
  }
  return [...groups.values()];
}

/**
 * Runs one command per key: one pipeline per node, the nodes in parallel (a single node
 * gets one pipeline). Each key's reply is `[error, value]`, as a pipeline answers.
 */
export async function pipelinePerNode(
  client: RedisClient,
  keys: readonly string[],
  command: (pipeline: ChainableCommander, key: string) => void,
): Promise<Map<string, [Error | null, unknown]>> {
  const replies = new Map<string, [Error | null, unknown]>();
  await Promise.all(
    groupByNode(client, keys).map(async (group) => {
      const pipeline = client.pipeline();
      for (const key of group) command(pipeline, key);
      const results = (await pipeline.exec()) ?? [];
      results.forEach((reply, i) => replies.set(group[i]!, reply));
    }),
  );
  return replies;
}
