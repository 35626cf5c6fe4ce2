import type { PkceError } from '../shared/errors.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import type { PkceClientEvents, SessionSource } from '../session/events.js';

/** Options of {@link PkceClient.login}. */
export interface LoginOptions {
  /** Same-origin URL or path to come back to after sign-in. Default: the current page. */
  returnTo?: string;
  /**
   * Any JSON-serializable value the app wants back after the sign-in (the form being filled, the
   * tab that was open). It waits in the login transaction in this browser and comes back from
   * `handleRedirect()`; it is never sent to the server nor read from the URL. It travels as JSON:
   * a `Date` comes back as its string, `NaN` as `null`, functions and `undefined` inside objects are
   * left out.
   */
  appState?: unknown;
  /** Extra authorization parameters for this login (`prompt`, `login_hint`, `max_age`, …). */
  params?: Record<string, string>;
}

/** Options of {@link PkceClient.logout}. */
export interface LogoutOptions {
  /** Same-origin URL or path to land on after logout. Default `/`. */
  returnTo?: string;
}

/** Options of {@link PkceClient.loginWithPopup}. */
export interface LoginWithPopupOptions extends LoginOptions {
  /** Milliseconds before the sign-in gives up with `popup_timeout`. Default 300 000 (5 minutes). */
  timeout?: number;
}

/** Options of {@link PkceClient.restoreSession}. */
export interface RestoreOptions {
  /**
   * Whether to try a silent sign-in (`prompt=none`) in a hidden iframe when neither memory nor the
   * store holds a session: `'if-hinted'` (default): only when this browser had a session here
   * before (see {@link PkceClient.hadSession}) or storage is blocked so nothing can say, so an
   * anonymous visitor's page costs no iframe, no round trip and none of its code; `true`: always,
   * to pick up a session the user began at the server from another app (single sign-on);
   * `false`: never.
   */
  silent?: boolean | 'if-hinted';
  /** Milliseconds the silent sign-in may take. Default 10 000. */
  timeout?: number;
}

/** What {@link PkceClient.restoreSession} resolves to. */
export interface RestoreResult {
  /** True when a session is there now (the same as `isAuthenticated()` right after). */
  signedIn: boolean;
  /**
   * Where the session came from: `store` (the persistent `tokenStore`), `iframe` (a silent
   * sign-in), another way it was already there (`redirect`, `popup`, `other-tab`), or `none`.
   */
  via: SessionSource | 'none';
  /** The ID token claims, when signed in. */
  user?: IdTokenClaims;
  /**
   * Why there is no session: `signed_out` (the user signed out in this browser and has not signed in
   * since, so no silent sign-in is tried: the server may still have a session, when it has no
   * end-session endpoint or the user declined its confirmation), `skipped` (no silent sign-in was
   * tried), the server's answer to the
   * silent request (`login_required`, `interaction_required`, …, which is what blocked
   * third-party cookies give), `no_answer`, `timeout`, or another error's `code`.
   */
  reason?: string;
  /** The error behind `reason`, when there was one. */
  error?: PkceError;
}

/** What {@link PkceClient.handleRedirect} returns after a successful sign-in. */
export interface RedirectResult {
  /** The same-origin path given to `login({ returnTo })`; navigate there. */
  returnTo: string;
  /** A copy of the `appState` given to `login()`, when there was one. */
  appState?: unknown;
  /** The validated ID token claims; absent when `openid` was not requested. */
  user?: IdTokenClaims;
}

/** The UserInfo claims of the signed-in user (OIDC Core §5.3.2); `sub` is the ID token's. */
export interface UserInfo {
  /** Equal to the ID token's `sub`: answers about anyone else are refused. */
  sub: string;
  /** The other claims the server returns (`name`, `email`, …). */
  [claim: string]: unknown;
}


