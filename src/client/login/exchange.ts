import type { AuthorizationServerMetadata } from '../../protocol/discovery.js';
import type { ClientContext } from '../context.js';
import { OAuthError, ValidationError, isPkceError } from '../../shared/errors.js';
import type { IdTokenClaims } from '../../protocol/id-token/claims.js';
import { modeOf } from '../../browser/response-mode.js';
import { serverTime, tokenSetFrom } from '../../session/token-set.js';
import { serverClockOffset } from '../../protocol/server-time.js';
import { exchangeCode } from '../../protocol/token-endpoint.js';
import type { AuthorizationCode } from '../../protocol/callback.js';
import type { LoginTransaction } from '../../session/transaction.js';
import type { TokenSet } from '../../session/token-store.js';

/** A sign-in refused for several `resource` values: the server issues one per token. */
function onePerToken(error: OAuthError): OAuthError {
  const { error: code, errorDescription, errorUri, status } = error;
  return new OAuthError(
    { error: code, errorDescription, errorUri, status, cause: error },
    'the server issues a token for one resource at a time: keep one in "resource", and ask for the others per API, with apiOrigins entries { origin, resource } or getAccessToken({ resource })',
  );
}

/**
 * @internal Redeems the code of a checked callback (complete.ts): the token request (RFC 6749
 * §4.1.3, with the PKCE verifier, RFC 7636 §4.5), the JWKS fetched alongside it, the ID token
 * (OIDC Core §3.1.3.7), and the token set. Loaded only for a callback that brings a code.
 *
 * @throws the errors of `exchangeCode` and `validateIdToken`; {@link ValidationError}
 *   `invalid_response` without the ID token `openid` asks for, `invalid_issuer` for one whose `iss`
 *   is not the callback's.
 */
export async function redeemCode(
  ctx: ClientContext,
  tx: LoginTransaction,
  md: AuthorizationServerMetadata,
  code: AuthorizationCode,
  callback: URL,
): Promise<{ tokens: TokenSet; user?: IdTokenClaims }> {
  const { config, issuer } = ctx;
  const { state } = tx;
  // DPoP: the token request is signed with the login's key, which then becomes the session's.
  const keyId = `tx:${state}`;
  // A silent sign-in made no key up front (see begin.ts): the code it brought gets one now.
  if (modeOf(state) === 'silent') await (await ctx.dpop?.())?.ensure(keyId);
  const dpop = await ctx.signer(keyId);
  // The keys (and jose) are fetched alongside the token request, not after it: one round trip
  // saved. They start as the token request leaves, so it stays the first (a DPoP proof is signed
  // before it leaves).
  const send = ctx.http.fetch ?? fetch;
  let keysAsked = !ctx.openid;
  const sendThenFetchKeys: typeof send = (input, init) => {
    const sent = send(input, init);
    if (!keysAsked) {
      keysAsked = true;
      issuer.prefetchKeys(md);
    }
    return sent;
  };
  const exchange = exchangeCode({
    ...ctx.http,
    fetch: sendThenFetchKeys,
    dpop,
    tokenEndpoint: md.token_endpoint,
    clientId: config.clientId,
    redirectUri: tx.redirectUri,
    code,
    codeVerifier: tx.codeVerifier,
    resource: config.resource,
  });
  const response = await exchange.catch(async (error: unknown) => {
    // oidc-provider (and RFC 8707 §2.2 allows it) may issue a token for one resource at a time.
    if (isPkceError(error, 'oauth_error') && error.error === 'invalid_target' && [config.resource ?? []].flat().length > 1) {
      throw onePerToken(error as OAuthError);
    }
    throw error;
  });
  const clockOffset = serverClockOffset(response, Date.now());
  let user: IdTokenClaims | undefined;
  if (ctx.openid) {
    if (!response.id_token) {
      throw new ValidationError('invalid_response', 'Token response: "id_token" is missing although "openid" was asked for');
    }
    // Judged in the server's time: the nonce, not the device clock, makes this token fresh.
    user = await issuer.verifyIdToken(response.id_token, md, { nonce: tx.nonce, maxAge: tx.maxAge, currentTime: serverTime(clockOffset) });
    // With a templated issuer the callback's `iss` named a tenant: the ID token must name the same.
    const iss = callback.searchParams.get('iss');
    if (iss !== null && iss !== user.iss) {
      throw new ValidationError('invalid_issuer', 'The ID token\'s "iss" is not the issuer the callback named');
    }
  }
  const signedIn = tokenSetFrom(response, user, { refreshLeeway: config.refreshLeeway, clockOffset });
  const tokens = config.signInResources.length ? { ...signedIn, resources: config.signInResources } : signedIn;
  await (await ctx.dpop?.())?.move(keyId, tokens.sessionId, config.tokenStore !== undefined);
  return { tokens, user };
}
