// The framework quick starts (examples/) in real Chromium against the demo's authorization server:
// the plain <script> page, which loads dist/pkce-spa.iife.js, React in StrictMode in a development
// build (where React runs every effect twice), Vue and Svelte. Each is served on the demo page's
// origin, the one the server has registered, signs in, shows the user, and signs out. Angular's is
// built and type-checked by test/package/examples.test.ts only: its settings are compiled in. Each
// framework example is built by its own Vite, from its own install (made here if missing).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleTools, installPackages, repoRoot, viteBuild } from '../support/commands';
import { newDemoPage, signInThroughProvider, startDemoEnv, textOf, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
// What the demo's page server serves at its origin: each test puts an example there.
const site = mkdtempSync(join(tmpdir(), 'pkce-spa-example-site-'));

beforeAll(async () => {
  await Promise.all([
    installPackages('examples/react', 'examples/vue', 'examples/svelte'),
    startDemoEnv(60, { publicDir: site }).then((started) => (env = started)),
  ]);
}, 300_000);

afterAll(async () => {
  await env?.close();
  rmSync(site, { recursive: true, force: true });
});

function emptySite() {
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site);
}

/**
 * What a user does with an example: signs in (coming back to the page they left), sees who they
 * are, signs out; then starts again but cancels at the consent page, and is told why.
 */
async function signInAndOut(status: (page: Page) => Promise<string>, username: string) {
  const { context, page, pageErrors, traffic } = await newDemoPage(env);
  const signInButton = 'button:text-is("Sign in")';
  await page.goto(`${env.demo.pageUrl}?tab=inbox`);
  await page.locator(signInButton).waitFor();
  expect(await status(page)).not.toContain('Signed in');

  const { prompts, callbackUrl } = await signInThroughProvider(page, env, { username, signInButton });
  expect(prompts).toEqual(['login', 'consent']);
  expect(callbackUrl).toMatch(/[?&]code=/);
  await expect.poll(() => status(page)).toContain(`Signed in as ${username}`);
  // Back at login({ returnTo }), with code and state gone from the address bar.
  expect(page.url()).toBe(`${env.demo.pageUrl}?tab=inbox`);
  expect(traffic.tokenRequests('authorization_code')).toHaveLength(1);

  // A reload: restoreSession() brings the session back by a silent sign-in in a hidden iframe on the
  // app's own /callback, where the app's handleRedirect() hands the answer back; no top-level navigation.
  await page.reload();
  await expect.poll(() => status(page)).toContain(`Signed in as ${username}`);
  expect(page.url()).toBe(`${env.demo.pageUrl}?tab=inbox`);
  expect(traffic.tokenRequests('authorization_code')).toHaveLength(2);

  await page.locator('button:text-is("Sign out")').click();
  await page.waitForURL((url) => url.href === env.demo.pageUrl);
  await page.locator(signInButton).waitFor();
  expect(await status(page)).not.toContain('Signed in');
  expect(traffic.revocations.map((r) => r.status)).toEqual([200]);

  await signInThroughProvider(page, env, { username, signInButton, stopAt: 'consent' });
  await Promise.all([
    page.waitForURL((url) => url.origin === env.demo.pageOrigin),
    page.getByRole('link', { name: '[ Cancel ]' }).click(),
  ]);
  await expect.poll(() => textOf(page, '[role="alert"]')).toContain('access_denied');
  await page.locator(signInButton).waitFor();
  expect(page.url()).toBe(env.demo.pageUrl);
  expect(traffic.tokenRequests('authorization_code')).toHaveLength(2);
  expect(pageErrors).toEqual([]);
  await context.close();
}

describe('framework quick starts against the demo authorization server', () => {
  it('plain <script>: dist/pkce-spa.iife.js signs in, shows the user, signs out, shows a cancelled sign-in', async () => {
    emptySite();
    cpSync(join(repoRoot, 'examples/script'), site, { recursive: true });
    cpSync(join(repoRoot, 'dist/pkce-spa.iife.js'), join(site, 'pkce-spa.iife.js'));
    // The example's config.js, with this server's values.
    writeFileSync(
      join(site, 'config.js'),
      `const config = ${JSON.stringify({ issuer: env.demo.issuer, clientId: env.demo.clientId })};\n`,
    );
    await signInAndOut((page) => textOf(page, '#status'), 'ivy');
  });

  // React's example in a development build: StrictMode mounts every component twice and runs its
  // effects twice there, so a handleRedirect() called from an effect would run twice on one callback.
  it.each([
    { name: 'React in StrictMode, development build', example: 'react', root: '#root', mode: 'development', user: 'jules' },
    { name: 'Vue', example: 'vue', root: '#app', mode: 'production', user: 'kim' },
    { name: 'Svelte', example: 'svelte', root: '#app', mode: 'production', user: 'lou' },
  ])('$name: signs in with one code exchange, shows the user, signs out, shows a cancelled sign-in', async ({ example, root, mode, user }) => {
    emptySite();
    await viteBuild(
      [`examples/${example}`, '--mode', mode, '--outDir', site, '--emptyOutDir', '--logLevel', 'warn'],
      { env: { NODE_ENV: mode, VITE_ISSUER: env.demo.issuer, VITE_CLIENT_ID: env.demo.clientId, VITE_API_URL: '' } },
      exampleTools(example).vite,
    );
    await signInAndOut((page) => textOf(page, root), user);
  });
});
