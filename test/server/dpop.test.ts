import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTokenVerifier,
  memoryReplayCache,
  rotatingDpopNonces,
  type DpopOptions,
  type TokenVerifier,
} from '../../src/server/index.js';
import { verifyDpopProof, type DpopRefusal } from '../../src/server/dpop/proof.js';
import { resolveOptions } from '../../src/server/options/resolve.js';
import { createDpopClient, makeProof, type DpopClient } from './dpop-fixtures.js';
import { AUDIENCE, createSigningKey, expectNoToken, expectRejected, startAuthServer, type AuthServer, type SigningKey } from './fixtures.js';

const URL_ = 'https://api.example.test/things';

let as: AuthServer;
let key: SigningKey;
let client: DpopClient;
let other: DpopClient;

beforeAll(async () => {
  as = await startAuthServer();
  key = await createSigningKey('ES256', 'k1');
  as.published = [key];
  [client, other] = await Promise.all([createDpopClient('ES256'), createDpopClient('ES256')]);
});
afterAll(() => as.close());
afterEach(() => vi.useRealTimers());

const make = (dpop: DpopOptions | boolean = {}, extra: Record<string, unknown> = {}): TokenVerifier =>
  createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, realm: 'api', dpop, ...extra });
/** An access token bound to `to` (cnf.jkt, RFC 9449 §6.1). */
const bound = (to: DpopClient = client, claims: Record<string, unknown> = {}) => as.sign(key, { cnf: { jkt: to.jkt }, ...claims });
const call = (proof: string | string[] | undefined, method = 'GET', url = URL_) => ({ dpop: { proof, method, url } });

describe('RFC 9449 examples as vectors', () => {
  // Figures 12 and 13 (§7.1): the proof for GET https://resource.example.org/protectedresource with
  // access token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU", made at 1562262618; the key is the
  // one of Figure 4, whose RFC 7638 thumbprint §6.1 gives as cnf.jkt.
  const proof =
    'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19' +
    '.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9' +
    '.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA';
  const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
  const jkt = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
  const request = { proofs: [proof], method: 'GET', url: 'https://resource.example.org/protectedresource' };
  const config = () => resolveOptions({ issuer: 'https://as.example', audience: 'x', dpop: true }).dpop!;
  const at = (seconds: number) => vi.useFakeTimers({ toFake: ['Date'], now: seconds * 1000 });
  const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('accepted'), (e: DpopRefusal) => [e.code, e.message]);

  it('Figure 4 key → the §6.1 thumbprint (jose calculateJwkThumbprint)', async () => {
    const jwk = { kty: 'EC', x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs', y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA', crv: 'P-256' };
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe(jkt);
  });

  it('the Figure 12 proof is accepted at its time, for its request, token and key; once', async () => {
    at(1562262618);
    const dpop = config();
    await verifyDpopProof(request, accessToken, jkt, dpop, 5);
    expect(await refusal(verifyDpopProof(request, accessToken, jkt, dpop, 5))).toEqual(['invalid_dpop_proof', 'The DPoP proof was used before']);
  });

  it('the same proof is refused for another URL, method, token or key, or a minute later', async () => {
    at(1562262618);
    const check = (changes: Partial<typeof request>, token = accessToken, thumbprint = jkt) =>
      refusal(verifyDpopProof({ ...request, ...changes }, token, thumbprint, config(), 5));
    expect(await check({ url: 'https://resource.example.org/other' })).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another URL (htu)']);
    expect(await check({ method: 'POST' })).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another HTTP method (htm)']);
    expect(await check({}, `${accessToken}x`)).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another access token (ath)']);
    expect(await check({}, accessToken, other.jkt)).toEqual(['invalid_token', 'The access token is bound to another key than the DPoP proof']);
    at(1562262618 + 66);
    expect(await check({})).toEqual(['invalid_dpop_proof', 'The DPoP proof is too old (iat)']);
  });

  it('query and fragment of the request URL are ignored; scheme and host case and default port normalized', async () => {
    at(1562262618);
    await verifyDpopProof({ ...request, url: 'HTTPS://Resource.Example.org:443/protectedresource?x=1#y' }, accessToken, jkt, config(), 5);
  });
});

