import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, resolveAllowed } from './addressPolicy.js';

export interface SendRequest {
  url: string;
  secret: string;
  /** webhook-id: the outbox entry's id, the same on every attempt */
  messageId: string;
  body: string;
  at: Date;
}

export type SendResult = { ok: true; statusCode: number } | { ok: false; statusCode?: number; error: string };

export interface SenderOptions {
  allowPrivate: boolean;
  /** the whole attempt (connect, send, answer) must finish within this */
  timeoutMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One signed delivery attempt, per Standard Webhooks: POST the body with webhook-id,
 * webhook-timestamp and webhook-signature. Only 2xx is success; redirects are not followed
 * (a 3xx is a failure); the address is checked when connecting; the attempt is cut off at
 * the timeout however the receiver behaves.
 */
export async function sendWebhook(req: SendRequest, options: SenderOptions): Promise<SendResult> {
  let url: URL;
  try {
    url = new URL(req.url);
    // A literal address never reaches the lookup hook: check it here.
    if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) await resolveAllowed(url.hostname, options.allowPrivate);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const signature = new Webhook(req.secret).sign(req.messageId, req.at, req.body);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options.allowPrivate),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          'user-agent': 'ticketing-webhooks/1',
          'webhook-id': req.messageId,
          'webhook-timestamp': String(Math.floor(req.at.getTime() / 1000)),
          'webhook-signature': signature,
        },
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('end', () =>
          finish(
            statusCode >= 200 && statusCode < 300
              ? { ok: true, statusCode }
              : { ok: false, statusCode, error: `HTTP ${statusCode}` },
          ),
        );
        response.on('error', () =>
          finish(
            statusCode >= 200 && statusCode < 300
              ? { ok: true, statusCode }
              : { ok: false, statusCode, error: `HTTP ${statusCode}` },
          ),
        );
      },
    );
    const deadline = setTimeout(
      () => finish({ ok: false, error: `timeout after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    request.on('error', (err) => finish({ ok: false, error: err.message }));
    request.end(req.body);
  });
}
