import type { JWTPayload } from 'jose';

/**
 * The scope values a token holds, read from one claim only, never a mix of both (a token could
 * otherwise gain in `scp` what its `scope` does not grant):
 *
 * - `scope` (RFC 9068 §2.2.3, RFC 8693 §4.2): a space-separated string; anything else grants nothing;
 * - `scp` (Okta: an array of strings; Entra ID: a space-separated string).
 *
 * @internal
 */
export function grantedScopes(payload: JWTPayload, claim: 'scope' | 'scp'): Set<string> {
  const value = payload[claim];
  const values = typeof value === 'string' ? value.split(' ') : claim === 'scp' && Array.isArray(value) ? value : [];
  const granted = new Set<string>();
  for (const scope of values) if (typeof scope === 'string' && scope !== '') granted.add(scope);
  return granted;
}
