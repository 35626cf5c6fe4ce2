import type { AuthorizationServerMetadata } from '../protocol/discovery.js';
import type { EndSessionValues } from '../protocol/end-session.js';
import type { FetchLike } from '../shared/fetch-like.js';

export type { EndSessionValues } from '../protocol/end-session.js';
import type { TokenStore } from '../session/token-store.js';
import type { StorageLike } from '../browser/storage.js';
import type { ApiTarget } from '../protocol/api-token.js';
import type { ResourceParameter } from '../protocol/resource-indicators.js';

/**
 * An API origin whose requests get a token of their own (see {@link PkceClientOptions.apiOrigins}):
 * `auth.fetch` sends that origin the token `getAccessToken({ resource, scope })` returns, never the
 * sign-in's or another API's.
 */
export interface ApiOrigin extends ApiTarget {
  /** The API's origin (scheme, host, port), such as `https://graph.microsoft.com`. */
  origin: string;
}

/** Options of {@link createPkceClient}. Only `issuer`, `clientId` and `redirectUri` are required. */
export interface PkceClientOptions {
  /**
   * The issuer identifier; metadata comes from `{issuer}/.well-known/openid-configuration`, whose
   * `issuer` must be identical, trailing slash included (OIDC Discovery §4.3; a mismatch is
   * `invalid_issuer`, naming the value to set). `https:`, or `http:` on loopback only.
   */
  issuer: string;
  /** The public client's id. There is no client secret: a browser cannot keep one. */
  clientId: string;
  /**
   * Absolute URL registered at the server, on the app's own origin; the page there calls
   * `handleRedirect()`. Only a URL on this path is taken for a callback, so give it a path of its
   * own. `login()` refuses a redirect URI on another origin than the page (`127.0.0.1` for a page
   * on `localhost`): the sign-in waits in this origin's storage.
   */
  redirectUri: string;
  /**
   * Where the hidden iframe of `restoreSession()` is answered: a registered URL on the app's origin
   * whose page calls `handleRedirect()` or, leaner, only `relayCallback()`. Default `redirectUri`.
   */
  silentRedirectUri?: string | undefined;
  /** Where `loginWithPopup()` is answered, as `silentRedirectUri`. Default `redirectUri`. */
  popupRedirectUri?: string | undefined;
  /**
   * Space-separated scopes. Default `openid profile offline_access`; without `openid` no ID token is
   * asked for or expected. `offline_access` gets a refresh token from most servers; Cognito and Google
   * refuse it (`invalid_scope`), and Keycloak makes it an offline token that outlives sign-out.
   */
  scope?: string | undefined;
  /** The server's metadata; when given, discovery is skipped. */
  metadata?: Partial<AuthorizationServerMetadata> & Pick<AuthorizationServerMetadata, 'authorization_endpoint' | 'token_endpoint'> | undefined;
  /**
   * Values merged over the discovered metadata (or over `metadata`), then checked like the rest:
   * an `end_session_endpoint` the server does not advertise (Auth0's `/v2/logout`), or `undefined`
   * to drop an endpoint that cannot work from a browser.
   */
  metadataOverrides?: Partial<AuthorizationServerMetadata> | undefined;
  /**
   * Entra ID multi-tenant sign-in (`issuer` `https://login.microsoftonline.com/common/v2.0`, or
   * `organizations`, `consumers`): accept the discovered issuer template
   * `https://login.microsoftonline.com/{tenantid}/v2.0`, and require each token's `iss` to be that
   * template with `{tenantid}` equal to its `tid` claim. `{ tenants: [...] }` also limits which
   * tenants may sign in. Off by default; nothing else loosens issuer matching.
   */
  multiTenant?:
    | boolean
    | {
        /** The tenant ids (`tid`, a GUID) allowed to sign in; at least one. */
        tenants: readonly string[];
      }
    | undefined;
  /**
   * RFC 8707 resource indicators, sent on authorization, token and refresh requests: absolute URIs
   * without a fragment (`https://api.example.com`, `api://orders`, `urn:example:api`).
   */
  resource?: string | string[] | undefined;
  /**
   * Extra authorization request parameters for every login (`audience`, `prompt`, `ui_locales`, …).
   * Parameters the SDK sets (`state`, `code_challenge`, `redirect_uri`, `request`, …) are refused.
   */
  authorizationParams?: Record<string, string> | undefined;
  /**
   * Origins besides the page's own to which `auth.fetch` attaches an access token, such as
   * `https://api.example.com`. A request to any other origin goes out without it. An entry with a
   * path, query, user info or `*` is refused by name: the token would go to the whole origin.
   *
   * An origin given as `{ origin, resource, scope }` gets a token of its own, asked for with the
   * session's refresh token the first time it is needed (RFC 8707 §2.2; RFC 6749 §6): each API gets
   * its token and never another's. A plain origin gets the sign-in's token. With the `resource`
   * {@link PkceClientOptions.resourceParameter}, the entries' resources are also sent with the
   * sign-in (RFC 8707 §2.1), so the grant covers them. Default `[]`.
   */
  apiOrigins?: (string | ApiOrigin)[] | undefined;
  /**
   * How the token for a named API (an `apiOrigins` entry with `resource`, or
   * `getAccessToken({ resource })`) is asked for: `resource` (RFC 8707), `audience` (Auth0), or
   * `scope` (Entra ID: each scope prefixed with the resource). Default: `scope` for Entra ID's hosts,
   * `audience` for `*.auth0.com`, else `resource`; an Auth0 custom domain sets `audience`.
   */
  resourceParameter?: ResourceParameter | undefined;
  /**
   * Seconds of slack when checking an ID token's `exp`, `iat` and `auth_time`. Default 30. The checks
   * are made in the authorization server's time, read from each token response's `iat`, so a device
   * clock that is minutes off needs no more slack.
   */
  clockTolerance?: number | undefined;
  /** Refresh this many seconds before the access token expires (never before half its lifetime). Default 60. */
  refreshLeeway?: number | undefined;
  /** Milliseconds before a request to the authorization server is abandoned (`timeout` error). Default 10 000. */
  timeout?: number | undefined;
  /** The fetch implementation for the authorization server, the JWKS and `auth.fetch`. */
  fetch?: FetchLike | undefined;
  /**
   * Where the one-time login transaction (verifier, `state`, `nonce`, `returnTo`, `appState`) waits
   * during the redirect, for at most 10 minutes. Default `sessionStorage`.
   */
  transactionStorage?: StorageLike | undefined;
  /**
   * Where tokens live. Default: memory only, gone on reload. Opt-ins, since script on the origin can
   * then read the tokens: `webStorageTokenStore(sessionStorage)` keeps this tab's session across
   * reloads; `indexedDbTokenStore()` shares one session between tabs. Not `localStorage`: browsers
   * propagate it between tabs asynchronously, so a tab could spend a refresh token another already used.
   */
  tokenStore?: TokenStore | undefined;
  /**
   * Where the server sends the browser after logout; must be registered there. Default: the absolute
   * `returnTo` of `logout()`. When set, `logout({ returnTo })` still counts: back on this page,
   * `handleRedirect()` puts `returnTo` in the address bar (the `state` carried it).
   */
  postLogoutRedirectUri?: string | undefined;
  /**
   * The query of the end-session request, for servers that want other names than RP-Initiated
   * Logout's (`id_token_hint`, `client_id`, `post_logout_redirect_uri`, `state`): Cognito wants
   * `client_id` and `logout_uri`, Auth0's `/v2/logout` wants `client_id` and `returnTo`. Receives the
   * values pkce-spa would send and returns the parameters to send instead.
   */
  endSessionParams?: ((values: EndSessionValues) => Record<string, string>) | undefined;
  /** Performs the navigations of `login()` and `logout()`. Default `location.assign`. */
  navigate?: ((url: string) => void) | undefined;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): one non-extractable ES256 key per session signs a
   * proof for every token, refresh, revocation and API request, and the server must answer
   * `token_type: DPoP`. A token copied out of the page is then useless elsewhere. The code is loaded
   * only when this is on. Default off.
   */
  dpop?: boolean | undefined;
  /**
   * Pushed authorization requests (RFC 9126): the parameters go to the server first and the browser
   * goes to the authorization endpoint with only `client_id` and `request_uri`. Default: for the
   * sign-ins the user sees (`login()`, `loginWithPopup()`) when the metadata has a
   * `pushed_authorization_request_endpoint`; the hidden iframe of `restoreSession()` sends its
   * `prompt=none` request in the URL, since a push would put a round trip on every page load's
   * restore. `false` never pushes (unless the server requires it, `require_pushed_authorization_requests`);
   * `true` requires the endpoint and pushes every request, the iframe's too.
   *
   * So that the click does not wait for the push, a page whose `restoreSession()` ends signed out
   * pushes its `login()` request then, keeping its verifier, `state` and `nonce` in memory; `login()`
   * without `params` goes with it while its `request_uri` has 10 s of its `expires_in` (RFC 9126
   * §2.2) left (at most 10 minutes), once. One that expired unused is pushed again at the user's next
   * input on the page (an idle or hidden page pushes nothing more; nor does a server whose requests
   * live under 30 s), and after Back from the server. With `dpop: true` it is pushed at the user's
   * first input on the page (its push loads the DPoP code), and the key its `dpop_jkt` binds (RFC 9449
   * §10) is made with it and kept in memory, and in IndexedDB from the click.
   */
  par?: boolean | undefined;
}


