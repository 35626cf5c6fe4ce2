// resolveConfig is reached through createPkceClient, which validates its options synchronously.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/client/resolve-options.js';
import { ConfigError, createPkceClient, isPkceError, type FetchLike, type PkceClientOptions } from '../../../src/index.js';

const valid: PkceClientOptions = {
  issuer: 'https://auth.example',
  clientId: 'spa',
  redirectUri: 'https://app.example/callback',
};

const requests: unknown[] = [];
const recordingFetch: FetchLike = async (...args) => {
  requests.push(args);
  return new Response(null, { status: 500 });
};
beforeEach(() => {
  requests.length = 0;
  sessionStorage.clear();
  localStorage.clear();
});
afterEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});

/** The ConfigError createPkceClient threw at once; its message must name `field`. */
function refusal(options: Record<string, unknown>, field: string): ConfigError {
  let error: unknown;
  try {
    createPkceClient({ ...valid, fetch: recordingFetch, ...options } as PkceClientOptions);
  } catch (e) {
    error = e;
  }
  expect(error, `accepted ${JSON.stringify(options)}`).toBeInstanceOf(ConfigError);
  expect(isPkceError(error, 'invalid_config')).toBe(true);
  expect((error as Error).message).toContain(field);
  expect(requests).toHaveLength(0);
  return error as ConfigError;
}

const accepted = (options: Record<string, unknown>) =>
  expect(() => createPkceClient({ ...valid, fetch: recordingFetch, ...options } as PkceClientOptions)).not.toThrow();

describe('createPkceClient validates its options, naming the field', () => {
  it('refuses missing options', () => {
    for (const options of [undefined, null, 'https://auth.example']) {
      expect(() => createPkceClient(options as unknown as PkceClientOptions)).toThrow(ConfigError);
    }
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['relative', '/auth'],
    ['without scheme', 'auth.example'],
    ['plain http on a public host', 'http://auth.example'],
    ['with a query', 'https://auth.example/?tenant=a'],
    ['with a fragment', 'https://auth.example/#x'],
    ['not a string', 42],
    ['a URL object', new URL('https://auth.example')],
  ])('issuer: refuses %s', (_, issuer) => {
    refusal({ issuer }, 'issuer');
  });

  it.each(['http://localhost:8080', 'http://127.0.0.1:9000/realms/dev', 'http://[::1]:8080', 'https://auth.example/tenant/'])(
    'issuer: accepts %s',
    (issuer) => accepted({ issuer }),
  );

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 42],
  ])('clientId: refuses %s', (_, clientId) => {
    refusal({ clientId }, 'clientId');
  });

  it.each([
    ['missing', undefined],
    ['relative', '/callback'],
    ['plain http on a public host', 'http://app.example/callback'],
    ['with a fragment', 'https://app.example/callback#done'],
    ['a custom scheme', 'javascript:alert(1)'],
  ])('redirectUri: refuses %s', (_, redirectUri) => {
    refusal({ redirectUri }, 'redirectUri');
  });

  it('redirectUri: accepts http on loopback and a query', () => {
    accepted({ redirectUri: 'http://localhost:5173/callback' });
    accepted({ redirectUri: 'https://app.example/callback?from=login' });
  });

  it.each([
    ['relative', '/api'],
    ['a bare word', 'api'],
    ['with a fragment (RFC 8707 §2)', 'https://api.example/#x'],
    ['with an empty fragment', 'urn:example:api#'],
    ['one bad entry of an array', ['https://api.example', 'api2']],
    ['not a string', 42],
  ])('resource: refuses %s', (_, resource) => {
    refusal({ resource }, 'resource');
  });

  it('resource: accepts any absolute URI, as RFC 8707 §2 does (Entra api://, URNs)', () => {
    accepted({ resource: 'api://orders' });
    accepted({ resource: 'urn:example:api' });
    accepted({ resource: 'http://api.example' });
  });

  it('resource: accepts one URL or several', () => {
    accepted({ resource: 'https://api.example' });
    accepted({ resource: ['https://api.example', 'https://files.example/v1'] });
  });

  it.each([
    ['a host without scheme', ['api.example']],
    ['plain http on a public host', ['http://api.example']],
    ['one bad entry', ['https://api.example', '*']],
    ['a wildcard subdomain', ['https://*.example.com']],
    ['a wildcard in the middle of a host', ['https://api.*.example.com']],
    ['a string instead of an array', 'https://api.example'],
  ])('apiOrigins: refuses %s', (_, apiOrigins) => {
    refusal({ apiOrigins }, 'apiOrigins');
  });

  it('apiOrigins: accepts https origins and loopback http', () => {
    accepted({ apiOrigins: ['https://api.example', 'http://localhost:3000'] });
  });

  describe.each(['clockTolerance', 'refreshLeeway', 'timeout'])('%s', (field) => {
    it.each([
      ['negative', -1],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a string', '30'],
      ['null', null],
    ])('refuses %s', (_, value) => {
      refusal({ [field]: value }, field);
    });

    it('accepts 0 and a positive number', () => {
      accepted({ [field]: 0 });
      accepted({ [field]: 45 });
    });
  });

  it.each(['fetch', 'navigate'])('%s: refuses a value that is not a function', (field) => {
    refusal({ [field]: 'window.fetch' }, field);
    refusal({ [field]: {} }, field);
    refusal({ [field]: null }, field);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['not a string', ['openid']],
  ])('scope: refuses %s', (_, scope) => {
    refusal({ scope }, 'scope');
  });

  it.each(['response_type', 'state', 'code_challenge_method', 'code_challenge', 'nonce', 'redirect_uri', 'client_id', 'scope'])(
    'authorizationParams: refuses the reserved "%s"',
    (name) => {
      const error = refusal({ authorizationParams: { [name]: 'x' } }, 'authorizationParams');
      expect(error.message).toContain(name);
    },
  );

  it('authorizationParams: accepts others', () => {
    accepted({ authorizationParams: { audience: 'https://api.example', prompt: 'consent', max_age: '300' } });
  });

  it.each(['abc', '1.5', '-1', ''])('authorizationParams: refuses max_age %j, which would switch off the auth_time check', (maxAge) => {
    const error = refusal({ authorizationParams: { max_age: maxAge } }, 'authorizationParams');
    expect(error.message).toContain('max_age');
  });

  it('postLogoutRedirectUri: refuses a relative or plain-http URL', () => {
    refusal({ postLogoutRedirectUri: '/bye' }, 'postLogoutRedirectUri');
    refusal({ postLogoutRedirectUri: 'http://app.example/bye' }, 'postLogoutRedirectUri');
  });

  const metadata = {
    issuer: 'https://auth.example',
    authorization_endpoint: 'https://auth.example/authorize',
    token_endpoint: 'https://auth.example/token',
  };

  it('metadata: accepted, without its own issuer too', () => {
    accepted({ metadata });
    const { issuer: _, ...withoutIssuer } = metadata;
    accepted({ metadata: withoutIssuer });
  });

  it.each([
    ['an issuer that differs', { ...metadata, issuer: 'https://evil.example' }],
    ['an issuer with a trailing slash', { ...metadata, issuer: 'https://auth.example/' }],
    ['a plain-http endpoint', { ...metadata, token_endpoint: 'http://auth.example/token' }],
    ['a plain-http jwks_uri', { ...metadata, jwks_uri: 'http://auth.example/jwks' }],
    ['no token_endpoint', { ...metadata, token_endpoint: undefined }],
    ['no S256', { ...metadata, code_challenge_methods_supported: ['plain'] }],
  ])('metadata: refuses %s', (_, value) => {
    refusal({ metadata: value }, 'metadata');
  });
});

