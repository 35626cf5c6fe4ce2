import type { ClientContext } from './context.js';

/**
 * @internal Back from logout: the `state` sent to the end-session endpoint returns alone. It is used
 * once, and removed from the address bar; any other `state` is the app's own and left alone.
 */
export async function finishLogout(ctx: ClientContext, url: URL): Promise<boolean> {
  const key = ctx.names.logoutState;
  const state = url.searchParams.get('state');
  if (!state || state !== (await ctx.storage().getItem(key))) return false;
  await ctx.storage().removeItem(key);
  return true;
}
