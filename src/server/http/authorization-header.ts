/**
 * The access token on the wire: reading the `Authorization` request header (RFC 6750 §2.1,
 * RFC 9449 §7.1). A pure function, no I/O.
 *
 * @internal
 * @packageDocumentation
 */
import type { AuthScheme } from './types.js';

/** `b64token` of RFC 6750 §2.1 (`token68` of RFC 9449 §7.1): the only characters a credential may hold. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The outcome of reading an `Authorization` header: a token and its scheme, or why there is none. */
export type ParsedAuthorization =
  | { scheme: AuthScheme; token: string }
  | { problem: 'missing_token' | 'invalid_request'; description: string };

/**
 * Reads the access token from an `Authorization` header value.
 *
 * - no header, an empty one, or a scheme this API does not accept (`Basic …`) → `missing_token`:
 *   the client did not try an accepted scheme, so RFC 6750 §3.1 wants a challenge without an error;
 * - an accepted scheme with nothing after it, extra parts, characters outside `b64token`, or
 *   several headers → `invalid_request`;
 * - with `acceptBareToken`, a value with no scheme at all is taken as a Bearer token.
 *
 * @internal
 */
export function parseAuthorization(
  value: string | readonly string[] | null | undefined,
  acceptBareToken: boolean,
  schemes: readonly AuthScheme[],
): ParsedAuthorization {
  if (Array.isArray(value)) {
    if (value.length > 1) return invalid('The request has more than one Authorization header');
    value = value[0];
  }
  const header = typeof value === 'string' ? value.trim() : '';
  if (header === '') return { problem: 'missing_token', description: 'The request has no access token' };
  const otherScheme = {
    problem: 'missing_token',
    description: `The request does not use the ${schemes.join(' or ')} scheme`,
  } as const;

  // The scheme ends at the first space or tab (RFC 9110 §11.4); a bare token has neither, so a value
  // that is all b64token (verify() given the JWT) is read once, not scanned for each as well.
  const b64token = B64TOKEN.test(header);
  const space = b64token ? -1 : firstWhitespace(header);
  if (space === -1) {
    const scheme = schemeOf(header, schemes);
    if (scheme !== undefined) return invalid(`The Authorization header has no token after ${scheme}`);
    if (!acceptBareToken) return otherScheme;
    return b64token ? { scheme: 'Bearer', token: header } : invalid('The access token has characters a Bearer token cannot have');
  }
  // RFC 9110 §11.1: the scheme name is case-insensitive.
  const scheme = schemeOf(header.slice(0, space), schemes);
  if (scheme === undefined) return otherScheme;
  const token = header.slice(space).replace(/^ +/, '');
  return B64TOKEN.test(token) ? { scheme, token } : invalid(`The Authorization header is not of the form: ${scheme} token`);
}

function firstWhitespace(value: string): number {
  const space = value.indexOf(' ');
  const tab = value.indexOf('\t');
  return space === -1 ? tab : tab === -1 ? space : Math.min(space, tab);
}

function schemeOf(name: string, schemes: readonly AuthScheme[]): AuthScheme | undefined {
  // Lengths first: a bare token (hundreds of characters) is never lower-cased to be compared.
  for (const scheme of schemes) if (scheme.length === name.length && scheme.toLowerCase() === name.toLowerCase()) return scheme;
  return undefined;
}

function invalid(description: string): ParsedAuthorization {
  return { problem: 'invalid_request', description };
}
