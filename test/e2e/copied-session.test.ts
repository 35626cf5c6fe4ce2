// A per-tab session (`webStorageTokenStore(sessionStorage)`) and the copies of sessionStorage the
// browser makes (Duplicate Tab, window.open), in real Chromium against oidc-provider, which revokes
// the whole grant when a spent refresh token comes back (attack branch). SECURITY.md: "Two holders
// of one refresh token (two tabs, a duplicated tab with a copied sessionStorage) must never spend it
// twice."
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(60);
});
afterAll(() => env?.close());

describe('a copy of the tab’s session made while the tab was away from the app', () => {
  // Found by the attack pass: the Web Lock guard only tells apart copies alive at the same time. A
  // copy taken while the original is on another site (Duplicate Tab, or any site's window.open: the
  // browser clones the whole sessionStorage namespace) spent the refresh token, and back on the app
  // the original spent it again, so oidc-provider revoked the grant. The rotation ledger
  // (src/rotation-ledger.ts) now tells the original that a copy moved on: it signs out instead.
  it('the original, back on the app, does not spend the refresh token the copy already spent', async () => {
    const { context, page: original } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const refreshes: string[] = [];
    context.on('request', (request) => {
      if (request.method() !== 'POST' || request.url() !== env.discovery.token_endpoint) return;
      const form = new URLSearchParams(request.postData() ?? '');
      if (form.get('grant_type') === 'refresh_token') refreshes.push(form.get('refresh_token') ?? '');
    });
    await original.goto(env.demo.pageUrl);
    await openBareApp(original, { store: 'sessionStorage' });
    await signInThroughProvider(original, env);
    expect(await openBareApp(original, { store: 'sessionStorage' })).toBe(true);

    const elsewhere = `${env.demo.issuer}/.well-known/openid-configuration`; // any other site
    // The copy: made now (sessionStorage cloned), opened on the app only once the original has left it.
    const [copy] = await Promise.all([context.waitForEvent('page'), original.evaluate((url) => void window.open(url), elsewhere)]);
    await copy!.waitForLoadState();
    await original.goto(elsewhere); // the original tab goes on to another site
    await copy!.goto(env.demo.pageUrl); // e.g. Back, in the duplicated tab
    expect(await openBareApp(copy!, { store: 'sessionStorage' })).toBe(true); // no live holder: it takes the session
    expect(await outcome(copy!, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    await copy!.close();

    await original.goBack(); // Back, in the original tab
    await openBareApp(original, { store: 'sessionStorage' });
    const afterBack = await outcome(original, 'auth.getAccessToken({ forceRefresh: true })');
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refreshes).size).toBe(refreshes.length); // no refresh token sent twice
    // The copy that fell behind is signed out (the grant the other copy holds stays alive); it can
    // get a session of its own with restoreSession() or login().
    expect(afterBack).toBe('login_required');
    expect(await original.evaluate(() => window.events.at(-1))).toEqual([
      'session-ended',
      expect.objectContaining({ reason: 'invalid_grant', elsewhere: false }),
    ]);
    await context.close();
  });
});
