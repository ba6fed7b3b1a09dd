import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { spawnApi } from '../support/apiProcess.js';
import { spawnedApiWorld } from '../support/spawnedApiWorld.js';

const world = spawnedApiWorld();

describe("npm start's server on SIGTERM", () => {
  it('finishes the requests in flight (registrations mid-bcrypt) before it exits, and exits 0', async () => {
    const api = await spawnApi(await world.env());
    // bcrypt runs 4 at a time on the threadpool: most of these are still hashing when the signal comes
    const settledAt: number[] = [];
    const answers = Array.from({ length: 12 }, (_, i) =>
      fetch(`${api.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${randomUUID()}@x.test`, password: 'correct horse', name: 'Drain' }),
      }).then(
        async (res) => {
          settledAt[i] = performance.now();
          return { status: res.status, connection: res.headers.get('connection') };
        },
        () => ({ status: 'network_error' as const, connection: null }),
      ),
    );
    await Promise.race(answers); // the first answer: every request has reached the server by now
    api.child.kill('SIGTERM');
    // The drain has begun once the listening socket is closed; answers that come after it
    // were still being worked on when it began.
    const drainSeen = await firstRefusedConnect(new URL(api.url));
    const outcomes = await Promise.all(answers);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill(201));
    // what was still being worked on when the drain began is answered, and told the connection closes
    const drained = outcomes.filter((_, i) => settledAt[i]! > drainSeen);
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.map((o) => o.connection)).toEqual(drained.map(() => 'close'));
    expect(await api.exited).toBe(0);
    const { rows } = await world.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE name = 'Drain'`,
    );
    expect(rows[0]!.n).toBe(12);
  });
});

/** Polls new connections until the server refuses one; resolves with that moment. */
async function firstRefusedConnect(url: URL): Promise<number> {
  for (;;) {
    const refused = await new Promise<boolean>((done) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', () => done(true));
    });
    if (refused) return performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
}
