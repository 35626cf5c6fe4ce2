import { NetworkError, OAuthError, ValidationError } from '../shared/errors.js';

import type { FetchLike } from '../shared/fetch-like.js';

/**
 * Signs requests with DPoP proofs (RFC 9449): `createPkceClient({ dpop: true })` makes one per
 * session. `send` calls `request` with a fresh proof for `method` and `url` (and `accessToken`'s
 * hash as `ath` for resource requests), and once more with the server's nonce when the answer asks
 * for one (`use_dpop_nonce`, RFC 9449 §8, §9).
 */
export interface DpopSigner {
  /**
   * Calls `request` with a DPoP proof (a compact JWS) for `method` and `url`, once more with the
   * server's nonce when the answer is `use_dpop_nonce`, and resolves to the last answer.
   *
   * @param accessToken - For a resource request: the token the proof is bound to (`ath`).
   */
  send(method: string, url: string, request: (proof: string) => Promise<Response>, accessToken?: string): Promise<Response>;
}

/** Options shared by every function that talks to the authorization server. */
export interface HttpOptions {
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Milliseconds before a request is abandoned with a `timeout` error. Default 10 000. */
  timeout?: number;
  /**
   * Sender-constrains the request with DPoP proofs (RFC 9449); the answer must then be of
   * `token_type` DPoP. `createPkceClient({ dpop: true })` makes and uses its own signer; the
   * `DpopSigner` type is not exported, so the low-level functions are used without DPoP.
   */
  dpop?: DpopSigner;
}

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
    // The query is left out of the message: it is no place for secrets, but who knows.
    const message = `${timedOut ? 'Timeout' : 'Network error'}: ${url.split('?')[0]}`;
    // The explanation is a chunk of its own, fetched only now; offline, it cannot load, and a CORS
    // hint would be wrong then anyway.
    const hint = timedOut ? '' : await import('./cors-hint.js').then((m) => m.corsHint(cause), () => '');
    throw new NetworkError(timedOut ? 'timeout' : 'network_error', message + hint, cause);
  }
}

/**
 * {@link send}, with a DPoP proof in the `DPoP` header when `options.dpop` is set. The proof header
 * makes the request preflighted (CORS); the server must allow the `DPoP` request header.
 */
export function sendWithProof(url: string, init: RequestInit, options: HttpOptions = {}, accessToken?: string): Promise<Response> {
  const { dpop } = options;
  if (!dpop) return send(url, init, options);
  return dpop.send(
    init.method ?? 'GET',
    url,
    (proof) => {
      const headers = new Headers(init.headers);
      headers.set('dpop', proof);
      return send(url, { ...init, headers }, options);
    },
    accessToken,
  );
}

/** Reads a JSON object body, refusing anything that is not `application/json`. */
export async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  const body: unknown = /json/i.test(response.headers.get('content-type') ?? '')
    ? await response.json().catch(() => undefined)
    : undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('invalid_response', `${what} did not answer with a JSON object (HTTP ${response.status})`);
  }
  return body as Record<string, unknown>;
}

/**
 * Turns a non-2xx answer of an OAuth endpoint into its error: an {@link OAuthError} with the body's
 * `error`, `error_description`, `error_uri` and the status (RFC 6749 §5.2), or a
 * {@link ValidationError} `invalid_response` naming `what` and the status when there is none.
 */
export async function refusal(response: Response, what: string): Promise<never> {
  const body = await readJson(response, what).catch(() => undefined);
  const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
  const error = text('error');
  if (error) throw new OAuthError({ error, errorDescription: text('error_description'), errorUri: text('error_uri'), status: response.status });
  throw new ValidationError('invalid_response', `${what} answered HTTP ${response.status}`);
}

