// docs/providers.md "Auth0" (with its "Two APIs"): the recipes, tested against the Auth0 profile
// (test/support/providers/auth0.ts).
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { AUTH0_API, AUTH0_BILLING_API, AUTH0_CLIENT_ID, AUTH0_TENANT, auth0, type RefreshTokenPolicy } from '../../support/providers/auth0.js';
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
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://pkce-spa.eu.auth0.com/', // with the trailing slash
  clientId: AUTH0_CLIENT_ID,
  scope: 'openid profile offline_access',
  authorizationParams: { audience: 'https://api.example' }, // the API identifier: a JWT access token
  apiOrigins: ['https://api.example'],
};
/** Tenants created before 2023-11-14 without RP-Initiated Logout turned on. */
const legacyLogout: Recipe = {
  ...recipe,
  metadataOverrides: { end_session_endpoint: 'https://pkce-spa.eu.auth0.com/v2/logout' },
  endSessionParams: ({ clientId, postLogoutRedirectUri }) => ({ client_id: clientId, returnTo: postLogoutRedirectUri }),
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://pkce-spa.eu.auth0.com/',
  audience: 'https://api.example',
  profile: 'plain-jwt', // typ is JWT, not at+jwt
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Auth0', () => {
  it('signs in with the audience of the API and the issuer spelled with its trailing slash', async () => {
    expect([recipe.issuer, verifier.audience]).toEqual([AUTH0_TENANT, AUTH0_API]);
    const server = await auth0();
    const page = spa(server, recipe);
    const { authorizeUrl, result } = await signIn(server, page);
    expect(authorizeUrl.searchParams.get('audience')).toBe(API_ORIGIN);
    expect(result?.user).toMatchObject({ iss: AUTH0_TENANT, sub: 'auth0|alice' });
  });

  it('an issuer without the slash is refused before the user leaves, naming the value to set', async () => {
    const server = await auth0();
    const error = await spa(server, { ...recipe, issuer: 'https://pkce-spa.eu.auth0.com' }).auth.login().catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'invalid_issuer' });
    expect(error.message).toContain(`set "issuer" to exactly "${AUTH0_TENANT}"`);
  });

  it('refresh: each rotated refresh token is sent once, so reuse detection never fires', async () => {
    const server = await auth0();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(server.reuseDetected).toBe(0);
    // The detection is real: the spent first token, replayed, revokes the family the page holds.
    const replay = await server.serverFetch(`${AUTH0_TENANT}oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: AUTH0_CLIENT_ID, refresh_token: server.issuedRefreshTokens[0]! }),
    });
    expect([replay.status, server.reuseDetected]).toEqual([400, 1]);
    await expect(refresh(page)).rejects.toMatchObject({ code: 'login_required', error: 'invalid_grant' });
  });

  it('without Refresh Token Rotation there is no refresh token: a forced refresh asks for login()', async () => {
    const server = await auth0({ rotation: false });
    const page = spa(server, recipe);
    await signIn(server, page);
    expect(server.issuedRefreshTokens).toEqual([]);
    await expect(refresh(page)).rejects.toMatchObject({ code: 'login_required' });
    expect(page.auth.isAuthenticated()).toBe(true); // the access token still works until it expires
  });

  it('the API verifies the JWT (aud [API, userinfo]) with profile plain-jwt; without audience the token is opaque', async () => {
    const server = await auth0();
    plugApi(server, verifier);
    const page = spa(server, recipe);
    await signIn(server, page);
    expect(await callApi(page)).toMatchObject({ status: 200, body: '{"sub":"auth0|alice"}' });

    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401); // typ JWT, not at+jwt

    resetPage();
    const opaque = spa(server, { ...recipe, authorizationParams: undefined });
    plugApi(server, verifier);
    await signIn(server, opaque);
    expect(await callApi(opaque)).toMatchObject({ status: 401, challenge: expect.stringContaining('invalid_token') });
    // The API's log says what happened and what to change; the caller gets the generic text.
    expect(await apiRefusal(server, opaque, verifier)).toMatchObject({
      message: expect.stringMatching(/not a JWT but an opaque token.*Auth0: send an "audience"/),
      errorDescription: 'The access token is malformed',
    });
  });

  it('logout: the discovered /oidc/logout with RP-Initiated Logout parameters; the refresh token is revoked', async () => {
    const server = await auth0();
    const page = spa(server, recipe);
    await signIn(server, page);
    const [refreshToken] = server.issuedRefreshTokens;
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${AUTH0_TENANT}oidc/logout`);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'id_token_hint', 'post_logout_redirect_uri', 'state']);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(server.isRefreshTokenActive(refreshToken!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });

  it('logout on a tenant without RP-Initiated Logout: /v2/logout with client_id and returnTo', async () => {
    const server = await auth0({ rpInitiatedLogout: false });
    const page = spa(server, legacyLogout);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(url.href).toBe(`${AUTH0_TENANT}v2/logout?client_id=${AUTH0_CLIENT_ID}&returnTo=${encodeURIComponent(`${APP_ORIGIN}/`)}`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/` });
    // Without the override the user would only leave the app, still signed in at Auth0.
    resetPage();
    const plain = spa(server, recipe);
    await signIn(server, plain);
    const kept: unknown[] = [];
    plain.auth.on('server-session-kept', (event) => kept.push(event));
    expect((await signOut(server, plain)).url.href).toBe(`${APP_ORIGIN}/`);
    // ...and the app is told so, with what to change in the docs of the event.
    expect(kept).toEqual([{ reason: 'no_endpoint' }]);
  });
});

/** "Two APIs": the sign-in's token for the first API, a token of its own for the second (MRRT). */
const twoApis: Recipe = {
  issuer: 'https://pkce-spa.eu.auth0.com/',
  clientId: AUTH0_CLIENT_ID,
  scope: 'openid profile offline_access',
  authorizationParams: { audience: 'https://api.example' }, // the sign-in's token: the first API's
  apiOrigins: [
    'https://api.example',
    { origin: 'https://billing.example', resource: 'https://billing.example', scope: 'read:billing' }, // sent as audience and scope
  ],
};
/** The application's `refresh_token.policies`: the second API, with the scopes it may be asked for. */
const policies: RefreshTokenPolicy[] = [{ audience: 'https://billing.example', scope: ['read:billing'] }];
const billingVerifier: JwksTokenVerifierOptions = {
  issuer: 'https://pkce-spa.eu.auth0.com/',
  audience: 'https://billing.example',
  profile: 'plain-jwt',
  requiredScopes: ['read:billing'],
};
const BILLING = 'https://billing.example/invoices';

describe('Auth0, two APIs (Multi-Resource Refresh Token)', () => {
  it("one sign-in: the first API gets the sign-in's token, the second one refresh with its audience; each takes only its own", async () => {
    expect([twoApis.apiOrigins![0], policies[0]!.audience]).toEqual([AUTH0_API, AUTH0_BILLING_API]);
    const server = await auth0({ refreshTokenPolicies: policies });
    const orders = plugApi(server, verifier);
    const billing = plugApi(server, billingVerifier, AUTH0_BILLING_API);
    const page = spa(server, twoApis);
    const { authorizeUrl } = await signIn(server, page);
    // Auth0 takes one audience at sign-in, and no `resource`.
    expect(authorizeUrl.searchParams.getAll('audience')).toEqual(['https://api.example']);
    expect(authorizeUrl.searchParams.has('resource')).toBe(false);

    expect(await callApi(page)).toMatchObject({ status: 200 });
    expect(await callApi(page, BILLING)).toMatchObject({ status: 200 });
    expect(await callApi(page, BILLING)).toMatchObject({ status: 200 }); // held while fresh

    // One token request per API: the code exchange, then one refresh in Auth0's dialect (audience, not resource).
    expect(server.tokenRequests('authorization_code')).toHaveLength(1);
    expect(refreshParams(server)).toEqual([{ audience: 'https://billing.example', scope: 'read:billing' }]);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 1));
    expect(server.reuseDetected).toBe(0);

    const ordersToken = await page.auth.getAccessToken();
    const billingToken = await page.auth.getAccessToken({ resource: 'https://billing.example', scope: 'read:billing' });
    expect(decodeJwt(billingToken)).toMatchObject({ aud: ['https://billing.example', `${AUTH0_TENANT}userinfo`], scope: 'read:billing' });
    await expect(orders.verify(billingToken)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(billing.verify(ordersToken)).rejects.toMatchObject({ code: 'invalid_token' });
    // Both refresh from here on with the rotated refresh token, each sent once.
    await refresh(page);
    await page.auth.getAccessToken({ resource: 'https://billing.example', scope: 'read:billing', forceRefresh: true });
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 3));
    expect(server.reuseDetected).toBe(0);
  });

  it("an API outside the policies: Auth0 answers with the sign-in's audience, and no token goes to that API", async () => {
    const server = await auth0({ refreshTokenPolicies: policies });
    plugApi(server, { ...billingVerifier, audience: 'https://reports.example', requiredScopes: ['read:reports'] }, 'https://reports.example');
    const seen = tokensSeenBy(server, 'https://reports.example');
    const page = spa(server, {
      ...twoApis,
      apiOrigins: [...twoApis.apiOrigins!, { origin: 'https://reports.example', resource: 'https://reports.example', scope: 'read:reports' }],
    });
    await signIn(server, page);

    // Auth0 says nothing is wrong: the answer's scope lacks read:reports, and its token is the first API's.
    const error = await callApi(page, 'https://reports.example/monthly').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect((error as Error).message).toContain(`no token for resource "https://reports.example" and scope "read:reports": its access token is for ["https://api.example","${AUTH0_TENANT}userinfo"]`);
    expect(refreshParams(server)[0]).toEqual({ audience: 'https://reports.example', scope: 'read:reports' });
    expect(server.tokenRequests('refresh_token')[0]!.tokens).toMatchObject({ scope: 'openid profile offline_access' });
    expect(seen).toEqual([]);
    // The rotated refresh token was kept: the next refresh sends it, once.
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(server.reuseDetected).toBe(0);
    expect(page.auth.isAuthenticated()).toBe(true);
  });
});
