import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may not go (SSRF): loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, unspecified, multicast and reserved ranges, in IPv4 and IPv6,
 * including IPv4 addresses written as IPv6.
 */
const refused = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  refused.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  refused.addSubnet(net, bits, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:a.b.c.d), if any. */
function embeddedIpv4(address: string): string | undefined {
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return isPublicAddress(v4);
    return !refused.check(address, 'ipv6');
  }
  return !refused.check(address, 'ipv4');
}

export class AddressRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string | undefined,
    reason: string,
  ) {
    super(reason);
    this.name = 'AddressRefused';
  }
}

type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, list) => (err ? reject(err) : resolve(list))),
  );

/**
 * Resolves a host and checks every address it has (one private address is enough to
 * refuse: the name could point anywhere among them). Literal addresses are checked as
 * they are. Returns the addresses.
 */
export async function resolveAllowed(host: string, allowPrivate: boolean, resolver: Resolver = systemResolver) {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await resolver(bare);
    } catch (err) {
      throw new AddressRefused(
        host,
        undefined,
        `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  }
  if (addresses.length === 0) throw new AddressRefused(host, undefined, `${host} has no address`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad)
      throw new AddressRefused(
        host,
        bad.address,
        `${host} resolves to ${bad.address}, a loopback, private or reserved address`,
      );
  }
  return addresses;
}

/**
 * A `lookup` for http.request that connects only to addresses it has just checked, so a
 * name that changes its answer after the check (DNS rebinding) cannot reach inside.
 */
export function guardedLookup(allowPrivate: boolean, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, allowPrivate, resolver).then(
      (list) => {
        if (options.all)
          callback(
            null,
            list.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (err: Error) => callback(Object.assign(err, { code: 'EADDRREFUSED' }) as NodeJS.ErrnoException, '', 4),
    );
  };
}
