import type { JWTPayload } from 'jose';

/**
 * How an access token is bound to a key, as its `cnf` claim says (RFC 7800 §3.1):
 *
 * - `none`: no `cnf`, a plain Bearer token;
 * - `dpop`: `cnf` holds `jkt` and nothing else, the RFC 7638 thumbprint of the client's DPoP key
 *   (RFC 9449 §6.1);
 * - `unchecked`: anything else, including `jkt` beside another confirmation method
 *   (`x5t#S256` of RFC 8705, `jwk`, `jku`, `kid`, one not yet registered). A token bound two ways
 *   needs both proofs; this API can check only DPoP, so such a token is refused, never taken as
 *   bound by `jkt` alone.
 *
 * @internal
 */
export type Binding = { readonly kind: 'none' } | { readonly kind: 'dpop'; readonly jkt: string } | { readonly kind: 'unchecked' };

/** Reads the binding of a verified token's claims. @internal */
export function readBinding(payload: JWTPayload): Binding {
  const cnf = payload['cnf'];
  if (cnf === undefined) return { kind: 'none' };
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return { kind: 'unchecked' };
  const methods = Object.keys(cnf);
  const jkt = (cnf as Record<string, unknown>)['jkt'];
  if (methods.length !== 1 || typeof jkt !== 'string' || jkt === '') return { kind: 'unchecked' };
  return { kind: 'dpop', jkt };
}
