import type { ClientContext } from './context.js';
import { isPkceError } from './errors.js';
import type { RestoreOptions, RestoreResult } from './pkce-client.js';

/** @internal Where the non-secret "this browser had a session here" flag is kept. */
export const hintKey = (clientId: string) => `pkce-spa:${clientId}:had-session`;

/** @internal Reads or writes the hint; storage that throws (private modes) reads as no hint. */
export function sessionHint(clientId: string, value?: boolean): boolean {
  try {
    if (value === true) localStorage.setItem(hintKey(clientId), '1');
    if (value === false) localStorage.removeItem(hintKey(clientId));
    return localStorage.getItem(hintKey(clientId)) === '1';
  } catch {
    return false;
  }
}

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
 * sign-in in a hidden iframe, else signed out. Never rejects for "no session"; only misuse
 * (a `ConfigError`) rejects. `followingAnotherTab` marks the `signed-in` event `elsewhere`.
 */
export async function restoreSession(ctx: ClientContext, options: RestoreOptions = {}, followingAnotherTab = false): Promise<RestoreResult> {
  const { session, config } = ctx;
  await session.load();
  const signedIn = (): RestoreResult => ({ signedIn: true, via: session.via ?? 'store', user: session.tokens?.claims });
  if (session.tokens) return signedIn();
  const silent = options.silent ?? true;
  if (silent === false || (silent === 'if-hinted' && !sessionHint(config.clientId)) || framedByThisOrigin() || session.signingOut) {
    return { signedIn: false, via: 'none', reason: 'skipped' };
  }
  try {
    const { signInSilently } = await import('./silent.js');
    const completed = await session.track('signingIn', () => signInSilently(ctx, options.timeout ?? 10_000));
    await session.start(completed.tokens, 'iframe', followingAnotherTab);
    return signedIn();
  } catch (error) {
    if (isPkceError(error, 'invalid_config')) throw error;
    const reason = isPkceError(error) ? (error.code === 'login_required' ? (error.error ?? error.code) : error.code) : 'error';
    return { signedIn: false, via: 'none', reason, ...(isPkceError(error) ? { error } : {}) };
  }
}
