// The events a client emits and the types they carry: public, and imported by the session that
// emits them and by the facade that lists them, so they live apart from both.
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import type { PkceError } from '../shared/errors.js';
import type { SessionEndReason } from './tab-sync.js';

export type { SessionEndReason } from './tab-sync.js';

/** How the current session came to this tab. */
export type SessionSource = 'redirect' | 'popup' | 'iframe' | 'store' | 'other-tab';

/**
 * Why a refresh token pkce-spa meant to revoke (RFC 7009) may still be valid at the server until it
 * expires: the server has no `revocation_endpoint` (Entra ID), refused the request (`refused`, with
 * the server's `error`; a 401 for a public client, as glewlwyd answers), or gave no readable answer
 * (`unconfirmed`: the network, or a missing CORS header on the answer, as authentik's).
 */
export interface RevocationFailure {
  /** `no_endpoint`, `refused` or `unconfirmed`, as above. */
  reason: 'no_endpoint' | 'refused' | 'unconfirmed';
  /** The server's refusal (`refused`) or the failed request (`unconfirmed`); absent for `no_endpoint`. */
  error?: PkceError;
}

/**
 * The events of a {@link PkceClient} and what their listeners receive. Events never carry tokens.
 * `elsewhere` is true when the change was made by another tab of the same app.
 *
 * Order on `logout()`: `session-ended` (`reason: 'logout'`) fires first, while the client is already
 * signing out, so a listener's `login()` is ignored; then the refresh token is revoked, other tabs
 * are told, and the browser goes to the end-session endpoint.
 */
export interface PkceClientEvents {
  /**
   * A session began in this tab: a sign-in (`redirect`, `popup`, `iframe`), one loaded from the
   * persistent `store`, or another tab's taken over (`other-tab`).
   */
  'signed-in': {
    /** The ID token claims (what {@link PkceClient.user} now returns); absent without the `openid` scope. */
    user?: IdTokenClaims;
    /** How the session began. */
    via: SessionSource;
    /**
     * True when the sign-in was made in another tab: this one took the session over from the shared
     * store (`via: 'other-tab'`), or followed it with a silent sign-in of its own (`via: 'iframe'`).
     */
    elsewhere: boolean;
  };
  /**
   * New tokens arrived from a refresh: the sign-in's access token, or, with `resource` or `scope`,
   * the token of the API named so. `expiresAt` is epoch milliseconds.
   */
  refreshed: {
    /** When the new access token expires, epoch milliseconds; absent when the server did not say. */
    expiresAt?: number;
    /** The API's resource indicator, for a named API's token (see `getAccessToken`). */
    resource?: string;
    /** The API's scopes as asked for, for a named API's token. */
    scope?: string;
  };
  /**
   * A refresh no caller was waiting for (the timer, the tab coming back, an early refresh) failed
   * and the session was kept, usually because the server could not be reached.
   */
  'refresh-failed': {
    /** Why, usually a {@link NetworkError} (`network_error`, `timeout`); the refresh is tried again later. */
    error: PkceError;
  };
  /**
   * The session is over: `logout` (here or in another tab), `invalid_grant` (the refresh token was
   * refused), `expired` (the access token expired and there is no refresh token), or
   * `invalid_response` (an answer could not be used safely: see `error`).
   */
  'session-ended': {
    /** Why the session ended. */
    reason: SessionEndReason;
    /**
     * What ended it, for `invalid_grant` (a {@link LoginRequiredError} whose `error` is the server's)
     * and `invalid_response` (the {@link ValidationError}); absent for `logout`.
     */
    error?: PkceError;
    /** True when another tab ended it (its `logout()`, or a refresh token refused there). */
    elsewhere: boolean;
  };
  /**
   * A refresh token the client gave up on could not be revoked, so it may still work at the server
   * until it expires. On `logout()` it fires before the browser leaves: record it synchronously
   * (e.g. in `sessionStorage`) to tell the user on the next page.
   */
  'revocation-failed': RevocationFailure;
  /**
   * `logout()` ended the session in the app but cannot end the user's session at the authorization
   * server: its metadata has no `end_session_endpoint` (`no_endpoint`), or the metadata could not be
   * read (`no_metadata`). The browser goes straight to the return URL, and the next sign-in may not
   * ask for a password. When the server has a logout URL of its own (Auth0's `/v2/logout`, Cognito's
   * `/logout`), give it with `metadataOverrides: { end_session_endpoint }` and `endSessionParams`.
   * Fires before the browser leaves.
   */
  'server-session-kept': {
    /** Why the server's session could not be ended. */
    reason: 'no_endpoint' | 'no_metadata';
  };
}
