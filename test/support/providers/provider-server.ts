// The engine under the provider profiles (./<provider>.ts): an authorization server that checks
// PKCE for real, signs real JWTs with jose, keeps refresh tokens with the rotation rules a provider
// has, answers CORS the way the provider does, and plays the user's browser at its login and logout
// pages. A profile says what differs; everything it leaves out behaves as RFC 6749/7636/7009 and
// OpenID Connect say. The SDK reaches it through `browserFetch` (CORS enforced, as in a page), the
// API's verifier through `serverFetch` (server to server, no CORS).
import { base64url, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { browserFetch } from './browser-fetch.js';

export const APP_ORIGIN = 'https://app.example';
export const REDIRECT_URI = `${APP_ORIGIN}/callback`;
export const API_ORIGIN = 'https://api.example';

export type KeyAlg = 'RS256' | 'ES256' | 'PS256' | 'RSA-OAEP';
export interface ServerKey {
  kid: string;
  alg: KeyAlg;
  privateKey: CryptoKey;
  /** The public JWK with `kid`, `alg` and `use`; a profile reshapes it for its JWKS. */
  jwk: JWK;
}

// RSA key generation is slow: a test file makes each key once, whatever the number of servers.
const pool = new Map<string, Promise<ServerKey>>();
export function serverKey(alg: KeyAlg, kid: string): Promise<ServerKey> {
  const id = `${alg} ${kid}`;
  let key = pool.get(id);
  if (!key) {
    key = generateKeyPair(alg, { extractable: true }).then(async ({ privateKey, publicKey }) => ({
      kid,
      alg,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: alg === 'RSA-OAEP' ? 'enc' : 'sig' },
    }));
    pool.set(id, key);
  }
  return key;
}

/**
 * What the user granted at the authorization endpoint, carried by codes and refresh tokens; a
 * profile's `refreshRequest` derives from it the grant one access token is issued for.
 */
export interface Grant {
  sub: string;
  scope: string;
  /** The authorization request as sent (audience, access_type, resource, …). */
  query: URLSearchParams;
  nonce?: string;
  authTime: number;
  /** Refresh tokens descending from one sign-in share a family: reuse detection revokes it whole. */
  family: string;
}

export type Claims = Record<string, unknown>;
export type Jwt = { header?: Claims; claims: Claims };
type CorsRule = 'any' | 'none' | readonly string[];
export type CorsEndpoint = 'discovery' | 'jwks' | 'token' | 'revocation';
/**
 * Where the browser ends up after a navigation to the provider's logout: sent on to `redirect` (the
 * provider's session ended), or left on a provider `page` (an error, or a page still asking the user).
 */
export type Landing = { redirect: string } | { page: string };

