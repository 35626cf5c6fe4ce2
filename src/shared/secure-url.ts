// The one loopback rule: where plain http: is allowed (RFC 8252 §8.3). Both halves use it, for the
// authorization server's endpoints, the app's own URLs and the API's JWKS.

/** True for `localhost`, `127.0.0.0/8` and `[::1]`, the hosts where plain `http:` stays on this machine. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** True for an `https:` URL, or an `http:` one on a loopback host. */
export const isSecureUrl = (url: URL): boolean =>
  url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));

/**
 * The URL when `value` is an absolute `https:` URL string, or `http:` on loopback: plain http
 * anywhere else would expose codes and tokens on the wire. Otherwise `undefined`.
 */
export function secureUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return isSecureUrl(url) ? url : undefined;
  } catch {
    return undefined;
  }
}
