/**
 * Writing the `WWW-Authenticate` challenges of a refused request (RFC 6750 §3, RFC 9449 §7.1).
 * No I/O; the headers last written are kept (see {@link formatChallenges}).
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
  // A verifier refuses with the same few headers over and over (a flood of forged tokens gets one):
  // the last one written for each description is kept, and answered again when all else matches.
  const last = recent.get(c.errorDescription);
  if (last !== undefined && sameChallenges(last.challenges, c)) return last.header;
  const header = format(c);
  if (recent.size >= RECENT_LIMIT) recent.clear();
  recent.set(c.errorDescription, { challenges: { ...c, schemes: [...c.schemes] }, header });
  return header;
}

/** At most this many headers are kept; the verifier's descriptions are fewer. */
const RECENT_LIMIT = 64;
const recent = new Map<string | undefined, { readonly challenges: Challenges; readonly header: string }>();

function sameChallenges(a: Challenges, b: Challenges): boolean {
  if (a.errorScheme !== b.errorScheme || a.realm !== b.realm || a.error !== b.error || a.scope !== b.scope || a.algs !== b.algs) return false;
  if (a.errorDescription !== b.errorDescription || a.schemes.length !== b.schemes.length) return false;
  for (let i = 0; i < a.schemes.length; i++) if (a.schemes[i] !== b.schemes[i]) return false;
  return true;
}

function format(c: Challenges): string {
  const errorScheme = c.errorScheme !== undefined && c.schemes.includes(c.errorScheme) ? c.errorScheme : c.schemes[0];
  let header = '';
  for (const scheme of c.schemes) if (scheme === errorScheme) header = listed(header, challenge(c, scheme, true));
  for (const scheme of c.schemes) if (scheme !== errorScheme) header = listed(header, challenge(c, scheme, false));
  return header;
}

/** One challenge: the scheme name alone, or followed by its attributes. */
function challenge(c: Challenges, scheme: AuthScheme, withError: boolean): string {
  let params = '';
  if (c.realm !== undefined) params = listed(params, `realm=${quote(c.realm)}`);
  if (withError && c.error !== undefined) params = listed(params, `error=${quote(c.error)}`);
  if (withError && c.errorDescription !== undefined) params = listed(params, `error_description=${quote(c.errorDescription)}`);
  if (c.scope !== undefined) params = listed(params, `scope=${quote(c.scope)}`);
  if (scheme === 'DPoP' && c.algs !== undefined) params = listed(params, `algs=${quote(c.algs)}`);
  return params === '' ? scheme : `${scheme} ${params}`;
}

const listed = (list: string, item: string) => (list === '' ? item : `${list}, ${item}`);

/**
 * An RFC 9110 §5.6.4 quoted-string: `"` and `\` are backslash-escaped, and anything outside printable
 * ASCII (CR, LF, other controls, non-ASCII) is dropped so a value can never split or end the header.
 */
function quote(value: string): string {
  // Most values (the verifier's own descriptions among them) need neither: one test, no copies.
  if (!/[^\x20\x21\x23-\x5b\x5d-\x7e]/.test(value)) return `"${value}"`;
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}
