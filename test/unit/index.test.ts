// @vitest-environment node
// Server-side rendering imports the SDK where there is no window, location or storage:
// importing it, and creating a client, must not touch any of them.
import { describe, expect, it } from 'vitest';

describe('src/index.ts', () => {
  it('imports and creates a client with no browser globals and without any request', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { location?: unknown }).location).toBe('undefined');
    const sdk = await import('../../src/index.js');
    const requests: unknown[] = [];
    const auth = sdk.createPkceClient({
      issuer: 'https://auth.example',
      clientId: 'spa',
      redirectUri: 'https://app.example/callback',
      fetch: async (...args) => {
        requests.push(args);
        return new Response(null, { status: 500 });
      },
    });
    expect(auth.isAuthenticated()).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('exports the client, the stores, the relay and the errors, and no protocol step', async () => {
    const sdk = await import('../../src/index.js');
    expect(Object.keys(sdk).sort()).toEqual([
      'ConfigError',
      'LoginRequiredError',
      'NetworkError',
      'OAuthError',
      'PkceError',
      'PopupError',
      'ValidationError',
      'createPkceClient',
      'indexedDbTokenStore',
      'isCallbackUrl',
      'isPkceError',
      'memoryTokenStore',
      'relayCallback',
      'webStorageTokenStore',
    ]);
  });
});

describe('src/protocol.ts (pkce-spa/protocol)', () => {
  it('exports the protocol steps and the error classes', async () => {
    const protocol = await import('../../src/protocol.js');
    for (const name of [
      'generateCodeVerifier',
      'computeCodeChallenge',
      'randomToken',
      'buildAuthorizationUrl',
      'pushAuthorizationRequest',
      'parseCallback',
      'isCallbackUrl',
      'exchangeCode',
      'refreshTokens',
      'revokeToken',
      'processTokenResponse',
      'validateIdToken',
      'checkRefreshedIdToken',
      'discover',
      'validateMetadata',
      'fetchUserInfo',
      'PkceError',
      'isPkceError',
    ]) {
      expect(typeof (protocol as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(Object.values(protocol).every((value) => typeof value === 'function'), 'no mutable exported value').toBe(true);
  });
});
