import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, NetworkError, ValidationError } from '../../../src/server/index.js';
import { fetchJsonObject } from '../../../src/server/keys/fetch-json.js';
import { AUDIENCE, createSigningKey, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

let as: AuthServer;
let rsa: SigningKey;

beforeAll(async () => {
  as = await startAuthServer();
  rsa = await createSigningKey('RS256', 'rsa-1');
  as.published = [rsa];
});
afterAll(() => as.close());

const URL_ = 'https://auth.example.test/jwks';
const get = (fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>, requireJsonType = false) =>
  fetchJsonObject(URL_, 'the JWKS', fetch, 5_000, requireJsonType);
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('resolved'), (e: unknown) => e as Error & { code: string });

describe('fetchJsonObject classifies failures by what happened', () => {
  it('returns a 200 JSON object, asking for JSON and not following redirects', async () => {
    let seen: RequestInit | undefined;
    expect(await get(async (_, init) => ((seen = init), Response.json({ keys: [] })))).toEqual({ keys: [] });
    expect(seen).toMatchObject({ method: 'GET', redirect: 'manual', headers: { accept: 'application/json, application/jwk-set+json' } });
  });

  it('no answer: a NetworkError network_error', async () => {
    const error = await failure(get(() => Promise.reject(new TypeError('fetch failed'))));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('network_error');
    expect(error.message).toBe(`Could not fetch the JWKS ${URL_}`);
  });

  it('an answer that is not a 200 JSON object: a ValidationError invalid_response naming the document', async () => {
    const cases: [Response, string, boolean][] = [
      [new Response('{}', { status: 302, headers: { location: 'https://elsewhere.example/' } }), 'The JWKS https://auth.example.test/jwks answered HTTP 302, expected 200', false],
      [new Response('<html>', { headers: { 'content-type': 'text/html' } }), 'The JWKS https://auth.example.test/jwks is not JSON', true],
      [new Response('not json'), 'The JWKS https://auth.example.test/jwks is not valid JSON', false],
      [Response.json([1, 2]), 'The JWKS https://auth.example.test/jwks is not a JSON object', false],
    ];
    for (const [response, message, requireJsonType] of cases) {
      const error = await failure(get(async () => response, requireJsonType));
      expect(error).toBeInstanceOf(ValidationError);
      expect([error.code, error.message]).toEqual(['invalid_response', message]);
    }
  });

  it('takes application/json and any +json type when a JSON type is required', async () => {
    for (const type of ['application/json', 'application/jwk-set+json; charset=utf-8']) {
      expect(await get(async () => new Response('{"a":1}', { headers: { 'content-type': type } }), true)).toEqual({ a: 1 });
    }
  });
});

describe('key-fetch failures are not token errors', () => {
  it('an unreachable JWKS gives a NetworkError, not invalid_token', async () => {
    const down = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: 'http://127.0.0.1:9/jwks', timeout: 2000 });
    await expect(down.verify(await as.sign(rsa))).rejects.toMatchObject({ name: 'NetworkError', code: 'network_error' });
  });

  it('a JWKS answering 404 gives a ValidationError invalid_response', async () => {
    const broken = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: `${as.issuer}/nothing-here` });
    await expect(broken.verify(await as.sign(rsa))).rejects.toMatchObject({ name: 'ValidationError', code: 'invalid_response' });
  });
});
