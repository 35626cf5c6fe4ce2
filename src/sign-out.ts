import type { ClientContext } from './context.js';

/** @internal Where the `state` of a logout waits for the server to send the browser back. */
export const logoutStateKey = (clientId: string) => `pkce-spa:${clientId}:logout`;

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
