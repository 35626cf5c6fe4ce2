// The shape of a session's tokens, and how a token response becomes one.
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import type { TokenResponse } from '../protocol/token-endpoint.js';
import { randomToken } from '../shared/encoding.js';

/** The tokens of a signed-in session, as pkce-spa keeps them. */
export interface TokenSet {
  /**
   * Random identifier of the sign-in these tokens belong to; refreshes keep it. Tabs sharing a
   * store tell a refreshed session from a new one (or a sign-out) by it.
   */
  sessionId: string;
  /** The current access token. */
  accessToken: string;
  /** `DPoP` when the tokens are bound to the session's DPoP key (RFC 9449); absent for Bearer. */
  tokenType?: 'DPoP';
  /** Epoch milliseconds when the access token expires; absent when the server did not say. */
  expiresAt?: number;
  /** Epoch milliseconds after which the token is refreshed ahead of its expiry. */
  refreshAt?: number;
  /** The newest refresh token. */
  refreshToken?: string;
  /** The raw ID token, kept as `id_token_hint` for logout. */
  idToken?: string;
  /** The validated claims of the ID tokens: those of a refresh merged over those of sign-in. */
  claims?: IdTokenClaims;
  /** The granted scopes, when the server said. */
  scope?: string;
  /** The `issuer` option of the client whose session this is; a stored session of another is never served. */
  issuer?: string;
  /** The `clientId` option of the client whose session this is. */
  clientId?: string;
  /**
   * Milliseconds the authorization server's clock is ahead of this device's (negative: behind),
   * learnt from the last token response that said; absent when they agree within 5 s. DPoP proofs
   * are dated by it (RFC 9449 §11.1).
   */
  clockOffset?: number;
  /**
   * Tokens for the other APIs the app named (`apiOrigins` entries with `resource` or `scope`, or
   * `getAccessToken({ resource, scope })`), by resource and scopes; all obtained with this session's
   * one refresh token, and gone with it.
   */
  apiTokens?: Record<string, ApiToken>;
  /**
   * The resource indicators its sign-in asked for (RFC 8707 §2.1): the grant covers these, so a
   * token for another resource needs a new sign-in. Absent when it asked for none.
   */
  resources?: string[];
}

/** An access token for one named API, held beside the sign-in's in its {@link TokenSet}. */
export interface ApiToken {
  /** The resource indicator it was asked for with, as the app gave it. */
  resource?: string;
  /** The scopes it was asked for with, as the app gave them. */
  scope?: string;
  /** The access token. */
  accessToken: string;
  /** `DPoP` when bound to the session's DPoP key (RFC 9449); absent for Bearer. */
  tokenType?: 'DPoP';
  /** Epoch milliseconds when it expires; absent when the server did not say. */
  expiresAt?: number;
  /** Epoch milliseconds after which it is refreshed ahead of its expiry. */
  refreshAt?: number;
}

/**
 * @internal Where a named API's token is kept in {@link TokenSet.apiTokens}: its resource and its
 * scopes, in any order, so `read write` and `write read` share one token.
 */
/** @internal What names an API (its `resource` and `scope`), without the fields left undefined. */
export const apiTarget = ({ resource, scope }: { resource?: string | undefined; scope?: string | undefined }): { resource?: string; scope?: string } => ({
  ...(resource !== undefined ? { resource } : {}),
  ...(scope !== undefined ? { scope } : {}),
});

/** @internal */
export const apiTokenKey = (target: { resource?: string | undefined; scope?: string | undefined }): string =>
  JSON.stringify([target.resource ?? '', (target.scope ?? '').split(' ').filter(Boolean).sort()]);

/**
 * When to refresh a token issued now for `expiresIn` seconds: `leeway` seconds before it
 * expires, but never earlier than half its lifetime, so a short-lived token does not loop.
 */
export const refreshTime = (now: number, expiresIn: number, leeway: number): number =>
  now + Math.max(expiresIn - leeway, expiresIn / 2) * 1000;

/**
 * @internal True when a stored value is a session of this client: its issuer and client, and its ID
 * token's `aud` (and `azp`, when there is one) name this client (OIDC Core §3.1.3.7). A session of
 * another app on this origin reads as no session here: it is neither served nor cleared.
 */
export function belongsTo(tokens: TokenSet, issuer: string, clientId: string): boolean {
  if (tokens.issuer !== issuer || tokens.clientId !== clientId) return false;
  const claims = tokens.claims;
  if (!claims) return true;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return audience.includes(clientId) && (claims.azp === undefined || claims.azp === clientId);
}

/**
 * @internal Now in the server's time, epoch seconds: this device's clock moved by `clockOffset`
 * milliseconds. An offset that is no finite number (a store edited by hand) counts as none.
 */
export const serverTime = (clockOffset: number | undefined): number =>
  (Date.now() + (typeof clockOffset === 'number' && Number.isFinite(clockOffset) ? clockOffset : 0)) / 1000;

/** True for a stored value that has what a session needs; anything else reads as no session. */
export const usable = (value: unknown): value is TokenSet =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as TokenSet).accessToken === 'string' &&
  typeof (value as TokenSet).sessionId === 'string' &&
  // A named API's token without its access token (a store edited by hand) would break the schedule.
  Object.values((value as TokenSet).apiTokens ?? {}).every((token) => typeof token?.accessToken === 'string');

/** @internal How a token response becomes a session's tokens: see {@link tokenSetFrom}. */
export interface TokenSetInputs {
  /** Seconds before expiry to refresh. */
  refreshLeeway: number;
  /** The session the response refreshed. */
  previous?: TokenSet | undefined;
  /** What `serverClockOffset` read from the response; `undefined` keeps the previous one. */
  clockOffset?: number | undefined;
}

/**
 * @internal The session's tokens after a token response. A refresh keeps the session's id, and
 * what the response leaves out: the refresh token (no rotation), the ID token, the scope, the
 * server's clock. Claims of a refreshed ID token are merged over the earlier ones (OIDC Core §12.2
 * lets it omit some).
 */
export function tokenSetFrom(response: TokenResponse, claims: IdTokenClaims | undefined, inputs: TokenSetInputs): TokenSet {
  const { refreshLeeway, previous } = inputs;
  const now = Date.now();
  const expiresIn = response.expires_in;
  const clockOffset = inputs.clockOffset ?? previous?.clockOffset;
  return {
    sessionId: previous?.sessionId ?? randomToken(16),
    accessToken: response.access_token,
    ...(response.token_type.toLowerCase() === 'dpop' ? { tokenType: 'DPoP' as const } : {}),
    expiresAt: expiresIn === undefined ? undefined : now + expiresIn * 1000,
    refreshAt: expiresIn === undefined ? undefined : refreshTime(now, expiresIn, refreshLeeway),
    // Rotation (RFC 9700 §4.14.2): the newest refresh token replaces the old one.
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    idToken: (claims && response.id_token) || previous?.idToken,
    claims: claims && previous?.claims ? { ...previous.claims, ...claims } : (claims ?? previous?.claims),
    scope: response.scope ?? previous?.scope,
    ...(clockOffset ? { clockOffset } : {}),
    ...(previous?.apiTokens ? { apiTokens: previous.apiTokens } : {}),
    ...(previous?.resources ? { resources: previous.resources } : {}),
  };
}
