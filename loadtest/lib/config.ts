/**
 * Settings every script reads from the environment (k6 run -e NAME=value ...):
 *   BASE_URL      the API, e.g. http://127.0.0.1:3000 (rate limits off: RATE_LIMITS=off)
 *   TOKENS_FILE   a JSON array of buyer session tokens, from `npx ticketctl tokens <n> > tokens.json`
 *   EVENT_ID      the event to buy from (a high-demand one for onsale-spike)
 *   ADMIN_TOKEN   an admin session, for the final oversell check of onsale-spike
 */
export const BASE_URL = (__ENV.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
export const EVENT_ID = __ENV.EVENT_ID ?? '';
export const ADMIN_TOKEN = __ENV.ADMIN_TOKEN ?? '';

/** Read once in the init context and shared by all virtual users. */
export const TOKENS: string[] = __ENV.TOKENS_FILE ? JSON.parse(open(__ENV.TOKENS_FILE)) : JSON.parse(__ENV.TOKENS ?? '[]');

export function requireSettings(...names: ('EVENT_ID' | 'ADMIN_TOKEN' | 'TOKENS')[]): void {
  const missing = names.filter((n) => (n === 'TOKENS' ? TOKENS.length === 0 : !{ EVENT_ID, ADMIN_TOKEN }[n]));
  if (missing.length > 0) throw new Error(`set ${missing.join(', ')} (see loadtest/lib/config.ts)`);
}
