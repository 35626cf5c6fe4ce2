import { NetworkError, ValidationError } from './errors.js';

/** The `fetch` signature pkce-spa calls; inject your own through the `fetch` option. */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** Options shared by every function that talks to the authorization server. */
export interface HttpOptions {
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Milliseconds before a request is abandoned with a `timeout` error. Default 10 000. */
  timeout?: number;
}

const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * True for `https:` URLs, and `http:` only on loopback (RFC 8252 §8.3): a plain-http
 * endpoint anywhere else would expose codes and tokens on the wire.
 */
export const isSecureUrl = (url: URL): boolean =>
  url.protocol === 'https:' || (url.protocol === 'http:' && loopback.test(url.hostname));

/**
 * Sends a request with a timeout and maps transport failures to {@link NetworkError}.
 * Adds no custom headers, so token and JWKS calls stay CORS-simple (no preflight).
 */
export async function send(url: string, init: RequestInit, options: HttpOptions = {}): Promise<Response> {
  try {
    return await (options.fetch ?? fetch)(url, {
      ...init,
      signal: AbortSignal.timeout(options.timeout ?? 10_000),
    });
  } catch (cause) {
    const timedOut = (cause as Error | undefined)?.name === 'TimeoutError';
    throw new NetworkError(
      timedOut ? 'timeout' : 'network_error',
      `${timedOut ? 'Timed out' : 'Network error'} calling ${new URL(url).origin + new URL(url).pathname}`,
      cause,
    );
  }
}

/** Reads a JSON object body, refusing anything that is not `application/json`. */
export async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) {
    throw new ValidationError('invalid_response', `${what} did not answer with JSON (HTTP ${response.status})`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ValidationError('invalid_response', `${what} answered with malformed JSON`, cause);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('invalid_response', `${what} did not answer with a JSON object`);
  }
  return body as Record<string, unknown>;
}
