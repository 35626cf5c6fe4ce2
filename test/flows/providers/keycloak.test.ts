// docs/providers.md "Keycloak" (with its "Two APIs"): the recipes against the Keycloak profile
// (test/support/providers/keycloak.ts).
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import {
  apiRefusal,
  callApi,
  plugApi,
  refresh,
  refreshParams,
  sentRefreshTokens,
  signIn,
  signOut,
  spa,
  statusWithDefaultProfile,
  tokensSeenBy,
  type Recipe,
} from '../../support/providers/harness.js';
import { KEYCLOAK_CLIENT_ID, KEYCLOAK_ISSUER, keycloak } from '../../support/providers/keycloak.js';
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://sso.example.com/realms/demo',
  clientId: 'orders-spa',
  scope: 'openid profile email', // no offline_access: Keycloak gives a refresh token anyway
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://sso.example.com/realms/demo',
  audience: 'orders-api', // added to aud by an Audience mapper on the SPA client
  profile: 'plain-jwt',
};

beforeEach(resetPage);
afterEach(resetPage);

/** The user signs out at Keycloak from another application: the SSO session ends. */
function ssoLogoutElsewhere(server: Awaited<ReturnType<typeof keycloak>>) {
  server.visit(`${KEYCLOAK_ISSUER}/protocol/openid-connect/logout?post_logout_redirect_uri=${encodeURIComponent(`${APP_ORIGIN}/`)}`);
}

