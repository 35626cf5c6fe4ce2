import type { ClientContext } from './context.js';
import { randomToken } from './shared/encoding.js';
import { logoutStateKey } from './sign-out.js';

/**
 * @internal After `session.signOut()` (`ending`): revokes the session's refresh tokens
 * (RFC 7009, best effort: a failure there keeps no one signed in) and returns where the browser goes
 * next: the end-session endpoint with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and a
 * one-time `state` (OpenID Connect RP-Initiated Logout 1.0 §2), or `target` itself.
 */
export async function signOut(
  ctx: ClientContext,
  target: URL,
  idToken: string | undefined,
  ending: Promise<{ refreshToken: string; sessionId: string }[]>,
): Promise<string> {
  const { config } = ctx;
  const refreshTokens = await ending;
  const md = await ctx.issuer.getMetadata().catch(() => undefined);
  await Promise.all(refreshTokens.map(({ refreshToken, sessionId }) => ctx.revoke(refreshToken, sessionId)));
  if (!md?.end_session_endpoint) return target.href;
  const url = new URL(md.end_session_endpoint);
  const values = {
    idTokenHint: idToken,
    clientId: config.clientId,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? target.href,
    state: randomToken(),
  };
  const params = config.endSessionParams?.(values) ?? {
    ...(idToken ? { id_token_hint: idToken } : {}),
    client_id: values.clientId,
    post_logout_redirect_uri: values.postLogoutRedirectUri,
    state: values.state,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (Object.values(params).includes(values.state)) await ctx.storage().setItem(logoutStateKey(config.clientId), values.state);
  return url.href;
}
