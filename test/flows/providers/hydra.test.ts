// docs/providers.md "Ory Hydra": the recipe against the Hydra profile (test/support/providers/hydra.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { callApi, plugApi, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { HYDRA_CLIENT_ID, HYDRA_ISSUER, hydra } from '../../support/providers/hydra.js';
import { APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://auth.hydra.example', // urls.self.issuer, exactly as configured
  clientId: '8c5a2f3e-1b7d-4e9a-a0c6-3d2f1e0b9a87',
  scope: 'openid offline_access orders.read',
  authorizationParams: { audience: 'https://api.example' }, // one of the client's allowed audiences
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://auth.hydra.example',
  audience: 'https://api.example',
  profile: 'plain-jwt',
  scopeClaim: 'scp',
  requiredScopes: ['orders.read'],
};
/** The hydra.yml this recipe needs: public CORS on for the app, JWT access tokens. */
const configured = { corsAllowedOrigins: [APP_ORIGIN], accessTokenStrategy: 'jwt' } as const;

beforeEach(resetPage);
afterEach(resetPage);

describe('Ory Hydra', () => {
  it('signs in once public CORS allows the app; token_type "bearer" in lower case is accepted', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([HYDRA_ISSUER, HYDRA_CLIENT_ID]);
    const server = await hydra(configured);
    const { result } = await signIn(server, spa(server, recipe));
    expect(result?.user?.iss).toBe(HYDRA_ISSUER);
    expect(server.tokenRequests('authorization_code')[0]!.tokens).toMatchObject({ token_type: 'bearer' });
  });

  it('with public CORS off (the default) the page cannot even read discovery: a network error before the user leaves', async () => {
    const server = await hydra({ accessTokenStrategy: 'jwt' });
    await expect(spa(server, recipe).auth.login()).rejects.toMatchObject({ code: 'network_error', message: expect.stringMatching(/does not allow this page's origin https:\/\/app\.example by CORS.*Hydra's serve\.public\.cors\.allowed_origins/) });
  });

  it('refresh: rotation with reuse detection and no grace period; no refresh token is sent twice', async () => {
    const server = await hydra(configured);
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 3));
    expect(server.reuseDetected).toBe(0);
    expect(page.auth.isAuthenticated()).toBe(true);
  });

  it('the API verifies JWT access tokens (aud from audience, scp array); opaque ones (the default strategy) are refused', async () => {
    for (const accessTokenStrategy of ['jwt', 'opaque'] as const) {
      resetPage();
      const server = await hydra({ ...configured, accessTokenStrategy });
      const page = spa(server, recipe);
      await signIn(server, page);
      plugApi(server, verifier);
      expect((await callApi(page)).status, accessTokenStrategy).toBe(accessTokenStrategy === 'jwt' ? 200 : 401);
      expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    }
  });

  it('logout: /oauth2/sessions/logout with RP-Initiated parameters; the refresh token revoked', async () => {
    const server = await hydra(configured);
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${HYDRA_ISSUER}/oauth2/sessions/logout`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });
});
