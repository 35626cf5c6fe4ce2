// docs/providers.md "Microsoft Entra ID, single tenant" (with its "Two APIs") and "… multi-tenant":
// the recipes against the Entra profile (test/support/providers/entra.ts). One file, so its three RSA
// keys are made once.
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { ENTRA_API_CLIENT_ID, ENTRA_CLIENT_ID, ENTRA_OTHER_TENANT, ENTRA_TENANT, GRAPH, GRAPH_URI, LOGIN, entra } from '../../support/providers/entra.js';
import {
  apiRefusal,
  callApi,
  plugApi,
  reachCallback,
  refresh,
  refreshParams,
  sentRefreshTokens,
  signIn,
  signOut,
  spa,
  statusWithDefaultProfile,
  type Recipe,
} from '../../support/providers/harness.js';
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const TENANT = '4a1c2b3d-5e6f-4708-9a1b-2c3d4e5f6a7b';
const recipe: Recipe = {
  issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, // the tenant GUID, not contoso.onmicrosoft.com
  clientId: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  scope: 'openid profile offline_access api://orders/Orders.Read', // the API's scope; no `resource`
  apiOrigins: ['https://api.example'],
};
/** The API's access tokens as Entra issues them by default (v1). */
const verifierV1: JwksTokenVerifierOptions = {
  issuer: `https://sts.windows.net/${TENANT}/`,
  audience: 'api://orders', // the API's App ID URI
  jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
  profile: 'plain-jwt',
  scopeClaim: 'scp',
  requiredScopes: ['Orders.Read'],
};
/** With `"requestedAccessTokenVersion": 2` in the API's manifest. */
const verifierV2: JwksTokenVerifierOptions = {
  ...verifierV1,
  issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  audience: 'c0ffee00-1234-4abc-9def-0123456789ab', // the API's Application (client) ID
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Microsoft Entra ID, single tenant', () => {
  it('signs in; the ID token was signed by one of several alg-less JWKS keys', async () => {
    expect([TENANT, recipe.clientId, verifierV2.audience]).toEqual([ENTRA_TENANT, ENTRA_CLIENT_ID, ENTRA_API_CLIENT_ID]);
    const server = await entra();
    const page = spa(server, recipe);
    const { authorizeUrl, result } = await signIn(server, page);
    expect(authorizeUrl.searchParams.get('scope')).toBe(recipe.scope);
    expect(authorizeUrl.searchParams.has('resource')).toBe(false);
    expect(result?.user).toMatchObject({ iss: recipe.issuer, tid: TENANT });
    const jwks = (await (await server.serverFetch(`${LOGIN}/${TENANT}/discovery/v2.0/keys`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(3);
    expect(jwks.keys.every((k) => k.alg === undefined && k.x5c && k.x5t && k.issuer)).toBe(true);
  });

  it('the domain-name authority is refused, naming the GUID issuer to set', async () => {
    const server = await entra();
    const error = await spa(server, { ...recipe, issuer: `${LOGIN}/contoso.onmicrosoft.com/v2.0` }).auth.login().catch((e: Error) => e);
    expect(error.message).toContain(`set "issuer" to exactly "${recipe.issuer}"`);
  });

  it('a resource indicator is refused by Entra (AADSTS901002): the API goes in scope', async () => {
    const server = await entra();
    const page = spa(server, { ...recipe, resource: 'api://orders' });
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'oauth_error', error: 'invalid_request', errorDescription: expect.stringContaining('AADSTS901002') });
  });

  it('a redirect URI registered as "Web" instead of "Single-page application": the code exchange is a network error', async () => {
    const server = await entra({ platform: 'web' });
    const page = spa(server, recipe);
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'network_error', message: expect.stringMatching(/does not allow this page's origin https:\/\/app\.example by CORS.*an Entra \"Single-page application\" redirect URI/) });
    expect(page.auth.isAuthenticated()).toBe(false);
  });

  it('refresh: the newest refresh token is used although the old one stays valid; scope absent on refresh', async () => {
    const server = await entra();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    const issued = server.issuedRefreshTokens;
    expect(sentRefreshTokens(server)).toEqual([issued[0], issued[1]]);
    expect(issued.every((t) => server.isRefreshTokenActive(t))).toBe(true); // Entra does not revoke them
    expect(page.auth.isAuthenticated()).toBe(true);
  });

  it('the API verifies v1 access tokens (sts.windows.net, aud App ID URI, scp) and, with the manifest change, v2 ones', async () => {
    for (const [version, options, other] of [
      [1, verifierV1, verifierV2],
      [2, verifierV2, verifierV1],
    ] as const) {
      resetPage();
      const server = await entra({ accessTokenVersion: version });
      const page = spa(server, recipe);
      await signIn(server, page);
      plugApi(server, options);
      expect((await callApi(page)).status, `v${version}`).toBe(200);
      expect(await statusWithDefaultProfile(server, page, options), `v${version}, RFC 9068 profile`).toBe(401);
      plugApi(server, other); // the other version's options refuse it, and say which version it is
      expect((await callApi(page)).status, `v${version} with the other options`).toBe(401);
      expect((await apiRefusal(server, page, other)).message).toMatch(version === 1 ? /Entra v1\.0 access token.*requestedAccessTokenVersion: 2/ : /Entra v2\.0 access token/);
      expect((await apiRefusal(server, page, other)).message).toContain(`"iss" is "${version === 1 ? `https://sts.windows.net/${ENTRA_TENANT}/` : `https://login.microsoftonline.com/${ENTRA_TENANT}/v2.0`}"`);
    }
  });

  it('without an API scope the access token is for Microsoft Graph: your API refuses it', async () => {
    const server = await entra();
    const page = spa(server, { ...recipe, scope: 'openid profile offline_access' });
    await signIn(server, page);
    plugApi(server, verifierV1);
    expect(await callApi(page)).toMatchObject({ status: 401, challenge: expect.stringContaining('invalid_token') });
    expect((await apiRefusal(server, page, verifierV1)).message).toMatch(/a Microsoft Graph token.*ask for your API's scope \(e\.g\. api:\/\//);
  });

  it('logout: the end-session endpoint; no revocation endpoint, so revocation-failed says no_endpoint', async () => {
    const server = await entra();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN}/${TENANT}/oauth2/v2.0/logout`);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_ORIGIN}/`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(page.revocationFailures).toEqual([{ reason: 'no_endpoint' }]);
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(true); // what the event warns of
  });
});

/** "Two APIs: Microsoft Graph and yours": the sign-in's token is for your API, Graph gets one of its own. */
const graphAndYours: Recipe = {
  issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  clientId: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  scope: 'openid profile offline_access api://orders/Orders.Read', // your API's scope: the sign-in's token is for it
  apiOrigins: [
    'https://api.example', // your API: the sign-in's token
    { origin: 'https://graph.microsoft.com', resource: 'https://graph.microsoft.com', scope: 'User.Read' }, // Graph: a token of its own
  ],
};
/**
 * Graph checks its own tokens (their `nonce` header leaves the signature to Graph alone): this
 * stand-in checks what Graph would, so that the test can show which token reached which API.
 */
const graphStandIn: JwksTokenVerifierOptions = {
  issuer: `https://sts.windows.net/${TENANT}/`,
  audience: GRAPH,
  jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
  profile: 'plain-jwt',
  scopeClaim: 'scp',
  requiredScopes: ['User.Read'],
};
const GRAPH_ME = 'https://graph.microsoft.com/v1.0/me';

describe('Microsoft Entra ID, two APIs: Microsoft Graph and yours', () => {
  it("one sign-in: your API gets the sign-in's token, Graph one refresh with its prefixed scope and no resource; each takes only its own", async () => {
    expect(graphAndYours.apiOrigins![0]).toBe(API_ORIGIN);
    const server = await entra();
    const orders = plugApi(server, verifierV1);
    const graph = plugApi(server, graphStandIn, GRAPH_URI);
    const page = spa(server, graphAndYours);
    const { authorizeUrl } = await signIn(server, page);
    // One resource per request: the sign-in asks for your API alone, and never with `resource`.
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid profile offline_access api://orders/Orders.Read');
    expect(authorizeUrl.searchParams.has('resource')).toBe(false);

    expect(await callApi(page)).toMatchObject({ status: 200 });
    expect(await callApi(page, GRAPH_ME)).toMatchObject({ status: 200 });
    expect(await callApi(page, GRAPH_ME)).toMatchObject({ status: 200 }); // held while fresh

    // One token request per API: the code exchange for yours, one refresh for Graph, in Entra's
    // dialect (the scope prefixed with Graph's URI, the sign-in's OpenID scopes beside it).
    expect(server.tokenRequests('authorization_code')).toHaveLength(1);
    expect(refreshParams(server)).toEqual([{ scope: 'https://graph.microsoft.com/User.Read openid profile offline_access' }]);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 1));

    const ordersToken = await page.auth.getAccessToken();
    const graphToken = await page.auth.getAccessToken({ resource: 'https://graph.microsoft.com', scope: 'User.Read' });
    expect([decodeJwt(ordersToken).aud, decodeJwt(graphToken).aud]).toEqual(['api://orders', GRAPH]);
    await expect(orders.verify(graphToken)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(graph.verify(ordersToken)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(server.tokenRequests('refresh_token')).toHaveLength(1);
  });

  it('a resource the tenant does not know, or two resources in one request: refused by name, the session goes on', async () => {
    const server = await entra();
    plugApi(server, graphStandIn, GRAPH_URI);
    const page = spa(server, graphAndYours);
    await signIn(server, page);

    const unknown = await page.auth.getAccessToken({ resource: 'api://payments', scope: 'Payments.Read' }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'oauth_error', error: 'invalid_resource', errorDescription: expect.stringContaining('AADSTS500011') });
    expect((unknown as Error).message).toContain('resource "api://payments" and scope "Payments.Read"');
    const two = await page.auth.getAccessToken({ scope: 'https://graph.microsoft.com/User.Read api://orders/Orders.Read' }).catch((e: unknown) => e);
    expect(two).toMatchObject({ code: 'oauth_error', error: 'invalid_scope', errorDescription: expect.stringContaining('AADSTS28000') });
    expect((two as Error).message).toContain('scope "https://graph.microsoft.com/User.Read api://orders/Orders.Read"');
    expect(refreshParams(server)).toEqual([
      { scope: 'api://payments/Payments.Read openid profile offline_access' },
      { scope: 'https://graph.microsoft.com/User.Read api://orders/Orders.Read openid profile offline_access' },
    ]);

    expect(page.auth.isAuthenticated()).toBe(true);
    expect(await callApi(page, GRAPH_ME)).toMatchObject({ status: 200 });
  });

  it('a Graph scope nobody consented to: Entra answers invalid_grant (AADSTS65001), an error naming Graph; the session goes on, consent comes first', async () => {
    const server = await entra({ consented: [] });
    const page = spa(server, graphAndYours);
    await signIn(server, page);
    const error = await page.auth.getAccessToken({ resource: 'https://graph.microsoft.com', scope: 'User.Read' }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', errorDescription: expect.stringContaining('AADSTS65001') });
    expect((error as Error).message).toContain('the server refused a token for resource "https://graph.microsoft.com" and scope "User.Read"');
    expect(page.auth.isAuthenticated()).toBe(true);
    // The refresh token was not spent: your API's token still refreshes with it.
    await expect(page.auth.getAccessToken({ forceRefresh: true })).resolves.toMatch(/^ey/);
  });

  it("with resourceParameter: 'resource' the sign-in would carry Graph's resource, which Entra refuses (AADSTS901002)", async () => {
    const server = await entra();
    const page = spa(server, { ...graphAndYours, resourceParameter: 'resource' });
    const { authorizeUrl } = await reachCallback(server, page);
    expect(authorizeUrl.searchParams.getAll('resource')).toEqual(['https://graph.microsoft.com']);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'oauth_error', error: 'invalid_request', errorDescription: expect.stringContaining('AADSTS901002') });
  });
});

