// Hostile and odd input at the client (issue 8): returnTo values that re-serialize to another
// host, stray callbacks, unusable keys, configuration that would silently mean something else,
// and what an abandoned login leaves behind. Each case failed before.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientNames } from '../../src/browser/names.js';
import { createPkceClient, isPkceError } from '../../src/index.js';
import { createTestServer, ISSUER, REDIRECT_URI, type TestServer } from '../support/authorization-server.js';
import { weakRsaToken } from '../support/keys.js';
import { createClient, reachCallback, resetPage, startLogin } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(() => {
  vi.useRealTimers();
  resetPage();
});

const tokenRequests = () => server.count('/token', 'POST');

describe('returnTo holds for the exact value the app will use (RFC 9700 §4.11.1)', () => {
  const hostile = [
    '/..//evil.example/x',
    '/.//evil.example/x',
    '/%2e%2e//evil.example/x',
    'https://app.example//evil.example/x',
    'https://app.example/\\evil.example/x',
  ];
  for (const returnTo of hostile) {
    it(`login({ returnTo: ${JSON.stringify(returnTo)} }) comes back as a path on this origin`, async () => {
      const client = createClient(server);
      history.replaceState(null, '', await server.authorize(await startLogin(client, { returnTo })));
      const result = await client.auth.handleRedirect();
      expect(result?.returnTo).toBe('/evil.example/x');
      expect(new URL(result!.returnTo, location.href).origin).toBe(location.origin);
      expect(() => history.replaceState(null, '', result!.returnTo)).not.toThrow();
    });
  }

  it('the default returnTo of a page whose URL is //evil.example/x on this origin stays on this origin', async () => {
    history.replaceState(null, '', 'https://app.example//evil.example/x');
    const client = createClient(server);
    history.replaceState(null, '', await server.authorize(await startLogin(client)));
    expect((await client.auth.handleRedirect())?.returnTo).toBe('/evil.example/x');
  });

  it('keeps an ordinary path, query and fragment as they were', async () => {
    const client = createClient(server);
    history.replaceState(null, '', await server.authorize(await startLogin(client, { returnTo: '/inbox/3?tab=2#top' })));
    expect((await client.auth.handleRedirect())?.returnTo).toBe('/inbox/3?tab=2#top');
  });
});

describe('only the redirect URI is a callback, and there every response counts', () => {
  it('leaves code and state on another path alone: no sign-in, no token request, no stripping', async () => {
    const client = createClient(server);
    const callback = new URL(await server.authorize(await startLogin(client)));
    history.replaceState(null, '', `/settings/anything${callback.search}`);
    expect(await client.auth.handleRedirect()).toBeNull();
    expect(tokenRequests()).toBe(0);
    expect(location.pathname + location.search).toBe(`/settings/anything${callback.search}`);
  });

  it('leaves the app’s own ?code=INVITE&state=x on its pages untouched', async () => {
    history.replaceState(null, '', '/join?code=INVITE&state=x');
    expect(await createClient(server).auth.handleRedirect()).toBeNull();
    expect(location.search).toBe('?code=INVITE&state=x');
  });

  for (const stray of ['?error=access_denied', '?code=abc', '?iss=https%3A%2F%2Fauth.example']) {
    it(`refuses ${stray} on the redirect URI without a state, visibly, and removes it from the address bar`, async () => {
      const client = createClient(server);
      await startLogin(client); // a login is pending: the stray response must not be mistaken for its answer
      history.replaceState(null, '', `${REDIRECT_URI}${stray}`);
      const error = await client.auth.handleRedirect().catch((e: unknown) => e);
      expect(isPkceError(error, 'invalid_state')).toBe(true);
      expect(tokenRequests()).toBe(0);
      expect(location.href).toBe(REDIRECT_URI);
    });
  }

  it('the return from logout on the redirect URI path is no callback', async () => {
    const client = createClient(server);
    history.replaceState(null, '', await server.authorize(await startLogin(client)));
    await client.auth.handleRedirect();
    void client.auth.logout({ returnTo: '/callback' });
    await expect.poll(() => client.navigations.length).toBe(2);
    const state = new URL(client.navigations[1]!).searchParams.get('state');
    history.replaceState(null, '', `${REDIRECT_URI}?state=${state}`);
    expect(await createClient(server).auth.handleRedirect()).toBeNull();
    expect(location.href).toBe(REDIRECT_URI);
  });
});

