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
const BY_LOWER_NAME = new Map(Object.keys(SECURITY_HEADERS).map((name) => [name.toLowerCase(), name]));

type OutgoingHeaders = Record<string, number | string | string[]>;

/**
 * The server's response: when the head is written it adds the security headers and the
 * request's id (set by the request context) to whatever the answer carries, the answer's own
 * values first (the web app's CSP, an ETag's `Cache-Control: no-cache`). Added here, in one
 * plain object, rather than through Hono's `c.header`: that makes every answer's headers a
 * Headers object, which node-server then has to copy, sort and convert on every request.
 */
export class SecuredResponse extends ServerResponse {
  /** set by the request context; absent when no request reached the app (no X-Request-Id then) */
  requestId: string | undefined;

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const last = rest.length - 1;
    const given = last >= 0 && typeof rest[last] === 'object' && rest[last] !== null ? rest[last] : undefined;
    // A raw header list (Node's other form; nothing here writes one) is written as given.
    if (Array.isArray(given)) return super.writeHead(statusCode, ...(rest as [string, OutgoingHeaders]));
    const headers: OutgoingHeaders = { ...SECURITY_HEADERS };
    if (this.requestId !== undefined) headers['X-Request-Id'] = this.requestId;
    for (const name in given as OutgoingHeaders | undefined) {
      // The answer's own value replaces ours; the key goes only when spelled otherwise (a
      // deletion on every answer with Cache-Control would make each headers object a slow one).
      const ours = BY_LOWER_NAME.get(name.toLowerCase());
      if (ours !== undefined && ours !== name) delete headers[ours];
      headers[name] = (given as OutgoingHeaders)[name]!;
    }
    const statusMessage = typeof rest[0] === 'string' ? rest[0] : undefined;
    return statusMessage === undefined
      ? super.writeHead(statusCode, headers)
      : super.writeHead(statusCode, statusMessage, headers);
  }
}