/** @internal An origin whose requests get the token of `target`, kept under `key`. */
export interface ApiRoute {
  origin: string;
  target: ApiTarget;
  key: string;
}

/** The validated, defaulted, frozen options. @internal */
export interface Config
  extends Readonly<
    Required<Pick<PkceClientOptions, 'issuer' | 'clientId' | 'redirectUri' | 'scope' | 'clockTolerance' | 'refreshLeeway' | 'timeout'>> &
      Omit<PkceClientOptions, 'metadata' | 'apiOrigins' | 'multiTenant'>
  > {
  /** Every origin of `apiOrigins`. */
  readonly apiOrigins: string[];
  /** The entries of `apiOrigins` that name an API of their own, with where their tokens are kept. */
  readonly apis: readonly ApiRoute[];
  /** `resourceParameter`, or the issuer's. */
  readonly resourceParameter: ResourceParameter;
  /** The resource indicators the sign-in asks for (RFC 8707 §2.1). */
  readonly signInResources: string[];
  readonly metadata?: AuthorizationServerMetadata;
  /** Set when `multiTenant` is on: the allowed tenants, or `undefined` for any. */
  readonly multiTenant?: { tenants?: readonly string[] };
  /** True when `scope` was left to its default. */
  readonly defaultScope: boolean;
}
