import { ConfigError } from '../shared/errors.js';
import { randomToken, sha256Base64url } from '../shared/encoding.js';

export { randomToken } from '../shared/encoding.js';

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
