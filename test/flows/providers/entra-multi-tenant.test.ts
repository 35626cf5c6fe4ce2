// docs/providers.md "Microsoft Entra ID, multi-tenant": the recipe against the Entra profile with the
// /common authority (test/support/providers/entra.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { ENTRA_OTHER_TENANT, ENTRA_TENANT, LOGIN, entra } from '../../support/providers/entra.js';
import { callApi, plugApi, refresh, signIn, signOut, spa, type Recipe } from '../../support/providers/harness.js';
import { resetPage } from '../../support/flow.js';

const CUSTOMER_TENANT = '4a1c2b3d-5e6f-4708-9a1b-2c3d4e5f6a7b';
const recipe: Recipe = {
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

beforeEach(resetPage);
afterEach(resetPage);

describe('Microsoft Entra ID, multi-tenant (/common)', () => {
  it("signs in a user of an allowed tenant: the templated discovery issuer is accepted, the ID token's iss names its tid", async () => {
    expect(CUSTOMER_TENANT).toBe(ENTRA_TENANT);
    const server = await entra({ tenancy: 'common' });
    const page = spa(server, recipe);
    const { callback, result } = await signIn(server, page);
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(result?.user).toMatchObject({ iss: `${LOGIN}/${CUSTOMER_TENANT}/v2.0`, tid: CUSTOMER_TENANT });
    await refresh(page); // the refreshed ID token keeps iss and tid
    expect(page.auth.user?.tid).toBe(CUSTOMER_TENANT);
  });

  it('a user of a tenant outside the list is refused; without multiTenant the template is refused by name', async () => {
    const server = await entra({ tenancy: 'common', userTenant: ENTRA_OTHER_TENANT });
    const page = spa(server, recipe);
    await expect(signIn(server, page)).rejects.toMatchObject({ code: 'invalid_id_token' });
    const error = await spa(server, { ...recipe, multiTenant: undefined }).auth.login().catch((e: Error) => e);
    expect(error.message).toContain('multiTenant');
  });

  it("the API verifies a tenant's v2 access tokens with that tenant's issuer; another tenant's verifier refuses them", async () => {
    const server = await entra({ tenancy: 'common', accessTokenVersion: 2 });
    const page = spa(server, recipe);
    await signIn(server, page);
    plugApi(server, verifierFor(CUSTOMER_TENANT));
    expect((await callApi(page)).status).toBe(200);
    plugApi(server, verifierFor(ENTRA_OTHER_TENANT));
    expect((await callApi(page)).status).toBe(401);
  });

  it('logout: the /common end-session endpoint; revocation-failed says no_endpoint', async () => {
    const server = await entra({ tenancy: 'common' });
    const page = spa(server, recipe);
    await signIn(server, page);
    const { url, landing } = await signOut(server, page);
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN}/common/oauth2/v2.0/logout`);
    expect(landing).toMatchObject({ redirect: expect.stringContaining('https://app.example/?state=') });
    expect(page.revocationFailures).toEqual([{ reason: 'no_endpoint' }]);
  });
});
