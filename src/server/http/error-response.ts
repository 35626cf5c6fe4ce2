import type { TokenVerificationError } from '../errors.js';

/**
 * The status, headers and JSON body that answer a {@link TokenVerificationError}, the same for every
 * adapter: the challenge, `DPoP-Nonce` when the error carries one, and `Cache-Control: no-store` so
 * no cache keeps an answer about credentials (RFC 6750 §3, RFC 9449 §9).
 *
 * @internal
 */
export function errorResponseParts(error: TokenVerificationError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = {
    'WWW-Authenticate': error.wwwAuthenticate,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  };
  if (error.dpopNonce !== undefined) headers['DPoP-Nonce'] = error.dpopNonce;
  return { status: error.status, headers, body: JSON.stringify({ error: error.code, error_description: error.errorDescription ?? error.message }) };
}
