import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { StoreRedis } from '../../src/infra/storeRedis.js';

interface Line {
  event?: string;
  count?: number;
  failedAttempts?: number;
}

/** A logger whose lines are kept, parsed, for the test to read. */
function capturingLogger() {
  const lines: Line[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  return { log, lines, events: (name: string) => lines.filter((l) => l.event === name) };
}

let client: StoreRedis | undefined;
let server: PrivateRedis | undefined;
afterEach(async () => {
  client?.disconnect();
  await server?.stop();
  client = server = undefined;
});

describe('Redis connection errors in the log', () => {
  it('are one line when the outage starts, a count every 10 s, and one line when Redis is back', async () => {
    const port = await freePort(); // nothing listens here yet
    const { log, lines, events } = capturingLogger();
    let attempts = 0;
    client = new StoreRedis(
      `redis://127.0.0.1:${port}`,
      { retryStrategy: () => (attempts++, 50), maxRetriesPerRequest: null },
      log,
    );
    await new Promise((r) => setTimeout(r, 10_600));
    expect(attempts).toBeGreaterThan(50); // ioredis kept retrying, every 50 ms
    expect(events('redis_connection_error')).toHaveLength(1);
    expect(events('redis_connection_errors')).toEqual([expect.objectContaining({ count: expect.any(Number) })]);
    expect(events('redis_connection_errors')[0]!.count).toBeGreaterThan(50);
    expect(lines).toHaveLength(2);

    server = await startPrivateRedis({ port });
    await client.ping();
    expect(events('redis_reconnected')).toEqual([expect.objectContaining({ failedAttempts: expect.any(Number) })]);
    expect(events('redis_reconnected')[0]!.failedAttempts).toBeGreaterThan(50);
    expect(lines).toHaveLength(3);
  }, 30_000);
});
