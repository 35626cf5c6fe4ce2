import { describe, expect, it } from 'vitest';
import { ConfigError, isPkceError } from '../../../src/index.js';
import { buildAuthorizationUrl, type AuthorizationRequest } from '../../../src/protocol.js';

const request: AuthorizationRequest = {
  clientId: 'spa',
  redirectUri: 'https://app.example/callback',
  scope: 'openid profile',
  state: 'state-123',
  nonce: 'nonce-456',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
};
const endpoint = 'https://auth.example/authorize';

describe('buildAuthorizationUrl (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
  it('sets every parameter of the request', () => {
    const url = buildAuthorizationUrl(endpoint, request);
    expect(url.origin + url.pathname).toBe(endpoint);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: 'https://app.example/callback',
      scope: 'openid profile',
      state: 'state-123',
      nonce: 'nonce-456',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });

  it('always asks for the code response type with S256, and never sends a verifier', () => {
    const query = buildAuthorizationUrl(endpoint, request).searchParams;
    expect(query.getAll('response_type')).toEqual(['code']);
    expect(query.getAll('code_challenge_method')).toEqual(['S256']);
    expect(query.has('code_verifier')).toBe(false);
  });

  it('leaves nonce out when none is given', () => {
    const { nonce: _, ...withoutNonce } = request;
    expect(buildAuthorizationUrl(endpoint, withoutNonce).searchParams.has('nonce')).toBe(false);
  });

  it('sends one resource, and repeats resource for an array (RFC 8707)', () => {
    expect(buildAuthorizationUrl(endpoint, { ...request, resource: 'https://api.example' }).searchParams.getAll('resource')).toEqual([
      'https://api.example',
    ]);
    const many = buildAuthorizationUrl(endpoint, { ...request, resource: ['https://api.example', 'https://files.example'] });
    expect(many.searchParams.getAll('resource')).toEqual(['https://api.example', 'https://files.example']);
    expect(buildAuthorizationUrl(endpoint, request).searchParams.has('resource')).toBe(false);
  });

  it('adds extra parameters', () => {
    const query = buildAuthorizationUrl(endpoint, {
      ...request,
      params: { prompt: 'login', login_hint: 'alice@example.com', max_age: '300', audience: 'https://api.example', ui_locales: 'fr en' },
    }).searchParams;
    expect(query.get('prompt')).toBe('login');
    expect(query.get('login_hint')).toBe('alice@example.com');
    expect(query.get('max_age')).toBe('300');
    expect(query.get('audience')).toBe('https://api.example');
    expect(query.get('ui_locales')).toBe('fr en');
    expect(query.get('response_type')).toBe('code');
  });

  it('keeps a query the endpoint already has', () => {
    const url = buildAuthorizationUrl('https://auth.example/oauth2/authorize?tenant=acme&p=B2C_1_signin', request);
    expect(url.pathname).toBe('/oauth2/authorize');
    expect(url.searchParams.get('tenant')).toBe('acme');
    expect(url.searchParams.get('p')).toBe('B2C_1_signin');
    expect(url.searchParams.get('client_id')).toBe('spa');
  });

  it('encodes values safely', () => {
    const url = buildAuthorizationUrl(endpoint, { ...request, params: { login_hint: 'a&response_type=token' } });
    expect(url.searchParams.getAll('response_type')).toEqual(['code']);
    expect(url.searchParams.get('login_hint')).toBe('a&response_type=token');
  });

  it.each([
    'response_type',
    'client_id',
    'redirect_uri',
    'scope',
    'state',
    'nonce',
    'code_challenge',
    'code_challenge_method',
    'resource',
    'response_mode',
  ])('refuses "%s" among the extra parameters with ConfigError naming it', (name) => {
    let error: unknown;
    try {
      buildAuthorizationUrl(endpoint, { ...request, params: { [name]: 'x' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(isPkceError(error, 'invalid_config')).toBe(true);
    expect((error as Error).message).toContain(name);
  });
});
