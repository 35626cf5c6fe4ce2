// docs/providers.md "Azure AD B2C": the recipe against the B2C profile (test/support/providers/azure-ad-b2c.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { B2C_API_CLIENT_ID, B2C_CLIENT_ID, B2C_ISSUER, B2C_POLICY_URL, azureAdB2c } from '../../support/providers/azure-ad-b2c.js';
import { apiRefusal, callApi, plugApi, reachCallback, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { resetPage } from '../../support/flow.js';

const POLICY = 'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_signupsignin';
const recipe: Recipe = {
  issuer: 'https://contosob2c.b2clogin.com/775527ff-9a37-4307-8b3d-cc311f58d925/v2.0/', // GUID, trailing slash
  // Discovery lives under the policy, not under the issuer: give the endpoints instead.
  metadata: {
    authorization_endpoint: `${POLICY}/oauth2/v2.0/authorize`,
    token_endpoint: `${POLICY}/oauth2/v2.0/token`,
    jwks_uri: `${POLICY}/discovery/v2.0/keys`,
    end_session_endpoint: `${POLICY}/oauth2/v2.0/logout`,
  },
  clientId: '90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6',
  scope: 'openid offline_access https://contosob2c.onmicrosoft.com/orders/Orders.Read',
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://contosob2c.b2clogin.com/775527ff-9a37-4307-8b3d-cc311f58d925/v2.0/',
  audience: '2f3a5b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8', // the API's Application (client) ID
  jwksUri: `${POLICY}/discovery/v2.0/keys`,
  profile: 'plain-jwt',
  scopeClaim: 'scp',
  requiredScopes: ['Orders.Read'],
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Azure AD B2C', () => {
  it('signs in without discovery; "expires_in": "3600" is read as an hour', async () => {
    expect([POLICY, recipe.issuer, recipe.clientId, verifier.audience]).toEqual([B2C_POLICY_URL, B2C_ISSUER, B2C_CLIENT_ID, B2C_API_CLIENT_ID]);
    const server = await azureAdB2c();
    const page = spa(server, recipe);
    const { result } = await signIn(server, page);
    expect(result?.user).toMatchObject({ iss: B2C_ISSUER, tfp: 'B2C_1_signupsignin' });
    expect(server.requests.some((r) => r.url.includes('.well-known'))).toBe(false);
    expect(server.tokenRequests('authorization_code')).toHaveLength(1);
    await page.auth.getAccessToken(); // not due: no refresh
    expect(server.tokenRequests('refresh_token')).toHaveLength(0);
  });

  it('the policy URL as issuer is refused by name: its metadata is for the GUID issuer, which has no discovery of its own', async () => {
    const server = await azureAdB2c();
    const atPolicy = await spa(server, { ...recipe, metadata: undefined, issuer: `${POLICY}/v2.0/` }).auth.login().catch((e: Error) => e);
    expect(atPolicy.message).toContain(`set "issuer" to exactly "${B2C_ISSUER}", and if that issuer publishes no discovery document of its own`);
    expect(atPolicy.message).toContain('in the "metadata" option');
    // Following that, without "metadata": the GUID issuer's discovery is a 404 without CORS, a network
    // error to the page, whose message says what the guide requires.
    const atIssuer = await spa(server, { ...recipe, metadata: undefined }).auth.login().catch((e: Error) => e);
    expect(atIssuer).toMatchObject({ code: 'network_error', message: expect.stringMatching(/^Network error: .*openid-configuration .*CORS.*give its endpoints in the "metadata" option$/) });
  });

  it('with "metadata", an issuer missing its "/" is refused at the ID token, naming both values', async () => {
    const server = await azureAdB2c();
    const page = spa(server, { ...recipe, issuer: B2C_ISSUER.slice(0, -1) });
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({
      code: 'invalid_id_token',
      message: expect.stringContaining(`its "iss" is "${B2C_ISSUER}", the issuer is "${B2C_ISSUER.slice(0, -1)}": set "issuer"`),
    });
  });

  it('refresh: string numbers again, and each new refresh token replaces the last', async () => {
    const server = await azureAdB2c();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(page.auth.isAuthenticated()).toBe(true);
  });

  it('the API verifies the access token: iss with the slash, aud the API client id, scp', async () => {
    const server = await azureAdB2c();
    const page = spa(server, recipe);
    await signIn(server, page);
    plugApi(server, verifier);
    expect((await callApi(page)).status).toBe(200);
    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    plugApi(server, { ...verifier, issuer: B2C_ISSUER.slice(0, -1) });
    expect((await callApi(page)).status).toBe(401);
    expect((await apiRefusal(server, page, { ...verifier, issuer: B2C_ISSUER.slice(0, -1) })).message).toContain(
      `its "iss" is "${B2C_ISSUER}", the "issuer" option is "${B2C_ISSUER.slice(0, -1)}": they differ only by the trailing "/"`,
    );
  });

  it("logout: the policy's end-session endpoint; no revocation endpoint (revocation-failed: no_endpoint)", async () => {
    const server = await azureAdB2c();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${POLICY}/oauth2/v2.0/logout`);
    expect(landing).toMatchObject({ redirect: expect.stringContaining('https://app.example/?state=') });
    expect(page.revocationFailures).toEqual([{ reason: 'no_endpoint' }]);
  });
});
