import type { TrustProxy } from '../config/load.js';

/** proxy-addr's trust callback: is the address `hop` steps from Gatehouse (0 = the socket peer) a proxy of ours? */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * GATEHOUSE_TRUST_PROXY as Fastify's `trustProxy`. A hop count is passed as a function: Fastify 5.12 treats
 * a bare number as "trust nobody" (it cannot check the peer), which left every client behind a proxy sharing
 * the proxy's per-IP sign-in budget. With `1`, the address the nearest proxy appended is the client; entries
 * a client wrote itself further left are never read. Addresses and CIDRs go to proxy-addr as a list.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | TrustFunction {
  if (typeof trust === 'boolean') return trust;
  if ('hops' in trust) {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  return trust.addresses;
}
