// A refusal's hint (what the token carried, the option to change) is worded when its message is read,
// not when the token is refused: refusing must not cost more than accepting (issue 17), and most
// refusals are never logged one by one. What an error holds as its own message shows when the hint was worded; jose and the verifier are
// the real ones.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerificationError, type TokenVerifier } from '../../../src/server/index.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

/** The message the error holds as its own value: absent until its hint is worded (on first read). */
const worded = (err: Error): unknown => Object.getOwnPropertyDescriptor(err, 'message')?.value;

const GRAPH = '00000003-0000-0000-c000-000000000000';

let as: AuthServer;
let rsa: SigningKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  as = await startAuthServer();
  rsa = await createSigningKey('RS256', 'rsa-1');
  as.published = [rsa];
});
afterAll(() => as.close());
beforeEach(() => {
  verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
});

/** A Graph token as an API sees one: its signature does not verify with the published keys. */
async function graphToken(): Promise<string> {
  const [header, payload] = (await as.sign(rsa, { aud: GRAPH })).split('.');
  return `${header}.${payload}.${(await as.sign(rsa)).split('.')[2]}`;
}

/** The rejection, its message not read yet (expectRejected reads it). */
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a refusal'), (e: unknown) => e as TokenVerificationError);

describe('a refusal reads the token for its hint only when its message is read', () => {
  it('a bad signature: the payload is decoded on the first read of the message, once', async () => {
    const err = await refusal(verifier.verify(await graphToken()));
    expect(err.code).toBe('invalid_token');
    expect(err.errorDescription).toBe('The access token signature is invalid');
    expect(worded(err)).toBeUndefined();
    expect(err.message).toMatch(/^The access token signature is invalid: its "aud" is "00000003-0000-0000-c000-000000000000": a Microsoft Graph token/);
    expect(err.message).toBe(err.message);
    expect(worded(err)).toBe(err.message);
    // From then on a plain data property, as if the constructor had been given it.
    expect(Object.getOwnPropertyDescriptor(err, 'message')).toMatchObject({ writable: true, enumerable: false, configurable: true });
    expect(structuredClone(err).message).toBe(err.message);
  });

  it('a bad signature whose token names no Graph audience: the message is the description alone', async () => {
    const [header, , signature] = (await graphToken()).split('.');
    const [, payload] = (await as.sign(rsa, { sub: 'mallory' })).split('.');
    const token = `${header}.${payload}.${signature}`;
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.message).toBe('The access token signature is invalid');
  });

  it('the stack, read first (as Node prints an error), carries the hint', async () => {
    const err = await refusal(verifier.verify(await graphToken()));
    expect(err.stack).toMatch(/^TokenVerificationError: The access token signature is invalid: its "aud" is .*a Microsoft Graph token/);
    expect(err.message).toContain('a Microsoft Graph token');
    expect(worded(err)).toBe(err.message);
  });

  it('typ: the header is decoded on the first read', async () => {
    const token = await as.sign(rsa, {}, { typ: 'JWT' });
    const err = await refusal(verifier.verify(token));
    expect(worded(err)).toBeUndefined();
    expect(inspect(err)).toContain(`its "typ" is "JWT", not "at+jwt" (RFC 9068): for the plain JWT access tokens most servers issue, set profile: 'plain-jwt'`);
    expect(worded(err)).toBe(err.message);
  });

  it('an opaque token: its length, and never the token', async () => {
    const opaque = 'x'.repeat(40);
    const err = await expectRejected(verifier.verify(opaque), 'invalid_token', opaque);
    expect(err.message).toMatch(/^The access token is malformed: it is not a JWT but an opaque token of 40 characters/);
    expect(err.message).not.toContain(opaque);
  });

  it('a message assigned before any read replaces the hint', async () => {
    const err = await refusal(verifier.verify(await graphToken()));
    err.message = 'replaced';
    expect(err.message).toBe('replaced');
    expect(worded(err)).toBe('replaced');
  });
});
