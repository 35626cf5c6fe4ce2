import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../../src/server/index.js';
import { grantedScopes } from '../../../src/server/verifier/scopes.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

let as: AuthServer;
let rsa: SigningKey;

beforeAll(async () => {
  as = await startAuthServer();
  rsa = await createSigningKey('RS256', 'rsa-1');
});
afterAll(() => as.close());
beforeEach(() => {
  as.published = [rsa];
});

describe('grantedScopes reads one claim', () => {
  it('scope: a space-separated string; anything else grants nothing', () => {
    expect([...grantedScopes({ scope: 'openid  read write' }, 'scope')]).toEqual(['openid', 'read', 'write']);
    expect([...grantedScopes({ scope: ['read'] }, 'scope')]).toEqual([]);
    expect([...grantedScopes({ scope: { read: true } }, 'scope')]).toEqual([]);
  });

  it('scp: an array of strings (Okta) or a space-separated string (Entra ID); non-strings are skipped', () => {
    expect([...grantedScopes({ scp: ['read', 'write', 7, ''] }, 'scp')]).toEqual(['read', 'write']);
    expect([...grantedScopes({ scp: 'read write' }, 'scp')]).toEqual(['read', 'write']);
  });

  it('never the other claim', () => {
    expect([...grantedScopes({ scope: 'read', scp: ['write'] }, 'scope')]).toEqual(['read']);
    expect([...grantedScopes({ scope: 'read', scp: ['write'] }, 'scp')]).toEqual(['write']);
  });
});

describe('required scopes, through the verifier', () => {
  it('accepts a token holding every required scope in its scope claim, or in scp with scopeClaim: "scp"', async () => {
    const base = { issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read', 'write'] };
    expect((await createTokenVerifier(base).verify(await as.sign(rsa, { scope: 'openid read write' }))).sub).toBe('user-1');
    const scp = createTokenVerifier({ ...base, scopeClaim: 'scp' });
    expect((await scp.verify(await as.sign(rsa, { scp: ['read', 'write'] }))).sub).toBe('user-1');
    expect((await scp.verify(await as.sign(rsa, { scp: 'read write' }))).sub).toBe('user-1');
  });

  it('keeps scope and scp apart: never adds one to the other', async () => {
    const base = { issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read', 'write'] };
    // Old behaviour: the union of both claims granted read + write.
    const mixed = await as.sign(rsa, { scope: 'read', scp: ['write'] });
    await expectRejected(createTokenVerifier(base).verify(mixed), 'insufficient_scope', mixed);
    await expectRejected(createTokenVerifier({ ...base, scopeClaim: 'scp' }).verify(mixed), 'insufficient_scope', mixed);
    // scope is a string claim (RFC 9068 §2.2.3): an array there grants nothing.
    const arrayScope = await as.sign(rsa, { scope: ['read', 'write'] });
    await expectRejected(createTokenVerifier(base).verify(arrayScope), 'insufficient_scope', arrayScope);
  });

  it('refuses a token missing one with 403 insufficient_scope naming the scopes', async () => {
    const v = createTokenVerifier({
      issuer: as.issuer,
      audience: AUDIENCE,
      jwksUri: as.jwksUri,
      realm: 'orders',
      requiredScopes: ['orders:read'],
    });
    const token = await as.sign(rsa, { scope: 'orders:read' });
    const err = await expectRejected(v.verify(token, { requiredScopes: ['orders:write'] }), 'insufficient_scope', token);
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:read orders:write"',
    );
    expect(err.scope).toEqual(['orders:read', 'orders:write']);
  });

  it('does not read scopes from a scope claim that is not a string', async () => {
    const v = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read'] });
    const token = await as.sign(rsa, { scope: { read: true } });
    await expectRejected(v.verify(token), 'insufficient_scope', token);
  });
});

