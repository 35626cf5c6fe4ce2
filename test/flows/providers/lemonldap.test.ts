// docs/providers.md "LemonLDAP::NG": the recipe against the LemonLDAP::NG profile (test/support/providers/lemonldap.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { webStorageTokenStore, type PkceClientEvents } from '../../../src/index.js';
import { LEMONLDAP_CLIENT_ID, LEMONLDAP_ISSUER, lemonldap } from '../../support/providers/lemonldap.js';
import { callApi, plugApi, refresh, sentRefreshTokens, signIn, signOut, spa, statusWithDefaultProfile, type Recipe } from '../../support/providers/harness.js';
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://auth.example.com/', // the portal URL, with the trailing slash
  clientId: 'orders-spa',
  scope: 'openid profile email orders:read',
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example', // the client's "Additional audiences"
  profile: 'plain-jwt', // typ: JWT
  requiredScopes: ['orders:read'], // ID tokens share the audience: only an access token has a scope
};

beforeEach(resetPage);
afterEach(resetPage);

describe('LemonLDAP::NG', () => {
  it('signs in; the API takes the access token and refuses the ID token that shares its audience', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([LEMONLDAP_ISSUER, LEMONLDAP_CLIENT_ID]);
    const server = await lemonldap();
    const page = spa(server, { ...recipe, tokenStore: webStorageTokenStore(sessionStorage) });
    const { result } = await signIn(server, page);
    expect(result?.user).toMatchObject({ iss: LEMONLDAP_ISSUER, azp: LEMONLDAP_CLIENT_ID, aud: [LEMONLDAP_CLIENT_ID, API_ORIGIN] });
    plugApi(server, verifier);
    expect((await callApi(page)).status).toBe(200);
    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    const stored = Object.keys(sessionStorage).find((key) => key.startsWith('pkce-spa:tokens'))!;
    const { idToken } = JSON.parse(sessionStorage.getItem(stored)!) as { idToken: string };
    const withIdToken = await server.serverFetch(`${API_ORIGIN}/orders`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(withIdToken.status).toBe(403);
  });

  it('dpop: true is refused before the user leaves: the server offers no DPoP', async () => {
    const server = await lemonldap();
    const page = spa(server, { ...recipe, dpop: true });
    await expect(page.auth.login()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/dpop_signing_alg_values_supported.*dpop: false/) });
    expect(page.navigations).toEqual([]);
  });

  it('refresh: the same refresh token again (no rotation); a purged one (400 invalid_request) ends the session with the server error', async () => {
    const server = await lemonldap();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(sentRefreshTokens(server)).toEqual([server.issuedRefreshTokens[0], server.issuedRefreshTokens[0]]);
    const ended: PkceClientEvents['session-ended'][] = [];
    page.auth.on('session-ended', (event) => ended.push(event));
    server.purge(server.issuedRefreshTokens[0]!);
    await expect(refresh(page)).rejects.toMatchObject({ code: 'login_required', error: 'invalid_request' });
    expect(ended).toEqual([expect.objectContaining({ error: expect.objectContaining({ error: 'invalid_request' }) })]);
    expect(page.auth.isAuthenticated()).toBe(false);
  });

  it.each([
    ['ahead of', 300],
    ['behind', -300],
  ])('a device clock 5 minutes %s the server: sign-in and refresh, the ID tokens judged in the server time', async (_, seconds) => {
    const server = await lemonldap();
    server.clockOffset = -seconds;
    const page = spa(server, recipe);
    expect((await signIn(server, page)).result?.user?.sub).toBe('alice');
    await refresh(page);
    expect(page.auth.isAuthenticated()).toBe(true);
  });

  it('logout: no revocation endpoint (revocation-failed: no_endpoint), back to the registered page', async () => {
    const server = await lemonldap();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${LEMONLDAP_ISSUER}oauth2/logout`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(page.revocationFailures).toEqual([expect.objectContaining({ reason: 'no_endpoint' })]);
  });
});