describe('Keycloak', () => {
  it('signs in with the RFC 9207 iss (advertised, so required), session_state beside it, and a JWKS with an enc key', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([KEYCLOAK_ISSUER, KEYCLOAK_CLIENT_ID]);
    const server = await keycloak();
    const { callback, result } = await signIn(server, spa(server, recipe));
    expect(callback.searchParams.get('iss')).toBe(KEYCLOAK_ISSUER);
    expect(callback.searchParams.has('session_state')).toBe(true);
    expect(result?.user).toMatchObject({ azp: KEYCLOAK_CLIENT_ID, typ: 'ID' });
    expect(server.issuedRefreshTokens).toHaveLength(1);
    const jwks = (await (await server.serverFetch(`${KEYCLOAK_ISSUER}/protocol/openid-connect/certs`)).json()) as { keys: { use: string }[] };
    expect(jwks.keys.map((k) => k.use)).toEqual(['sig', 'sig', 'enc']);
    // Keycloak advertises PAR (RFC 9126): the parameters were pushed, the browser carried only a request_uri.
    const push = server.requests.find((r) => r.url.endsWith('/ext/par/request'));
    expect(push?.form?.get('code_challenge_method')).toBe('S256');
  });

  it('refresh with "Revoke Refresh Token" on: each new refresh token replaces the old, which is refused from then on', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
  });

  it('the API verifies aud orders-api from the audience mapper; without it aud is only "account"', async () => {
    for (const audienceMapper of [true, false]) {
      resetPage();
      const server = await keycloak({ audienceMapper });
      const page = spa(server, recipe);
      await signIn(server, page);
      plugApi(server, verifier);
      expect((await callApi(page)).status, `audience mapper: ${audienceMapper}`).toBe(audienceMapper ? 200 : 401);
      expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
      expect((await apiRefusal(server, page, { ...verifier, profile: undefined })).message).toMatch(/its "typ" is "JWT", not "at\+jwt".*set profile: 'plain-jwt'/);
      if (!audienceMapper) expect((await apiRefusal(server, page, verifier)).message).toMatch(/its "aud" is "account", the "audience" option is "orders-api".*a Keycloak Audience mapper/);
    }
  });

  it('logout: end-session with RP-Initiated parameters; the refresh token revoked (CORS on /revoke)', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${KEYCLOAK_ISSUER}/protocol/openid-connect/logout`);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'id_token_hint', 'post_logout_redirect_uri', 'state']);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });

  it('why no offline_access: an offline token outlives a sign-out at Keycloak, a plain refresh token does not', async () => {
    for (const scope of ['openid profile email', 'openid profile email offline_access']) {
      resetPage();
      const server = await keycloak();
      const page = spa(server, { ...recipe, scope });
      await signIn(server, page);
      ssoLogoutElsewhere(server);
      const outcome = await refresh(page).then(
        () => 'still signed in',
        (e: { code: string }) => e.code,
      );
      expect(outcome, scope).toBe(scope.includes('offline_access') ? 'still signed in' : 'login_required');
    }
  });
});

/** "Two APIs": each API's client scope in the sign-in, and a token per API narrowed to it. */
const twoApis: Recipe = {
  issuer: 'https://sso.example.com/realms/demo',
  clientId: 'orders-spa',
  scope: 'openid profile email orders billing', // both APIs' client scopes: the grant covers them
  apiOrigins: [
    { origin: 'https://api.example', scope: 'orders' }, // refreshed with scope=orders: aud orders-api
    { origin: 'https://billing.example', scope: 'billing' }, // scope=billing: aud billing-api
  ],
};
/** The realm: client scopes `orders` and `billing`, optional on the SPA client, each with an Audience mapper. */
const twoClientScopes = { audienceMapper: false, clientScopes: { orders: 'orders-api', billing: 'billing-api' } };
const billingVerifier: JwksTokenVerifierOptions = { ...verifier, audience: 'billing-api' };
const BILLING_ORIGIN = 'https://billing.example';

describe('Keycloak, two APIs', () => {
  it('one sign-in, then a refresh per API narrowed to its client scope, one after the other; each API takes only its own', async () => {
    const server = await keycloak(twoClientScopes);
    const orders = plugApi(server, verifier);
    const billing = plugApi(server, billingVerifier, BILLING_ORIGIN);
    const seen = { orders: tokensSeenBy(server, API_ORIGIN), billing: tokensSeenBy(server, BILLING_ORIGIN) };
    const page = spa(server, twoApis);
    const { authorizeUrl } = await signIn(server, page);
    const pushed = server.requests.find((r) => r.url.endsWith('/ext/par/request'))!.form!;
    expect(pushed.get('scope')).toBe('openid profile email orders billing');
    expect(authorizeUrl.searchParams.has('resource') || pushed.has('resource')).toBe(false);
    // The sign-in's token is good at both APIs: pkce-spa sends it to neither.
    const signInToken = await page.auth.getAccessToken();
    expect(decodeJwt(signInToken).aud).toEqual(['orders-api', 'billing-api', 'account']);

    // Both at once: the two refreshes go one after the other, each with the refresh token the
    // previous one returned (Revoke Refresh Token is on: a spent one would end the session).
    const [a, b] = await Promise.all([callApi(page), callApi(page, `${BILLING_ORIGIN}/invoices`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(refreshParams(server).sort((x, y) => String(x.scope).localeCompare(String(y.scope)))).toEqual([{ scope: 'billing' }, { scope: 'orders' }]);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));

    const [ordersToken, billingToken] = [seen.orders[0]!, seen.billing[0]!];
    expect([decodeJwt(ordersToken).aud, decodeJwt(billingToken).aud]).toEqual([
      ['orders-api', 'account'],
      ['billing-api', 'account'],
    ]);
    expect(decodeJwt(ordersToken).scope).toBe('openid profile email orders');
    await expect(orders.verify(billingToken)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(billing.verify(ordersToken)).rejects.toMatchObject({ code: 'invalid_token' });
    expect([...seen.orders, ...seen.billing]).not.toContain(signInToken);
  });

  it('a client scope the client does not have is refused by name (invalid_scope); the session goes on', async () => {
    const server = await keycloak(twoClientScopes);
    plugApi(server, billingVerifier, BILLING_ORIGIN);
    const page = spa(server, twoApis);
    await signIn(server, page);
    const refused = await page.auth.getAccessToken({ scope: 'payments' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'oauth_error', error: 'invalid_scope', status: 400 });
    expect((refused as Error).message).toContain('scope "payments"');
    expect(page.auth.isAuthenticated()).toBe(true);
    // The refused request spent nothing: the same refresh token gets the billing API its token.
    expect((await callApi(page, `${BILLING_ORIGIN}/invoices`)).status).toBe(200);
    expect(refreshParams(server)).toEqual([{ scope: 'payments' }, { scope: 'billing' }]);
  });
});
