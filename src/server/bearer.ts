/**
 * The Bearer scheme on the wire: reading the `Authorization` request header (RFC 6750 §2.1) and
 * writing the `WWW-Authenticate` challenge (RFC 6750 §3). Pure functions, no I/O.
 *
 * @internal
 * @packageDocumentation
 */

/** `b64token` of RFC 6750 §2.1: the only characters a Bearer credential may hold. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The outcome of reading an `Authorization` header: a token, or why there is none. */
export type ParsedAuthorization =
  | { token: string }
  | { problem: 'missing_token' | 'invalid_request'; description: string };

/**
 * Reads the access token from an `Authorization` header value (RFC 6750 §2.1).
 *
 * - no header, an empty one, or another scheme (`Basic …`) → `missing_token`: the client did not try
 *   Bearer, so RFC 6750 §3.1 wants a challenge without an error code;
 * - `Bearer` with nothing after it, extra parts, characters outside `b64token`, or several headers
 *   → `invalid_request`;
 * - with `acceptBareToken`, a value with no scheme at all is taken as the token itself.
 *
 * @internal
 */
export function parseAuthorization(
  value: string | readonly string[] | null | undefined,
  acceptBareToken: boolean,
): ParsedAuthorization {
  if (Array.isArray(value)) {
    if (value.length > 1) return invalid('The request has more than one Authorization header');
    value = value[0];
  }
  const header = typeof value === 'string' ? value.trim() : '';
  if (header === '') return { problem: 'missing_token', description: 'The request has no access token' };

  const space = header.search(/\s/);
  if (space === -1) {
    if (/^bearer$/i.test(header)) return invalid('The Authorization header has no token after Bearer');
    if (!acceptBareToken) return { problem: 'missing_token', description: 'The request does not use the Bearer scheme' };
    return B64TOKEN.test(header) ? { token: header } : invalid('The access token has characters a Bearer token cannot have');
  }
  // RFC 9110 §11.1: the scheme name is case-insensitive.
  if (header.slice(0, space).toLowerCase() !== 'bearer') {
    return { problem: 'missing_token', description: 'The request does not use the Bearer scheme' };
  }
  const token = header.slice(space).replace(/^ +/, '');
  return B64TOKEN.test(token) ? { token } : invalid('The Authorization header is not of the form: Bearer token');
}

function invalid(description: string): ParsedAuthorization {
  return { problem: 'invalid_request', description };
}

/** The attributes of a Bearer challenge; each is left out when undefined. */
export interface BearerChallenge {
  realm?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** Space-separated scope values. */
  scope?: string | undefined;
}

/**
 * Formats a `WWW-Authenticate` value for the Bearer scheme (RFC 6750 §3): `Bearer` alone, or
 * followed by `realm`, `error`, `error_description` and `scope` as quoted strings.
 *
 * @internal
 */
export function formatBearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.realm !== undefined) params.push(`realm=${quote(challenge.realm)}`);
  if (challenge.error !== undefined) params.push(`error=${quote(challenge.error)}`);
  if (challenge.errorDescription !== undefined) params.push(`error_description=${quote(challenge.errorDescription)}`);
  if (challenge.scope !== undefined) params.push(`scope=${quote(challenge.scope)}`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

/**
 * An RFC 9110 §5.6.4 quoted-string: `"` and `\` are backslash-escaped, and anything outside printable
 * ASCII (CR, LF, other controls, non-ASCII) is dropped so a value can never split or end the header.
 */
function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}
