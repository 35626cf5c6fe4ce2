// A browser that blocks storage for the site (a setting, an extension, a sandboxed frame) throws a
// SecurityError at the mere mention of sessionStorage. Sign-in cannot keep its transaction there: it
// is refused with a typed error that names the storage and the way out, and the page's start-up
// (handleRedirect, restoreSession) goes on as for a visitor who is signed out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webStorageTokenStore } from '../../src/index.js';
import { createTestServer, type TestServer } from '../support/authorization-server.js';
import { createClient, resetPage } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});

const original = Object.getOwnPropertyDescriptor(globalThis, 'sessionStorage')!;
const originalLocal = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')!;
afterEach(() => {
  Object.defineProperty(globalThis, 'sessionStorage', original);
  Object.defineProperty(globalThis, 'localStorage', originalLocal);
  resetPage();
});

function blockSessionStorage() {
  Object.defineProperty(globalThis, 'sessionStorage', {
    configurable: true,
    get() {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    },
  });
}

describe('sessionStorage blocked', () => {
  it('login() is refused with a ConfigError naming sessionStorage and what to do; the user stays', async () => {
    blockSessionStorage();
    const client = createClient(server);
    const error = await client.auth.login().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'invalid_config', message: expect.stringMatching(/sessionStorage.*SecurityError.*transactionStorage/) });
    expect(client.navigations).toEqual([]);
  });

  it('start-up does not throw: handleRedirect() and restoreSession() find no session', async () => {
    blockSessionStorage();
    const client = createClient(server);
    await expect(client.auth.handleRedirect()).resolves.toBeNull();
    await expect(client.auth.restoreSession({ silent: false })).resolves.toMatchObject({ signedIn: false });
  });

  it('a token store on localStorage can still be made', () => {
    blockSessionStorage();
    expect(() => webStorageTokenStore(localStorage)).not.toThrow();
  });

  it('a storage that refuses a write (quota) is named too', async () => {
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const client = createClient(server, { transactionStorage: full });
    await expect(client.auth.login()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/"transactionStorage" given.*QuotaExceededError/) });
    expect(client.navigations).toEqual([]);
  });
});

describe('localStorage blocked', () => {
  // restoreSession() asks the server only where this browser had a session (a flag in localStorage).
  // Where localStorage throws, no sign-in could have set the flag, and a returning user must not be
  // taken for an anonymous one: the server is asked.
  it('restoreSession() asks the server in a hidden iframe: the hint cannot be read', async () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
    const client = createClient(server);
    const restoring = client.auth.restoreSession({ timeout: 200 });
    await vi.waitFor(() => expect(document.querySelector('iframe')).not.toBeNull());
    expect(await restoring).toMatchObject({ signedIn: false, via: 'none' });
  });
});
