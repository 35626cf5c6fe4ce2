/**
 * Writing the `WWW-Authenticate` challenges of a refused request (RFC 6750 §3, RFC 9449 §7.1).
 * A pure function, no I/O.
 *
 * @internal
 * @packageDocumentation
 */
import type { AuthScheme } from './types.js';

/** The attributes of the challenges; each is left out when undefined. */
export interface Challenges {
  /** One challenge per scheme. */
  schemes: readonly AuthScheme[];
  /** The scheme whose challenge carries `error` and comes first. Default: the first of `schemes`. */
  errorScheme?: AuthScheme | undefined;
  realm?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** Space-separated scope values. */
  scope?: string | undefined;
  /** Space-separated JWS algorithms, for the DPoP challenge only. */
  algs?: string | undefined;
}

/**
 * Formats a `WWW-Authenticate` value: one challenge per accepted scheme (RFC 9110 §11.6.1), the
 * one of the scheme the request used first, with the error. Each is the scheme name alone, or
 * followed by `realm`, `error`, `error_description`, `scope` and, for DPoP, `algs` as quoted strings
 * (RFC 6750 §3, RFC 9449 §7.1).
 *
 * @internal
 */
export function formatChallenges(c: Challenges): string {
  const errorScheme = c.errorScheme !== undefined && c.schemes.includes(c.errorScheme) ? c.errorScheme : c.schemes[0];
  const ordered = [...c.schemes].sort((a, b) => Number(b === errorScheme) - Number(a === errorScheme));
  return ordered
    .map((scheme) => {
      const params: string[] = [];
      const withError = scheme === errorScheme;
      if (c.realm !== undefined) params.push(`realm=${quote(c.realm)}`);
      if (withError && c.error !== undefined) params.push(`error=${quote(c.error)}`);
      if (withError && c.errorDescription !== undefined) params.push(`error_description=${quote(c.errorDescription)}`);
      if (c.scope !== undefined) params.push(`scope=${quote(c.scope)}`);
      if (scheme === 'DPoP' && c.algs !== undefined) params.push(`algs=${quote(c.algs)}`);
      return params.length === 0 ? scheme : `${scheme} ${params.join(', ')}`;
    })
    .join(', ');
}

/**
 * An RFC 9110 §5.6.4 quoted-string: `"` and `\` are backslash-escaped, and anything outside printable
 * ASCII (CR, LF, other controls, non-ASCII) is dropped so a value can never split or end the header.
 */
function quote(value: string): string {
  // Most values (the verifier's own descriptions among them) need neither: one test, no copies.
  if (!/[^\x20\x21\x23-\x5b\x5d-\x7e]/.test(value)) return `"${value}"`;
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}
