import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spawnApi } from '../support/apiProcess.js';
import { spawnedApiWorld } from '../support/spawnedApiWorld.js';

const world = spawnedApiWorld();

describe('npm start\'s server on SIGTERM', () => {
  it('finishes the requests in flight (registrations mid-bcrypt) before it exits, and exits 0', async () => {
    const api = await spawnApi(await world.env());
    // bcrypt runs 4 at a time on the threadpool: most of these are still hashing when the signal comes
    const settledBeforeSignal = new Set<number>();
    const answers = Array.from({ length: 12 }, (_, i) =>
      fetch(`${api.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${randomUUID()}@x.test`, password: 'correct horse', name: 'Drain' }),
      }).then(
        async (res) => {
          settledBeforeSignal.add(i);
          return { status: res.status, connection: res.headers.get('connection') };
        },
        () => ({ status: 'network_error' as const, connection: null }),
      ),
    );
    await Promise.race(answers); // the first answer: every request has reached the server by now
    const answeredBefore = new Set(settledBeforeSignal);
    api.child.kill('SIGTERM');
    const outcomes = await Promise.all(answers);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill(201));
    // what was still being worked on when the signal came is answered, and told the connection closes
    const drained = outcomes.filter((_, i) => !answeredBefore.has(i));
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.map((o) => o.connection)).toEqual(drained.map(() => 'close'));
    expect(await api.exited).toBe(0);
    const { rows } = await world.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE name = 'Drain'`);
    expect(rows[0]!.n).toBe(12);
  });
});
