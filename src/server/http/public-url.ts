/**
 * The URLs a request may have been sent to: each public URL followed by the path the server sees.
 *
 * @internal
 */
export function publicRequestUrls(publicUrls: readonly string[], path: string | undefined): string[] {
  return path === undefined ? [] : publicUrls.map((base) => joinUrl(base, path));
}

/**
 * `base` (an origin, or an origin and a path prefix, without a trailing `/`) followed by the request
 * path the server sees, for the `htu` comparison of a DPoP proof.
 *
 * @internal
 */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}
