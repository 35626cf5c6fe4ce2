import { ValidationError } from '../../shared/errors.js';
import { fetchJsonObject } from './fetch-json.js';
import type { FetchLike } from '../../shared/fetch-like.js';
import { isSecureUrl } from '../../shared/secure-url.js';

/**
 * Reads `jwks_uri` from the issuer's OpenID Connect discovery document (Discovery 1.0 §4), after
 * checking that the document's `issuer` is identical to the configured one (§4.3).
 *
 * @throws NetworkError when the document cannot be fetched in time.
 * @throws ValidationError `invalid_issuer` on an issuer mismatch; `invalid_response` when the
 *   answer is not a 200 JSON document with an https `jwks_uri`.
 * @internal
 */
export async function discoverJwksUri(issuer: string, fetchImpl: FetchLike, timeout: number): Promise<URL> {
  // §4.1: a terminating "/" of the issuer is removed before the well-known path is appended.
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const metadata = await fetchJsonObject(url, 'the discovery document', fetchImpl, timeout, true);
  const { issuer: found, jwks_uri: jwksUri } = metadata;
  if (found !== issuer) {
    throw new ValidationError(
      'invalid_issuer',
      `The discovery document's "issuer" (${JSON.stringify(found)}) is not the configured issuer (${JSON.stringify(issuer)})`,
    );
  }
  const jwks = typeof jwksUri === 'string' && URL.canParse(jwksUri) ? new URL(jwksUri) : undefined;
  if (jwks === undefined || !isSecureUrl(jwks)) {
    throw new ValidationError('invalid_response', `The discovery document ${url} has no usable https "jwks_uri"`);
  }
  return jwks;
}
