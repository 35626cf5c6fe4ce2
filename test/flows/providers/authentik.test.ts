// docs/providers.md "authentik": the recipe against the authentik profile (test/support/providers/authentik.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { AUTHENTIK_CLIENT_ID, AUTHENTIK_ISSUER, authentik } from '../../support/providers/authentik.js';
import { callApi, plugApi, reachCallback, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://authentik.example.com/application/o/orders-spa/', // the slug, with the trailing slash
  clientId: 'Rk3dP9sLm2QvX7nT4wYb8cJh1fZa6uGe0iOy5KxN',
  scope: 'openid profile email offline_access',
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://authentik.example.com/application/o/orders-spa/',
  audience: 'Rk3dP9sLm2QvX7nT4wYb8cJh1fZa6uGe0iOy5KxN', // access tokens are for the client id
  profile: 'plain-jwt',
};

beforeEach(resetPage);
afterEach(resetPage);

describe('authentik', () => {
  it('signs in with a signing key selected (RS256); discovery lists no PKCE methods', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([AUTHENTIK_ISSUER, AUTHENTIK_CLIENT_ID]);
    const server = await authentik();
    const { result } = await signIn(server, spa(server, recipe));
    expect(result?.user).toMatchObject({ iss: AUTHENTIK_ISSUER, azp: AUTHENTIK_CLIENT_ID });
    expect(server.profile.discovery[`${AUTHENTIK_ISSUER}.well-known/openid-configuration`]).not.toHaveProperty('code_challenge_methods_supported');
  });

  it('without a signing key the ID token is HS256 with the client secret: refused, nothing stored', async () => {
    const server = await authentik({ signingKey: false });
    const page = spa(server, recipe);
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({
      code: 'invalid_id_token',
      message: expect.stringMatching(/it is HS256-signed.*give the server an asymmetric signing key.*authentik: the provider's Signing Key/),
    });
    expect(page.auth.isAuthenticated()).toBe(false);
  });

  it('a scope mapping that sets aud to the API also rewrites the ID token aud (authentik#25235): the sign-in is refused', async () => {
    const server = await authentik({ audienceMapping: API_ORIGIN });
    const page = spa(server, recipe);
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('refresh: each single-use refresh token is sent once', async () => {
    const server = await authentik();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
  });

  it('the API verifies the access token with the client id as audience', async () => {
    const server = await authentik();
    const page = spa(server, recipe);
    await signIn(server, page);
    plugApi(server, verifier);
    expect((await callApi(page)).status).toBe(200);
    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
  });

  it('logout: /revoke has no CORS, so revocation-failed says unconfirmed, though the token was revoked', async () => {
    const server = await authentik();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${AUTHENTIK_ISSUER}end-session/`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(page.revocationFailures).toEqual([expect.objectContaining({ reason: 'unconfirmed' })]);
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
  });
});
