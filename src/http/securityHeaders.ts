import { ServerResponse } from 'node:http';

/** The headers every answer carries (the API contract), unless its route set its own value. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};
const NAMES = Object.keys(SECURITY_HEADERS);
const VALUES = Object.values(SECURITY_HEADERS);
const LOWER_NAMES = [...NAMES, 'X-Request-Id'].map((name) => name.toLowerCase());
const REQUEST_ID_BIT = 1 << NAMES.length;

type OutgoingHeaders = Record<string, number | string | string[]>;

/**
 * The server's response: when the head is written it adds the security headers and the
 * request's id (set by the request context) to whatever the answer carries, the answer's own
 * values first (the web app's CSP, an ETag's `Cache-Control: no-cache`). Added here rather
 * than through Hono's `c.header`, which makes every answer's headers a Headers object that
 * node-server then copies, sorts and converts on every request; and handed to Node as one flat
 * list of names and values, which it takes as it is (a new object of ten headers, built and
 * walked per request, cost about 3 µs more: docs/performance.md).
 */
export class SecuredResponse extends ServerResponse {
  /** set by the request context; absent when no request reached the app (no X-Request-Id then) */
  requestId: string | undefined;

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const last = rest.length - 1;
    const given = last >= 0 && typeof rest[last] === 'object' && rest[last] !== null ? rest[last] : undefined;
    // A raw header list (Node's other form; nothing here writes one) is written as given.
    if (Array.isArray(given)) return super.writeHead(statusCode, ...(rest as [string, OutgoingHeaders]));
    const headers: (string | number | string[])[] = [];
    // bit i: the answer has its own value of NAMES[i]; the last bit: its own X-Request-Id
    let ownValues = 0;
    for (const name in given as OutgoingHeaders | undefined) {
      const ours = LOWER_NAMES.indexOf(name.toLowerCase());
      if (ours >= 0) ownValues |= 1 << ours;
      headers.push(name, (given as OutgoingHeaders)[name]!);
    }
    for (let i = 0; i < NAMES.length; i++) if ((ownValues & (1 << i)) === 0) headers.push(NAMES[i]!, VALUES[i]!);
    if (this.requestId !== undefined && (ownValues & REQUEST_ID_BIT) === 0)
      headers.push('X-Request-Id', this.requestId);
    const statusMessage = typeof rest[0] === 'string' ? rest[0] : undefined;
    // Node's types name only the pairs form ([name, value][]); it takes the flat list as well.
    const list = headers as unknown as OutgoingHeaders;
    return statusMessage === undefined
      ? super.writeHead(statusCode, list)
      : super.writeHead(statusCode, statusMessage, list);
  }
}
