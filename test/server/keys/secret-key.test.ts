import { describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier } from '../../../src/server/index.js';
import { keyMaterialBits, resolveSecret } from '../../../src/server/keys/secret-key.js';
import { AUDIENCE, createSigningKey, expectRejected, SECRET_256, SECRET_512, signToken, unsecuredToken } from '../fixtures.js';

const ISSUER = 'https://auth.example.test';
const base = { issuer: ISSUER, audience: AUDIENCE };
const secret = 'a shared secret of at least thirty-two bytes';
const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret });
const hs = (alg: string, key: string | Uint8Array = secret) =>
  signToken(typeof key === 'string' ? new TextEncoder().encode(key) : key, { alg }, { iss: ISSUER });

describe('keyMaterialBits counts an upper bound of the key material', () => {
  it.each([
    ['bytes: 8 bits each', new Uint8Array([1, 2, 3, 4]), 32],
    ['hexadecimal digits: 4 bits each', 'a3f9c2d4', 32],
    ['base64url characters: 6 bits each, padding not counted', 'Wq3v-_==', 36],
    ['anything else: 8 bits a UTF-8 byte', 'é!', 24],
    ['a repeated sequence: once', 'xyzxyzxyz', 18],
    ['a trailing partial repeat adds nothing', 'xyzxyzxy', 18],
    ['a sequence that does not come twice is no repeat, though it ends as it began', 'xyzwx', 30],
    ['nothing', '', 0],
  ])('%s', (_, value, bits) => {
    expect(keyMaterialBits(value)).toBe(bits);
  });
});

describe('shared secrets with too little key material are refused', () => {
  it.each([
    ['32 spaces', ' '.repeat(32), 8],
    ['one character repeated', 'x'.repeat(64), 6],
    ['a short sequence repeated', 'ab'.repeat(40), 8],
    ['a phrase repeated', 'correct horse '.repeat(8), 112],
    ['one byte repeated', new Uint8Array(64).fill(7), 8],
    ['31 distinct bytes', Uint8Array.from({ length: 31 }, (_, i) => i * 8), 248],
    ['31 bytes whose last equals the first (a random draw, once in 256)', Uint8Array.from({ length: 31 }, (_, i) => (i === 30 ? 0 : i * 8)), 248],
    ['a 40-character hex string', 'a3f9c2d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b', 160],
    ['42 base64url characters', 'Wq3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3S', 252],
  ])('%s', (_, secret, bits) => {
    const run = () => createTokenVerifier({ ...base, secret });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`"secret" holds at most ${bits} bits of key material; HS256 needs 256`);
  });

  it('a secret too short for an algorithm asked for (RFC 7518 §3.2: HS512 needs 512 bits)', () => {
    expect(() => createTokenVerifier({ ...base, secret: SECRET_256, algorithms: ['HS512'] })).toThrow(
      '"secret" holds at most 258 bits of key material; HS512 needs 512',
    );
  });

  it('never shows the secret in the message', () => {
    const secret = 'ab'.repeat(40);
    try {
      createTokenVerifier({ ...base, secret });
    } catch (e) {
      expect((e as Error).message).not.toContain('abab');
    }
  });

  it.each([
    ['32 distinct bytes', Uint8Array.from({ length: 32 }, (_, i) => i * 8)],
    ['32 bytes whose last equals the first (a random draw, once in 256)', Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 0 : i * 8))],
    ['32 bytes whose last two equal the first two', Uint8Array.from({ length: 32 }, (_, i) => (i >= 30 ? (i - 30) * 8 : i * 8))],
    ['64 hex characters', 'a3f9c2d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7'],
    ['43 base64url characters', SECRET_256],
    ['44 base64 characters with padding', 'q3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3Sx+=' ],
    ['a 36-character phrase', 'a shared secret of thirty-six bytes!'],
  ])('accepts %s', (_, secret) => {
    expect(() => createTokenVerifier({ ...base, secret })).not.toThrow();
  });
});

describe('symmetric mode ({ secret })', () => {
  it('accepts its own HS256, HS384 and HS512 tokens when the secret is long enough for each', async () => {
    const v = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET_512 });
    for (const alg of ['HS256', 'HS384', 'HS512']) expect((await v.verify(await hs(alg, SECRET_512))).sub).toBe('user-1');
  });

  it('accepts a Uint8Array secret', async () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const v = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: bytes });
    expect((await v.verify(await hs('HS256', bytes))).sub).toBe('user-1');
  });

  it('refuses a token signed with another secret', async () => {
    const token = await hs('HS256', 'another secret that is also long enough!!');
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token signature is invalid');
  });

  it('refuses an RS256 token', async () => {
    const rsa = await createSigningKey('RS256', 'rsa-1');
    const token = await signToken(rsa.privateKey, { alg: 'RS256' }, { iss: ISSUER });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is signed with an algorithm that is not allowed');
  });

  it('refuses alg: none', async () => {
    const token = unsecuredToken({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 });
    await expectRejected(verifier.verify(token), 'invalid_token', token);
  });

  it('refuses an algorithm left out of "algorithms"', async () => {
    const v = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET_512, algorithms: ['HS512'] });
    const token = await hs('HS256', SECRET_512);
    await expectRejected(v.verify(token), 'invalid_token', token);
  });

  it('still checks iss, aud and exp', async () => {
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ iss: 'https://other.example' }, { iss: ISSUER, aud: 'other' }, { iss: ISSUER, exp: now - 60 }]) {
      const token = await signToken(key, { alg: 'HS256' }, claims);
      await expectRejected(verifier.verify(token), 'invalid_token', token);
    }
  });
});

describe('the key handed to jose', () => {
  it('with one algorithm: the imported WebCrypto key itself, once imported', async () => {
    const resolved = resolveSecret(SECRET_512, ['HS256']);
    expect(typeof resolved.verificationKey()).toBe('function');
    await resolved.getKey({ alg: 'HS256' }, { payload: '', signature: '' });
    const key = resolved.verificationKey() as CryptoKey;
    expect(key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } });
    expect(key.usages).toEqual(['verify']);
  });

  it('with several: always the resolver, which picks the key of the token\'s alg', async () => {
    const resolved = resolveSecret(SECRET_512, undefined);
    await resolved.getKey({ alg: 'HS256' }, { payload: '', signature: '' });
    expect(resolved.verificationKey()).toBe(resolved.getKey);
  });

  it('another HS algorithm is still refused once the key is held', async () => {
    const v = createTokenVerifier({ ...base, secret: SECRET_512, algorithms: ['HS256'] });
    expect((await v.verify(await hs('HS256', SECRET_512))).sub).toBe('user-1');
    const token = await hs('HS512', SECRET_512);
    const err = await expectRejected(v.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is signed with an algorithm that is not allowed');
  });
});
