import { buildEndSessionUrl } from '../protocol/end-session.js';
import { randomToken } from '../shared/encoding.js';
import type { ClientContext } from './context.js';

/**
 * @internal After `session.logout()` (`ending`): revokes the session's refresh tokens (RFC 7009, best
 * effort: a failure there keeps no one signed in) and returns where the browser goes next: the
 * end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2) with a one-time `state` that
 * waits in the transaction storage for the way back (logout-return.ts), or `target` itself.
 */
export async function logoutDestination(
  ctx: ClientContext,
  target: URL,
  idToken: string | undefined,
  ending: Promise<{ refreshToken: string; sessionId: string }[]>,
): Promise<string> {
  const { config } = ctx;
  const refreshTokens = await ending;
  const md = await ctx.issuer.getMetadata().catch(() => undefined);
  await Promise.all(refreshTokens.map(({ refreshToken, sessionId }) => ctx.revoke(refreshToken, sessionId)));
  if (!md?.end_session_endpoint) {
    ctx.events.emit('server-session-kept', { reason: md ? 'no_endpoint' : 'no_metadata' });
    return target.href;
  }
  const values = {
    idTokenHint: idToken,
    clientId: config.clientId,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? target.href,
    state: randomToken(),
  };
  const { url, sendsState } = buildEndSessionUrl(md.end_session_endpoint, values, config.endSessionParams);
  // With a fixed postLogoutRedirectUri the server sends the browser there: the `returnTo` of this
  // logout waits beside the state, and the way back puts it in the address bar.
  const path = target.pathname.replace(/^\/+/, '/'); // "//x" is a path here but another origin in a URL
  const returnTo = config.postLogoutRedirectUri === undefined ? undefined : path + target.search + target.hash;
  if (sendsState) await ctx.storage().setItem(ctx.names.logoutState, JSON.stringify({ state: values.state, returnTo }));
  return url.href;
}
