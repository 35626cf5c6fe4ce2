// The flow tests cover auth.fetch end to end; these pin down the request handling of the wrapper.
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../../src/index.js';
import { createAuthorizedFetch, type TokenSource } from '../../../src/client/authorized-fetch.js';

interface Sent {
  url: string;
  method: string;
  authorization: string | null;
  headers: Headers;
  body: string;
}

/** A resource server: refuses `refused` tokens with 401 invalid_token, records every request. */
function api(refused: string[] = [], challenge = 'Bearer error="invalid_token"') {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init);
    const authorization = request.headers.get('authorization');
    sent.push({ url: request.url, method: request.method, authorization, headers: request.headers, body: await request.text() });
    if (authorization && refused.includes(authorization.slice('Bearer '.length))) {
      return new Response(null, { status: 401, headers: { 'www-authenticate': challenge } });
    }
    return Response.json({ ok: true });
  };
  return { fetch, sent };
}

/** A token source handing out `first`, then `renewed` after renew(); records its calls. */
function tokenSource(first = 'token-1', renewed = 'token-2', canRenew = true) {
  const calls = { get: 0, renew: [] as string[] };
  let current = first;
  const source: TokenSource<never> = {
    getAccessToken: async () => {
      calls.get += 1;
      return first;
    },
    currentToken: () => current,
    renew: async (stale) => {
      calls.renew.push(stale);
      current = renewed;
      return renewed;
    },
    canRenew: () => canRenew,
  };
  return { source, calls };
}

// The sign-in's token (`undefined`) for the app and its API, none (`null`) for any other origin.
const allowed = (url: string) => (new URL(url).origin === 'https://app.example' || new URL(url).origin === 'https://api.example' ? undefined : null);

describe('createAuthorizedFetch', () => {
  it('retries a Request object with its body, method and headers, with the new token', async () => {
    const server = api(['token-1']);
    const { source, calls } = tokenSource();
    const authorizedFetch = createAuthorizedFetch(source, allowed, () => server.fetch);
    const request = new Request('https://api.example/api/notes', {
      method: 'PUT',
      body: JSON.stringify({ text: 'hello' }),
      headers: { 'content-type': 'application/json', 'x-request-id': '42' },
    });
    const response = await authorizedFetch(request);
    expect(response.status).toBe(200);
    expect(calls.renew).toEqual(['token-1']);
    expect(server.sent).toHaveLength(2);
    const [first, second] = server.sent as [Sent, Sent];
    expect(first.authorization).toBe('Bearer token-1');
    expect(second.authorization).toBe('Bearer token-2');
    for (const attempt of [first, second]) {
      expect(attempt.method).toBe('PUT');
      expect(attempt.url).toBe('https://api.example/api/notes');
      expect(attempt.body).toBe('{"text":"hello"}');
      expect(attempt.headers.get('content-type')).toBe('application/json');
      expect(attempt.headers.get('x-request-id')).toBe('42');
    }
  });

  it('retries a URL with an init body, sending the body again', async () => {
    const server = api(['token-1']);
    const authorizedFetch = createAuthorizedFetch(tokenSource().source, allowed, () => server.fetch);
    await authorizedFetch('/api/echo', { method: 'POST', body: new URLSearchParams({ a: '1', b: 'two' }) });
    expect(server.sent.map((s) => s.body)).toEqual(['a=1&b=two', 'a=1&b=two']);
    expect(server.sent.map((s) => s.url)).toEqual(['https://app.example/api/echo', 'https://app.example/api/echo']);
  });

  it('leaves requests to other origins untouched: no token asked for, none sent', async () => {
    const server = api();
    const { source, calls } = tokenSource();
    const authorizedFetch = createAuthorizedFetch(source, allowed, () => server.fetch);
    await authorizedFetch('https://tracker.example/collect', { method: 'POST', body: 'x' });
    await authorizedFetch(new URL('https://api.example.evil.example/x'));
    expect(calls.get).toBe(0);
    expect(server.sent.map((s) => s.authorization)).toEqual([null, null]);
    expect(server.sent[0]!.body).toBe('x');
  });

  it('never puts the token in the URL', async () => {
    const server = api();
    const authorizedFetch = createAuthorizedFetch(tokenSource().source, allowed, () => server.fetch);
    await authorizedFetch('https://api.example/search?q=1#frag');
    expect(server.sent[0]!.url).not.toContain('token-1');
    expect(server.sent[0]!.authorization).toBe('Bearer token-1');
  });

  it('replaces an Authorization header the caller set for an allowed origin', async () => {
    const server = api();
    const authorizedFetch = createAuthorizedFetch(tokenSource().source, allowed, () => server.fetch);
    await authorizedFetch('https://api.example/x', { headers: { authorization: 'Basic abc' } });
    expect(server.sent[0]!.authorization).toBe('Bearer token-1');
  });

  it('retries once only: a second refusal is handed back', async () => {
    const server = api(['token-1', 'token-2']);
    const { source, calls } = tokenSource();
    const response = await createAuthorizedFetch(source, allowed, () => server.fetch)('/api/me');
    expect(response.status).toBe(401);
    expect(calls.renew).toHaveLength(1);
    expect(server.sent).toHaveLength(2);
  });

  it('does not retry without a refresh token to renew with', async () => {
    const server = api(['token-1']);
    const { source, calls } = tokenSource('token-1', 'token-2', false);
    const response = await createAuthorizedFetch(source, allowed, () => server.fetch)('/api/me');
    expect(response.status).toBe(401);
    expect(calls.renew).toHaveLength(0);
    expect(server.sent).toHaveLength(1);
  });

  it.each(['Bearer error="insufficient_scope"', 'Bearer', 'Basic realm="api"'])('does not retry a 401 with %s', async (challenge) => {
    const server = api(['token-1'], challenge);
    const { source, calls } = tokenSource();
    const response = await createAuthorizedFetch(source, allowed, () => server.fetch)('/api/me');
    expect(response.status).toBe(401);
    expect(calls.renew).toHaveLength(0);
  });

  it('reads the fetch implementation at call time', async () => {
    const first = api();
    const second = api();
    let current = first.fetch;
    const authorizedFetch = createAuthorizedFetch(tokenSource().source, allowed, () => current);
    await authorizedFetch('/a');
    current = second.fetch;
    await authorizedFetch('/b');
    expect(first.sent).toHaveLength(1);
    expect(second.sent).toHaveLength(1);
  });

  it('passes a token failure through without sending the request', async () => {
    const server = api();
    const failure = Object.assign(new Error('Not signed in'), { code: 'login_required' });
    const source: TokenSource<never> = {
      getAccessToken: () => Promise.reject(failure),
      currentToken: () => undefined,
      renew: () => Promise.reject(failure),
      canRenew: () => false,
    };
    await expect(createAuthorizedFetch(source, allowed, () => server.fetch)('/api/me')).rejects.toBe(failure);
    expect(server.sent).toHaveLength(0);
  });
});
