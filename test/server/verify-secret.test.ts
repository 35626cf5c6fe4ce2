import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/server/index.js';
import { AUDIENCE, createSigningKey, expectRejected, SECRET_512, signToken, unsecuredToken } from './fixtures.js';

const ISSUER = 'https://auth.example.test';
const secret = 'a shared secret of at least thirty-two bytes';
const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret });
const hs = (alg: string, key: string | Uint8Array = secret) =>
  signToken(typeof key === 'string' ? new TextEncoder().encode(key) : key, { alg }, { iss: ISSUER });

describe('symmetric mode ({ secret })', () => {
  it('accepts its own HS256, HS384 and HS512 tokens when the secret is long enough for each', async () => {
    const v = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET_512 });
    for (const alg of ['HS256', 'HS384', 'HS512']) expect((await v.verify(await hs(alg, SECRET_512))).sub).toBe('user-1');
  });

  it('accepts a Uint8Array secret', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
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
