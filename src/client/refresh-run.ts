// One refresh of one of the session's tokens, under the session lock (see refresher.ts): loaded with
// the first refresh, so a page that never refreshes (signed out, or a fresh sign-in) never fetches it.
import type { ClientContext } from './context.js';
import { LoginRequiredError, OAuthError, isPkceError, type PkceError } from '../shared/errors.js';
import { isOffline, type ApiRequest, type Held } from './refresh-timer.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import { readJson } from '../protocol/http.js';
import { serverTime, tokenSetFrom } from '../session/token-set.js';
import { serverClockOffset } from '../protocol/server-time.js';
import { processTokenResponse, refreshGrant, sendTokenRequest, type TokenResponse } from '../protocol/token-endpoint.js';
import type { TokenSet } from '../session/token-store.js';

/** Token-endpoint refusals that say asking again with the same refresh token can only fail again. */
const FINAL_REFUSALS = new Set(['invalid_grant', 'invalid_request', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type']);

/** The refresh token a 200 carried even if the rest of it is unusable, so it can be revoked. */
async function carriedRefreshToken(response: Response): Promise<string | undefined> {
  try {
    const token = (await readJson(response, 'The token endpoint')).refresh_token;
    return typeof token === 'string' && token ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal Replaces the access token `stale` of `api` (the sign-in's without `api`), with refresh
 * token rotation made atomic: after the token endpoint answered 200, the refresh token that was sent
 * is never sent again, whatever fails afterwards (RFC 9700 §4.14.2). Call it holding the session lock.
 */
export async function runRefresh(ctx: ClientContext, stale: string | undefined, api: ApiRequest | undefined): Promise<Held> {
  const { config, session, events } = ctx;
  // Another tab sharing the store may have refreshed, signed out or in while this one waited.
  await session.sync();
  const ticket = session.ticket();
  const current = session.tokens;
  if (!current) throw new LoginRequiredError('Not signed in');
  const held = api ? current.apiTokens?.[api.key] : current;
  if (held && held.accessToken !== stale) return held;
  if (!current.refreshToken) throw new LoginRequiredError('There is no refresh token: a new access token needs login()');
  if (await session.spentElsewhere(current)) {
    // Spending it again would make a rotating server revoke the grant for the copy that moved on.
    const error = new LoginRequiredError('Another copy of this session (a duplicated tab, or this tab before Back) already used its refresh token');
    if (session.isCurrent(ticket)) await session.end('invalid_grant', { error });
    throw error;
  }
  const md = await ctx.issuer.getMetadata();
  const asked = api?.asked;
  if (!session.isCurrent(ticket)) throw new LoginRequiredError('The session ended before it was refreshed');
  // A DPoP-bound session refreshes with a proof of its key, and must get DPoP back (RFC 9449 §5).
  const dpop = current.tokenType === 'DPoP' ? await ctx.signer(current.sessionId) : undefined;
  const response = await session.track('refreshing', () =>
    sendTokenRequest(
      { ...ctx.http, dpop, tokenEndpoint: md.token_endpoint, clientId: config.clientId, resource: asked ? asked.resource : config.resource },
      { ...refreshGrant(current.refreshToken!), ...asked?.grant },
    ),
  );
  if (!response.ok) return refused(ctx, response, current, stale, api);

  // A 200 that cannot be used ends the session it refreshed, only if it is still this tab's; what
  // it carried is revoked either way.
  const giveUp = async (error: unknown, revoke: string | undefined) => {
    if (session.isCurrent(ticket)) await session.end('invalid_response', { error: error as PkceError, revoke });
    else if (revoke) void ctx.revoke(revoke, current.sessionId);
    throw error;
  };
  // A 200: the refresh token sent may be spent now. From here on it is never sent again.
  const raw = response.clone();
  let body: TokenResponse;
  try {
    body = await processTokenResponse(response, dpop ? 'DPoP' : 'Bearer');
  } catch (error) {
    return giveUp(error, (await carriedRefreshToken(raw)) ?? current.refreshToken);
  }
  const nextRefreshToken = body.refresh_token ?? current.refreshToken;
  // Undefined when the response says nothing of the time: the session's offset stays (tokenSetFrom).
  const clockOffset = serverClockOffset(body, Date.now(), current.claims?.iat);
  let claims: IdTokenClaims | undefined;
  if (body.id_token && ctx.openid && session.isCurrent(ticket)) {
    try {
      claims = await ctx.issuer.verifyIdToken(body.id_token, md, { previous: current.claims, currentTime: serverTime(clockOffset ?? current.clockOffset) });
    } catch (error) {
      // Keys out of reach say nothing against the token: the session goes on with the new access
      // and refresh tokens and the claims it had. Anything else is a token that must not be used.
      if (!isOffline(error)) return giveUp(error, nextRefreshToken);
      claims = undefined;
    }
  }
  const inputs = { refreshLeeway: config.refreshLeeway, previous: current, clockOffset };
  const { tokens: next, error } = api ? api.commit(body, claims, inputs) : { tokens: tokenSetFrom(body, claims, inputs) };
  await session.replace(ticket, next);
  if (error) throw error;
  const fresh = api ? next.apiTokens![api.key]! : next;
  events.emit('refreshed', { expiresAt: fresh.expiresAt, ...api?.target });
  return fresh;
}

/**
 * A refusal that no retry with this refresh token can fix ends the session, unless another tab
 * refreshed first: `invalid_grant` (RFC 6749 §5.2), the codes that say the request itself can never
 * succeed (`invalid_request`: LemonLDAP::NG so answers a purged refresh token; `invalid_client`,
 * `unauthorized_client`, `unsupported_grant_type`), and a 400 or 401 without an OAuth error body
 * (glewlwyd so answers a spent refresh token). Other refusals keep the session while its access
 * token works (see `getAccessToken`); a refused API (`invalid_target`, `invalid_scope`) keeps it too,
 * and the error names what was asked for.
 */
async function refused(ctx: ClientContext, response: Response, sent: TokenSet, stale: string | undefined, api: ApiRequest | undefined): Promise<Held> {
  const { session } = ctx;
  const error = await processTokenResponse(response).then(
    () => undefined,
    (e: unknown) => e,
  );
  const code = isPkceError(error, 'oauth_error') ? error.error : undefined;
  const final = code !== undefined ? FINAL_REFUSALS.has(code) : response.status === 400 || response.status === 401;
  const named = (): unknown => (api && error instanceof OAuthError ? api.refusal(error) : error);
  if (!final) throw named();
  await session.sync();
  const latest = session.tokens;
  // Another tab refreshed first: the token it got is served, else asked for with its refresh token
  // (a refresh for another API rotates the refresh token and leaves this token as it was).
  if (latest && latest.refreshToken !== sent.refreshToken) return runRefresh(ctx, stale, api);
  // A refusal of a named API's token may be about the API (Entra's consent for it: invalid_grant
  // AADSTS65001; its AADSTS901002: invalid_request) and spent nothing: the session goes on, and a
  // refresh token that is really dead ends it at the sign-in token's next refresh.
  if (api) throw named();
  const ended = new LoginRequiredError(
    `The session ended: the refresh token was refused${code ? '' : ` (HTTP ${response.status} without an error code)`}`,
    isPkceError(error, 'oauth_error') ? { cause: error, error: error.error, errorDescription: error.errorDescription } : { cause: error },
  );
  await session.end('invalid_grant', { error: ended });
  throw ended;
}
