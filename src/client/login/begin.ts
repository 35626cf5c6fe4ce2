import { buildAuthorizationUrl, checkExtraParams } from '../../protocol/authorization-request.js';
import { checkRedirectOrigin, sameOriginPath } from '../../browser/page.js';
import type { ClientContext } from '../context.js';
import { ConfigError } from '../../shared/errors.js';
import type { LoginOptions } from '../types.js';
import { computeCodeChallenge, generateCodeVerifier } from '../../protocol/pkce.js';
import { randomToken } from '../../shared/encoding.js';
import { stateFor, type ResponseMode } from '../../browser/response-mode.js';
import { redirectUriFor } from './complete.js';
/**
 * `appState` travels through JSON (the transaction store): what JSON would drop or change (functions,
 * `undefined` members, `Date`s becoming strings are the app's choice; cycles and BigInt are not) is refused.
 *
 * @throws {@link ConfigError}
 */
function checkAppState(appState: unknown): void {
  if (appState === undefined) return;
  try {
    if (JSON.stringify(appState) === undefined) throw new TypeError('not serializable');
  } catch {
    throw new ConfigError('"appState" must be a value JSON can carry (no cycle, no BigInt, not a function or undefined)');
  }
}

/**
 * @internal Prepares a sign-in: a new verifier, `state` (marked with the mode it is answered in)
 * and `nonce`, kept in the transaction store with the metadata, and the authorization request's URL.
 *
 * @throws {@link ConfigError} for a cross-origin `returnTo` or redirect URI, or a reserved parameter;
 *   discovery errors.
 */
export async function beginLogin(
  ctx: ClientContext,
  { returnTo, params, appState }: LoginOptions,
  mode: ResponseMode = 'redirect',
): Promise<{ url: URL; state: string }> {
  const { config } = ctx;
  const redirectUri = redirectUriFor(ctx, mode);
  checkExtraParams(params, 'params');
  checkRedirectOrigin(redirectUri);
  const target = sameOriginPath(returnTo ?? location.href, 'returnTo');
  checkAppState(appState);
  const md = await ctx.issuer.getMetadata();
  const allParams = { ...config.authorizationParams, ...params };
  const state = stateFor(mode, randomToken());
  const nonce = ctx.openid ? randomToken() : undefined;
  const codeVerifier = generateCodeVerifier();
  const endpoint = md.pushed_authorization_request_endpoint;
  if (config.par === true && typeof endpoint !== 'string') {
    throw new ConfigError('"par" is true but the metadata has no "pushed_authorization_request_endpoint"');
  }
  // The silent iframe is on every page load's restore: a push there would be a round trip before it.
  const push = typeof endpoint === 'string' && (config.par === true || (config.par === undefined && mode !== 'silent') || md.require_pushed_authorization_requests === true);
  // DPoP: the login's key is made now, and the code bound to it (RFC 9449 §10). It waits in
  // IndexedDB across a redirect; a popup or iframe is answered in this very page. The silent
  // iframe, mostly answered login_required, binds nothing: its key (and the DPoP code, jose with
  // it) wait for a code, which PKCE already ties to this page (complete.ts makes the key).
  const dpop = config.dpop && (mode !== 'silent' || push) ? await ctx.dpop?.() : undefined;
  if (config.dpop && !md.dpop_signing_alg_values_supported?.includes('ES256')) {
    // Refused before the user leaves: a server without DPoP would issue Bearer tokens the callback must refuse.
    throw new ConfigError(
      `"dpop" is true but the server does not offer DPoP with ES256: its metadata has ${md.dpop_signing_alg_values_supported ? `"dpop_signing_alg_values_supported": ${JSON.stringify(md.dpop_signing_alg_values_supported)}` : 'no "dpop_signing_alg_values_supported"'}. Turn DPoP on at the server, set dpop: false, or, for a server that supports it without saying so, add it through metadataOverrides`,
    );
  }
  const dpopJkt = await dpop?.create(`tx:${state}`, mode === 'redirect');
  let url = buildAuthorizationUrl(md.authorization_endpoint, {
    clientId: config.clientId,
    redirectUri,
    scope: config.scope,
    state,
    nonce,
    codeChallenge: await computeCodeChallenge(codeVerifier),
    resource: config.signInResources,
    params: dpopJkt ? { ...allParams, dpop_jkt: dpopJkt } : allParams,
  });
  if (push) {
    const { pushAuthorizationRequest } = await import('../../protocol/par.js');
    url = await pushAuthorizationRequest({
      ...ctx.http,
      dpop: await ctx.signer(`tx:${state}`),
      endpoint,
      authorizationUrl: url,
      authorizationEndpoint: md.authorization_endpoint,
    });
  }
  await ctx.transactions.save({
    state,
    nonce,
    codeVerifier,
    redirectUri,
    returnTo: target,
    appState,
    maxAge: allParams.max_age === undefined ? undefined : Number(allParams.max_age),
    metadata: md,
    createdAt: Date.now(),
  });
  return { url, state };
}

