// docs/providers.md "Amazon Cognito": the recipe against the Cognito profile (test/support/providers/cognito.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, type JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { COGNITO_CLIENT_ID, COGNITO_DOMAIN, COGNITO_ISSUER, cognito } from '../../support/providers/cognito.js';
import { apiRefusal, callApi, plugApi, reachCallback, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E',
  clientId: '4pq8ltg0s3v7d2f5h1k9m6n0rb',
  scope: 'openid profile email', // no offline_access: Cognito refuses it and gives a refresh token anyway
  // Cognito's /logout wants client_id and logout_uri (an "Allowed sign-out URL").
  endSessionParams: ({ clientId, postLogoutRedirectUri }) => ({ client_id: clientId, logout_uri: postLogoutRedirectUri }),
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E',
  clientId: '4pq8ltg0s3v7d2f5h1k9m6n0rb', // access tokens have client_id and no aud
  profile: 'plain-jwt',
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Amazon Cognito', () => {
  it('signs in without offline_access and still gets a refresh token', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([COGNITO_ISSUER, COGNITO_CLIENT_ID]);
    const server = await cognito();
    const page = spa(server, recipe);
    const { authorizeUrl, result } = await signIn(server, page);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${COGNITO_DOMAIN}/oauth2/authorize`);
    expect(result?.user).toMatchObject({ iss: COGNITO_ISSUER, aud: COGNITO_CLIENT_ID, token_use: 'id' });
    expect(server.issuedRefreshTokens).toHaveLength(1);
  });

  it('the default scope (with offline_access) is refused: invalid_scope, and the message says what to change', async () => {
    const server = await cognito();
    const { scope: _scope, ...withDefaultScope } = recipe;
    const page = spa(server, withDefaultScope);
    await reachCallback(server, page);
    const error = (await page.auth.handleRedirect().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_scope' });
    expect(error.message).toContain('"offline_access"');
    expect(error.message).toContain('docs/providers.md');
  });

  it('refresh without rotation: no new refresh token comes, the one from sign-in keeps working', async () => {
    const server = await cognito();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    const [first] = server.issuedRefreshTokens;
    expect(sentRefreshTokens(server)).toEqual([first, first]);
    expect(server.issuedRefreshTokens).toHaveLength(1);
  });

  it('refresh with rotation on: each new refresh token replaces the old, which is never sent again', async () => {
    const server = await cognito({ rotation: true });
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
  });

  it('the API checks client_id instead of aud; the ID token (aud = the client) is refused as an access token', async () => {
    const server = await cognito();
    const page = spa(server, recipe);
    await signIn(server, page);
    plugApi(server, verifier);
    expect(await callApi(page)).toMatchObject({ status: 200, body: expect.stringContaining('"sub"') });
    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    const idToken = server.tokenRequests('authorization_code')[0]!.tokens!.id_token as string;
    await expect(createTokenVerifier({ ...verifier, fetch: server.serverFetch }).verify(idToken)).rejects.toMatchObject({ code: 'invalid_token' });
    plugApi(server, { issuer: verifier.issuer, audience: COGNITO_CLIENT_ID, profile: 'plain-jwt' }); // no aud to match
    expect((await callApi(page)).status).toBe(401);
    expect((await apiRefusal(server, page, { issuer: verifier.issuer, audience: COGNITO_CLIENT_ID, profile: 'plain-jwt' })).message).toMatch(
      /no "aud" but "client_id" "4pq8ltg0s3v7d2f5h1k9m6n0rb".*use the "clientId" option instead of "audience"/,
    );
  });

  it('logout: /logout with client_id and logout_uri lands back on the app; the refresh token is revoked', async () => {
    const server = await cognito();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(url.href).toBe(`${COGNITO_DOMAIN}/logout?client_id=${COGNITO_CLIENT_ID}&logout_uri=${encodeURIComponent(`${APP_ORIGIN}/`)}`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/` });
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });

  it('logout without endSessionParams: RP-Initiated parameters leave the user on an error page', async () => {
    const server = await cognito();
    const page = spa(server, { ...recipe, endSessionParams: undefined });
    await signIn(server, page);
    expect((await signOut(server, page)).landing).toMatchObject({ page: expect.stringContaining('logout_uri') });
  });
});
