/**
 * The non-secret hint behind `hadSession()`: "this browser had a session with this client and has
 * not signed out since", for apps that send only returning users on a top-level `prompt=none`
 * redirect. Set by any sign-in; cleared by a sign-out and when the server answers a `prompt=none`
 * request that it has no session (so such an app cannot loop).
 *
 * @internal
 * @packageDocumentation
 */

import type { ClientNames } from '../browser/names.js';

/** A flag in `localStorage`, read as false where storage throws (private modes). */
function flag(key: string, value?: boolean): boolean {
  try {
    if (value === true) localStorage.setItem(key, '1');
    if (value === false) localStorage.removeItem(key);
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

/**
 * @internal True when the hint can be read at all: where `localStorage` throws (storage blocked), no
 * sign-in could have set it, so its absence says nothing.
 */
export function hintReadable(): boolean {
  try {
    localStorage.getItem('');
    return true;
  } catch {
    return false;
  }
}

/** @internal True when this browser had a session here and did not sign out since: `hadSession()`. */
export const hadSession = (names: ClientNames): boolean => flag(names.hadSession);

/**
 * @internal True when the user signed out here and has not signed in since. While it is set,
 * `restoreSession()` makes no silent sign-in: a server without an end-session endpoint (or a user who
 * declined its confirmation) still has a session, and the next page load would otherwise sign the
 * user straight back in.
 */
export const loggedOutHere = (names: ClientNames): boolean => flag(names.signedOut);

/** @internal A session began (any sign-in, or one taken over): both flags follow. */
export function noteSignedIn(names: ClientNames): void {
  flag(names.hadSession, true);
  flag(names.signedOut, false);
}

/** @internal The user logged out here. */
export function noteLoggedOut(names: ClientNames): void {
  flag(names.hadSession, false);
  flag(names.signedOut, true);
}

/**
 * @internal The server answered a `prompt=none` request that it has no session for this browser:
 * `hadSession()` stops saying so, so an app that sends returning users there does not loop.
 */
export function noteNoServerSession(names: ClientNames): void {
  flag(names.hadSession, false);
}
