import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, createTokenVerifier, rotatingDpopNonces, type DpopOptions, type TokenVerifier } from '../../../src/server/index.js';
import { createDpopClient, makeProof, type DpopClient } from '../dpop-fixtures.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

const URL_ = 'https://api.example.test/things';

let as: AuthServer;
let key: SigningKey;
let client: DpopClient;

beforeAll(async () => {
  as = await startAuthServer();
  key = await createSigningKey('ES256', 'k1');
  as.published = [key];
  client = await createDpopClient('ES256');
});
afterAll(() => as.close());
afterEach(() => vi.useRealTimers());

const make = (dpop: DpopOptions = {}): TokenVerifier =>
  createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, realm: 'api', dpop });
const bound = () => as.sign(key, { cnf: { jkt: client.jkt } });
const call = (proof: string) => ({ dpop: { proof, method: 'GET', url: URL_ } });

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

  it('once a new nonce is current, a passed request with the previous one gets it in DPoP-Nonce, so the client never meets the refusal', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    const nonces = rotatingDpopNonces({ rotateEvery: 60 });
    const first = nonces.current() as string;
    const verifier = make({ nonces, publicUrl: 'https://api.example.test' });
    const token = await as.sign(key, { cnf: { jkt: client.jkt }, exp: 1_800_003_600 });
    const request = async (nonce: string) =>
      new Request(URL_, { headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, claims: { nonce } }) } });
    expect(await verifier.verifyRequest(await request(first))).not.toHaveProperty('dpopNonce');
    vi.setSystemTime(1_800_000_070_000); // the next period: `first` still valid, no longer current
    const passed = await verifier.verifyRequest(await request(first));
    expect(passed.claims?.sub).toBe('user-1');
    expect(passed.dpopNonce).toBe(nonces.current());
    expect(passed.dpopNonce).not.toBe(first);
    expect(await verifier.verifyRequest(await request(passed.dpopNonce!))).not.toHaveProperty('dpopNonce');
    // The Node adapter sets it on the answer itself.
    const headers: Record<string, string> = {};
    const res = { statusCode: 200, setHeader: (name: string, value: string) => void (headers[name] = value), end: () => undefined };
    const proof = await makeProof(client, { accessToken: token, claims: { nonce: first } });
    const claims = await verifier.authenticate({ headers: { authorization: `DPoP ${token}`, dpop: proof }, method: 'GET', url: '/things' }, res);
    expect([claims?.sub, res.statusCode, headers['DPoP-Nonce']]).toEqual(['user-1', 200, nonces.current()]);
  });

  it('refuses a bad rotateEvery with a ConfigError', () => {
    expect(() => rotatingDpopNonces({ rotateEvery: -1 })).toThrow(ConfigError);
  });
});

describe('server nonces by default: a proof signed ahead stops working once its nonce has rotated out (RFC 9449 §11.2)', () => {
  const T0 = 1_800_000_000;

  it('a nonce is accepted until the end of the period after the one it was handed out in, however late a rotation is seen', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 * 1000 });
    const nonces = rotatingDpopNonces({ rotateEvery: 60 });
    const first = nonces.current() as string;
    vi.setSystemTime((T0 + 100) * 1000);
    expect(nonces.isValid(first)).toBe(true);
    vi.setSystemTime((T0 + 119) * 1000);
    expect(nonces.isValid(first)).toBe(true);
    vi.setSystemTime((T0 + 120) * 1000);
    expect(nonces.isValid(first)).toBe(false);
  });

  it('with dpop on and no nonces option, proofs signed 40 s and 340 s ahead by script in the page are refused once the nonce current at signing has rotated out', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 * 1000 });
    const verifier = make();
    const token = await as.sign(key, { cnf: { jkt: client.jkt }, exp: T0 + 3600 });
    // At T0 + 10 s the script asks for the current nonce and signs proofs for later.
    vi.setSystemTime((T0 + 10) * 1000);
    const { dpopNonce: nonce } = await expectRejected(verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'use_dpop_nonce', token);
    const ahead = (seconds: number) => makeProof(client, { accessToken: token, claims: { nonce, iat: T0 + 10 + seconds } });
    const [control, ahead40, ahead340] = await Promise.all([ahead(40), ahead(40), ahead(340)]);
    // While the nonce lives, a proof signed ahead works: the page's own script is trusted code.
    vi.setSystemTime((T0 + 50) * 1000);
    expect((await verifier.verify(`DPoP ${token}`, call(control))).sub).toBe('user-1');
    // A request in between sees the rotation late.
    vi.setSystemTime((T0 + 100) * 1000);
    await expectRejected(verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'use_dpop_nonce', token);
    vi.setSystemTime((T0 + 130) * 1000);
    await expectRejected(verifier.verify(`DPoP ${token}`, call(ahead40)), 'use_dpop_nonce', token);
    vi.setSystemTime((T0 + 350) * 1000);
    await expectRejected(verifier.verify(`DPoP ${token}`, call(ahead340)), 'use_dpop_nonce', token);
  });

  it('nonces: false turns them off', async () => {
    const verifier = make({ nonces: false });
    const token = await bound();
    expect((await verifier.verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token })))).sub).toBe('user-1');
  });
});
