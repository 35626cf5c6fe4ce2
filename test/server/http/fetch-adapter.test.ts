import { describe, expect, it } from 'vitest';
import { createTokenVerifier, NetworkError } from '../../../src/server/index.js';
import { createDpopClient, makeProof } from '../dpop-fixtures.js';
import { AUDIENCE, createSigningKey, expectNoToken, signToken } from '../fixtures.js';

const issuer = 'https://auth.example.test';
const secret = new TextEncoder().encode('a shared secret of at least thirty-two bytes');
const verifier = createTokenVerifier({ issuer, audience: AUDIENCE, secret, realm: 'api', requiredScopes: ['read'] });
const sign = (claims: Record<string, unknown> = {}) => signToken(secret, { alg: 'HS256' }, { iss: issuer, scope: 'read', ...claims });
const request = (authorization?: string) =>
  new Request('https://api.example.test/things', authorization === undefined ? {} : { headers: { authorization } });

/** A Workers/Deno/Bun style handler. */
async function handler(req: Request): Promise<Response> {
  const { claims, response } = await verifier.verifyRequest(req);
  if (response) return response;
  return Response.json({ sub: claims.sub });
}

describe('verifier.verifyRequest(request) for Fetch API handlers', () => {
  it('resolves to { claims } for a valid token', async () => {
    const res = await handler(request(`Bearer ${await sign({ sub: 'carol' })}`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'carol' });
  });

  it('resolves to a 401 response with the challenge when no token is sent', async () => {
    const res = await handler(request());
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", scope="read"');
    expect(await res.json()).toEqual({ error: 'missing_token', error_description: 'The request has no access token' });
  });

  it('treats a header with no scheme as no Bearer credentials (401, no error)', async () => {
    const token = await sign();
    const res = await handler(request(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", scope="read"');
  });

  it('resolves to a 400 response for a malformed header', async () => {
    const res = await handler(request('Bearer'));
    expect(res.status).toBe(400);
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header has no token after Bearer"',
    );
  });

  it('resolves to a 401 invalid_token response for a bad token, without the token in it', async () => {
    const token = await signToken(new TextEncoder().encode('another secret that is also long enough!!'), { alg: 'HS256' }, { iss: issuer, scope: 'read' });
    const res = await handler(request(`Bearer ${token}`));
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token signature is invalid"',
    );
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expectNoToken(token, await res.text());
  });

  it('resolves to a 403 response when a per-call scope is missing', async () => {
    const { response } = await verifier.verifyRequest(request(`Bearer ${await sign()}`), { requiredScopes: ['admin'] });
    expect(response?.status).toBe(403);
    expect(response?.headers.get('WWW-Authenticate')).toContain('scope="read admin"');
  });

  it('rejects (no response) when the keys cannot be fetched', async () => {
    const down = createTokenVerifier({
      issuer,
      audience: AUDIENCE,
      jwksUri: `${issuer}/jwks`,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const { privateKey } = await createSigningKey('ES256', 'k1');
    const token = await signToken(privateKey, { alg: 'ES256', kid: 'k1' }, { iss: issuer });
    await expect(down.verifyRequest(request(`Bearer ${token}`))).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('DPoP on the Fetch adapter', () => {
  it('checks the proof against request.method and request.url', async () => {
    const client = await createDpopClient('ES256');
    const token = await sign({ sub: 'fetch', cnf: { jkt: client.jkt } });
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE, secret, realm: 'api', dpop: { nonces: false } });
    const request = (proof: string, method = 'PUT') =>
      new Request('https://api.example.test/things?q=1', { method, headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const { claims } = await verifier.verifyRequest(request(await makeProof(client, { accessToken: token, htm: 'PUT' })));
    expect(claims?.sub).toBe('fetch');
    const { response } = await verifier.verifyRequest(request(await makeProof(client, { accessToken: token, htm: 'GET' })));
    expect(response?.status).toBe(401);
    expect(response?.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('with dpop.publicUrl, the host of request.url (built from Host by Deno, Bun and Node servers) counts for nothing', async () => {
    const client = await createDpopClient('ES256');
    const token = await sign({ sub: 'fetch', cnf: { jkt: client.jkt } });
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE, secret, dpop: { publicUrl: 'https://api.example.test', nonces: false } });
    const request = async (htu: string) =>
      new Request('http://payments.internal.example/transfer', {
        method: 'POST',
        headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htm: 'POST', htu }) },
      });
    expect((await verifier.verifyRequest(await request('https://api.example.test/transfer'))).claims?.sub).toBe('fetch');
    const { response } = await verifier.verifyRequest(await request('http://payments.internal.example/transfer'));
    expect(await response?.json()).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is for another URL (htu)' });
  });
});
