import { NetworkError, ValidationError } from '../errors.js';
import { isLoopbackHost, type FetchLike } from './options.js';

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
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new NetworkError(
      timedOut ? 'timeout' : 'network_error',
      `${timedOut ? 'Timed out fetching' : 'Could not fetch'} the discovery document ${url}`,
      cause,
    );
  }
  if (response.status !== 200) {
    throw new ValidationError('invalid_response', `The discovery document ${url} answered HTTP ${response.status}, expected 200`);
  }
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(response.headers.get('content-type') ?? '')) {
    throw new ValidationError('invalid_response', `The discovery document ${url} is not JSON`);
  }
  let metadata: unknown;
  try {
    metadata = await response.json();
  } catch (cause) {
    throw new ValidationError('invalid_response', `The discovery document ${url} is not valid JSON`, cause);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError('invalid_response', `The discovery document ${url} is not a JSON object`);
  }
  const { issuer: found, jwks_uri: jwksUri } = metadata as Record<string, unknown>;
  if (found !== issuer) {
    throw new ValidationError(
      'invalid_issuer',
      `The discovery document's "issuer" (${JSON.stringify(found)}) is not the configured issuer (${JSON.stringify(issuer)})`,
    );
  }
  const jwks = typeof jwksUri === 'string' && URL.canParse(jwksUri) ? new URL(jwksUri) : undefined;
  if (jwks === undefined || !(jwks.protocol === 'https:' || (jwks.protocol === 'http:' && isLoopbackHost(jwks.hostname)))) {
    throw new ValidationError('invalid_response', `The discovery document ${url} has no usable https "jwks_uri"`);
  }
  return jwks;
}
