/**
 * The non-secret hint behind `hadSession()`: "this browser had a session with this client and has
 * not signed out since", for apps that send only returning users on a top-level `prompt=none`
 * redirect. Set by any sign-in; cleared by a sign-out and when the server answers a `prompt=none`
 * request that it has no session (so such an app cannot loop).
 *
 * @internal
 * @packageDocumentation
 */

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
