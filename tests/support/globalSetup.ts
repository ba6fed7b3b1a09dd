import type { TestProject } from 'vitest/node';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: PrivateRedis | undefined;

/** One private redis-server for the run (or REDIS_URL); each test keeps to its own key prefix. */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_REDIS_URL) {
    project.provide('redisUrl', process.env.TEST_REDIS_URL);
  } else {
    redis = await startPrivateRedis();
    project.provide('redisUrl', redis.url);
  }
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
