import { checkExtraParams } from '../../protocol/authorization-request.js';
import { checkRedirectOrigin, sameOriginPath } from '../../browser/page.js';
import type { ClientContext } from '../context.js';
import { ConfigError } from '../../shared/errors.js';
import type { LoginOptions } from '../types.js';
import { redirectUriFor, type ResponseMode } from '../../browser/response-mode.js';
import { prepareRequest, type PreparedRequest } from './request.js';

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
 * @internal Begins a sign-in: the authorization request (request.ts; the one pushed ahead of the
 * click when it fits, from `takeAhead`: ahead.ts, given only by a page that pushes ahead), kept in
 * the transaction store with where to return, and its URL; `pushedNow` when it waited for a push
 * (RFC 9126), made here or ahead: a round trip after the call.
 *
 * @throws {@link ConfigError} for a cross-origin `returnTo` or redirect URI, or a reserved parameter;
 *   discovery errors.
 */
export async function beginLogin(
  ctx: ClientContext,
  { returnTo, params, appState }: LoginOptions,
  mode: ResponseMode = 'redirect',
  takeAhead?: () => Promise<{ prepared?: PreparedRequest; waited: boolean }>,
): Promise<{ url: URL; state: string; pushedNow: boolean }> {
  checkExtraParams(params, 'params');
  checkRedirectOrigin(redirectUriFor(ctx.config, mode));
  const target = sameOriginPath(returnTo ?? location.href, 'returnTo');
  checkAppState(appState);
  // A request pushed ahead has the configured parameters only: a login() asking for others makes its own.
  const ahead = mode === 'redirect' && !(params && Object.keys(params).length) && takeAhead ? await takeAhead() : { waited: false };
  const { url, state, nonce, codeVerifier, redirectUri, metadata, maxAge, pushed } = ahead.prepared ?? (await prepareRequest(ctx, params, mode));
  // DPoP: the key the request pushed ahead binds waited in memory; it must outlive the redirect now.
  if (ahead.prepared) await (await ctx.dpop?.())?.keep(`tx:${state}`);
  await ctx.transactions.save({ state, nonce, codeVerifier, redirectUri, returnTo: target, appState, maxAge, metadata, createdAt: Date.now() });
  return { url, state, pushedNow: ahead.prepared ? ahead.waited : !!pushed };
}
