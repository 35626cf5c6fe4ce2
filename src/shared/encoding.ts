// Base64url (RFC 4648 §5, no padding) over WebCrypto's random bytes and SHA-256: what the S256
// challenge, `state`, `nonce`, DPoP's `ath` and the rotation ledger are made of.

/** Base64url without padding (RFC 4648 §5), as RFC 7636 §4.2 and the tokens use it. */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * `count` bytes from `crypto.getRandomValues`, base64url-encoded without padding.
 * Used for the code verifier, `state` and `nonce`: 32 bytes give 256 bits of entropy
 * and 43 characters, with no modulo-biased character mapping.
 */
export const randomToken = (count = 32): string => base64url(crypto.getRandomValues(new Uint8Array(count)));

/** BASE64URL(SHA-256(text)), with SubtleCrypto: the S256 challenge, DPoP's `ath`, the rotation ledger. */
export async function sha256Base64url(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/**
 * The claims of a JWT, read but not verified, or `undefined` for anything else (an opaque token):
 * for what a token only says of itself (the server's clock, which API it is for), on pages that
 * have not loaded jose (a chunk of its own, fetched only to verify an ID token).
 */
export function unverifiedClaims(jwt: string | undefined): Record<string, unknown> | undefined {
  const parts = jwt?.split('.');
  if (parts?.length !== 3 || !parts[1]) return undefined;
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
