import { ConfigError } from './errors.js';

/** Base64url without padding (RFC 4648 §5), as RFC 7636 §4.2 and the tokens use it. */
const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * `count` bytes from `crypto.getRandomValues`, base64url-encoded without padding.
 * Used for the code verifier, `state` and `nonce`: 32 bytes give 256 bits of entropy
 * and 43 characters, with no modulo-biased character mapping.
 */
export const randomToken = (count = 32): string =>
  base64url(crypto.getRandomValues(new Uint8Array(count)));

/**
 * A new PKCE `code_verifier`: 43 characters of `[A-Za-z0-9_-]` from 32 random octets.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 * @example
 * ```ts
 * const verifier = generateCodeVerifier()
 * const challenge = await computeCodeChallenge(verifier)
 * ```
 */
export const generateCodeVerifier = (): string => randomToken();

const verifierSyntax = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * The S256 `code_challenge` for a verifier: `BASE64URL(SHA-256(ASCII(code_verifier)))`,
 * computed with SubtleCrypto. `plain` is deliberately not offered.
 *
 * @throws {@link ConfigError} when the verifier is not 43–128 unreserved characters.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function computeCodeChallenge(codeVerifier: string): Promise<string> {
  if (!verifierSyntax.test(codeVerifier)) {
    throw new ConfigError('"codeVerifier" must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  return sha256Base64url(codeVerifier);
}

/** @internal BASE64URL(SHA-256(text)), with SubtleCrypto: the S256 challenge, DPoP's `ath`, the rotation ledger. */
export async function sha256Base64url(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}
