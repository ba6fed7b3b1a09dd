import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../engine/clock.js';

/** How long a ticket code admits after it is issued: a screenshot is useless soon after. */
export const CODE_LIFETIME_SECONDS = 30;

/** `ticketId.version.expiry.signature`: a UUID, a version (1..), unix seconds, base64url HMAC-SHA256. */
const CODE =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([1-9]\d{0,9})\.(\d{10})\.([A-Za-z0-9_-]{43})$/;

export interface TicketCode {
  code: string;
  expiresAtMs: number;
}

export type CodeCheck =
  { ok: true; ticketId: string; version: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/**
 * Signs and checks ticket codes with TICKET_SECRET. A check is offline (signature and
 * expiry only); whether the version is still the ticket's is for Postgres to say at check-in.
 */
export class TicketCodes {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    if (Buffer.byteLength(secret) < 32) throw new RangeError('TICKET_SECRET must be at least 32 bytes');
    this.key = Buffer.from(secret);
  }

  issue(ticketId: string, version: number): TicketCode {
    const expiry = Math.floor(this.clock.now() / 1000) + CODE_LIFETIME_SECONDS;
    const payload = `${ticketId}.${version}.${expiry}`;
    return { code: `${payload}.${this.sign(payload)}`, expiresAtMs: expiry * 1000 };
  }

  check(code: string): CodeCheck {
    const match = CODE.exec(code);
    if (!match) return { ok: false, reason: 'malformed' };
    const [, ticketId, version, expiry, signature] = match as unknown as [string, string, string, string, string];
    const expected = Buffer.from(this.sign(`${ticketId}.${version}.${expiry}`));
    if (!timingSafeEqual(expected, Buffer.from(signature))) return { ok: false, reason: 'forged' };
    const nowSeconds = this.clock.now() / 1000;
    // Signed codes never claim more than the lifetime; the upper bound is belt and braces.
    if (Number(expiry) <= nowSeconds || Number(expiry) > nowSeconds + CODE_LIFETIME_SECONDS + 1)
      return { ok: false, reason: 'expired' };
    return { ok: true, ticketId, version: Number(version) };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
