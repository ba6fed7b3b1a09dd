import { describe, expect, it } from 'vitest';
import { isoTimeByMillisecond } from '../../src/infra/logger.js';

describe("the log lines' timestamp", () => {
  it("is pino's ISO field for the current millisecond, made again only when the millisecond moves", () => {
    let now = Date.UTC(2026, 10, 25, 17, 3, 4, 5);
    const time = isoTimeByMillisecond(() => now);
    expect(time()).toBe(',"time":"2026-11-25T17:03:04.005Z"');
    const first = time();
    expect(time()).toBe(first);
    now += 1;
    expect(time()).toBe(',"time":"2026-11-25T17:03:04.006Z"');
    now += 60_000;
    expect(time()).toBe(',"time":"2026-11-25T17:04:04.006Z"');
  });
});
