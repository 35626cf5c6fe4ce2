import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifierOptions } from '../../src/server/index.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from './fixtures.js';

let as: AuthServer;
let key: SigningKey;
let base: { issuer: string; jwksUri: string };

beforeAll(async () => {
  as = await startAuthServer();
  key = await createSigningKey('ES256', 'k1');
  as.published = [key];
  base = { issuer: as.issuer, jwksUri: as.jwksUri };
});
afterAll(() => as.close());

describe('RFC 9068 §4 by default (issue 8 item 8)', () => {
  it('accepts typ at+jwt and application/at+jwt with a sub', async () => {
    const v = createTokenVerifier({ ...base, audience: AUDIENCE });
    expect((await v.verify(await as.sign(key, {}, { typ: 'at+jwt' }))).sub).toBe('user-1');
    expect((await v.verify(await as.sign(key, {}, { typ: 'application/at+jwt' }))).sub).toBe('user-1');
  });

  it('refuses a token without typ, or typ JWT (an ID token, say), with nothing to opt in', async () => {
    const v = createTokenVerifier({ ...base, audience: AUDIENCE });
    for (const typ of [undefined, 'JWT']) {
      const token = await as.sign(key, {}, { typ });
      const err = await expectRejected(v.verify(token), 'invalid_token', token);
      expect(err.errorDescription).toBe('The access token is not of type at+jwt');
    }
  });

  it('refuses a token without sub', async () => {
    const token = await as.sign(key, { sub: undefined });
    const err = await expectRejected(createTokenVerifier({ ...base, audience: AUDIENCE }).verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token has no sub claim');
  });

  it('profile: "plain-jwt" is the documented opt-out for servers that issue plain JWTs', async () => {
    const v = createTokenVerifier({ ...base, audience: AUDIENCE, profile: 'plain-jwt' });
    expect((await v.verify(await as.sign(key, {}, { typ: 'JWT' }))).iss).toBe(as.issuer);
    expect((await v.verify(await as.sign(key, { sub: undefined }, { typ: undefined }))).iss).toBe(as.issuer);
    // iss, aud and exp still hold.
    const token = await as.sign(key, { aud: 'https://other.example' }, { typ: 'JWT' });
    await expectRejected(v.verify(token), 'invalid_token', token);
  });
});

describe('clientId instead of audience, for tokens without aud (Amazon Cognito, issue 9 item 3)', () => {
  const cognito = () => createTokenVerifier({ ...base, clientId: 'app-client-1', profile: 'plain-jwt' });
  const accessToken = (claims: Record<string, unknown> = {}) =>
    as.sign(key, { aud: undefined, client_id: 'app-client-1', token_use: 'access', scope: 'openid', ...claims }, { typ: undefined });

  it('accepts a Cognito-shaped access token: client_id, no aud', async () => {
    expect((await cognito().verify(await accessToken())).client_id).toBe('app-client-1');
  });

  it('was impossible with audience: such a token has no aud', async () => {
    const token = await accessToken();
    const v = createTokenVerifier({ ...base, audience: 'app-client-1', profile: 'plain-jwt' });
    await expectRejected(v.verify(token), 'invalid_token', token);
  });

  it('refuses another client, a missing client_id, and any token with an aud (an ID token, say)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: 'someone-else' }, 'The access token was issued to another client'],
      [{ client_id: undefined }, 'The access token has no client_id claim'],
      [{ aud: 'app-client-1', token_use: 'id' }, 'The access token has an aud claim: it is meant for an audience, not checked by client_id'],
    ];
    for (const [claims, description] of cases) {
      const token = await accessToken(claims);
      const err = await expectRejected(cognito().verify(token), 'invalid_token', token);
      expect(err.errorDescription).toBe(description);
    }
  });

  it('is explicit: audience and clientId together, or neither, are configuration errors', () => {
    const both = { ...base, audience: AUDIENCE, clientId: 'x' } as unknown as TokenVerifierOptions;
    expect(() => createTokenVerifier(both)).toThrow('"audience" and "clientId" cannot be combined');
    expect(() => createTokenVerifier({ ...base } as unknown as TokenVerifierOptions)).toThrow('"audience" is required (or "clientId"');
  });
});
