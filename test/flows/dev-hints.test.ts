// Hints on the console for what only the app's configuration can fix, on pages served from loopback
// (development) and nowhere else: a request to an API origin missing from apiOrigins (sent without the
// token, answered 401), and a DPoP-bound token sent to an API that takes only Bearer.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier } from '../../src/server/index.js';
import { API_ORIGIN, ISSUER, createTestServer, type TestServer } from '../support/authorization-server.js';
import { dpopAtTokenEndpoint } from '../support/dpop.js';
import { createClient, resetPage, signIn } from '../support/flow.js';

const OTHER_API = 'https://billing.example';

let server: TestServer;
let warnings: string[];
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
});
afterEach(() => {
  vi.restoreAllMocks();
  setURL('https://app.example/');
  resetPage();
});

/** The page moves to a dev server's origin once signed in (the hint reads the page's host). */
const setURL = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
const onDevServer = () => setURL('http://localhost:5173/');

describe('development hints', () => {
  it('an origin missing from apiOrigins answered 401: one hint naming the origin and the option, never the token', async () => {
    const client = createClient(server);
    await signIn(server, client);
    const token = await client.auth.getAccessToken();
    onDevServer();
    expect((await client.auth.fetch(`${OTHER_API}/api/invoices`)).status).toBe(401);
    // The hints are a chunk of their own, loaded by the first 401 on a loopback page.
    await expect.poll(() => warnings.length).toBe(1);
    await client.auth.fetch(`${OTHER_API}/api/invoices`);
    await import('../../src/client/dev-hints.js'); // loaded: a second hint would have come by now
    await new Promise((settled) => setTimeout(settled, 0));
    expect(warnings).toEqual([expect.stringContaining(`${OTHER_API} answered 401 to a request auth.fetch sent without the access token`)]);
    expect(warnings[0]).toContain(`add '${OTHER_API}' to "apiOrigins"`);
    expect(warnings.join()).not.toContain(token);
  });

  it('an opaque token refused by an API that verifies JWTs: the hint says to name the API with resource or audience', async () => {
    // A server that issues opaque tokens unless asked for an API (Auth0 without audience, say).
    server.transformTokenResponse = (body) => ({ ...body, access_token: `opaque-${String(body.access_token).length}-${'x'.repeat(24)}` });
    const client = createClient(server, { resource: undefined });
    await signIn(server, client);
    onDevServer();
    expect((await client.auth.fetch(`${API_ORIGIN}/api/me`)).status).toBe(401);
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/refused the access token, which is opaque \(not a JWT\).*"resource" \(RFC 8707, e\.g\. 'https:\/\/api\.example'\)/);
    expect(warnings[0]).not.toContain('opaque-');
  });

  it('says nothing on a page that is not served from loopback (production)', async () => {
    const client = createClient(server);
    await signIn(server, client);
    expect((await client.auth.fetch(`${OTHER_API}/api/invoices`)).status).toBe(401);
    expect(warnings).toEqual([]);
  });

  it('a DPoP-bound token sent to an API that takes only Bearer: the hint names both ways out', async () => {
    server.dpop = dpopAtTokenEndpoint().check;
    const client = createClient(server, { dpop: true });
    await signIn(server, client);
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: API_ORIGIN, jwksUri: `${ISSUER}/jwks`, fetch: (url, init) => server.fetch(url, init) });
    server.api = async (request) => (await verifier.verifyRequest(request)).response ?? Response.json({});
    onDevServer();
    expect((await client.auth.fetch(`${API_ORIGIN}/api/me`)).status).toBe(401);
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/answered 401 to the DPoP-bound access token.*dpop: \{ publicUrl \} option\), or set dpop: false/)]);
  });
});