export interface ProviderProfile {
  /** `iss` of its ID tokens (access tokens may say otherwise, see `accessToken`). */
  issuer: string;
  clientId: string;
  /** Discovery documents, by the URL each is served at. */
  discovery: Record<string, Claims>;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  revocationEndpoint?: string;
  /** RFC 9126: where authorization requests may be pushed (Keycloak's `/ext/par/request`). */
  parEndpoint?: string;
  /** The `expires_in` of the n-th pushed request's answer (from 1), in seconds (RFC 9126 §2.2); default 60. */
  parExpiresIn?: (n: number) => number;
  /** Logout pages, by URL: each takes the navigation's query and says where the browser lands. */
  logout?: Record<string, (query: URLSearchParams, server: ProviderServer) => Landing>;
  /** Redirect URIs registered for the client; default `REDIRECT_URI`. */
  redirectUris?: readonly string[];
  /** Signing keys, the first signs; more are published alongside (rotation, other algorithms). */
  keys: readonly ServerKey[];
  /** The JWKS as served; default the keys' public JWKs. */
  jwks?: (keys: readonly ServerKey[]) => JWK[];
  /** Who gets CORS headers; default `any` origin everywhere (as a correctly configured provider). */
  cors?: Partial<Record<CorsEndpoint, CorsRule>>;
  /** A 404 (a path the provider does not serve) comes without CORS headers: the page sees a network error. */
  notFoundWithoutCors?: boolean;
  /** A refusal at the authorization endpoint, sent back to the redirect URI. */
  refuseAuthorization?: (query: URLSearchParams) => { error: string; error_description: string } | undefined;
  /** Parameters of the callback besides `code` and `state` (RFC 9207 `iss`, `session_state`). */
  callbackParams?: () => Record<string, string>;
  /**
   * A refusal at the token endpoint before anything else (Google without a client secret); `origin`
   * is the page's when a browser sent the request.
   */
  refuseTokenRequest?: (form: URLSearchParams, origin: string | undefined) => Response | undefined;
  /** The ID token's claims (and header) from the defaults; `undefined`: none in this response. */
  idToken?: (base: Jwt, grant: Grant, grantType: 'authorization_code' | 'refresh_token') => Jwt | undefined;
  /** Signs the ID token another way (authentik's HS256 with the client secret). */
  signIdToken?: (token: Jwt) => Promise<string>;
  /** The access token from the defaults, or `opaque` (a random string no API can verify). */
  accessToken?: (base: Jwt, grant: Grant) => Jwt | 'opaque';
  /**
   * A refresh that asks for another or a narrower token (RFC 6749 §6 `scope`, RFC 8707 §2.2
   * `resource`, Auth0's `audience`), the way the provider takes it: the grant the new access token
   * (and the response's `scope`) is issued for, or a refusal. Asked before the refresh token is
   * spent: a refused request leaves it as it was. Whatever this returns, the rotated refresh token
   * and the ID token keep the refresh token's own grant (RFC 6749 §6: "identical" scope). Default:
   * the refresh token's grant, whatever the form asks for.
   */
  refreshRequest?: (grant: Grant, form: URLSearchParams) => Grant | Refusal;
  /** Refresh tokens: whether the code exchange brings one, and what using one does. */
  refresh: {
    issued: (grant: Grant) => boolean;
    /**
     * `none`: the same token keeps working, no new one is sent. `old-stays-valid`: a new one each
     * time, the old one keeps working. `single-use`: a new one each time, the old one is refused.
     * `reuse-detection`: as `single-use`, and a spent token presented again (after `graceSeconds`)
     * revokes every token of its family.
     */
    rotation: 'none' | 'old-stays-valid' | 'single-use' | 'reuse-detection';
    graceSeconds?: number;
    /** Revoked when the user's session at the provider ends (Keycloak, unless offline). */
    endsWithSession?: (grant: Grant) => boolean;
  };
  /** Seconds; default 3600. */
  expiresIn?: number;
  /** The token endpoint's JSON from the defaults. */
  tokenResponse?: (body: Claims, grantType: 'authorization_code' | 'refresh_token') => Claims;
  /** How revocation answers a public client: default it revokes (RFC 7009); `unauthorized`: 401. */
  revocation?: 'revokes' | 'unauthorized';
}

/** An OAuth error answer (RFC 6749 §5.2): its JSON body and HTTP status (default 400). */
export interface Refusal {
  refused: Claims & { error: string };
  status?: number;
}

/** `grant` with these authorization request parameters replaced (Auth0's `audience` of a refresh). */
export function withParams(grant: Grant, params: Record<string, string>): Grant {
  const query = new URLSearchParams(grant.query);
  for (const [name, value] of Object.entries(params)) query.set(name, value);
  return { ...grant, query };
}

type RefreshRecord = { grant: Grant; usedAt?: number; revoked?: boolean };

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const random = () => base64url.encode(crypto.getRandomValues(new Uint8Array(24)));
const withoutQuery = (url: string) => url.split('?')[0]!;

export type ProviderServer = ReturnType<typeof createProviderServer>;