/** The object returned by {@link createPkceClient}. */
export interface PkceClient {
  /**
   * Starts a sign-in: a fresh PKCE verifier, `state` and `nonce` are kept for the callback,
   * then the browser goes to the authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3; pushed
   * first when the server offers RFC 9126 PAR, see the `par` option). The promise never resolves.
   * While a `logout()` is under way it does nothing, so it cannot overtake the end-session navigation.
   *
   * @throws {@link ConfigError} `invalid_config` for a `redirectUri` on another origin than the page
   *   (`localhost` vs `127.0.0.1`), a cross-origin `returnTo`, an `appState` that JSON cannot carry, a
   *   reserved parameter, `par: true` without a PAR endpoint, or outside a browser;
   *   {@link ValidationError} `invalid_issuer` when the discovered metadata is for another issuer (the
   *   message names the `issuer` to set) or `invalid_response`; {@link NetworkError} `network_error`
   *   or `timeout` when discovery (or the PAR endpoint) cannot be reached, CORS included;
   *   {@link OAuthError} when the PAR endpoint refuses the request.
   */
  login(options?: LoginOptions): Promise<never>;
  /**
   * On the redirect URI page: completes a sign-in, or resolves `null` when the URL is no
   * callback. The callback parameters are removed from the address bar at once. In the popup of
   * `loginWithPopup()` or the iframe of `restoreSession()` it hands the response to the page that
   * asked and never resolves (the window closes or is removed).
   *
   * @param url - Default `location.href`.
   * Checks follow RFC 6749 §4.1.2 (`state`), RFC 9207 §2.4 (`iss`), RFC 7636 §4.5 (the code
   * exchange) and OIDC Core §3.1.3.7 (the ID token, its signature verified with the issuer's keys).
   *
   * @throws {@link ValidationError} (`invalid_state` for an unknown, used or expired `state`,
   *   `invalid_issuer`, `invalid_id_token`, `invalid_response`); {@link LoginRequiredError}
   *   `login_required` for a `prompt=none` answer (`error` is `login_required`,
   *   `interaction_required`, `consent_required` or `account_selection_required`) or a sign-out that
   *   began meanwhile; {@link OAuthError} `oauth_error` for any other `error` response such as
   *   `access_denied`, or the token endpoint's refusal (`invalid_grant`, `invalid_scope`, …);
   *   {@link NetworkError} `network_error` (a token endpoint that does not answer CORS for this
   *   origin fails so) or `timeout`; {@link ConfigError} `invalid_config` outside a browser. Errors
   *   after the callback matched a login carry its `returnTo` and `appState`. Nothing is stored then.
   */
  handleRedirect(url?: string): Promise<RedirectResult | null>;
  /**
   * Signs in in a popup, without leaving the page: the same transaction, `state`, `nonce`, PKCE and
   * RFC 9207 checks as `login()`. Call it from a click. The popup's callback page (the redirect URI,
   * or `popupRedirectUri`) hands the response back, also when the authorization server sets
   * `Cross-Origin-Opener-Policy` (then over a BroadcastChannel bound to the request's `state`).
   *
   * @throws {@link PopupError} `popup_blocked`, `popup_closed` (with a COOP authorization server the
   *   browser hides a closing, and it shows as `popup_timeout`), `popup_timeout`; the errors of
   *   {@link PkceClient.handleRedirect}.
   */
  loginWithPopup(options?: LoginWithPopupOptions): Promise<RedirectResult>;
  /**
   * Awaited once at start-up, after `handleRedirect()`: brings back the session without leaving the
   * page, trying in order the session in memory, the persistent `tokenStore`, then a silent sign-in
   * (`prompt=none`) in a hidden iframe answered on `silentRedirectUri`, by default only for a browser
   * that had a session here before (`silent` in {@link RestoreOptions}). Resolves signed in or signed
   * out and never rejects for "no session". An anonymous visitor costs no request (`reason:
   * 'skipped'`); with `silent: true`, one iframe request and no navigation. Also warms the metadata so a later `login()` leaves
   * at once; signed out, with a server that offers PAR (RFC 9126), it then pushes the sign-in request
   * (one request, after this resolves; with DPoP at the user's first input), so the click need not
   * wait for the push (see `par` in {@link PkceClientOptions}).
   *
   * The silent sign-in is OIDC Core §3.1.2.1 `prompt=none`; its answer comes back by `postMessage`
   * to this origin only (RFC 9700 §4.18). Where the browser blocks third-party cookies, the server
   * does not see its session in the iframe and the result is `{ signedIn: false, reason:
   * 'login_required' }`.
   *
   * @throws {@link ConfigError} `invalid_config` for misuse (outside a browser, a silent redirect
   *   URI on another origin than the page); before a silent sign-in (none is tried for an anonymous
   *   visitor by default, so `login()` is where such a mistake shows), {@link ValidationError}
   *   `invalid_issuer` when the server publishes another issuer (a configuration mistake, shown at
   *   start-up rather than as "signed out"). Any other discovery failure (no server reached, a 503)
   *   resolves signed out with its code as `reason`.
   */
  restoreSession(options?: RestoreOptions): Promise<RestoreResult>;
  /**
   * True when this browser had a session with this client before and has not signed out since: a
   * non-secret flag in `localStorage`, for apps that send only returning users on a top-level
   * `prompt=none` redirect.
   */
  hadSession(): boolean;
  /** True while there is a session in memory. */
  isAuthenticated(): boolean;
  /**
   * The ID token claims of the signed-in user: sign-in's, with those of refreshes merged over them
   * (OIDC Core §12.2). The standard claims of OIDC Core §5.1 (`name`, `email`, `picture`, …) are
   * typed; times are seconds since the epoch. `undefined` when signed out or without the `openid` scope.
   */
  readonly user: IdTokenClaims | undefined;
  /**
   * A usable access token, refreshed first when it is due (RFC 6749 §6: `refreshLeeway` seconds
   * before it expires, never before half its lifetime); concurrent callers (and tabs sharing the
   * store) share one refresh.
   *
   * Without `resource` and `scope`: the sign-in's token. With either: a token for that API, held
   * while it is fresh, else asked for at the token endpoint with the session's refresh token
   * (RFC 8707 §2.2 `resource`, in the server's dialect: see `resourceParameter`; RFC 6749 §6
   * `scope`, no wider than the sign-in granted). Every refresh, for any API, rotates the session's
   * one refresh token: they run one after another, never two with the same refresh token. API
   * tokens are kept in the token store with the session, bound to its DPoP key with `dpop: true`,
   * refreshed ahead of expiry, and gone when it ends.
   *
   * @param options - `forceRefresh`: refresh even if the token is not due. `resource`: the API's
   *   resource indicator (an absolute URI). `scope`: space-separated scopes for the token.
   * @throws {@link LoginRequiredError} `login_required` when there is no session, the refresh token
   *   was refused (`error: 'invalid_grant'`; the session then ends), or a new token was needed
   *   without a refresh token (the session is kept); {@link OAuthError} `oauth_error` when the server
   *   refused a token for an API (`invalid_target`, `invalid_scope`, or any other `error`: the message
   *   names what was asked for; the session is kept, and that API is not asked again in this session
   *   unless `forceRefresh`); {@link ConfigError} `invalid_config` for a `resource` that is no
   *   absolute URI, an empty `scope`, with the `resource` parameter a resource the sign-in did not ask
   *   for (or a `scope` alone when it asked for several), or an API's token without a refresh token; {@link NetworkError} `network_error` or `timeout`
   *   (the session is kept); {@link ValidationError} (`invalid_response`, `invalid_id_token`) when a
   *   refresh answered 200 with something unusable (the session then ends and the new refresh token
   *   is revoked), or `invalid_response` when an API's answer grants none of the scopes asked for it
   *   (no token for it is kept or sent; the session goes on with the rotated refresh token).
   */
  getAccessToken(options?: { forceRefresh?: boolean; resource?: string | undefined; scope?: string | undefined }): Promise<string>;
  /**
   * `fetch` with `Authorization: Bearer` (RFC 6750 §2.1; with `dpop: true`, `Authorization: DPoP`
   * and a proof, RFC 9449 §7) for the page's own origin and `apiOrigins`; other origins get the
   * request without the token, and their answers are returned as they come. A 401 with
   * `error="invalid_token"` (RFC 6750 §3.1) is retried once: with the current token if it was
   * replaced meanwhile, else after one refresh. An origin that refuses even a freshly refreshed token
   * causes no more refreshes until it accepts one.
   *
   * @throws what {@link PkceClient.getAccessToken} throws, for an allowed origin only (signed out,
   *   `login_required`); the request's own failures as `fetch` does (a `TypeError`, not a
   *   {@link PkceError}).
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /**
   * The UserInfo claims of the signed-in user, from the `userinfo_endpoint` of the metadata. They are
   * not merged into {@link PkceClient.user}.
   *
   * @throws {@link ValidationError} `invalid_userinfo` when the answer is about another user (OIDC
   *   Core §5.3.2): the session then ends and its refresh token is revoked; `invalid_response` for
   *   a malformed answer or no `userinfo_endpoint`; {@link OAuthError} `oauth_error` when the token
   *   is refused; {@link LoginRequiredError} `login_required` without a session; {@link ConfigError}
   *   `invalid_config` without the `openid` scope; {@link NetworkError} `network_error` or `timeout`.
   */
  getUserInfo(): Promise<UserInfo>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof PkceClientEvents>(event: E, listener: (detail: PkceClientEvents[E]) => void): () => void;
  /**
   * Ends the session here and in every tab of the app, revokes the refresh token (RFC 7009; a
   * failure there does not keep anyone signed in: see the `revocation-failed` event) and goes to the
   * server's `end_session_endpoint` (OpenID Connect RP-Initiated Logout 1.0 §2, with
   * `id_token_hint`, `client_id`, `post_logout_redirect_uri` and `state`), or straight to `returnTo`.
   * The promise never resolves.
   *
   * @throws {@link ConfigError} `invalid_config` for a cross-origin `returnTo` or outside a browser.
   */
  logout(options?: LogoutOptions): Promise<never>;
}
