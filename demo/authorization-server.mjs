// The demo's OpenID Provider: oidc-provider configured the way a real deployment would configure
// it for one public single-page app (no client secret, PKCE S256, rotating refresh tokens, JWT
// access tokens for one API). Only storage (in memory) and the login pages (oidc-provider's
// built-in dev pages, any username) are demo-grade. Keys and cookie secrets are made per start.
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

export const CLIENT_ID = 'pkce-spa-demo';
export const API_SCOPE = 'api:read';
/** The second API's scope: the billing API takes tokens for it alone, issued for its own audience. */
export const BILLING_SCOPE = 'billing:read';
// What the page asks for. offline_access is listed for portability to other providers; see
// issueRefreshToken below for why this server does not depend on it.
export const SCOPE = `openid profile email offline_access ${API_SCOPE} ${BILLING_SCOPE}`;

const HOUR = 60 * 60;

// ID tokens are signed RS256 (the OIDC default); an ES256 key is published as well so that
// clients registering ES256 work and verifiers must pick keys by `kid`.
async function signingKeys() {
  const keys = [];
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid: `${alg.toLowerCase()}-${randomUUID()}`, alg, use: 'sig' });
  }
  return keys;
}

// oidc-provider prints development notices (in-memory adapter, dev interactions, Node version)
// while it is imported and constructed. They are collected instead of printed so the demo's
// console stays readable; start.mjs shows them with --verbose.
async function collectNotices(fn, notices) {
  const { info, warn } = console;
  const filter = (original) => (...args) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider')) {
      notices.push(args.join(' ').replace(/\x1b\[[0-9;]*m/g, ''));
    } else {
      original.apply(console, args);
    }
  };
  console.info = filter(info);
  console.warn = filter(warn);
  try {
    return await fn();
  } finally {
    console.info = info;
    console.warn = warn;
  }
}

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}</style>
</head><body>${body}</body></html>`;

/**
 * `appOrigins`: the origins of a developer's own apps (a Vite dev server, say), registered like the
 * demo page's: /callback and /silent-callback.html as redirect URIs, / after logout, and CORS.
 * `billingUrl`: the second API, a resource server of its own (RFC 8707): its tokens carry its URL as
 * `aud` and `billing:read` alone.
 * @param {{ issuer: string, pageOrigin: string, apiUrl: string, billingUrl?: string, accessTokenTtl?: number, dpopNonces?: boolean, appOrigins?: string[] }} options
 * @returns {Promise<{ provider: any, handler: (req: any, res: any) => void, jwksUri: string, notices: string[] }>}
 */
export async function createAuthorizationServer({ issuer, pageOrigin, apiUrl, billingUrl, accessTokenTtl = 60, dpopNonces = false, appOrigins = [] }) {
  // Each API a resource server with its own audience and scopes: a token is issued for one of them.
  const resourceServers = new Map([[apiUrl, API_SCOPE], ...(billingUrl ? [[billingUrl, BILLING_SCOPE]] : [])]);
  const origins = [pageOrigin, ...appOrigins];
  const notices = [];
  const { default: Provider, errors } = await collectNotices(() => import('oidc-provider'), notices);

  const configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'pkce-spa demo',
        application_type: 'web',
        token_endpoint_auth_method: 'none', // public client: a browser cannot keep a secret
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: origins.flatMap((origin) => [`${origin}/callback`, `${origin}/silent-callback.html`]),
        post_logout_redirect_uris: origins.map((origin) => `${origin}/`),
        id_token_signed_response_alg: 'RS256',
        scope: 'openid profile email offline_access',
      },
    ],
    responseTypes: ['code'], // no implicit or hybrid flows at all
    pkce: { required: () => true }, // oidc-provider only implements S256; plain is refused
    allowOmittingSingleRegisteredRedirectUri: false, // redirect_uri must always be sent
    jwks: { keys: await signingKeys() },
    cookies: { keys: [randomBytes(32).toString('base64url')] },

    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    // The access token the SPA holds is the API's JWT, which oidc-provider will not accept at its
    // own userinfo endpoint (it has an audience). Putting the profile claims in the ID token lets
    // the page show who is signed in without a second, userinfo-only token.
    conformIdTokenClaims: false,

    // Any username signs in; the account is made up from it.
    async findAccount(ctx, id) {
      const local = id.replace(/[^A-Za-z0-9._-]/g, '') || 'user';
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: id,
            preferred_username: id,
            email: id.includes('@') ? id : `${local}@example.com`,
            email_verified: false,
          };
        },
      };
    },

    // oidc-provider drops offline_access unless the request has prompt=consent (OIDC Core §11),
    // so a normal sign-in would get no refresh token. Instead the SPA gets a refresh token with
    // every code; without offline_access it is bound to the sign-in session, so it stops working
    // when the user signs out at the provider or the session expires.
    issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh returns a new refresh token and retires the old one; presenting a retired one
    // again revokes the whole grant (reuse detection). Stated explicitly: the default would stop
    // rotating once the token is sender-constrained (DPoP).
    rotateRefreshToken: true,

    ttl: {
      AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      // Rotated refresh tokens inherit the remaining lifetime: the session has an absolute end.
      RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? 8 * HOUR,
      Interaction: 10 * 60,
      Session: 8 * HOUR,
      Grant: 8 * HOUR,
    },

    // CORS only for the demo page's origin, and only for the SPA client's requests.
    clientBasedCORS: (ctx, origin, client) => origins.includes(origin) && client.clientId === CLIENT_ID,

    features: {
      devInteractions: { enabled: true }, // built-in login and consent pages
      revocation: {
        enabled: true,
        allowedPolicy: (ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` is for the API: without this, api:read would be silently
        // dropped from such an authorization request.
        defaultResource: () => apiUrl,
        // Kept false (the default): a token request WITHOUT `resource` yields an opaque token for
        // userinfo; the SDK sends resource=<API URL> to get the API's JWT.
        useGrantedResource: () => false,
        getResourceServerInfo(ctx, resourceIndicator) {
          const scope = resourceServers.get(resourceIndicator);
          if (!scope) throw new errors.InvalidTarget();
          return {
            audience: resourceIndicator,
            scope,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      // RFC 9449: tokens of a client that proves a key are bound to it (cnf.jkt), and its refresh
      // tokens too; with dpopNonces every proof must carry a nonce the server issued (§8).
      dPoP: { enabled: true, ...(dpopNonces ? { nonceSecret: randomBytes(32), requireNonce: () => true } : {}) },
      // RFC 9126: the SDK pushes its authorization parameters when the server offers it.
      pushedAuthorizationRequests: { enabled: true },
    },

    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Something went wrong</h1>${Object.entries(out)
        .map(([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(value)}</p>`).join('')}`);
    },
  };

  const provider = await collectNotices(() => new Provider(issuer, configuration), notices);
  provider.proxy = false; // served directly on loopback, never behind a proxy
  return { provider, handler: provider.callback(), jwksUri: `${issuer}/jwks`, notices };
}

// RP-Initiated Logout 1.0 §2: the OP MUST ask the user unless the request carries an
// id_token_hint that belongs to the current session. With such a hint the user already chose
// "sign out" in the app, so the confirmation form is submitted automatically (logout=yes ends the
// provider session too); otherwise the user is asked.
async function logoutSource(ctx, form) {
  const hint = ctx.oidc.entities.IdTokenHint?.payload;
  const { session, client } = ctx.oidc;
  const hintMatchesSession = Boolean(
    hint && client && session.accountId && hint.sub === session.accountId
    && session.authorizations?.[client.clientId],
  );
  const withLogoutYes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  if (hintMatchesSession) {
    ctx.body = page('Signing out', `${withLogoutYes}<p>Signing out…</p>
<script>document.forms[0].submit()</script>
<noscript><button type="submit" form="op.logoutForm">Continue</button></noscript>`);
    return;
  }
  ctx.body = page('Sign out?', `<h1>Sign out of ${escapeHtml(ctx.host)}?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

// Shown only when the logout request had no (registered) post_logout_redirect_uri.
async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Signed out', '<h1>Signed out</h1><p>You can close this window.</p>');
}
