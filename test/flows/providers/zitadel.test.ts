// docs/providers.md "ZITADEL": the recipe against the ZITADEL profile (test/support/providers/zitadel.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { apiRefusal, callApi, plugApi, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { APP_ORIGIN } from '../../support/providers/provider-server.js';
import { ZITADEL_CLIENT_ID, ZITADEL_ISSUER, ZITADEL_PROJECT_ID, zitadel } from '../../support/providers/zitadel.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://pkce-spa-x7k2qd.zitadel.cloud',
  clientId: '245678901234567890@orders',
  scope: 'openid profile offline_access',
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://pkce-spa-x7k2qd.zitadel.cloud',
  audience: '245678901234567123', // the project id
  profile: 'plain-jwt',
};

beforeEach(resetPage);
afterEach(resetPage);

describe('ZITADEL', () => {
  it('signs in: the ID token aud is [client, project] with azp naming the client', async () => {
    expect([recipe.issuer, recipe.clientId, verifier.audience]).toEqual([ZITADEL_ISSUER, ZITADEL_CLIENT_ID, ZITADEL_PROJECT_ID]);
    const server = await zitadel({ tokenType: 'jwt' });
    const { result } = await signIn(server, spa(server, recipe));
    expect(result?.user).toMatchObject({ aud: [ZITADEL_CLIENT_ID, ZITADEL_PROJECT_ID], azp: ZITADEL_CLIENT_ID });
  });

  it('refresh: the refreshed ID token keeps its two audiences; each refresh token is sent once', async () => {
    const server = await zitadel({ tokenType: 'jwt' });
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(page.auth.user?.aud).toEqual([ZITADEL_CLIENT_ID, ZITADEL_PROJECT_ID]);
  });

  it('the API verifies JWT access tokens by the project id; with the default token type they are opaque', async () => {
    for (const tokenType of ['jwt', 'bearer'] as const) {
      resetPage();
      const server = await zitadel({ tokenType });
      const page = spa(server, recipe);
      await signIn(server, page);
      plugApi(server, verifier);
      expect((await callApi(page)).status, tokenType).toBe(tokenType === 'jwt' ? 200 : 401);
      if (tokenType === 'bearer') expect((await apiRefusal(server, page, verifier)).message).toMatch(/not a JWT but an opaque token.*ZITADEL: access token type JWT/);
      expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    }
  });

  it('logout: end_session with RP-Initiated parameters; the refresh token revoked', async () => {
    const server = await zitadel({ tokenType: 'jwt' });
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${ZITADEL_ISSUER}/oidc/v1/end_session`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });
});
