/**
 * Settings every script reads from the environment (k6 run -e NAME=value ...):
 *   BASE_URL      the API, e.g. http://127.0.0.1:3000 (rate limits off: RATE_LIMITS=off)
 *   TOKENS_FILE   a JSON array of buyer session tokens, from `npx ticketctl tokens <n> > tokens.json`
 *   EVENT_ID      the event to buy from (a high-demand one for onsale-spike)
 *   ADMIN_TOKEN   an admin session, for the final oversell check of onsale-spike
 *   PROFILE       `smoke` (a handful of buyers, to check a deployment and the script) or `full` (default)
 *   SUMMARY_FILE  where handleSummary writes the run's JSON summary (default: summary-<script>.json)
 */
import { SharedArray } from 'k6/data';

export const BASE_URL = (__ENV.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
export const EVENT_ID = __ENV.EVENT_ID ?? '';
export const ADMIN_TOKEN = __ENV.ADMIN_TOKEN ?? '';
export const SMOKE = (__ENV.PROFILE ?? 'full') === 'smoke';

/**
 * Parsed once and shared read-only by every virtual user. A plain `open()` here would be
 * run, and its array kept, by each VU: 20,000 VUs x a 900 KB token file is about 18 GB.
 */
export const TOKENS = new SharedArray<string>('tokens', () =>
  __ENV.TOKENS_FILE
    ? (JSON.parse(open(__ENV.TOKENS_FILE)) as string[])
    : (JSON.parse(__ENV.TOKENS ?? '[]') as string[]),
);

export function requireSettings(...names: ('EVENT_ID' | 'ADMIN_TOKEN' | 'TOKENS')[]): void {
  const missing = names.filter((n) => (n === 'TOKENS' ? TOKENS.length === 0 : !{ EVENT_ID, ADMIN_TOKEN }[n]));
  if (missing.length > 0) throw new Error(`set ${missing.join(', ')} (see loadtest/lib/config.ts)`);
}
