import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the
 * right-most address in X-Forwarded-For that is not itself a trusted proxy. Anything a
 * client writes into X-Forwarded-For is ignored unless it came through a trusted proxy.
 */
export function clientAddress(c: Context, trustedProxies: ReadonlySet<string>): string {
  const peer = normalize(getConnInfo(c).remote.address ?? 'unknown');
  if (!trustedProxies.has(peer)) return peer;
  const chain = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => normalize(a.trim()))
    .filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) if (!trustedProxies.has(chain[i]!)) return chain[i]!;
  return peer;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) and plain IPv4 are one address. */
const normalize = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
