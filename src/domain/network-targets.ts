import { BlockList, isIP } from 'node:net';

/**
 * Where Gatehouse may send webhooks. A catalog owner types a webhook's URL, and Gatehouse posts
 * to it from inside the organisation's network: without this, an owner could aim it at internal
 * services (server-side request forgery). Loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, unique-local and unspecified addresses are refused unless an admin lists
 * their network in configuration (WEBHOOK_ALLOWED_NETWORKS).
 */
const INTERNAL: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const internal = new BlockList();
for (const [network, prefix, family] of INTERNAL) internal.addSubnet(network, prefix, family);

export interface NetworkTargets {
  /** Whether a webhook may be sent to this IP address. */
  allows(address: string): boolean;
  /** The networks an admin allowed, as configured (for messages). */
  readonly allowed: readonly string[];
}

/** `a.b.c.d/n` or an IPv6 prefix; a bare address is a /32 (or /128). Returns null when malformed. */
export function parseNetwork(
  text: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { network: address, prefix, family };
}

export function networkTargets(allowedNetworks: readonly string[] = []): NetworkTargets {
  const allowed = new BlockList();
  for (const text of allowedNetworks) {
    const parsed = parseNetwork(text);
    if (!parsed) throw new RangeError(`not a network: ${text}`);
    allowed.addSubnet(parsed.network, parsed.prefix, parsed.family);
  }
  return {
    allowed: [...allowedNetworks],
    allows(address) {
      const unmapped = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
      const version = isIP(unmapped);
      if (version === 0) return false;
      const family = version === 4 ? 'ipv4' : 'ipv6';
      if (allowed.check(unmapped, family)) return true;
      return !internal.check(unmapped, family);
    },
  };
}

/** The literal address of a URL's host (`[::1]` → `::1`), or null when it is a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) ? bare : null;
}
