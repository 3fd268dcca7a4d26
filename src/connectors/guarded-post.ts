import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { literalAddress, type NetworkTargets } from '../domain/network-targets.js';

/** The target's address is internal and no configured network allows it. */
export class InternalTargetError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} is at the internal address ${address}`);
    this.name = 'InternalTargetError';
  }
}

export class PostTimeoutError extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimeoutError';
  }
}

/**
 * POSTs a body and resolves to the answer's status, connecting only to addresses `targets`
 * allows. The check runs in the connection's own DNS lookup, so a name that resolves to a public
 * address when checked and an internal one when connecting (DNS rebinding) is still refused.
 */
export function guardedPost(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { targets: NetworkTargets; timeoutMs: number },
): Promise<number> {
  const literal = literalAddress(url.hostname);
  if (literal && !options.targets.allows(literal)) {
    return Promise.reject(new InternalTargetError(url.host, literal));
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !options.targets.allows(a.address));
      if (refused || addresses.length === 0) {
        return callback(new InternalTargetError(url.host, refused?.address ?? 'none'), '', 0);
      }
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup,
      timeout: options.timeoutMs,
    });
    request.on('timeout', () => request.destroy(new PostTimeoutError()));
    request.on('error', (error) => reject(error));
    request.on('response', (response) => {
      response.resume();
      response.on('error', () => undefined);
      resolve(response.statusCode ?? 0);
    });
    request.end(body);
  });
}
