// What real authorization servers do that a strict client must still handle (issue 9, items 1-8),
// each against the in-process server shaped like the provider (facts: ../shared/PROVIDERS.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPkceError, type IdTokenClaims, type PkceClientEvents } from '../../src/index.js';
import { checkRefreshedIdToken, parseCallback, validateMetadata } from '../../src/protocol.js';
import { createTestServer, ISSUER, REDIRECT_URI, type TestServer } from '../support/authorization-server.js';
import { createClient, reachCallback, resetPage, signIn, startLogin } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

const TEMPLATE = `${ISSUER}/{tenantid}/v2.0`;
const COMMON = `${ISSUER}/common/v2.0`;
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** The in-process server as Entra ID's /common/v2.0: a templated issuer, no RFC 9207 iss. */
function asEntraCommon(tenant = TENANT) {
  server.tenant = tenant;
  server.metadataOverrides = { issuer: TEMPLATE, authorization_response_iss_parameter_supported: undefined };
}

describe('Entra ID multi-tenant: a templated issuer, only when asked for', () => {
  it('signs in a user of any tenant with multiTenant: true; iss and tid of the ID token agree', async () => {
    asEntraCommon();
    const client = createClient(server, { issuer: COMMON, multiTenant: true });
    history.replaceState(null, '', await server.authorize(await startLogin(client), { iss: null }));
    const result = await client.auth.handleRedirect();
    expect(result?.user).toMatchObject({ iss: `${ISSUER}/${TENANT}/v2.0`, tid: TENANT });
  });

  it('without multiTenant the template is refused, and the error says which option accepts it', async () => {
    asEntraCommon();
    const error = await createClient(server, { issuer: COMMON }).auth.login().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'invalid_issuer' });
    expect(error.message).toContain('multiTenant');
    expect(server.count('/authorize')).toBe(0);
  });

  it('a tenant outside the allow-list is refused', async () => {
    asEntraCommon('another-tenant');
    const client = createClient(server, { issuer: COMMON, multiTenant: { tenants: [TENANT] } });
    history.replaceState(null, '', await server.authorize(await startLogin(client), { iss: null }));
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('an ID token whose iss names another tenant than its tid is refused', async () => {
    asEntraCommon();
    server.idTokenMischief = { claims: { iss: `${ISSUER}/someone-else/v2.0` } };
    const client = createClient(server, { issuer: COMMON, multiTenant: true });
    history.replaceState(null, '', await server.authorize(await startLogin(client), { iss: null }));
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('the template stands for one path segment and nothing else', () => {
    const md = { issuer: TEMPLATE, authorization_endpoint: `${ISSUER}/a`, token_endpoint: `${ISSUER}/t` };
    expect(validateMetadata(COMMON, md, { multiTenant: true }).issuer).toBe(TEMPLATE);
    expect(() => validateMetadata(`${ISSUER}/common/v1.0`, md, { multiTenant: true })).toThrow(expect.objectContaining({ code: 'invalid_issuer' }));
    expect(() => validateMetadata(`${ISSUER}/a/b/v2.0`, md, { multiTenant: true })).toThrow(expect.objectContaining({ code: 'invalid_issuer' }));
  });

  it('a callback iss must be the template filled with one allowed tenant (RFC 9207)', () => {
    const url = (iss: string) => `${REDIRECT_URI}?code=c&state=s&iss=${encodeURIComponent(iss)}`;
    const expected = { state: 's', issuer: TEMPLATE, tenants: [TENANT] };
    expect(() => parseCallback(url(`${ISSUER}/${TENANT}/v2.0`), expected)).not.toThrow();
    for (const iss of [`${ISSUER}/other/v2.0`, `https://evil.example/${TENANT}/v2.0`, `${ISSUER}/${TENANT}/x/v2.0`, TEMPLATE]) {
      expect(() => parseCallback(url(iss), expected), iss).toThrow(expect.objectContaining({ code: 'invalid_issuer' }));
    }
  });

  it('a refreshed ID token must keep its tid', () => {
    const base = { iss: `${ISSUER}/${TENANT}/v2.0`, sub: 's', aud: 'spa', exp: 1, iat: 1, tid: TENANT } as IdTokenClaims;
    expect(() => checkRefreshedIdToken(base, { ...base, tid: 'other' })).toThrow(expect.objectContaining({ code: 'invalid_id_token' }));
  });
});

describe('a token response with expires_in as a numeric string', () => {
  it('signs in, and the refresh comes due on time', async () => {
    server.transformTokenResponse = (body) => ({ ...body, expires_in: String(body.expires_in) });
    server.accessTokenTtl = 0;
    const client = createClient(server);
    await reachCallback(server, client);
    expect((await client.auth.handleRedirect())?.user?.sub).toBe('alice');
    // "0" was read as 0 seconds: the token is due at once, so asking for it refreshes.
    expect(await client.auth.getAccessToken()).toMatch(/^ey/);
    expect(server.requests.filter((r) => r.body?.get('grant_type') === 'refresh_token')).toHaveLength(1);
  });
});

describe('resource indicators that are not https URLs', () => {
  it('sends api:// and urn: resources on the authorization and token requests', async () => {
    const client = createClient(server, { resource: ['api://orders', 'urn:example:api'] });
    const url = new URL(await startLogin(client));
    expect(url.searchParams.getAll('resource')).toEqual(['api://orders', 'urn:example:api']);
  });
});

describe('logout parameters for servers that want their own', () => {
  it('Cognito: the discovered end_session_endpoint called with client_id and logout_uri', async () => {
    const client = createClient(server, {
      endSessionParams: ({ clientId, postLogoutRedirectUri }) => ({ client_id: clientId, logout_uri: postLogoutRedirectUri }),
    });
    await signIn(server, client);
    void client.auth.logout({ returnTo: '/signed-out' });
    await expect.poll(() => client.navigations.length).toBe(2);
    const url = new URL(client.navigations[1]!);
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'spa', logout_uri: 'https://app.example/signed-out' });
  });

  it('Auth0 without RP-initiated logout: an end_session_endpoint merged over discovery, still checked', async () => {
    server.metadataOverrides.end_session_endpoint = undefined;
    const client = createClient(server, {
      metadataOverrides: { end_session_endpoint: `${ISSUER}/v2/logout` },
      endSessionParams: ({ clientId, postLogoutRedirectUri }) => ({ client_id: clientId, returnTo: postLogoutRedirectUri }),
    });
    await signIn(server, client);
    expect(server.count('/.well-known/openid-configuration')).toBe(1); // discovery still ran
    void client.auth.logout();
    await expect.poll(() => client.navigations.length).toBe(2);
    expect(client.navigations[1]).toBe(`${ISSUER}/v2/logout?client_id=spa&returnTo=https%3A%2F%2Fapp.example%2F`);
    const insecure = createClient(server, { metadataOverrides: { end_session_endpoint: 'http://auth.example/v2/logout' } });
    await expect(insecure.auth.login()).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('issuer spelling', () => {
  it('a trailing slash: the error names the exact issuer to configure, and nothing is accepted', async () => {
    server.metadataOverrides.issuer = `${ISSUER}/`;
    const error = await createClient(server).auth.login().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'invalid_issuer' });
    expect(error.message).toContain(`set "issuer" to exactly "${ISSUER}/"`);
  });

  it('Entra with the domain name: the error names the tenant GUID issuer', async () => {
    server.metadataOverrides.issuer = `${ISSUER}/${TENANT}/v2.0`;
    const error = await createClient(server, { issuer: `${ISSUER}/contoso.onmicrosoft.com/v2.0` }).auth.login().catch((e: unknown) => e as Error);
    expect(error.message).toContain(`set "issuer" to exactly "${ISSUER}/${TENANT}/v2.0"`);
  });
});

describe('offline_access refused', () => {
  it('an invalid_scope answer says which scope to change', async () => {
    const client = createClient(server);
    await reachCallback(server, client, { error: 'invalid_scope' });
    const error = (await client.auth.handleRedirect().catch((e: unknown) => e)) as Error;
    expect(isPkceError(error, 'oauth_error')).toBe(true);
    expect(error).toMatchObject({ error: 'invalid_scope' });
    expect(error.message).toContain('offline_access');
    expect(error.message).toContain('scope');
  });
});

describe('revocation that cannot work', () => {
  const cases: [string, () => void, PkceClientEvents['revocation-failed']['reason']][] = [
    ['no revocation_endpoint (Entra ID)', () => (server.metadataOverrides.revocation_endpoint = undefined), 'no_endpoint'],
    ['a refusal (a 401 for a public client)', () => (server.revokeFails = true), 'refused'],
  ];
  for (const [what, setUp, reason] of cases) {
    it(`${what}: logout completes and says the refresh token may still be valid`, async () => {
      setUp();
      const { client } = await signIn(server);
      const failures: PkceClientEvents['revocation-failed'][] = [];
      client.auth.on('revocation-failed', (e) => failures.push(e));
      void client.auth.logout();
      await expect.poll(() => client.navigations.length).toBe(2);
      expect(failures).toEqual([expect.objectContaining({ reason })]);
      expect(client.auth.isAuthenticated()).toBe(false);
    });
  }
});
