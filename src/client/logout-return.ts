import type { ClientContext } from './context.js';

/**
 * @internal Back from logout: the `state` sent to the end-session endpoint returns alone. It is used
 * once; any other `state` is the app's own and left alone. Resolves `false` for no logout of ours,
 * else the `returnTo` path the logout was given when the server sent the browser to the fixed
 * `postLogoutRedirectUri` instead.
 */
export async function finishLogout(ctx: ClientContext, url: URL): Promise<false | { returnTo?: string }> {
  const key = ctx.names.logoutState;
  const state = url.searchParams.get('state');
  if (!state) return false;
  const stored = await ctx.storage().getItem(key);
  let waiting: { state?: unknown; returnTo?: unknown } = {};
  try {
    waiting = JSON.parse(stored ?? '{}') as typeof waiting;
  } catch {
    waiting = { state: stored }; // written by an earlier version: the state alone
  }
  if (state !== waiting.state) return false;
  await ctx.storage().removeItem(key);
  // Only a path of this origin ("//host" would name another one).
  const { returnTo } = waiting;
  return typeof returnTo === 'string' && returnTo.startsWith('/') && !returnTo.startsWith('//') ? { returnTo } : {};
}
