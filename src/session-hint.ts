/**
 * The non-secret hint behind `hadSession()`: "this browser had a session with this client and has
 * not signed out since", for apps that send only returning users on a top-level `prompt=none`
 * redirect. Set by any sign-in; cleared by a sign-out and when the server answers a `prompt=none`
 * request that it has no session (so such an app cannot loop).
 *
 * @internal
 * @packageDocumentation
 */

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

/** @internal Reads or writes "this browser had a session here and did not sign out since". */
export const sessionHint = (clientId: string, value?: boolean): boolean => flag(`pkce-spa:${clientId}:had-session`, value);

/**
 * @internal Reads or writes "the user signed out here and has not signed in since". While it is
 * set, `restoreSession()` makes no silent sign-in: a server without an end-session endpoint (or a
 * user who declined its confirmation) still has a session, and the next page load would otherwise
 * sign the user straight back in.
 */
export const signedOutHere = (clientId: string, value?: boolean): boolean => flag(`pkce-spa:${clientId}:signed-out`, value);
