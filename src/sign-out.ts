import type { ClientContext } from './context.js';
import { randomToken } from './pkce.js';

/** @internal Where the `state` of a logout waits for the server to send the browser back. */
export const logoutStateKey = (clientId: string) => `pkce-spa:${clientId}:logout`;

/**
 * @internal Ends the session (here at once, in other tabs, in the store), revokes its refresh tokens
 * (RFC 7009, best effort: a failure there keeps no one signed in) and returns where the browser goes
 * next: the end-session endpoint with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and a
 * one-time `state` (OpenID Connect RP-Initiated Logout 1.0 §2), or `target` itself.
 */
export async function signOut(ctx: ClientContext, target: URL): Promise<string> {
  const { config, session } = ctx;
  const idToken = session.tokens?.idToken;
  const refreshTokens = await session.signOut();
  const md = await ctx.issuer.getMetadata().catch(() => undefined);
  await Promise.all(refreshTokens.map(ctx.revoke));
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

/**
 * @internal Back from logout: the `state` sent to the end-session endpoint returns alone. It is used
 * once, and removed from the address bar; any other `state` is the app's own and left alone.
 */
export async function finishSignOut(ctx: ClientContext, url: URL): Promise<boolean> {
  const key = logoutStateKey(ctx.config.clientId);
  const state = url.searchParams.get('state');
  if (!state || state !== (await ctx.storage().getItem(key))) return false;
  await ctx.storage().removeItem(key);
  return true;
}