describe('a DPoP-bound token presented as Bearer is refused (§7.2)', () => {
  it('with DPoP off too: before, the verifier accepted it', async () => {
    const token = await bound();
    const plain = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    const err = await expectRejected(plain.verify(`Bearer ${token}`), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof');
    expect(err.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", error_description="The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof"',
    );
  });

  it('with DPoP on: the Bearer challenge carries the error, the DPoP challenge follows with algs', async () => {
    const token = await bound();
    const err = await expectRejected(make({ algorithms: ['ES256', 'PS256'] }).verify(`Bearer ${token}`), 'invalid_token', token);
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof", DPoP realm="api", algs="ES256 PS256"',
    );
  });

  it('a token bound in a way this API cannot check (cnf without jkt, e.g. mTLS x5t#S256)', async () => {
    const token = await as.sign(key, { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } });
    const err = await expectRejected(make(false).verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is bound to a key in a way this API cannot check (cnf)');
  });
});

describe('DPoP-bound tokens with a proof (§7.1)', () => {
  it('accepts a token with its proof, through verify()', async () => {
    const token = await bound(client, { sub: 'alice' });
    const proof = await makeProof(client, { accessToken: token });
    expect((await make().verify(`DPoP ${token}`, call(proof))).sub).toBe('alice');
  });

  it('still accepts unbound Bearer tokens in the default mode "allowed"', async () => {
    expect((await make().verify(`Bearer ${await as.sign(key)}`)).sub).toBe('user-1');
  });

  it('mode "required": a Bearer request gets only a DPoP challenge', async () => {
    const err = await expectRejected(make({ mode: 'required', algorithms: ['ES256'] }).verify(`Bearer ${await as.sign(key)}`), 'missing_token');
    expect(err.wwwAuthenticate).toBe('DPoP realm="api", algs="ES256"');
  });

  it('no credentials: one challenge per scheme (§7.2)', async () => {
    const err = await expectRejected(make({ algorithms: ['ES256'] }).verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="api", DPoP realm="api", algs="ES256"');
  });

  it('an unbound token sent with the DPoP scheme', async () => {
    const token = await as.sign(key);
    const err = await expectRejected(make().verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is not DPoP-bound: send it as a Bearer token');
    expect(err.wwwAuthenticate).toMatch(/^DPoP realm="api", error="invalid_token", .*algs=".*", Bearer realm="api"$/);
  });

  it('the DPoP scheme when DPoP is off: no usable credentials', async () => {
    const token = await bound();
    await expectRejected(make(false).verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'missing_token');
  });

  describe('refuses with invalid_dpop_proof (401) a proof that', () => {
    const cases: [string, (token: string) => Promise<string | string[] | undefined>, string][] = [
      ['is missing', async () => undefined, 'The request has no DPoP proof'],
      ['comes twice', async (t) => [await makeProof(client, { accessToken: t }), await makeProof(client, { accessToken: t })], 'The request has more than one DPoP header'],
      ['is not a JWT', async () => 'not-a-jwt', 'The DPoP proof is malformed'],
      ['has typ JWT', (t) => makeProof(client, { accessToken: t, header: { typ: 'JWT' } }), 'The DPoP proof is not of type dpop+jwt'],
      ['has no typ', (t) => makeProof(client, { accessToken: t, header: { typ: undefined } }), 'The DPoP proof is not of type dpop+jwt'],
      ['is signed by another key than its jwk', (t) => makeProof(client, { accessToken: t, signWith: other.privateKey }), 'The DPoP proof signature is invalid'],
      ['has no jwk', (t) => makeProof(client, { accessToken: t, header: { jwk: undefined } }), 'The DPoP proof has no usable public jwk'],
      ['is for another method', (t) => makeProof(client, { accessToken: t, htm: 'POST' }), 'The DPoP proof is for another HTTP method (htm)'],
      ['is for another URL', (t) => makeProof(client, { accessToken: t, htu: 'https://api.example.test/other' }), 'The DPoP proof is for another URL (htu)'],
      ['is for another host', (t) => makeProof(client, { accessToken: t, htu: 'https://evil.example/things' }), 'The DPoP proof is for another URL (htu)'],
      ['is too old', (t) => makeProof(client, { accessToken: t, claims: { iat: Math.floor(Date.now() / 1000) - 120 } }), 'The DPoP proof is too old (iat)'],
      ['is made in the future', (t) => makeProof(client, { accessToken: t, claims: { iat: Math.floor(Date.now() / 1000) + 120 } }), 'The DPoP proof is issued in the future (iat)'],
      ['has no ath', (t) => makeProof(client, { claims: { ath: undefined } }), 'The DPoP proof has no ath claim'],
      ['is for another token (ath)', (t) => makeProof(client, { accessToken: `${t}x` }), 'The DPoP proof is for another access token (ath)'],
      ['has no jti', (t) => makeProof(client, { accessToken: t, claims: { jti: undefined } }), 'The DPoP proof has no jti claim'],
      ['has no htu', (t) => makeProof(client, { accessToken: t, claims: { htu: undefined } }), 'The DPoP proof has no htu claim'],
    ];
    it.each(cases)('%s', async (_, proof, description) => {
      const token = await bound();
      const err = await expectRejected(make({ algorithms: ['ES256'] }).verify(`DPoP ${token}`, call(await proof(token))), 'invalid_dpop_proof', token);
      expect(err.errorDescription).toBe(description);
      expect(err.wwwAuthenticate).toBe(`DPoP realm="api", error="invalid_dpop_proof", error_description="${description}", algs="ES256", Bearer realm="api"`);
    });

    it('is signed with a symmetric algorithm, or an asymmetric one not allowed', async () => {
      const token = await bound();
      const hs = await makeProof(client, {
        accessToken: token,
        header: { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' } },
        signWith: new TextEncoder().encode('secret-secret-secret-secret-secret'),
      });
      const err = await expectRejected(make().verify(`DPoP ${token}`, call(hs)), 'invalid_dpop_proof', token);
      expect(err.errorDescription).toBe('The DPoP proof is signed with an algorithm that is not allowed');
      const es = await makeProof(client, { accessToken: token });
      await expectRejected(make({ algorithms: ['PS256'] }).verify(`DPoP ${token}`, call(es)), 'invalid_dpop_proof', token);
    });

    it('carries a private key as its jwk', async () => {
      const token = await bound();
      const privateJwk = await exportJWK(client.privateKey);
      const proof = await makeProof(client, { accessToken: token, header: { jwk: privateJwk } });
      const err = await expectRejected(make().verify(`DPoP ${token}`, call(proof)), 'invalid_dpop_proof', token);
      expect(err.errorDescription).toBe('The DPoP proof has no usable public jwk');
    });

    it('was used before (jti within the window), also for another verifier sharing the cache', async () => {
      const token = await bound();
      const proof = await makeProof(client, { accessToken: token });
      const replayCache = memoryReplayCache();
      await make({ replayCache }).verify(`DPoP ${token}`, call(proof));
      const err = await expectRejected(make({ replayCache }).verify(`DPoP ${token}`, call(proof)), 'invalid_dpop_proof', token);
      expect(err.errorDescription).toBe('The DPoP proof was used before');
    });
  });

  it('refuses with invalid_token a proof by another key than the token is bound to (a stolen token)', async () => {
    const token = await bound(client);
    const proof = await makeProof(other, { accessToken: token });
    const err = await expectRejected(make().verify(`DPoP ${token}`, call(proof)), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is bound to another key than the DPoP proof');
  });

  it('checks the scope after the binding', async () => {
    const token = await bound(client, { scope: 'read' });
    const proof = await makeProof(client, { accessToken: token });
    await expectRejected(make().verify(`DPoP ${token}`, { ...call(proof), requiredScopes: ['write'] }), 'insufficient_scope', token);
  });
});

describe('server nonces (§9)', () => {
  it('a proof without the nonce gets use_dpop_nonce and a DPoP-Nonce; the retry with it passes', async () => {
    const nonces = rotatingDpopNonces();
    const verifier = make({ nonces, algorithms: ['ES256'] });
    const token = await bound();
    const err = await expectRejected(verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'use_dpop_nonce', token);
    expect(err.status).toBe(401);
    expect(err.dpopNonce).toMatch(/^[\w-]{22}$/);
    expect(err.wwwAuthenticate).toBe(
      'DPoP realm="api", error="use_dpop_nonce", error_description="The DPoP proof has no nonce: use the one in the DPoP-Nonce header", algs="ES256", Bearer realm="api"',
    );
    const retry = await makeProof(client, { accessToken: token, claims: { nonce: err.dpopNonce } });
    expect((await verifier.verify(`DPoP ${token}`, call(retry))).sub).toBe('user-1');
  });

  it('an unknown or expired nonce gets a fresh one', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const nonces = rotatingDpopNonces({ rotateEvery: 60 });
    const old = nonces.current() as string;
    vi.setSystemTime(Date.now() + 121_000);
    const verifier = make({ nonces });
    const token = await bound();
    const err = await expectRejected(verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token, claims: { nonce: old } }))), 'use_dpop_nonce', token);
    expect(err.errorDescription).toBe('The DPoP proof has an old or unknown nonce: use the one in the DPoP-Nonce header');
    expect(err.dpopNonce).not.toBe(old);
  });
});