describe('an unusable key is the token’s problem, not the network’s', () => {
  it('an ID token signed with a 1024-bit RSA key fails sign-in with invalid_id_token', async () => {
    const client = createClient(server);
    const weak = await weakRsaToken({});
    server.jwksOverride = () => [weak.jwk];
    server.idTokenMischief = { sign: async (claims) => (await weakRsaToken(claims, 'weak')).token };
    await reachCallback(server, client);
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });
});

describe('a key set the server cannot serve is the server’s answer, not the token’s', () => {
  const answers: [string, () => Response, RegExp][] = [
    ['HTTP 500', () => new Response('boom', { status: 500 }), /jwks_uri\) answered HTTP 500/],
    ['a redirect, not followed', () => new Response(null, { status: 302, headers: { location: 'https://evil.example/jwks' } }), /answered HTTP 302/],
    ['an HTML page', () => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }), /is not a JWK Set/],
    ['JSON without "keys"', () => Response.json({ key: [] }), /is not a JWK Set/],
  ];
  for (const [what, answer, message] of answers) {
    it(`${what}: sign-in fails with invalid_response, and a later one succeeds`, async () => {
      const client = createClient(server);
      server.jwksAnswer = answer;
      await reachCallback(server, client);
      await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringMatching(message) });
      expect(client.auth.isAuthenticated()).toBe(false);
      server.jwksAnswer = undefined;
      await reachCallback(server, client);
      expect((await client.auth.handleRedirect())?.user?.sub).toBe('alice');
    });
  }
});

describe('configuration that would silently mean something else is refused by name', () => {
  const base = { issuer: ISSUER, clientId: 'spa', redirectUri: REDIRECT_URI };
  for (const entry of ['https://api.example/v1', '*', 'https://api.example/?x=1', 'https://user:pass@api.example', 'https://api.example/#f']) {
    it(`apiOrigins: ${JSON.stringify(entry)}`, () => {
      expect(() => createPkceClient({ ...base, apiOrigins: [entry] })).toThrow(expect.objectContaining({
        code: 'invalid_config',
        message: expect.stringContaining(JSON.stringify(entry)),
      }));
    });
  }

  it('accepts an origin, with or without its trailing slash', () => {
    expect(() => createPkceClient({ ...base, apiOrigins: ['https://api.example', 'https://b.example:8443/'] })).not.toThrow();
  });

  it('a redirectUri on another origin than the page fails at login() and says what is wrong', async () => {
    const { auth } = createClient(server, { redirectUri: 'https://other.example/callback' });
    const error = await auth.login().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'invalid_config' });
    expect(error.message).toContain('https://other.example');
    expect(error.message).toContain('https://app.example');
    expect(sessionStorage.length).toBe(0);
  });

  for (const name of ['request', 'request_uri', 'response_mode']) {
    it(`refuses ${name} in the authorization parameters`, () => {
      expect(() => createPkceClient({ ...base, authorizationParams: { [name]: 'x' } })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    });
  }
});

describe('what an abandoned login leaves behind', () => {
  it('its verifier and nonce are swept once they expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await startLogin(createClient(server));
    expect(sessionStorage.getItem(clientNames(ISSUER, 'spa').transaction)).toContain('codeVerifier');
    vi.setSystemTime(Date.now() + 11 * 60_000);
    await createClient(server).auth.handleRedirect('https://app.example/');
    await expect.poll(() => sessionStorage.getItem(clientNames(ISSUER, 'spa').transaction)).toBeNull();
  });
});
