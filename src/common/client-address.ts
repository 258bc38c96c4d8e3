import proxyaddr from '@fastify/proxy-addr';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** `TRUST_PROXY`: no proxy, every proxy, a number of hops, or the proxies' addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

/** Parses `TRUST_PROXY`; returns an error message naming the problem, or the setting. */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const text = (value ?? 'false').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyaddr.compile(entries);
    return entries;
  } catch (error) {
    return `TRUST_PROXY=${JSON.stringify(value)} (${(error as Error).message}; use true, false, a hop count, or addresses/CIDRs such as 10.0.0.0/8,loopback)`;
  }
}

/** The trust predicate for a `TRUST_PROXY` value: is the proxy at `addr`, `hop` steps away, trusted? */
export function trustPredicate(trust: TrustProxy): (addr: string, hop: number) => boolean {
  if (typeof trust === 'boolean') return () => trust;
  if (typeof trust === 'number') return (_addr, hop) => hop < trust;
  return proxyaddr.compile(trust);
}

/**
 * The client address of a request that came through trusted proxies, by the same rules
 * Fastify applies to HTTP requests (`X-Forwarded-For`), so the socket handshake's rate limit and
 * logs see the real client rather than the load balancer.
 */
export function clientAddressResolver(trust: TrustProxy): (remoteAddress: string, headers: IncomingHttpHeaders) => string {
  if (trust === false) return (remoteAddress) => remoteAddress;
  const trusts = trustPredicate(trust);
  return (remoteAddress, headers) =>
    proxyaddr({ headers, socket: { remoteAddress }, connection: { remoteAddress } } as unknown as IncomingMessage, trusts);
}

/** Fastify's `trustProxy` option for a `TRUST_PROXY` value (`false` keeps its fast path). */
export function fastifyTrustProxy(trust: TrustProxy): false | ((addr: string, hop: number) => boolean) {
  return trust === false ? false : trustPredicate(trust);
}
