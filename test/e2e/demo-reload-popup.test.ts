// The demo page across what users do (issue 11), in real Chromium against oidc-provider: a reload
// brings the session back through the hidden iframe and the steps show that load's sign-in; the
// popup button signs in without leaving the page; a second tab follows a sign-in and a sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';

import {
  answerProviderPages,
  expectSignedIn,
  newDemoPage,
  signInThroughProvider,
  startDemoEnv,
  textOf,
  type DemoEnv,
} from '../support/browser/demo';

let env: DemoEnv;

beforeAll(async () => {
  env = await startDemoEnv(60); // no refresh during these tests
});

afterAll(async () => {
  await env?.close();
});

const stepState = (page: Page, step: string) => page.locator(`[data-step="${step}"]`).getAttribute('data-state');
const restoreOf = async (page: Page) => {
  const panel = page.locator('[data-testid="restore"]');
  return { via: await panel.getAttribute('data-via'), reason: await panel.getAttribute('data-reason') };
};

/** Counts the tab's own top-level navigations (not its frames'). */
function countNavigations(page: Page) {
  let count = 0;
  page.on('framenavigated', (frame) => frame === page.mainFrame() && count++);
  return () => count;
}

/** Clicks "Sign in with a popup" and answers the sign-in pages in the popup. */
async function signInWithPopup(page: Page) {
  const [popup] = await Promise.all([page.context().waitForEvent('page'), page.locator('#sign-in-popup').click()]);
  const prompts = await answerProviderPages(popup, env);
  await expect.poll(() => popup.isClosed()).toBe(true);
  return prompts;
}

describe('demo page: reload, popup, second tab', () => {
  it('after a reload the page comes back signed in through the hidden iframe, and the steps show that sign-in', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'heidi' });
    await expectSignedIn(page, 'heidi');
    await page.locator('#call-api').click();
    await expect.poll(() => stepState(page, 'api')).toBe('done');
    const before = await page.locator('[data-step="authorize"] dd').nth(4).textContent(); // the state sent

    await page.reload();
    const navigations = countNavigations(page);
    await expectSignedIn(page, 'heidi');
    expect(await restoreOf(page)).toEqual({ via: 'iframe', reason: null });
    expect(await textOf(page, '[data-testid="restore"]')).toMatch(/prompt\s*none/);
    expect(navigations()).toBe(0); // back without leaving the page

    // The steps are this load's: the iframe's request and exchange, no API call yet.
    const authorize = await textOf(page, '[data-step="authorize"]');
    expect(authorize).toContain('hidden iframe');
    expect(authorize).toMatch(/prompt\s*none/);
    expect(await page.locator('[data-step="authorize"] dd').nth(4).textContent()).not.toBe(before);
    expect(await textOf(page, '[data-step="callback"]')).toContain('✓ the state sent in step 2');
    await expect.poll(() => stepState(page, 'jwks')).toBe('done');
    expect(await textOf(page, '[data-step="token"]')).toContain('✓ equals the code_challenge of step 1');
    expect(await stepState(page, 'api')).toBe('pending');
    // Two codes redeemed: the sign-in's and the iframe's (each page's first proof is also answered
    // use_dpop_nonce once, as the demo requires DPoP nonces).
    await expect.poll(() => traffic.exchanges.filter((e) => e.grantType === 'authorization_code' && e.status === 200)).toHaveLength(2);

    // The restored session works.
    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('"sub": "heidi"');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('"Sign in with a popup" signs in without leaving the page', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await expect.poll(() => textOf(page, '#status')).toBe('Signed out');
    const navigations = countNavigations(page);

    expect(await signInWithPopup(page)).toEqual(['login', 'consent']);
    await expectSignedIn(page, 'alice');
    expect(navigations()).toBe(0);
    expect(page.url()).toBe(env.demo.pageUrl);
    expect(traffic.tokenRequests('authorization_code')).toHaveLength(1);
    // The popup's address is out of the page's sight, but its parameters were pushed (PAR) through fetch.
    expect(await textOf(page, '[data-step="authorize"]')).toContain('loginWithPopup() pushed these parameters');
    expect(await textOf(page, '[data-step="callback"]')).toContain('popup came back to /silent-callback.html');
    expect(await textOf(page, '[data-step="callback"]')).toContain('✓ the state sent in step 2');
    await expect.poll(() => stepState(page, 'jwks')).toBe('done');
    expect(await stepState(page, 'token')).toBe('done');
    expect(await textOf(page, '[data-step="token"]')).toContain('loginWithPopup() sent the code');
    expect(await textOf(page, '[data-step="token"]')).toContain('✓ equals the code_challenge of step 1');

    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('"sub": "alice"');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('a second tab follows a sign-in and a sign-out made in the first, and lists the events', async () => {
    const { context, page: first, pageErrors } = await newDemoPage(env);
    await first.goto(env.demo.pageUrl);
    const second = await context.newPage();
    await second.goto(env.demo.pageUrl);
    for (const tab of [first, second]) await expect.poll(() => textOf(tab, '#status')).toBe('Signed out');

    await signInWithPopup(first);
    await expectSignedIn(first, 'alice');
    // A silent sign-in of its own, prompted by the first tab: an iframe round trip and a code exchange.
    await expect.poll(() => textOf(second, '#status'), { timeout: 5_000 }).toBe('Signed in as alice');
    await expect.poll(() => textOf(second, '[data-testid="events"]')).toContain('signed-in via iframe, following a sign-in in another tab');

    await first.locator('#sign-out').click();
    await expect.poll(() => textOf(second, '#status')).toBe('Signed out');
    expect(await textOf(second, '#signed-out-text')).toBe('You signed out in another tab of this app.');
    expect(await textOf(second, '[data-testid="events"]')).toMatch(/session-ended logout another tab$/);
    expect(await second.locator('#error').isVisible()).toBe(false);
    // The first tab comes back from the end-session page (closing the context mid-way can hang).
    await first.waitForURL(env.demo.pageUrl);
    await expect.poll(() => textOf(first, '#signed-out-text')).toContain('You signed out');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
