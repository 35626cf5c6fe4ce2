// The click on "Sign in" and other tabs' logouts. A sign-out is final in every tab: a sign-in must
// not reach the authorization server before another tab's logout reaches the end-session endpoint
// (it holds the logout lock until its page is gone). Asking the browser's lock manager costs the
// click a round trip (about 6 ms of 11 in Chromium), so the click asks only when a logout may be
// under way: one heard of on the tab channel, or one whose lock was held when the page looked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientNames } from '../../src/browser/names.js';
import { CLIENT_ID, createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { NAVIGATION_WAIT, createClient, installWebLocks, resetPage, startLogin } from '../support/flow.js';

const { logoutLock, tabChannel } = clientNames(ISSUER, CLIENT_ID);
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
