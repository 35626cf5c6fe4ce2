// docs/providers.md "Okta" (with its "Two APIs"): the recipes against the Okta profile
// (test/support/providers/okta.ts).
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
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
  tokensSeenBy,
  type Recipe,
} from '../../support/providers/harness.js';
import { OKTA_CLIENT_ID, OKTA_ISSUER, okta } from '../../support/providers/okta.js';
import { API_ORIGIN, APP_ORIGIN } from '../../support/providers/provider-server.js';
import { resetPage } from '../../support/flow.js';

const recipe: Recipe = {
  issuer: 'https://pkce-spa.okta.com/oauth2/default', // a custom authorization server, not the org one
  clientId: '0oa1b2c3d4e5f6g7h8i9',
  scope: 'openid profile offline_access orders:read', // orders:read: a scope of the authorization server
  apiOrigins: ['https://api.example'],
};
const verifier: JwksTokenVerifierOptions = {
  issuer: 'https://pkce-spa.okta.com/oauth2/default',
  audience: 'api://default', // the authorization server's Audience setting
  profile: 'plain-jwt',
  scopeClaim: 'scp', // an array
  requiredScopes: ['orders:read'],
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Okta', () => {
  it('signs in when the app origin is a Trusted Origin (CORS)', async () => {
    expect([recipe.issuer, recipe.clientId]).toEqual([OKTA_ISSUER, OKTA_CLIENT_ID]);
    const server = await okta();
    const { result } = await signIn(server, spa(server, recipe));
    expect(result?.user).toMatchObject({ iss: OKTA_ISSUER, aud: OKTA_CLIENT_ID });
  });

  it('without the Trusted Origin the code exchange is a network error', async () => {
    const server = await okta({ trustedOrigins: [] });
    const page = spa(server, recipe);
    await reachCallback(server, page);
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'network_error', message: expect.stringMatching(/does not allow this page's origin https:\/\/app\.example by CORS.*an Okta Trusted Origin/) });
  });

  it('refresh: every rotated refresh token is sent once; the 30 s grace period would hide a reuse, the log does not', async () => {
    const server = await okta();
    const page = spa(server, recipe);
    await signIn(server, page);
    await refresh(page);
    await refresh(page);
    const sent = sentRefreshTokens(server);
    expect(sent).toEqual(server.issuedRefreshTokens.slice(0, 2));
    expect(new Set(sent).size).toBe(sent.length);
    // The profile's rules are Okta's: a replay within 30 s passes, a later one revokes the family.
    const replay = () =>
      server.serverFetch(`${OKTA_ISSUER}/v1/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: OKTA_CLIENT_ID, refresh_token: sent[0]! }),
      });
    expect((await replay()).status).toBe(200);
    server.clockOffset = 31;
    expect((await replay()).status).toBe(400);
    expect(server.reuseDetected).toBe(1);
  });

  it('the API verifies aud api://default and the scp array; read as "scope", the scopes are missing', async () => {
    const server = await okta();
    const page = spa(server, recipe);
    await signIn(server, page);
    plugApi(server, verifier);
    expect(await callApi(page)).toMatchObject({ status: 200, body: '{"sub":"alice@example.com"}' });
    expect(await statusWithDefaultProfile(server, page, verifier)).toBe(401);
    plugApi(server, { ...verifier, scopeClaim: undefined });
    expect(await callApi(page)).toMatchObject({ status: 403, challenge: expect.stringContaining('insufficient_scope') });
    expect(await apiRefusal(server, page, { ...verifier, scopeClaim: undefined })).toMatchObject({
      message: expect.stringMatching(/carries the scopes in "scp" \(.*\), not in "scope": set scopeClaim: 'scp'/),
      errorDescription: 'The access token does not have the required scope',
    });
  });

  it('logout: /v1/logout with id_token_hint and a registered sign-out redirect; the refresh token is revoked', async () => {
    const server = await okta();
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${OKTA_ISSUER}/v1/logout`);
    expect(url.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(landing).toEqual({ redirect: `${APP_ORIGIN}/?state=${url.searchParams.get('state')}` });
    expect(server.isRefreshTokenActive(server.issuedRefreshTokens[0]!)).toBe(false);
    expect(page.revocationFailures).toEqual([]);
  });
});

/** "Two APIs": one authorization server (one aud), a token per API narrowed to that API's scopes. */
const twoApis: Recipe = {
  issuer: 'https://pkce-spa.okta.com/oauth2/default',
  clientId: '0oa1b2c3d4e5f6g7h8i9',
  scope: 'openid profile offline_access orders:read billing:read', // both APIs' scopes
  apiOrigins: [
    { origin: 'https://api.example', scope: 'orders:read' },
    { origin: 'https://billing.example', scope: 'billing:read' },
  ],
};
const billingVerifier: JwksTokenVerifierOptions = { ...verifier, requiredScopes: ['billing:read'] };
const BILLING_ORIGIN = 'https://billing.example';

describe('Okta, two APIs behind one authorization server', () => {
  it('a refresh per API narrowed to its scopes; same aud, so each API refuses the other\'s token by scope', async () => {
    const server = await okta();
    const orders = plugApi(server, verifier);
    const billing = plugApi(server, billingVerifier, BILLING_ORIGIN);
    const seen = { orders: tokensSeenBy(server, API_ORIGIN), billing: tokensSeenBy(server, BILLING_ORIGIN) };
    const page = spa(server, twoApis);
    const { authorizeUrl } = await signIn(server, page);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid profile offline_access orders:read billing:read');
    expect(authorizeUrl.searchParams.has('resource')).toBe(false);
    const signInToken = await page.auth.getAccessToken();

    const [a, b] = await Promise.all([callApi(page), callApi(page, `${BILLING_ORIGIN}/invoices`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(server.tokenRequests('authorization_code')).toHaveLength(1);
    expect(refreshParams(server).map((p) => p.scope).sort()).toEqual(['billing:read', 'orders:read']);
    expect(refreshParams(server).every((p) => Object.keys(p).join() === 'scope')).toBe(true); // no resource, no audience
    const sent = sentRefreshTokens(server);
    expect(sent).toEqual(server.issuedRefreshTokens.slice(0, 2)); // the grace period would hide a reuse from Okta
    expect(server.reuseDetected).toBe(0);

    const [ordersToken, billingToken] = [seen.orders[0]!, seen.billing[0]!];
    expect([decodeJwt(ordersToken), decodeJwt(billingToken)]).toMatchObject([
      { aud: 'api://default', scp: ['orders:read'] },
      { aud: 'api://default', scp: ['billing:read'] },
    ]);
    await expect(orders.verify(billingToken)).rejects.toMatchObject({ code: 'insufficient_scope' });
    await expect(billing.verify(ordersToken)).rejects.toMatchObject({ code: 'insufficient_scope' });
    // The sign-in's token carries both APIs' scopes: pkce-spa sends it to neither.
    expect([...seen.orders, ...seen.billing]).not.toContain(signInToken);
  });

  it('a scope the sign-in was not granted is refused by name (invalid_scope); the session goes on', async () => {
    const server = await okta();
    plugApi(server, billingVerifier, BILLING_ORIGIN);
    const page = spa(server, twoApis);
    await signIn(server, page);
    const refused = await page.auth.getAccessToken({ scope: 'payments:read' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'oauth_error', error: 'invalid_scope' });
    expect((refused as Error).message).toContain('scope "payments:read"');
    expect(page.auth.isAuthenticated()).toBe(true);
    expect((await callApi(page, `${BILLING_ORIGIN}/invoices`)).status).toBe(200);
    expect(refreshParams(server)).toEqual([{ scope: 'payments:read' }, { scope: 'billing:read' }]);
  });
});
