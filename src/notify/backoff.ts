/**
 * Exponential backoff with jitter: the n-th retry (n >= 1) waits base * 2^(n-1), capped,
 * then scaled by a random factor in [0.5, 1) so that receivers failing together are not
 * retried together ("equal jitter").
 */
export function backoffMs(
  retry: number,
  { baseMs, maxMs }: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}
