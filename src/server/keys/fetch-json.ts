import { NetworkError, ValidationError } from '../../shared/errors.js';
import type { FetchLike } from '../../shared/fetch-like.js';

/**
 * GETs a JSON object from the authorization server, classifying failures by what happened:
 * no answer (the request failed, or the body could not be read) is a {@link NetworkError}
 * (`timeout` when `timeout` milliseconds passed); an answer that is not a 200 JSON object is a
 * {@link ValidationError} `invalid_response`. Redirects are not followed.
 *
 * @param what - names the document in messages, e.g. `the JWKS`.
 * @param requireJsonType - refuse a `Content-Type` other than `application/json` or `…+json`.
 * @internal
 */
export async function fetchJsonObject(
  url: string,
  what: string,
  fetchImpl: FetchLike,
  timeout: number,
  requireJsonType: boolean,
): Promise<Record<string, unknown>> {
  const signal = AbortSignal.timeout(timeout);
  const failed = (cause: unknown): NetworkError => {
    const timedOut = signal.aborted || (cause instanceof Error && cause.name === 'TimeoutError');
    return new NetworkError(
      timedOut ? 'timeout' : 'network_error',
      `${timedOut ? 'Timed out fetching' : 'Could not fetch'} ${what} ${url}`,
      cause,
    );
  };
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal,
    });
  } catch (cause) {
    throw failed(cause);
  }
  if (response.status !== 200) {
    throw new ValidationError('invalid_response', `${capitalize(what)} ${url} answered HTTP ${response.status}, expected 200`);
  }
  if (requireJsonType && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(response.headers.get('content-type') ?? '')) {
    throw new ValidationError('invalid_response', `${capitalize(what)} ${url} is not JSON`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw failed(cause);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError('invalid_response', `${capitalize(what)} ${url} is not valid JSON`, cause);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('invalid_response', `${capitalize(what)} ${url} is not a JSON object`);
  }
  return body as Record<string, unknown>;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
