// An authorization server and API written for the tests: it signs real JWTs with jose,
// checks PKCE for real, rotates refresh tokens, and can be told to misbehave. The SDK reaches
// it through its `fetch` option, so no global is patched and nothing of ours is mocked.
import { base64url, exportJWK, generateKeyPair, jwtVerify, SignJWT, createLocalJWKSet, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://auth.example';
export const APP_ORIGIN = 'https://app.example';
export const API_ORIGIN = 'https://api.example';
export const CLIENT_ID = 'spa';
export const REDIRECT_URI = `${APP_ORIGIN}/callback`;

type SigningKey = { kid: string; alg: string; privateKey: CryptoKey; jwk: JWK };

async function newKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface Grant {
  sub: string;
  nonce?: string;
  scope: string;
  resource: string[];
  authTime: number;
  /** RFC 9449: the thumbprint of the DPoP key the grant is bound to. */
  jkt?: string;
}

/**
 * What the token endpoint makes of a request's DPoP proof: the key's thumbprint, or a refusal to
 * answer with. See test/support/dpop.ts.
 */
export type DpopCheck = (request: Request, url: string) => Promise<{ jkt?: string } | Response>;

/** What the next token response should get wrong, for the negative cases. */
export interface IdTokenMischief {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (a forged signature). */
  foreignKey?: boolean;
  /** Sign HS256 with this secret, or send an unsigned `alg: none` token. */
  symmetric?: string;
  unsigned?: boolean;
  /** Signs the ID token's claims some other way (a weak key, say). */
  sign?: (claims: Record<string, unknown>) => Promise<string>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  body?: URLSearchParams;
  headers: Headers;
  /** Milliseconds since the server was created, when the request arrived and when it was answered. */
  start: number;
  end?: number;
}

let initialKeys: Promise<SigningKey[]> | undefined;

export async function createTestServer(options: { accessTokenTtl?: number; refreshTokens?: boolean } = {}) {
  const born = performance.now();
  // RSA key generation is slow; every server starts from the same two keys (one published,
  // one "foreign" with the same kid for forged signatures). Rotation makes fresh ones.
  initialKeys ??= Promise.all([newKey('RS256', 'k1'), newKey('RS256', 'k1')]);
  const [published, foreign] = (await initialKeys) as [SigningKey, SigningKey];
  let keys: SigningKey[] = [published];
  const codes = new Map<string, Grant & { clientId: string; redirectUri: string; challenge: string }>();
  const refreshTokens = new Map<string, Grant & { active: boolean }>();
  const requests: RecordedRequest[] = [];

  const server = {
    accessTokenTtl: options.accessTokenTtl ?? 300,
    issueRefreshTokens: options.refreshTokens ?? true,
    /** Refuses a code exchange for several resources, as oidc-provider without a `defaultResource` does. */
    oneResourcePerToken: false,
    sub: 'alice',
    requests,
    /** Applied to the next ID token only. */
    idTokenMischief: undefined as IdTokenMischief | undefined,
    /** Rewrites every successful /token answer's JSON (a provider's odd shapes). */
    transformTokenResponse: undefined as ((body: Record<string, unknown>) => Record<string, unknown>) | undefined,
    /** Replaces the next /token answer. */
    nextTokenResponse: undefined as (() => Response | Promise<Response>) | undefined,
    /** RFC 9449 at the token endpoint (test/support/dpop.ts); off when unset. */
    dpop: undefined as DpopCheck | undefined,
    /** Replaces the API's token check (e.g. with pkce-spa/server's verifier). */
    api: undefined as ((request: Request) => Promise<Response>) | undefined,
    /** Delays /token answers (after processing the request), to observe what runs alongside. */
    tokenDelayMs: 0,
    metadataOverrides: {} as Record<string, unknown>,
    /** When set, /token and /revoke fail as the network would. */
    offline: false,
    /**
     * Entra ID multi-tenant: the tenant of the users who sign in. Their ID tokens carry `tid` and the
     * issuer `https://auth.example/<tenant>/v2.0`; discovery (set `metadataOverrides.issuer` to the
     * template) is served under any path.
     */
    tenant: undefined as string | undefined,
    /** Replaces the published keys. */
    jwksOverride: undefined as (() => JWK[]) | undefined,
    /** When set, the JWKS endpoint fails as the network would. */
    jwksOffline: false,
    /** When set, the JWKS endpoint's whole answer (a status other than 200, a body that is no key set). */
    jwksAnswer: undefined as (() => Response) | undefined,
    revokeFails: false,
    /** The UserInfo answer for the user an access token belongs to. */
    userinfo: (sub: string): Record<string, unknown> => ({ sub }),
    /** Every refresh token issued, oldest first. */
    issuedRefreshTokens: [] as string[],

    count(path: string, method?: string) {
      return requests.filter((r) => new URL(r.url).pathname === path && (!method || r.method === method)).length;
    },

    metadata(): Record<string, unknown> {
      return {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        revocation_endpoint: `${ISSUER}/revoke`,
        end_session_endpoint: `${ISSUER}/logout`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        ...(server.dpop ? { dpop_signing_alg_values_supported: ['ES256'] } : {}),
        ...server.metadataOverrides,
      };
    },

    /** Publishes a new signing key in place of the old one (key rotation). */
    async rotateKeys(alg: 'RS256' | 'ES256' = 'RS256') {
      keys = [await newKey(alg, `k${Date.now()}-${alg}`)];
    },

    /** Removes `kid` from the published key, for the "no kid, one key" case. */
    dropKidFromJwks: false,

    /** Plays the user's browser at /authorize: checks the request and returns the callback URL. */
    async authorize(
      authorizeUrl: string,
      answer: { deny?: boolean; error?: string; iss?: string | null; sub?: string } = {},
    ): Promise<string> {
      const q = new URL(authorizeUrl).searchParams;
      const fail = (why: string) => {
        throw new Error(`test server refused the authorization request: ${why}`);
      };
      if (q.get('response_type') !== 'code') fail('response_type');
      if (q.get('client_id') !== CLIENT_ID) fail('client_id');
      if (q.get('redirect_uri') !== REDIRECT_URI) fail('redirect_uri');
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) fail('PKCE');
      const state = q.get('state') ?? fail('state');
      const callback = new URL(REDIRECT_URI);
      if (answer.deny || answer.error) {
        callback.searchParams.set('error', answer.error ?? 'access_denied');
        callback.searchParams.set('error_description', answer.error ? 'No session' : 'The user cancelled');
      } else {
        const code = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
        codes.set(code, {
          clientId: CLIENT_ID,
          redirectUri: REDIRECT_URI,
          challenge: q.get('code_challenge')!,
          sub: answer.sub ?? server.sub,
          nonce: q.get('nonce') ?? undefined,
          scope: q.get('scope') ?? '',
          resource: q.getAll('resource'),
          jkt: q.get('dpop_jkt') ?? undefined,
          authTime: Math.floor(Date.now() / 1000),
        });
        callback.searchParams.set('code', code);
      }
      callback.searchParams.set('state', state!);
      if (answer.iss !== null) callback.searchParams.set('iss', answer.iss ?? ISSUER);
      return callback.href;
    },

    /** Whether the server still accepts a refresh token. */
    isRefreshTokenActive(token: string) {
      return refreshTokens.get(token)?.active === true;
    },

    async signIdToken(grant: Grant, extra: Record<string, unknown> = {}): Promise<string> {
      const mischief = server.idTokenMischief;
      server.idTokenMischief = undefined;
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: server.tenant ? `${ISSUER}/${server.tenant}/v2.0` : ISSUER,
        ...(server.tenant ? { tid: server.tenant } : {}),
        sub: grant.sub,
        aud: CLIENT_ID,
        iat: now,
        exp: now + 600,
        auth_time: grant.authTime,
        name: 'Alice Example',
        ...extra,
        ...mischief?.claims,
      };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      const key = mischief?.foreignKey ? foreign : keys[0]!;
      const header = { alg: key.alg, kid: key.kid, typ: 'JWT', ...mischief?.header };
      for (const [name, value] of Object.entries(header)) if (value === undefined) delete (header as Record<string, unknown>)[name];
      if (mischief?.sign) return mischief.sign(claims);
      if (mischief?.unsigned) {
        const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
        return `${enc({ alg: 'none' })}.${enc(claims)}.`;
      }
      if (mischief?.symmetric) {
        return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(mischief.symmetric));
      }
      return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
    },

    /** `access`: what this access token is for, when narrower than the grant (RFC 8707 §2.2, RFC 6749 §6). */
    async issueTokens(grant: Grant, withIdToken: boolean, idTokenExtra?: Record<string, unknown>, access?: Partial<Pick<Grant, 'resource' | 'scope'>>): Promise<Record<string, unknown>> {
      const body = await server.issueStandardTokens(grant, withIdToken, idTokenExtra, access);
      return server.transformTokenResponse?.(body) ?? body;
    },

    async issueStandardTokens(grant: Grant, withIdToken: boolean, idTokenExtra?: Record<string, unknown>, access: Partial<Pick<Grant, 'resource' | 'scope'>> = {}) {
      const now = Math.floor(Date.now() / 1000);
      const key = keys[0]!;
      const scope = access.scope ?? grant.scope;
      const resource = access.resource?.length ? access.resource : grant.resource;
      const accessToken = await new SignJWT({ scope, client_id: CLIENT_ID, ...(grant.jkt ? { cnf: { jkt: grant.jkt } } : {}) })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setSubject(grant.sub)
        .setAudience(resource.length ? resource : API_ORIGIN)
        .setIssuedAt(now)
        .setExpirationTime(now + Math.max(server.accessTokenTtl, 1) + 30)
        .setJti(crypto.randomUUID())
        .sign(key.privateKey);
      const body: Record<string, unknown> = {
        access_token: accessToken,
        token_type: grant.jkt ? 'DPoP' : 'Bearer',
        expires_in: server.accessTokenTtl,
        scope,
      };
      if (server.issueRefreshTokens && grant.scope.split(' ').includes('offline_access')) {
        const refreshToken = base64url.encode(crypto.getRandomValues(new Uint8Array(24)));
        refreshTokens.set(refreshToken, { ...grant, active: true });
        server.issuedRefreshTokens.push(refreshToken);
        body.refresh_token = refreshToken;
      }
      if (withIdToken && scope.split(' ').includes('openid')) body.id_token = await server.signIdToken(grant, idTokenExtra);
      return body;
    },

    async handleToken(form: URLSearchParams, request?: Request): Promise<Response> {
      if (server.nextTokenResponse) {
        const replace = server.nextTokenResponse;
        server.nextTokenResponse = undefined;
        return replace();
      }
      const oauthError = (error: string, description: string) => json({ error, error_description: description }, 400);
      if (form.get('client_id') !== CLIENT_ID) return json({ error: 'invalid_client' }, 401);
      let jkt: string | undefined;
      if (server.dpop && request) {
        const checked = await server.dpop(request, `${ISSUER}/token`);
        if (checked instanceof Response) return checked;
        jkt = checked.jkt;
      }
      if (form.get('grant_type') === 'authorization_code') {
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!grant) return oauthError('invalid_grant', 'unknown or used code');
        if (form.get('redirect_uri') !== grant.redirectUri) return oauthError('invalid_grant', 'redirect_uri mismatch');
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(form.get('code_verifier') ?? ''));
        if (base64url.encode(new Uint8Array(digest)) !== grant.challenge) {
          return oauthError('invalid_grant', 'PKCE verification failed');
        }
        // RFC 9449 §10: a code bound with dpop_jkt is redeemed with that key only.
        if (grant.jkt !== undefined && grant.jkt !== jkt) return oauthError('invalid_dpop_proof', 'the code is bound to another DPoP key');
        // The grant keeps every resource of the authorization request; this token is for those asked now.
        if (server.oneResourcePerToken && form.getAll('resource').length > 1) {
          return oauthError('invalid_target', 'only a single resource indicator value must be requested/resolved during Access Token Request');
        }
        return json(await server.issueTokens({ ...grant, jkt }, grant.scope.includes('openid'), { nonce: grant.nonce }, { resource: form.getAll('resource') }));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const grant = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!grant?.active) return oauthError('invalid_grant', 'refresh token is invalid or was rotated');
        // RFC 9449 §5: a public client's refresh token is bound to its DPoP key.
        if (grant.jkt !== undefined && grant.jkt !== jkt) return oauthError('invalid_grant', 'the refresh token is bound to another DPoP key');
        // RFC 8707 §2.2: one of the grant's resources, one per token (as oidc-provider); RFC 6749 §6: no wider scope.
        const resource = form.getAll('resource');
        const unknown = resource.find((r) => !grant.resource.includes(r));
        if (unknown || resource.length > 1) return oauthError('invalid_target', unknown ? `${unknown} was not granted` : 'one resource per access token');
        const scope = form.get('scope') ?? undefined;
        if (scope?.split(' ').some((s) => !grant.scope.split(' ').includes(s))) return oauthError('invalid_scope', 'wider than granted');
        grant.active = false; // rotation: each refresh token works once
        return json(await server.issueTokens(grant, grant.scope.includes('openid'), undefined, { resource, ...(scope ? { scope } : {}) }));
      }
      return oauthError('unsupported_grant_type', 'unsupported');
    },

    async handleApi(request: Request): Promise<Response> {
      if (server.api) return server.api(request);
      const header = request.headers.get('authorization') ?? '';
      const challenge = (error?: string) =>
        new Response(JSON.stringify({ error: error ?? 'unauthorized' }), {
          status: 401,
          headers: { 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer', 'content-type': 'application/json' },
        });
      if (!header.startsWith('Bearer ')) return challenge();
      try {
        const { payload } = await jwtVerify(header.slice(7), createLocalJWKSet({ keys: keys.map((k) => k.jwk) }), {
          issuer: ISSUER,
          audience: API_ORIGIN,
        });
        const body = request.method === 'POST' ? await request.text() : undefined;
        return json({ sub: payload.sub, body });
      } catch {
        return challenge('invalid_token');
      }
    },

    /** The SDK's `fetch` option: routes to the authorization server or the API. */
    fetch: async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const record: RecordedRequest = { method: request.method, url: url.href, headers: request.headers, start: performance.now() - born };
      requests.push(record);
      try {
        if (request.method === 'POST' && (url.pathname === '/token' || url.pathname === '/revoke')) {
          record.body = new URLSearchParams(await request.clone().text());
        }
        if (url.origin === ISSUER) {
          if (server.offline && url.pathname !== '/jwks') throw new TypeError('Failed to fetch');
          if (server.jwksOffline && url.pathname === '/jwks') throw new TypeError('Failed to fetch');
          // Discovery under any path: `{issuer}/.well-known/openid-configuration` of a path-ful issuer.
          if (url.pathname.endsWith('/.well-known/openid-configuration')) return json(server.metadata());
          switch (url.pathname) {
            case '/jwks':
              if (server.jwksAnswer) return server.jwksAnswer();
              return json({ keys: server.jwksOverride?.() ?? keys.map((k) => (server.dropKidFromJwks ? { ...k.jwk, kid: undefined } : k.jwk)) });
            case '/token': {
              // Processed at once, answered later: as a server whose answer is slow to arrive.
              const answer = await server.handleToken(record.body!, request);
              if (server.tokenDelayMs) await new Promise((r) => setTimeout(r, server.tokenDelayMs));
              return answer;
            }
            case '/revoke': {
              if (server.revokeFails) return new Response('boom', { status: 503 });
              if (server.dpop) {
                const checked = await server.dpop(request, `${ISSUER}/revoke`);
                if (checked instanceof Response) return checked;
              }
              refreshTokens.delete(record.body!.get('token') ?? '');
              return new Response(null, { status: 200 });
            }
          }
        }
        if (url.origin === ISSUER && url.pathname === '/userinfo') {
          const { payload } = await jwtVerify((request.headers.get('authorization') ?? '').slice(7), createLocalJWKSet({ keys: keys.map((k) => k.jwk) }));
          return json(server.userinfo(payload.sub!));
        }
        if (url.pathname.startsWith('/api/')) return await server.handleApi(request);
        return new Response('not found', { status: 404 });
      } finally {
        record.end = performance.now() - born;
      }
    },
  };
  return server;
}

export type TestServer = Awaited<ReturnType<typeof createTestServer>>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
