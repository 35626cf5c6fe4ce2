import type { ClientContext } from './context.js';
import { isPkceError } from '../shared/errors.js';
import type { RestoreOptions, RestoreResult } from './types.js';
import { hadSession, hintReadable, loggedOutHere, noteNoServerSession } from '../session/hint.js';

/** True inside the hidden iframe of another page of this origin: no iframe opens a further iframe. */
function framedByThisOrigin(): boolean {
  try {
    return window.parent !== window && window.parent.location.origin === location.origin;
  } catch {
    return false;
  }
}

/**
 * @internal `restoreSession()`: the session in memory, else the persistent store, else a silent
 * sign-in in a hidden iframe, else signed out. Never rejects for "no session"; a configuration
 * mistake rejects (a `ConfigError`, or discovery's refusal of the issuer or its metadata), so the
 * start-up code shows it instead of a "Signed out" that hides it. `followingTicket`, when it follows
 * another tab's sign-in, is the login ticket of when that was heard (so any sign-out heard since
 * refuses it), and marks the `signed-in` event `elsewhere`.
 */
export async function restoreSession(ctx: ClientContext, options: RestoreOptions = {}, followingTicket?: number): Promise<RestoreResult> {
  const followingAnotherTab = followingTicket !== undefined;
  const { session, config } = ctx;
  await session.load();
  const signedIn = (): RestoreResult => ({ signedIn: true, via: session.via ?? 'store', user: session.tokens?.claims });
  if (session.tokens) return signedIn();
  // By default only a browser that had a session here asks the server: an anonymous visitor's page
  // costs no iframe, no round trip and none of the silent sign-in's code. Where the hint cannot be
  // read (storage blocked), nothing could have set it, so the server is asked.
  const silent = options.silent ?? 'if-hinted';
  // Another tab's sign-in says what the flags say, and sooner: a flag it wrote may not have reached
  // this tab's view of localStorage yet.
  const hadOne = followingAnotherTab || hadSession(ctx.names);
  // After a sign-out here, a server session that outlived it must not sign the user back in.
  if (!followingAnotherTab && loggedOutHere(ctx.names)) return { signedIn: false, via: 'none', reason: 'signed_out' };
  if (silent === false || (silent === 'if-hinted' && !hadOne && hintReadable()) || framedByThisOrigin() || session.signingOut) {
    return { signedIn: false, via: 'none', reason: 'skipped' };
  }
  const ticket = followingTicket ?? session.loginTicket();
  // The metadata first: an issuer the server does not publish is a mistake to show now, not a reason
  // to report "signed out". Anything else (no server reached, a 503, a captive portal's page) may
  // pass, and is only a reason.
  try {
    await ctx.issuer.getMetadata();
  } catch (error) {
    if (isPkceError(error, 'invalid_issuer') || isPkceError(error, 'invalid_config')) throw error;
    return { signedIn: false, via: 'none', reason: isPkceError(error) ? error.code : 'error', ...(isPkceError(error) ? { error } : {}) };
  }
  // A returning user's iframe likely brings a code: what completes the sign-in loads during its round trip.
  if (hadOne) ctx.onCodeExpected?.();
  try {
    const { loginSilently } = await import('./login/silent.js');
    const completed = await session.track('signingIn', () => loginSilently(ctx, options.timeout ?? 10_000));
    await session.start(completed.tokens, 'iframe', ticket, followingAnotherTab);
    return signedIn();
  } catch (error) {
    if (isPkceError(error, 'invalid_config')) throw error;
    const reason = isPkceError(error) ? (error.code === 'login_required' ? (error.error ?? error.code) : error.code) : 'error';
    // A server that shows a page to a prompt=none request (a login form, an error page that refuses to
    // be framed) never answers; trying again on every load would cost each visit the wait for nothing.
    if (reason === 'no_answer' || reason === 'timeout') noteNoServerSession(ctx.names);
    return { signedIn: false, via: 'none', reason, ...(isPkceError(error) ? { error } : {}) };
  }
}
