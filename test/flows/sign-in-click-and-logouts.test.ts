// The click on "Sign in" and other tabs' logouts. A sign-out is final in every tab: a sign-in must
// not reach the authorization server before another tab's logout reaches the end-session endpoint
// (it holds the logout lock until its page is gone). Asking the browser's lock manager costs the
// click a round trip (about 6 ms of 11 in Chromium), so the click asks only when a logout may be
// under way: one heard of on the tab channel, or one whose lock was held when the page looked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientNames } from '../../src/browser/names.js';
import type { TokenStore } from '../../src/index.js';
import { CLIENT_ID, createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { NAVIGATION_WAIT, createClient, installWebLocks, resetPage, signIn, startLogin } from '../support/flow.js';
import { deferred } from '../support/deferred.js';

const { logoutLock, tabChannel, signedOut } = clientNames(ISSUER, CLIENT_ID);

let server: TestServer;
let uninstall: () => void;
/** The logout-lock requests this page made. */
let asked: number;
/**
 * Lock queries asked and answered, and the gate a query asked now waits for before it answers (with
 * the state it was asked in).
 */
let queried: number;
let answered: number;
let queryGate: Promise<void>;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
  uninstall = installWebLocks({ query: true });
  asked = 0;
  queried = 0;
  answered = 0;
  queryGate = Promise.resolve();
  const { request, query } = navigator.locks as unknown as Record<'request' | 'query', (...args: unknown[]) => Promise<unknown>>;
  Object.assign(navigator.locks, {
    request: (name: string, ...rest: unknown[]) => {
      if (name === logoutLock) asked++;
      return request(name, ...rest);
    },
    query: async () => {
      queried++;
      const gate = queryGate;
      const snapshot = await query();
      await gate;
      answered++;
      return snapshot;
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

/**
 * Another tab's logout() takes the lock, then tells the tabs; resolves once this page has heard it,
 * which it shows by ending its own session.
 */
async function logoutElsewhereHeard(client: ReturnType<typeof createClient>) {
  const ended = new Promise((resolve) => client.auth.on('session-ended', resolve));
  const other = logoutElsewhere();
  const channel = new BroadcastChannel(tabChannel);
  channel.postMessage({ type: 'ended', reason: 'logout' });
  channel.close();
  await ended;
  return other;
}

/** The README's start-up, signed out; then the start-up's look at the locks is answered. */
async function signedOutStartUp(client: ReturnType<typeof createClient>) {
  expect(await client.auth.handleRedirect()).toBeNull();
  expect(await client.auth.restoreSession({ silent: false })).toMatchObject({ signedIn: false });
  await vi.waitFor(() => expect(answered).toBe(1));
}

/**
 * Signed in, then the start-up's restore (which looks at the locks) and its answer. `silent: false`:
 * this client must not follow the sign-ins later tests of this file announce on the same channel.
 */
async function signedInStartUp(client: ReturnType<typeof createClient>) {
  expect((await signIn(server, client)).result?.user?.sub).toBe('alice');
  expect(await client.auth.restoreSession({ silent: false })).toMatchObject({ signedIn: true });
  await vi.waitFor(() => expect(answered).toBe(1));
}

/** The click asks for the logout lock `other` holds, and leaves only once it is let go. */
async function expectClickWaits(client: ReturnType<typeof createClient>, other: { release(): void }) {
  const before = { asked, navigations: client.navigations.length };
  client.auth.login().catch(() => undefined);
  await vi.waitFor(() => expect(asked).toBe(before.asked + 1), NAVIGATION_WAIT);
  expect(client.navigations).toHaveLength(before.navigations);
  other.release();
  await vi.waitFor(() => expect(client.navigations).toHaveLength(before.navigations + 1), NAVIGATION_WAIT);
  expect(client.navigations.at(-1)).toMatch(`${ISSUER}/authorize?`);
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
    await expectClickWaits(client, other);
  });

  it('waits for a logout heard of on the tab channel after start-up (a session-ended listener calling login())', async () => {
    const client = createClient(server);
    await signedInStartUp(client);
    await expectClickWaits(client, await logoutElsewhereHeard(client));
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
      await signedInStartUp(client);
      const other = await logoutElsewhereHeard(client);
      skew = 60_000;
      await expectClickWaits(client, other);
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
    await expectClickWaits(client, other);
  });

  // A review of the watch: the look made before the page went into the cache may be answered after
  // it came back, while the new look is still out; that old answer ("nothing held") is not the page's.
  it('does not trust the answer to a look made before the page went into the back/forward cache', async () => {
    const client = createClient(server);
    const firstAnswer = deferred<void>();
    queryGate = firstAnswer.promise;
    expect(await client.auth.handleRedirect()).toBeNull();
    expect(await client.auth.restoreSession({ silent: false })).toMatchObject({ signedIn: false });
    await vi.waitFor(() => expect(queried).toBe(1));
    const other = logoutElsewhere();
    const secondAnswer = deferred<void>();
    queryGate = secondAnswer.promise;
    dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(queried).toBeGreaterThan(1); // this client's second look (earlier tests' clients look too)
    firstAnswer.resolve();
    await vi.waitFor(() => expect(answered).toBe(1));
    try {
      await expectClickWaits(client, other);
    } finally {
      secondAnswer.resolve();
    }
  });

  it('asks, as before, on a page that has not looked: login() called before any start-up', async () => {
    const other = logoutElsewhere();
    const client = createClient(server);
    await expectClickWaits(client, other);
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

  // From an attack review: the sign-in follows the other tab's without the sign-out flag (which may not
  // have reached this tab's view of localStorage); a logout heard while the store was read for it is
  // newer, and the server session it ends may outlive it (no end-session endpoint, the user declined).
  it('does not follow a sign-in when a logout is heard while the store is read for it', async () => {
    const client = createClient(server, { tokenStore: slowEmptyStore() });
    // The follows use these options: a silent sign-in that gets no answer here ends in 300 ms.
    expect(await client.auth.restoreSession({ timeout: 300 })).toMatchObject({ signedIn: false, reason: 'skipped' });
    const iframes: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLIFrameElement) iframes.push(node.src);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    try {
      post({ type: 'started', sessionId: 'first' });
      localStorage.setItem(signedOut, '1');
      post({ type: 'ended', sessionId: 'first', reason: 'logout' });
      // A sign-in after the logout is followed: once its silent sign-in is over, its iframe is the only one.
      post({ type: 'started', sessionId: 'second' });
      await vi.waitFor(() => expect(iframes.length).toBeGreaterThan(0), NAVIGATION_WAIT);
      await vi.waitFor(() => expect(document.querySelector('iframe')).toBeNull(), NAVIGATION_WAIT);
      expect(iframes).toHaveLength(1);
    } finally {
      observer.disconnect();
    }
  });

  it('follows a sign-in heard of: the hidden iframe goes out', async () => {
    const client = createClient(server, { tokenStore: slowEmptyStore() });
    expect(await client.auth.restoreSession()).toMatchObject({ signedIn: false, reason: 'skipped' });
    post({ type: 'started', sessionId: 'elsewhere' });
    await vi.waitFor(() => expect(document.querySelector('iframe')).not.toBeNull(), NAVIGATION_WAIT);
  });
});
