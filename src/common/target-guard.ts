import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Raised when a webhook target resolves to an address outbound calls may not reach. */
export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
}

/**
 * SSRF guard (docs/architecture.md §5). Only public unicast addresses are reachable: ipaddr.js classifies the address
 * (loopback, private, link-local incl. cloud metadata 169.254.169.254, CGNAT, unique-local, IPv4-mapped,
 * multicast, reserved, ...). The check runs inside the socket's DNS lookup, on the very addresses the
 * connection will use, so a name that resolves differently later (DNS rebinding) gains nothing.
 * WEBHOOK_ALLOWED_TARGETS lists CIDRs and host names exempt from it.
 */
export class TargetGuard {
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  private readonly hosts = new Set<string>();

  constructor(allowList: readonly string[]) {
    for (const entry of allowList) {
      if (isIP(entry)) this.cidrs.push([ipaddr.parse(entry), entry.includes(':') ? 128 : 32]);
      else if (entry.includes('/')) this.cidrs.push(ipaddr.parseCIDR(entry));
      else this.hosts.add(entry.toLowerCase());
    }
  }

  hostAllowed(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }

  /** Why `address` may not be reached, or null when it may. */
  refusal(address: string): string | null {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.parse(address);
    } catch {
      return 'not an IP address';
    }
    for (const [net, bits] of this.cidrs) if (addr.kind() === net.kind() && addr.match(net, bits)) return null;
    const range = addr.range();
    return range === 'unicast' ? null : range;
  }

  /** For a URL whose host is an IP literal: sockets skip the DNS lookup for those, so check before connecting. */
  assertHost(hostname: string): void {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host) || this.hostAllowed(host)) return;
    const why = this.refusal(host);
    if (why) throw new ForbiddenTargetError(`target address ${host} is not allowed (${why})`);
  }

  /** A `lookup` for net/tls/undici connect options: resolves, then refuses if any address is forbidden. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const all = (options as LookupAllOptions).all === true;
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (!this.hostAllowed(hostname)) {
        for (const a of addresses) {
          const why = this.refusal(a.address);
          if (why)
            return callback(
              new ForbiddenTargetError(`target ${hostname} resolves to ${a.address}, which is not allowed (${why})`),
              '',
              0,
            );
        }
      }
      if (all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
