import type { Pool } from 'pg';
import { AddressRefused, resolveAllowed } from './addressPolicy.js';
import type { NotificationType } from './types.js';
import { insertWebhook } from './webhooks.js';

export type RegisterResult =
  | { ok: true; webhook: Awaited<ReturnType<typeof insertWebhook>> }
  | { ok: false; code: 'webhook_url_refused'; detail: string };

/**
 * Registers a webhook after checking where it points: http(s) only, no credentials in the
 * URL, and (unless private targets are allowed) a name whose every address is public.
 * The address is checked again at each delivery, since a name's answer can change.
 */
export async function registerWebhook(
  pool: Pool,
  hook: { url: string; events: NotificationType[] },
  allowPrivate: boolean,
): Promise<RegisterResult> {
  const url = new URL(hook.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'webhook_url_refused', detail: 'Webhook URLs must be http or https.' };
  }
  if (url.username || url.password) {
    return { ok: false, code: 'webhook_url_refused', detail: 'Webhook URLs may not carry credentials.' };
  }
  try {
    await resolveAllowed(url.hostname, allowPrivate);
  } catch (err) {
    if (err instanceof AddressRefused) return { ok: false, code: 'webhook_url_refused', detail: err.message };
    throw err;
  }
  return { ok: true, webhook: await insertWebhook(pool, { url: url.toString(), events: [...new Set(hook.events)] }) };
}
