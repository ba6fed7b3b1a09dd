import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { storeCallStarted, timeLeftMs, withDeadline } from '../../src/infra/storeErrors.js';

/** A store call of `ms` as the request's code would make it: counted while it runs. */
async function storeCall(ms: number): Promise<void> {
  const finished = storeCallStarted();
  await sleep(ms);
  finished();
}

describe("the request's deadline follows its code across awaits", () => {
  it('is there after awaits of every kind, and store time is taken from it', async () => {
    const seen = await withDeadline(1_000, async () => {
      const atStart = timeLeftMs();
      await Promise.resolve();
      const afterMicrotask = timeLeftMs();
      await sleep(5); // waiting that is not store time
      const afterTimer = timeLeftMs();
      await storeCall(60);
      const afterStoreCall = timeLeftMs();
      const [inAll] = await Promise.all([Promise.resolve().then(() => timeLeftMs()), sleep(1)]);
      return { atStart, afterMicrotask, afterTimer, afterStoreCall, inAll };
    });
    expect(seen.atStart).toBe(1_000);
    expect(seen.afterMicrotask).toBe(1_000);
    expect(seen.afterTimer).toBe(1_000);
    expect(seen.afterStoreCall).toBeLessThanOrEqual(1_000 - 55);
    expect(seen.afterStoreCall).toBeGreaterThan(0);
    expect(seen.inAll).toBe(seen.afterStoreCall);
  });

  it('is never another request’s: interleaved requests each see their own budget', async () => {
    const request = (budgetMs: number, steps: number) =>
      withDeadline(budgetMs, async () => {
        const seen: (number | undefined)[] = [];
        for (let i = 0; i < steps; i++) {
          await sleep(i % 3);
          await null;
          seen.push(timeLeftMs());
        }
        return seen;
      });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => request(100 + i, 10)));
    answers.forEach((seen, i) => expect(seen).toEqual(Array.from({ length: 10 }, () => 100 + i)));
  });

  it('a shared promise made outside any request is awaited with the awaiting request’s deadline', async () => {
    let release!: () => void;
    const shared = new Promise<void>((resolve) => (release = resolve));
    const a = withDeadline(300, async () => (await shared, timeLeftMs()));
    const b = withDeadline(700, async () => (await shared, timeLeftMs()));
    release();
    expect(await Promise.all([a, b])).toEqual([300, 700]);
  });

  it('does not leak: none outside a request, before, after, or in work it did not start', async () => {
    expect(timeLeftMs()).toBeUndefined();
    await withDeadline(500, async () => {
      await sleep(1);
    });
    expect(timeLeftMs()).toBeUndefined();
    // a callback that is not a promise reaction, run after a request's last reaction
    const fromCallback = await new Promise<number | undefined>((resolve) => {
      setImmediate(() => resolve(timeLeftMs()));
      void withDeadline(500, async () => {
        await null;
      });
    });
    expect(fromCallback).toBeUndefined();
    // nor in a timer the request set but did not await
    const fromTimer = await new Promise<number | undefined>((resolve) => {
      withDeadline(500, () => setImmediate(() => resolve(timeLeftMs())));
    });
    expect(fromTimer).toBeUndefined();
    expect(await sleep(2).then(() => timeLeftMs())).toBeUndefined();
    // nested: the inner request's deadline inside, the outer one restored after
    const nested = withDeadline(900, () => {
      const inner = withDeadline(100, () => timeLeftMs());
      return [inner, timeLeftMs()];
    });
    expect(nested).toEqual([100, 900]);
    expect(timeLeftMs()).toBeUndefined();
  });
});
