// The sign-in request pushed ahead of the click (issue 17, goal 2): with a server that offers PAR
// (RFC 9126), a page that restored no session pushes its sign-in request at once, and login() goes
// with that request_uri instead of waiting for a push of its own. Against the Keycloak profile,
// which advertises PAR; Chromium against oidc-provider in test/e2e/restore-and-popup.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signIn, spa, type Page, type Recipe } from '../support/providers/harness.js';
import { KEYCLOAK_ISSUER, keycloak } from '../support/providers/keycloak.js';
import type { ProviderServer } from '../support/providers/provider-server.js';
import { NAVIGATION_WAIT, resetPage } from '../support/flow.js';

const recipe: Recipe = { issuer: KEYCLOAK_ISSUER, clientId: 'orders-spa', scope: 'openid profile' };
const PAR_ENDPOINT = `${KEYCLOAK_ISSUER}/protocol/openid-connect/ext/par/request`;

beforeEach(resetPage);
afterEach(() => {
  vi.useRealTimers();
  resetPage();
});

/** The forms pushed so far, in order. */
const pushes = (server: ProviderServer) => server.requests.filter((r) => r.method === 'POST' && r.url === PAR_ENDPOINT).map((r) => r.form!);

/** The request_uri the n-th push (from 0) was answered with: the one in the URL of a login that used it. */
async function loginUrl(page: Page, options?: Parameters<Page['auth']['login']>[0]): Promise<URL> {
  const before = page.navigations.length;
  page.auth.login(options).catch(() => undefined);
  await vi.waitFor(() => expect(page.navigations.length).toBeGreaterThan(before), NAVIGATION_WAIT);
  return new URL(page.navigations.at(-1)!);
}

/** A signed-out page's start-up: no session restored, so the sign-in request is pushed ahead. */
async function signedOutStartUp(page: Page) {
  expect(await page.auth.handleRedirect()).toBeNull();
  expect(await page.auth.restoreSession({ silent: false })).toMatchObject({ signedIn: false });
}

describe('the sign-in request pushed ahead of the click', () => {
  it('is pushed once the restore ends signed out; login() leaves with it, no push on the click, and the sign-in completes', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    const [ahead] = pushes(server);
    expect(ahead!.get('redirect_uri')).toBe('https://app.example/callback');
    expect(ahead!.has('prompt')).toBe(false);

    const url = await loginUrl(page, { returnTo: '/orders', appState: { tab: 2 } });
    expect(pushes(server)).toHaveLength(1); // the click pushed nothing
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const callback = new URL(server.authorize(url.href));
    expect(callback.searchParams.get('state')).toBe(ahead!.get('state'));
    history.replaceState(null, '', callback.href);
    // returnTo and appState were the click's: they never went into the pushed request.
    expect(await page.auth.handleRedirect()).toMatchObject({ returnTo: '/orders', appState: { tab: 2 } });
    expect(page.auth.isAuthenticated()).toBe(true);
  });

  it('is used once: a second login() pushes its own', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    const first = await loginUrl(page);
    const second = await loginUrl(page);
    expect(pushes(server)).toHaveLength(2);
    expect(second.searchParams.get('request_uri')).not.toBe(first.searchParams.get('request_uri'));
    expect(pushes(server)[1]!.get('state')).not.toBe(pushes(server)[0]!.get('state'));
  });

  it('is not used by a login() with params of its own: those are pushed with it', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    await loginUrl(page, { params: { prompt: 'login' } });
    expect(pushes(server)).toHaveLength(2);
    expect(pushes(server)[1]!.get('prompt')).toBe('login');
  });

  it('is not used when it would expire before the browser gets there: the click pushes anew', async () => {
    const server = await keycloak();
    server.profile.parExpiresIn = (n) => (n === 1 ? 10 : 60); // the first lives no longer than the margin
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    const url = await loginUrl(page);
    expect(pushes(server)).toHaveLength(2);
    expect(new URL(server.authorize(url.href)).searchParams.get('state')).toBe(pushes(server)[1]!.get('state'));
  });

  it('once expired unused, is pushed again at the user’s next sign of life on the page, not while the page is idle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const server = await keycloak();
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(55_000); // past expires_in (60 s) less the 10 s margin
    await vi.advanceTimersByTimeAsync(10 * 60_000); // an idle page pushes nothing more
    expect(pushes(server)).toHaveLength(1);
    dispatchEvent(new Event('pointermove'));
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(2));
    dispatchEvent(new Event('keydown')); // one push per expiry
    const url = await loginUrl(page);
    expect(pushes(server)).toHaveLength(2);
    expect(new URL(server.authorize(url.href)).searchParams.get('state')).toBe(pushes(server)[1]!.get('state'));
  });

  it('is pushed again when the page comes back from the back/forward cache after the user left with it', async () => {
    const server = await keycloak();
    const page = spa(server, recipe);
    await signedOutStartUp(page);
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(1));
    await loginUrl(page);
    dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.waitFor(() => expect(pushes(server)).toHaveLength(2));
    await loginUrl(page);
    expect(pushes(server)).toHaveLength(2);
  });

  it('is not pushed for a signed-in page, or with par: false', async () => {
    const server = await keycloak();
    const signedIn = spa(server, recipe);
    await signIn(server, signedIn);
    const pushedBySignIn = pushes(server).length;
    expect(await signedIn.auth.restoreSession()).toMatchObject({ signedIn: true });
    await signedOutStartUp(spa(server, { ...recipe, par: false }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // what was started ran its course
    expect(pushes(server)).toHaveLength(pushedBySignIn);
  });
});