const CUSTOMER_TENANT = '4a1c2b3d-5e6f-4708-9a1b-2c3d4e5f6a7b';
const multiTenantRecipe: Recipe = {
  issuer: 'https://login.microsoftonline.com/common/v2.0', // or organizations / consumers
  multiTenant: { tenants: [CUSTOMER_TENANT] }, // or true for any tenant
  clientId: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  scope: 'openid profile offline_access api://orders/Orders.Read',
  apiOrigins: ['https://api.example'],
};
/** pkce-spa/server takes one exact issuer: one verifier per tenant the API serves (v2 tokens here). */
const verifierFor = (tenant: string): JwksTokenVerifierOptions => ({
  issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
  audience: 'c0ffee00-1234-4abc-9def-0123456789ab',
  jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
  profile: 'plain-jwt',
  scopeClaim: 'scp',
  requiredScopes: ['Orders.Read'],
});

describe('Microsoft Entra ID, multi-tenant (/common)', () => {
  it("signs in a user of an allowed tenant: the templated discovery issuer is accepted, the ID token's iss names its tid", async () => {
    expect(CUSTOMER_TENANT).toBe(ENTRA_TENANT);
    const server = await entra({ tenancy: 'common' });
    const page = spa(server, multiTenantRecipe);
    const { callback, result } = await signIn(server, page);
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(result?.user).toMatchObject({ iss: `${LOGIN}/${CUSTOMER_TENANT}/v2.0`, tid: CUSTOMER_TENANT });
    await refresh(page); // the refreshed ID token keeps iss and tid
    expect(page.auth.user?.tid).toBe(CUSTOMER_TENANT);
  });

  it('a user of a tenant outside the list is refused; without multiTenant the template is refused by name', async () => {
    const server = await entra({ tenancy: 'common', userTenant: ENTRA_OTHER_TENANT });
    const page = spa(server, multiTenantRecipe);
    await expect(signIn(server, page)).rejects.toMatchObject({ code: 'invalid_id_token' });
    const error = await spa(server, { ...multiTenantRecipe, multiTenant: undefined }).auth.login().catch((e: Error) => e);
    expect(error.message).toContain('multiTenant');
  });

  it("the API verifies a tenant's v2 access tokens with that tenant's issuer; another tenant's verifier refuses them", async () => {
    const server = await entra({ tenancy: 'common', accessTokenVersion: 2 });
    const page = spa(server, multiTenantRecipe);
    await signIn(server, page);
    plugApi(server, verifierFor(CUSTOMER_TENANT));
    expect((await callApi(page)).status).toBe(200);
    plugApi(server, verifierFor(ENTRA_OTHER_TENANT));
    expect((await callApi(page)).status).toBe(401);
  });

  it('logout: the /common end-session endpoint; revocation-failed says no_endpoint', async () => {
    const server = await entra({ tenancy: 'common' });
    const page = spa(server, multiTenantRecipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN}/common/oauth2/v2.0/logout`);
    expect(landing).toMatchObject({ redirect: expect.stringContaining('https://app.example/?state=') });
    expect(page.revocationFailures).toEqual([{ reason: 'no_endpoint' }]);
  });
});
