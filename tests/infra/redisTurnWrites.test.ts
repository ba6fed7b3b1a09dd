import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { parseClusterNodes } from '../../src/infra/redisClient.js';
import { startRedisCluster, type LocalRedisCluster } from '../../scripts/cluster/redisCluster.js';
import { redisReady } from '../../src/infra/availability.js';
import { StoreCluster, StoreRedis } from '../../src/infra/storeRedis.js';
import { testPrefix } from '../support/engine.js';

/** Counts the writes a connection's socket makes: one per chunk, or one for a corked batch. */
function countWrites(node: Redis) {
  const socket = node.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const counts = { single: 0, batched: 0 };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...a) => (counts.single++, write(...a));
  socket._writev = (...a) => (counts.batched++, writev(...a));
  return counts;
}

const url = new URL(inject('redisUrl'));
let clients: { disconnect(): void }[] = [];
afterEach(() => {
  for (const c of clients) c.disconnect();
  clients = [];
});

async function singleNode() {
  const client = new StoreRedis(url.href);
  clients.push(client);
  await redisReady(client);
  return { client, nodeOf: async () => client as Redis };
}

let cluster: { local: LocalRedisCluster; dir: string } | undefined;
afterAll(async () => {
  await cluster?.local.stop();
  if (cluster) rmSync(cluster.dir, { recursive: true, force: true });
});

/** A real local cluster (three masters, no replicas); the node serving the test's key is watched. */
async function threeMasters() {
  if (!cluster) {
    const dir = mkdtempSync(join(tmpdir(), 'tk-turn-cluster-'));
    cluster = { local: await startRedisCluster({ dir, masters: 3, replicasPerMaster: 0 }), dir };
  }
  const client = new StoreCluster(parseClusterNodes(cluster.local.spec));
  clients.push(client);
  await redisReady(client);
  return {
    client,
    nodeOf: async (key: string) => {
      const { port } = await cluster!.local.masterOf(key);
      const node = client.nodes('master').find((n) => n.options.port === port)!;
      await node.ping(); // its connection is made on first use
      return node;
    },
  };
}

describe.each([
  ['one Redis node', singleNode],
  ['a Redis Cluster', threeMasters],
] as const)('the commands of one event-loop turn leave in one write (%s)', (_name, connect) => {
  it('sends 50 commands of one turn as one write, each answered with its own reply', async () => {
    const { client, nodeOf } = await connect();
    const key = `${testPrefix()}turn`;
    const writes = countWrites(await nodeOf(key));
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => client.hset(key, `f${i}`, String(i))));
    expect(replies).toEqual(Array(50).fill(1));
    expect(writes).toEqual({ single: 0, batched: 1 });
    expect(await client.hlen(key)).toBe(50);
    await client.del(key);
  });

  it('sends commands awaited one by one as one write each, each answered', async () => {
    const { client, nodeOf } = await connect();
    const key = `${testPrefix()}turns`;
    const writes = countWrites(await nodeOf(key));
    for (let i = 0; i < 3; i++) expect(await client.incr(key)).toBe(i + 1);
    expect(writes).toEqual({ single: 3, batched: 0 });
    await client.del(key);
  });
});
