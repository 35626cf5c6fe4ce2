// The click on "Sign in" and other tabs' logouts. A sign-out is final in every tab: a sign-in must
// not reach the authorization server before another tab's logout reaches the end-session endpoint
// (it holds the logout lock until its page is gone). Asking the browser's lock manager costs the
// click a round trip (about 6 ms of 11 in Chromium), so the click asks only when a logout may be
// under way: one heard of on the tab channel, or one whose lock was held when the page looked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientNames } from '../../src/browser/names.js';
import type { TokenStore } from '../../src/index.js';
import { CLIENT_ID, createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { NAVIGATION_WAIT, createClient, installWebLocks, resetPage, startLogin } from '../support/flow.js';

const { logoutLock, tabChannel, signedOut } = clientNames(ISSUER, CLIENT_ID);
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

let server: TestServer;
let uninstall: () => void;
/** The logout-lock requests this page made. */
let asked: number;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
  uninstall = installWebLocks({ query: true });
  asked = 0;
  const request = navigator.locks.request.bind(navigator.locks) as (name: string, ...rest: unknown[]) => Promise<unknown>;
  Object.assign(navigator.locks, {
    request: (name: string, ...rest: unknown[]) => {
      if (name === logoutLock) asked++;
      return request(name, ...rest);
    },
  });
});
afterEach(() => {
  uninstall();
  for (const frame of document.querySelectorAll('iframe')) frame.remove(); // a silent sign-in's
  resetPage();
});

/** Another tab's logout: it holds the logout lock until `release()` (its page is gone). */
function logoutElsewhere() {
  let release!: () => void;
  void navigator.locks.request(logoutLock, () => new Promise<void>((resolve) => (release = resolve)));
  return { release: () => release() };
}

/** The README's start-up, signed out; then the start-up's look at the locks is done. */
async function signedOutStartUp(client: ReturnType<typeof createClient>) {
  expect(await client.auth.handleRedirect()).toBeNull();
  expect(await client.auth.restoreSession({ silent: false })).toMatchObject({ signedIn: false });
  await nextTask();
  await nextTask();
}

describe('the click on "Sign in" and other tabs’ logouts', () => {
  it('leaves without asking the lock manager when no tab is signing out', async () => {
    const client = createClient(server);
    await signedOutStartUp(client);
    const before = asked;
    expect(await startLogin(client)).toMatch(`${ISSUER}/authorize?`);
    expect(asked - before).toBe(0);
  });

  it('waits for a logout whose lock another tab held when this page started', async () => {
    const other = logoutElsewhere();
    const client = createClient(server);
    await signedOutStartUp(client);
    client.auth.login().catch(() => undefined);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(client.navigations).toHaveLength(0);
    other.release();
    await vi.waitFor(() => expect(client.navigations).toHaveLength(1), NAVIGATION_WAIT);
    expect(client.navigations[0]).toMatch(`${ISSUER}/authorize?`);
  });

  it('waits for a logout heard of on the tab channel after start-up', async () => {
    const client = createClient(server);
    await signedOutStartUp(client);
    // Another tab's logout() takes the lock, then tells the tabs.
    const other = logoutElsewhere();
    const channel = new BroadcastChannel(tabChannel);
    channel.postMessage({ type: 'ended', reason: 'logout' });
    channel.close();
    for (let i = 0; i < 5; i++) await nextTask();
    client.auth.login().catch(() => undefined);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(client.navigations).toHaveLength(0);
    other.release();
    await vi.waitFor(() => expect(client.navigations).toHaveLength(1), NAVIGATION_WAIT);
    expect(client.navigations[0]).toMatch(`${ISSUER}/authorize?`);
  });

  // From an attack review: a logout's lock can outlive any window after its message (its store clear
  // waits for a refresh in flight, its revocation for a slow server), so hearing of one is not
  // forgotten with time.
  it('waits for a logout heard of long ago whose lock is still held', async () => {
    const realNow = performance.now.bind(performance);
    let skew = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => realNow() + skew);
    try {
      const client = createClient(server);
      await signedOutStartUp(client);
      const other = logoutElsewhere();
      const channel = new BroadcastChannel(tabChannel);
      channel.postMessage({ type: 'ended', reason: 'logout' });
      channel.close();
      for (let i = 0; i < 5; i++) await nextTask();
      skew = 60_000;
      client.auth.login().catch(() => undefined);
      for (let i = 0; i < 5; i++) await nextTask();
      expect(client.navigations).toHaveLength(0);
      other.release();
      await vi.waitFor(() => expect(client.navigations).toHaveLength(1), NAVIGATION_WAIT);
    } finally {
      now.mockRestore();
    }
  });

  // From an attack review: a page in the back/forward cache (or frozen) runs nothing and may not
  // hear of a logout that began meanwhile; what it saw before is not trusted after.
  it('looks again when the page comes back from the back/forward cache', async () => {
    const client = createClient(server);
    await signedOutStartUp(client);
    const other = logoutElsewhere();
    dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    client.auth.login().catch(() => undefined);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(client.navigations).toHaveLength(0);
    other.release();
    await vi.waitFor(() => expect(client.navigations).toHaveLength(1), NAVIGATION_WAIT);
  });

  it('asks, as before, on a page that has not looked: login() called before any start-up', async () => {
    const other = logoutElsewhere();
    const client = createClient(server);
    client.auth.login().catch(() => undefined);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(client.navigations).toHaveLength(0);
    other.release();
    await vi.waitFor(() => expect(client.navigations).toHaveLength(1), NAVIGATION_WAIT);
    expect(client.navigations[0]).toMatch(`${ISSUER}/authorize?`);
  });
});

describe('following another tab’s sign-in', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A shared store whose reads take a while (IndexedDB's do), empty: nothing to take over. */
  const slowEmptyStore = (): TokenStore => ({ get: () => sleep(30).then(() => undefined), set: async () => undefined, clear: async () => undefined });
  const post = (message: unknown) => {
    const channel = new BroadcastChannel(tabChannel);
    channel.postMessage(message);
    channel.close();
  };

  it('follows a sign-in heard of: the hidden iframe goes out', async () => {
    const client = createClient(server, { tokenStore: slowEmptyStore() });
    expect(await client.auth.restoreSession()).toMatchObject({ signedIn: false, reason: 'skipped' });
    post({ type: 'started', sessionId: 'elsewhere' });
    await vi.waitFor(() => expect(document.querySelector('iframe')).not.toBeNull(), NAVIGATION_WAIT);
  });

  // From an attack review: the sign-in follows the other tab's without the sign-out flag (which may not
  // have reached this tab's view of localStorage); a logout heard while the store was read for it is
  // newer, and the server session it ends may outlive it (no end-session endpoint, the user declined).
  it('does not follow a sign-in when a logout is heard while the store is read for it', async () => {
    const client = createClient(server, { tokenStore: slowEmptyStore() });
    expect(await client.auth.restoreSession()).toMatchObject({ signedIn: false, reason: 'skipped' });
    post({ type: 'started', sessionId: 'elsewhere' });
    localStorage.setItem(signedOut, '1');
    post({ type: 'ended', sessionId: 'elsewhere', reason: 'logout' });
    await sleep(300);
    expect(document.querySelector('iframe')).toBeNull();
    expect(server.requests.filter((r) => r.url.startsWith(`${ISSUER}/authorize`))).toHaveLength(0);
  });
});