describe('a valid configuration', () => {
  it('creates the client without any request, storage write or navigation', () => {
    const navigations: string[] = [];
    const href = location.href;
    const auth = createPkceClient({
      ...valid,
      scope: 'openid email',
      resource: 'https://api.example',
      apiOrigins: ['https://api.example'],
      clockTolerance: 10,
      refreshLeeway: 30,
      timeout: 5_000,
      authorizationParams: { prompt: 'login' },
      fetch: recordingFetch,
      navigate: (url) => void navigations.push(url),
    });
    expect(auth.isAuthenticated()).toBe(false);
    expect(auth.user).toBeUndefined();
    expect(requests).toHaveLength(0);
    expect(navigations).toHaveLength(0);
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
    expect(location.href).toBe(href);
  });
});

describe('options given as undefined', () => {
  it('take their defaults, as if left out (an unset environment variable, say)', () => {
    const auth = createPkceClient({
      issuer: 'https://auth.example',
      clientId: 'spa',
      redirectUri: 'https://app.example/callback',
      scope: undefined,
      clockTolerance: undefined,
      refreshLeeway: undefined,
      timeout: undefined,
    });
    expect(auth.isAuthenticated()).toBe(false);
    expect(resolveConfig({ issuer: 'https://auth.example', clientId: 'spa', redirectUri: 'https://app.example/cb', scope: undefined })).toMatchObject({
      scope: 'openid profile offline_access',
      timeout: 10_000,
    });
  });
});

describe('an option that does not exist', () => {
  it('is refused by name, with the option it was probably meant to be', () => {
    const base = { issuer: 'https://auth.example', clientId: 'spa', redirectUri: 'https://app.example/callback' };
    expect(() => createPkceClient({ ...base, apiOrigin: ['https://api.example'] } as never)).toThrow(
      '"apiOrigin" is not an option of createPkceClient(): did you mean "apiOrigins"?',
    );
    expect(() => createPkceClient({ ...base, redirectURI: 'x' } as never)).toThrow('did you mean "redirectUri"?');
    expect(() => createPkceClient({ ...base, audience: 'x' } as never)).toThrow('"audience" is not an option of createPkceClient(): authorization request parameters');
  });
});

