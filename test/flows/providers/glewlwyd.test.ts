// docs/providers.md "glewlwyd": the recipe against the glewlwyd profile (test/support/providers/glewlwyd.ts),
// written from PROVIDERS.md. The real glewlwyd e2e test (branch `glewlwyd`) settles the exact configuration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { GLEWLWYD_CLIENT_ID, GLEWLWYD_ISSUER, glewlwyd } from '../../support/providers/glewlwyd.js';
import { callApi, plugApi, reachCallback, refresh, sentRefreshTokens, signIn, signOut, spa, type Recipe } from '../../support/providers/harness.js';
import { APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://glewlwyd.example.com/api/oidc', // external_url (no trailing slash) + /api/oidc
  clientId: 'orders-spa',
  scope: 'openid g_profile',
  resource: 'https://api.example', // RFC 8707: otherwise aud is the scope list
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://glewlwyd.example.com/api/oidc',
  audience: 'https://api.example',
};

beforeEach(resetPage);
afterEach(resetPage);

describe('glewlwyd', () => {
  it('signs in: RFC 9207 iss and session_state in the callback, auth_time 0 accepted without max_age', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([GLEWLWYD_ISSUER, GLEWLWYD_CLIENT_ID]);
    const server = await glewlwyd();
    const { callback, result } = await signIn(server, spa(server, recipe));
    expect(callback.searchParams.get('iss')).toBe(GLEWLWYD_ISSUER);
    expect(callback.searchParams.has('session_state')).toBe(true);
    expect(result?.user).toMatchObject({ auth_time: 0 });
  });

  it('max_age cannot be used: auth_time 0 is always too old', async () => {
    const server = await glewlwyd();
    const page = spa(server, { ...recipe, authorizationParams: { max_age: '3600' } });
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('refresh: no id_token in the answer, the claims are kept; each single-use refresh token is sent once', async () => {
    const server = await glewlwyd();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    expect(server.tokenRequests('refresh_token')[0]!.tokens).not.toHaveProperty('id_token');
    expect(sentRefreshTokens(server)).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(page.auth.user).toMatchObject({ sub: 'alice', auth_time: 0 });
  });

  it('the API verifies aud = the resource; without resource the aud is the scope list and the API refuses it', async () => {
    for (const resource of ['https://api.example', undefined]) {
      resetPage();
      const server = await glewlwyd();
      const page = spa(server, { ...recipe, resource });
      await signIn(server, page);
      plugApi(server, verifier);
      expect((await callApi(page)).status, String(resource)).toBe(resource ? 200 : 401);
    }
  });

  it('logout: revocation answers 401 to a public client (revocation-failed: refused); end_session brings the user back', async () => {
    const server = await glewlwyd();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${GLEWLWYD_ISSUER}/end_session`);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(page.revocationFailures).toEqual([expect.objectContaining({ reason: 'refused' })]);
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(true); // what the event warns of
  });
});
