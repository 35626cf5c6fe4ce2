// The multi-tenant issuer template against hostile callback `iss` values (attack branch).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { createClient, resetPage, startLogin } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

const TEMPLATE = `${ISSUER}/{tenantid}/v2.0`;
const COMMON = `${ISSUER}/common/v2.0`;

describe('multiTenant: true, no allow-list', () => {
  // FLAW (low; issuer-template.ts `segment`): the placeholder is documented as "exactly one path
  // segment" standing for a tenant, but `[A-Za-z0-9._-]+` also takes the dot-segments "." and "..":
  // `${ISSUER}/../v2.0` (which is `${ISSUER}/v2.0`, no tenant's issuer) passes the RFC 9207 check, and
  // the code is redeemed before the ID token's iss catches the mismatch. SECURITY.md: a wrong iss in
  // the authorization response is refused with no further request.
  for (const tenant of ['..', '.']) {
    it(`a callback iss with the tenant ${JSON.stringify(tenant)} is refused before any token request`, async () => {
      server.tenant = '9188040d-6c67-4c5b-b112-36a304b66dad';
      server.metadataOverrides = { issuer: TEMPLATE, authorization_response_iss_parameter_supported: undefined };
      const client = createClient(server, { issuer: COMMON, multiTenant: true });
      const callback = new URL(await server.authorize(await startLogin(client), { iss: null }));
      callback.searchParams.set('iss', `${ISSUER}/${tenant}/v2.0`);
      history.replaceState(null, '', callback);
      await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_issuer' });
      expect(server.count('/token')).toBe(0);
    });
  }
});