export function createProviderServer(profile: ProviderProfile) {
  const codes = new Map<string, Grant & { challenge: string; redirectUri: string }>();
  const pushed = new Map<string, URLSearchParams>();
  let pushes = 0;
  const refreshTokens = new Map<string, RefreshRecord>();
  const revokedFamilies = new Set<string>();

  const server = {
    profile,
    /** Seconds added to the provider's clock (grace periods; tokens it issues move too), never to the page's. */
    clockOffset: 0,
    /** Every request that reached the provider or the API, in order. */
    requests: [] as { method: string; url: string; form?: URLSearchParams; origin?: string; tokens?: Claims }[],
    /** Spent refresh tokens presented again past any grace period. */
    reuseDetected: 0,
    /** The APIs, by origin (`API_ORIGIN` and any other); a test plugs each one's token verifier in here. */
    apis: {} as Record<string, (request: Request) => Promise<Response>>,
    /** The page's fetch (the SDK's `fetch` option): CORS as a browser enforces it. */
    browserFetch: undefined as unknown as (input: Request | string | URL, init?: RequestInit) => Promise<Response>,
    /** The API's fetch (the verifier's `fetch` option): server to server. */
    serverFetch: (url: Request | string | URL, init?: RequestInit) => handle(new Request(url, init), undefined),

    now: () => Math.floor(Date.now() / 1000) + server.clockOffset,

    /** The token requests sent with `grant_type`, in order. */
    tokenRequests(grantType: 'authorization_code' | 'refresh_token') {
      return server.requests.filter((r) => withoutQuery(r.url) === profile.tokenEndpoint && r.form?.get('grant_type') === grantType);
    },

    isRefreshTokenActive(token: string) {
      const record = refreshTokens.get(token);
      return !!record && !record.revoked && !revokedFamilies.has(record.grant.family) && (record.usedAt === undefined || profile.refresh.rotation === 'old-stays-valid');
    },

    /** Every refresh token issued, oldest first. */
    issuedRefreshTokens: [] as string[],

    /**
     * Plays the user at the login page: checks the authorization request as the provider does and
     * returns the URL the browser is sent back to.
     */
    authorize(authorizeUrl: string, user: { sub?: string } = {}): string {
      const url = new URL(authorizeUrl);
      let q = url.searchParams;
      // RFC 9126 §4: a pushed request comes back as client_id + request_uri, used once.
      const requestUri = q.get('request_uri');
      if (requestUri !== null) {
        const request = pushed.get(requestUri);
        pushed.delete(requestUri);
        if (!request || request.get('client_id') !== q.get('client_id')) throw new Error('unknown or used request_uri');
        q = request;
      }
      if (withoutQuery(url.href) !== profile.authorizationEndpoint) throw new Error(`not the authorization endpoint: ${url.origin}${url.pathname}`);
      const redirectUri = q.get('redirect_uri') ?? '';
      // A wrong client or redirect URI is shown on the provider's page, never sent back.
      if (q.get('client_id') !== profile.clientId) throw new Error(`unknown client_id ${q.get('client_id')}`);
      if (!(profile.redirectUris ?? [REDIRECT_URI]).includes(redirectUri)) throw new Error(`unregistered redirect_uri ${redirectUri}`);
      const callback = new URL(redirectUri);
      const refusal =
        q.get('response_type') !== 'code'
          ? { error: 'unsupported_response_type', error_description: 'code only' }
          : q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')
            ? { error: 'invalid_request', error_description: 'PKCE S256 is required' }
            : profile.refuseAuthorization?.(q);
      if (refusal) {
        callback.searchParams.set('error', refusal.error);
        callback.searchParams.set('error_description', refusal.error_description);
      } else {
        const code = random();
        codes.set(code, {
          sub: user.sub ?? 'alice',
          scope: q.get('scope') ?? '',
          query: q,
          nonce: q.get('nonce') ?? undefined,
          authTime: server.now(),
          family: random(),
          challenge: q.get('code_challenge')!,
          redirectUri,
        });
        callback.searchParams.set('code', code);
      }
      if (q.has('state')) callback.searchParams.set('state', q.get('state')!);
      for (const [name, value] of Object.entries(profile.callbackParams?.() ?? {})) callback.searchParams.set(name, value);
      return callback.href;
    },

    /** Plays the browser at a navigation to the provider's logout: where it lands. */
    visit(url: string): Landing {
      const logoutPage = profile.logout?.[withoutQuery(url)];
      if (!logoutPage) return { page: `no logout page at ${withoutQuery(url)}` };
      const landing = logoutPage(new URL(url).searchParams, server);
      if ('redirect' in landing) {
        for (const record of refreshTokens.values()) {
          if (profile.refresh.endsWithSession?.(record.grant)) record.revoked = true;
        }
      }
      return landing;
    },

    /** OpenID Connect RP-Initiated Logout 1.0 §2-3, for profiles whose logout page follows it. */
    rpInitiatedLogout(query: URLSearchParams, registered: readonly string[], options: { idTokenHintRequired?: boolean } = {}): Landing {
      if (options.idTokenHintRequired && !query.get('id_token_hint')) return { page: 'id_token_hint is required' };
      const target = query.get('post_logout_redirect_uri');
      if (!target) return { page: 'no post_logout_redirect_uri: the user stays on the provider' };
      if (!registered.includes(target)) return { page: `post_logout_redirect_uri ${target} is not registered` };
      const back = new URL(target);
      if (query.get('state')) back.searchParams.set('state', query.get('state')!);
      return { redirect: back.href };
    },
  };

  async function sign(token: Jwt, key = profile.keys[0]!): Promise<string> {
    const header = { alg: key.alg, kid: key.kid, typ: 'JWT', ...token.header };
    for (const [name, value] of Object.entries(header)) if (value === undefined) delete (header as Claims)[name];
    return new SignJWT(token.claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
  }

  /** A token response: the access token for `accessGrant`, the ID token (and refresh token) for `grant`. */
  async function issue(grant: Grant, grantType: 'authorization_code' | 'refresh_token', refreshToken: string | undefined, accessGrant = grant) {
    const now = server.now();
    const expiresIn = profile.expiresIn ?? 3600;
    const accessBase: Jwt = { claims: { iss: profile.issuer, sub: grant.sub, iat: now, exp: now + expiresIn, jti: random() } };
    const access = profile.accessToken ? profile.accessToken(accessBase, accessGrant) : accessBase;
    const body: Claims = {
      access_token: access === 'opaque' ? random() : await sign(access),
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: accessGrant.scope,
    };
    if (refreshToken) body.refresh_token = refreshToken;
    if (grant.scope.split(' ').includes('openid')) {
      const idBase: Jwt = {
        claims: {
          iss: profile.issuer,
          sub: grant.sub,
          aud: profile.clientId,
          iat: now,
          exp: now + 3600,
          auth_time: grant.authTime,
          ...(grantType === 'authorization_code' && grant.nonce ? { nonce: grant.nonce } : {}),
        },
      };
      const id = profile.idToken ? profile.idToken(idBase, grant, grantType) : idBase;
      if (id) body.id_token = profile.signIdToken ? await profile.signIdToken(id) : await sign(id);
    }
    return json(profile.tokenResponse?.(body, grantType) ?? body, 200, { 'cache-control': 'no-store' });
  }

  function newRefreshToken(grant: Grant): string {
    const token = random();
    refreshTokens.set(token, { grant });
    server.issuedRefreshTokens.push(token);
    return token;
  }

  async function token(form: URLSearchParams, origin: string | undefined): Promise<Response> {
    const refused = profile.refuseTokenRequest?.(form, origin);
    if (refused) return refused;
    const invalidGrant = (why: string) => json({ error: 'invalid_grant', error_description: why }, 400);
    if (form.get('client_id') !== profile.clientId) return json({ error: 'invalid_client' }, 401);
    if (form.get('grant_type') === 'authorization_code') {
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant) return invalidGrant('unknown or used code');
      if (form.get('redirect_uri') !== grant.redirectUri) return invalidGrant('redirect_uri mismatch');
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(form.get('code_verifier') ?? ''));
      if (base64url.encode(new Uint8Array(digest)) !== grant.challenge) return invalidGrant('PKCE verification failed');
      return issue(grant, 'authorization_code', profile.refresh.issued(grant) ? newRefreshToken(grant) : undefined);
    }
    if (form.get('grant_type') === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const record = refreshTokens.get(presented);
      if (!record || record.revoked || revokedFamilies.has(record.grant.family)) return invalidGrant('refresh token is invalid');
      const { rotation, graceSeconds = 0 } = profile.refresh;
      if (record.usedAt !== undefined && rotation !== 'old-stays-valid') {
        if (rotation === 'single-use') return invalidGrant('refresh token was already used');
        if (server.now() - record.usedAt >= graceSeconds) {
          server.reuseDetected++;
          revokedFamilies.add(record.grant.family);
          return invalidGrant('refresh token reuse detected: the whole family is revoked');
        }
      }
      const asked = profile.refreshRequest?.(record.grant, form) ?? record.grant;
      if ('refused' in asked) return json(asked.refused, asked.status ?? 400);
      if (rotation === 'none') return issue(record.grant, 'refresh_token', undefined, asked);
      record.usedAt ??= server.now();
      return issue(record.grant, 'refresh_token', newRefreshToken(record.grant), asked);
    }
    return json({ error: 'unsupported_grant_type' }, 400);
  }

  function revoke(form: URLSearchParams): Response {
    if (profile.revocation === 'unauthorized') return json({ error: 'invalid_client' }, 401);
    const record = refreshTokens.get(form.get('token') ?? '');
    if (record) revokedFamilies.add(record.grant.family);
    return new Response(null, { status: 200 });
  }

  /** The provider's answer to one request; `origin` is the page's when a browser sent it. */
  async function respond(request: Request, url: string, form: URLSearchParams | undefined, origin: string | undefined): Promise<Response> {
    if (url in profile.discovery) return json(profile.discovery[url]);
    if (url === profile.jwksUri) return json({ keys: profile.jwks?.(profile.keys) ?? profile.keys.map((k) => k.jwk) });
    if (url === profile.tokenEndpoint && request.method === 'POST') return token(form!, origin);
    if (url === profile.revocationEndpoint && request.method === 'POST') return revoke(form!);
    if (url === profile.parEndpoint && request.method === 'POST') {
      if (form!.get('client_id') !== profile.clientId) return json({ error: 'invalid_client' }, 401);
      const requestUri = `urn:ietf:params:oauth:request_uri:${random()}`;
      pushed.set(requestUri, form!);
      return json({ request_uri: requestUri, expires_in: profile.parExpiresIn?.(++pushes) ?? 60 }, 201);
    }
    return new Response('not found', { status: 404 });
  }

  const endpointOf = (url: string): CorsEndpoint | undefined =>
    url in profile.discovery
      ? 'discovery'
      : url === profile.jwksUri
        ? 'jwks'
        : url === profile.tokenEndpoint || url === profile.parEndpoint
          ? 'token'
          : url === profile.revocationEndpoint
            ? 'revocation'
            : undefined;

  async function handle(request: Request, origin: string | undefined): Promise<Response> {
    const url = withoutQuery(request.url);
    const form = request.method === 'POST' ? new URLSearchParams(await request.clone().text()) : undefined;
    const record: (typeof server.requests)[number] = { method: request.method, url: request.url, form, origin };
    server.requests.push(record);
    const target = new URL(url).origin;
    if (target === API_ORIGIN || target in server.apis) return api(request, origin);
    const endpoint = endpointOf(url);
    const rule = (endpoint && profile.cors?.[endpoint]) ?? 'any';
    const corsAllowed = origin !== undefined && (rule === 'any' || (Array.isArray(rule) && rule.includes(origin)));
    const response = request.method === 'OPTIONS' ? new Response(null, { status: 204 }) : await respond(request, url, form, origin);
    if (endpoint === 'token' && response.ok) record.tokens = (await response.clone().json()) as Claims;
    if (corsAllowed && !(response.status === 404 && profile.notFoundWithoutCors)) response.headers.set('access-control-allow-origin', origin!);
    return response;
  }

  async function api(request: Request, origin: string | undefined): Promise<Response> {
    const cors = { 'access-control-allow-origin': origin ?? '*', 'access-control-allow-headers': 'authorization, content-type' };
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    const handler = server.apis[new URL(request.url).origin];
    if (!handler) return new Response(`no API plugged in at ${new URL(request.url).origin}`, { status: 500 });
    const response = await handler(request);
    response.headers.set('access-control-allow-origin', cors['access-control-allow-origin']);
    return response;
  }

  server.browserFetch = browserFetch(handle, APP_ORIGIN);
  return server;
}
