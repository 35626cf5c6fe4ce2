import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyDpopProof, type DpopRefusal } from '../../../src/server/dpop/proof.js';
import {
  createTokenVerifier,
  isPkceError,
  memoryReplayCache,
  rotatingDpopNonces,
  TokenVerificationError,
  type DpopOptions,
  type JWTPayload,
  type TokenVerifier,
} from '../../../src/server/index.js';
import { resolveOptions } from '../../../src/server/options/resolve.js';
import { createDpopClient, makeProof, type DpopClient } from '../dpop-fixtures.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

// RFC 9449 §4.3 and §7.1: what a proof must be, checked directly and through a verifier.

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

const jwksOptions = () => ({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, realm: 'api' });
/** A DPoP verifier; server nonces off unless given, as the subject here is the proof itself. */
const make = (dpop: DpopOptions = {}): TokenVerifier => createTokenVerifier({ ...jwksOptions(), dpop: { nonces: false, ...dpop } });
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
  const request = { proofs: [proof], method: 'GET', urls: ['https://resource.example.org/protectedresource'] };
  const config = () => resolveOptions({ issuer: 'https://as.example', audience: 'x', dpop: { nonces: false } }).dpop!;
  const at = (seconds: number) => vi.useFakeTimers({ toFake: ['Date'], now: seconds * 1000 });
  const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('accepted'), (e: DpopRefusal) => [e.code, e.message]);

  it('Figure 4 key → the §6.1 thumbprint (jose calculateJwkThumbprint)', async () => {
    const jwk = { kty: 'EC', x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs', y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA', crv: 'P-256' };
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe(jkt);
  });

  it('the Figure 12 proof is accepted at its time, for its request, token and key; once', async () => {
    at(1562262618);
    const dpop = config();
    await verifyDpopProof(request, accessToken, jkt, dpop);
    expect(await refusal(verifyDpopProof(request, accessToken, jkt, dpop))).toEqual(['invalid_dpop_proof', 'The DPoP proof was used before']);
  });

  it('the same proof is refused for another URL, method, token or key, or a minute later', async () => {
    at(1562262618);
    const check = (changes: Partial<typeof request>, token = accessToken, thumbprint = jkt) =>
      refusal(verifyDpopProof({ ...request, ...changes }, token, thumbprint, config()));
    expect(await check({ urls: ['https://resource.example.org/other'] })).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another URL (htu)']);
    expect(await check({ method: 'POST' })).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another HTTP method (htm)']);
    expect(await check({}, `${accessToken}x`)).toEqual(['invalid_dpop_proof', 'The DPoP proof is for another access token (ath)']);
    expect(await check({}, accessToken, other.jkt)).toEqual(['invalid_token', 'The access token is bound to another key than the DPoP proof']);
    at(1562262618 + 66);
    expect(await check({})).toEqual(['invalid_dpop_proof', 'The DPoP proof is too old (iat)']);
  });

  it('query and fragment of the request URL are ignored; scheme and host case and default port normalized', async () => {
    at(1562262618);
    await verifyDpopProof({ ...request, urls: ['HTTPS://Resource.Example.org:443/protectedresource?x=1#y'] }, accessToken, jkt, config());
  });
});

describe('a proof presented with its DPoP-bound token', () => {
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
});

/**
 * Verifies `token` with a fresh proof (claims and iat as given), and once more with the nonce when
 * the verifier asks for one; resolves to the claims and the proof that was accepted.
 */
async function verifyWithProof(verifier: TokenVerifier, token: string, claims: Record<string, unknown> = {}) {
  let proof = await makeProof(client, { accessToken: token, claims });
  const first = await verifier.verify(`DPoP ${token}`, call(proof)).catch((error: unknown) => error);
  if (!isPkceError(first, 'use_dpop_nonce')) {
    if (first instanceof Error) throw first;
    return { claims: first as JWTPayload, proof };
  }
  proof = await makeProof(client, { accessToken: token, claims: { ...claims, nonce: (first as TokenVerificationError).dpopNonce } });
  return { claims: await verifier.verify(`DPoP ${token}`, call(proof)), proof };
}

describe('the replay cache fails closed', () => {
  it('a spent proof is never accepted again, however many proofs came after it: a full cache refuses new ones', async () => {
    const verifier = make({ replayCache: memoryReplayCache({ maxEntries: 2 }) });
    const token = await bound();
    const { proof: spent } = await verifyWithProof(verifier, token);
    await verifyWithProof(verifier, token);
    const full = await verifyWithProof(verifier, token).then(() => expect.fail('a proof beyond maxEntries was accepted'), (e: unknown) => e);
    expect(full).not.toBeInstanceOf(TokenVerificationError);
    expect(isPkceError(full, 'replay_cache_full')).toBe(true);
    const err = await expectRejected(verifier.verify(`DPoP ${token}`, call(spent)), 'invalid_dpop_proof', token);
    expect(err.errorDescription).toBe('The DPoP proof was used before');
  });
});

describe('the replay cache keeps a proof as long as it can be accepted', () => {
  it('a replay in the proof’s last accepted millisecond is refused as used; one millisecond later, as too old', async () => {
    const iat = 1_800_000_000;
    vi.useFakeTimers({ toFake: ['Date'], now: iat * 1000 });
    const verifier = make({ maxProofAge: 60, clockSkew: 5 });
    const token = await bound(client, { exp: iat + 3600 });
    const proof = await makeProof(client, { accessToken: token, claims: { iat } });
    await verifier.verify(`DPoP ${token}`, call(proof));
    vi.setSystemTime((iat + 66) * 1000 - 1);
    expect((await expectRejected(verifier.verify(`DPoP ${token}`, call(proof)), 'invalid_dpop_proof', token)).errorDescription).toBe('The DPoP proof was used before');
    vi.setSystemTime((iat + 66) * 1000);
    expect((await expectRejected(verifier.verify(`DPoP ${token}`, call(proof)), 'invalid_dpop_proof', token)).errorDescription).toBe('The DPoP proof is too old (iat)');
  });
});

describe('the proof-time window is its own setting (RFC 9449 §11.1)', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('a proof 20 s ahead passes when it carries a valid server nonce: the nonce bounds its freshness', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    const verifier = make({ nonces: rotatingDpopNonces() });
    const token = await bound();
    const { claims } = await verifyWithProof(verifier, token, { iat: now() + 20 });
    expect(claims.sub).toBe('user-1');
  });

  it('clockTolerance, the access token’s skew, does not widen the window of proofs', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    const verifier = createTokenVerifier({ ...jwksOptions(), clockTolerance: 120, dpop: { nonces: false } });
    const token = await bound();
    const err = await expectRejected(verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token, claims: { iat: now() + 20 } }))), 'invalid_dpop_proof', token);
    expect(err.errorDescription).toBe('The DPoP proof is issued in the future (iat)');
  });

  it('dpop.clockSkew lets a proof 20 s ahead through without accepting a token that expired 100 s ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    const verifier = createTokenVerifier({ ...jwksOptions(), dpop: { clockSkew: 30, nonces: false } });
    const token = await bound();
    expect((await verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token, claims: { iat: now() + 20 } })))).sub).toBe('user-1');
    const expired = await bound(client, { iat: now() - 400, exp: now() - 100 });
    const err = await expectRejected(verifier.verify(`DPoP ${expired}`, call(await makeProof(client, { accessToken: expired }))), 'invalid_token', expired);
    expect(err.errorDescription).toBe('The access token expired');
  });
});
