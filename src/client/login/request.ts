import { buildAuthorizationUrl } from '../../protocol/authorization-request.js';
import type { AuthorizationServerMetadata } from '../../protocol/discovery.js';
import type { ClientContext } from '../context.js';
import { ConfigError } from '../../shared/errors.js';
import { computeCodeChallenge, generateCodeVerifier } from '../../protocol/pkce.js';
import { randomToken } from '../../shared/encoding.js';
import { redirectUriFor, stateFor, type ResponseMode } from '../../browser/response-mode.js';

/** @internal An authorization request ready to go: where the browser goes, and what its callback is checked with. */
export interface PreparedRequest {
  url: URL;
  state: string;
  nonce?: string;
  codeVerifier: string;
  redirectUri: string;
  metadata: AuthorizationServerMetadata;
  /** The request's `max_age`, in seconds, for the ID token's `auth_time` check. */
  maxAge?: number;
  /**
   * For a pushed request (RFC 9126): its `expires_in` (seconds) and when the answer came, on the
   * monotonic clock (`at`, `performance.now()` ms) and the wall clock (`wallAt`, epoch ms). Absent
   * for a request that is all in the URL, which does not expire.
   */
  pushed?: { expiresIn?: number; at: number; wallAt: number };
}

/**
 * @internal Makes an authorization request: a new verifier, `state` (marked with the mode it is
 * answered in) and `nonce`, the DPoP key the code is bound to, the URL, and the push when PAR is
 * used. Nothing is stored (made `ahead` of the click, not even the DPoP key): the caller keeps it in
 * the transaction store when the browser goes.
 *
 * @throws {@link ConfigError} for `par: true` or `dpop: true` at a server that does not offer it;
 *   discovery's and the push's errors.
 */
export async function prepareRequest(
  ctx: ClientContext,
  params: Record<string, string> | undefined,
  mode: ResponseMode,
  ahead = false,
): Promise<PreparedRequest> {
  const { config } = ctx;
  const redirectUri = redirectUriFor(config, mode);
  const metadata = await ctx.issuer.getMetadata();
  const allParams = { ...config.authorizationParams, ...params };
  const state = stateFor(mode, randomToken());
  const nonce = ctx.openid ? randomToken() : undefined;
  const codeVerifier = generateCodeVerifier();
  const endpoint = metadata.pushed_authorization_request_endpoint;
  if (config.par === true && typeof endpoint !== 'string') {
    throw new ConfigError('"par" is true but the metadata has no "pushed_authorization_request_endpoint"');
  }
  // The silent iframe is on every page load's restore: a push there would be a round trip before it.
  const push =
    typeof endpoint === 'string' &&
    (config.par === true || (config.par === undefined && mode !== 'silent') || metadata.require_pushed_authorization_requests === true);
  // DPoP: the login's key is made now, and the code bound to it (RFC 9449 §10). It waits in
  // IndexedDB across a redirect; a popup or iframe is answered in this very page. The silent
  // iframe, mostly answered login_required, binds nothing: its key (and the DPoP code, jose with
  // it) wait for a code, which PKCE already ties to this page (complete.ts makes the key).
  const dpop = config.dpop && (mode !== 'silent' || push) ? await ctx.dpop?.() : undefined;
  if (config.dpop && !metadata.dpop_signing_alg_values_supported?.includes('ES256')) {
    // Refused before the user leaves: a server without DPoP would issue Bearer tokens the callback must refuse.
    throw new ConfigError(
      `"dpop" is true but the server does not offer DPoP with ES256: its metadata has ${metadata.dpop_signing_alg_values_supported ? `"dpop_signing_alg_values_supported": ${JSON.stringify(metadata.dpop_signing_alg_values_supported)}` : 'no "dpop_signing_alg_values_supported"'}. Turn DPoP on at the server, set dpop: false, or, for a server that supports it without saying so, add it through metadataOverrides`,
    );
  }
  // Pushed ahead of the click, the key stays in memory until the click (begin.ts keeps it then).
  const dpopJkt = await dpop?.create(`tx:${state}`, mode === 'redirect' && !ahead);
  const url = buildAuthorizationUrl(metadata.authorization_endpoint, {
    clientId: config.clientId,
    redirectUri,
    scope: config.scope,
    state,
    nonce,
    codeChallenge: await computeCodeChallenge(codeVerifier),
    resource: config.signInResources,
    params: dpopJkt ? { ...allParams, dpop_jkt: dpopJkt } : allParams,
  });
  const maxAge = allParams.max_age === undefined ? undefined : Number(allParams.max_age);
  const prepared = { url, state, nonce, codeVerifier, redirectUri, metadata, maxAge };
  if (!push) return prepared;
  const { pushAuthorizationRequest } = await import('../../protocol/par.js');
  const pushed = await pushAuthorizationRequest({
    ...ctx.http,
    dpop: await ctx.signer(`tx:${state}`),
    endpoint,
    authorizationUrl: url,
    authorizationEndpoint: metadata.authorization_endpoint,
  });
  return { ...prepared, url: pushed.url, pushed: { expiresIn: pushed.expires_in, at: performance.now(), wallAt: Date.now() } };
}
