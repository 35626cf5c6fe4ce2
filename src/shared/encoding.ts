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