describe('the adapters read the proof, method and URL from the request', () => {
  let server: Server;
  let base: string;
  let proxied: TokenVerifier;
  let direct: TokenVerifier;

  beforeAll(async () => {
    direct = make({ nonces: rotatingDpopNonces() });
    proxied = make({ publicUrl: 'https://api.example.test/v1' });
    server = createServer(async (req, res) => {
      const verifier = req.url!.startsWith('/proxied') ? proxied : direct;
      if (req.url!.startsWith('/proxied')) req.url = req.url!.slice('/proxied'.length);
      const claims = await verifier.authenticate(req, res);
      if (claims) res.end(JSON.stringify({ sub: claims.sub }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('node:http: the nonce round trip, then the call, with htu from the Host header', async () => {
    const token = await bound(client, { sub: 'node' });
    const htu = `${base}/things`;
    const first = await fetch(`${base}/things?page=2`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu }) },
    });
    expect(first.status).toBe(401);
    const nonce = first.headers.get('dpop-nonce')!;
    expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    expectNoToken(token, await first.text());
    const second = await fetch(`${base}/things?page=2`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu, claims: { nonce } }) },
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ sub: 'node' });
  });

  it('behind a proxy: dpop.publicUrl + the path the server sees (Express originalUrl preferred)', async () => {
    const token = await bound(client, { sub: 'proxied' });
    const ok = await fetch(`${base}/proxied/things`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu: 'https://api.example.test/v1/things' }) },
    });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${base}/proxied/things`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu: `${base}/proxied/things` }) },
    });
    expect(wrong.status).toBe(401);
    const res = { statusCode: 0, headers: {} as Record<string, string>, setHeader(n: string, v: string) { this.headers[n] = v; }, end() {} };
    const proof = await makeProof(client, { accessToken: token, htu: 'https://api.example.test/v1/api/things', htm: 'POST' });
    const req = { method: 'POST', url: '/things', originalUrl: '/api/things', headers: { authorization: `DPoP ${token}`, dpop: proof } };
    expect((await proxied.authenticate(req, res))?.sub).toBe('proxied');
  });

  it('Fetch API: request.method and request.url', async () => {
    const token = await bound(client, { sub: 'fetch' });
    const verifier = make();
    const request = (proof: string, method = 'PUT') =>
      new Request(`${URL_}?q=1`, { method, headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const { claims } = await verifier.verifyRequest(request(await makeProof(client, { accessToken: token, htm: 'PUT' })));
    expect(claims?.sub).toBe('fetch');
    const { response } = await verifier.verifyRequest(request(await makeProof(client, { accessToken: token, htm: 'GET' })));
    expect(response?.status).toBe(401);
    expect(response?.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });
});
