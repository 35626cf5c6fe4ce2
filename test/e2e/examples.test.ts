// The framework quick starts (examples/) in real Chromium against the demo's authorization server:
// the plain <script> page, which loads dist/pkce-spa.iife.js, React in StrictMode in a development
// build (where React runs every effect twice), Vue and Svelte. Each is served on the demo page's
// origin, the one the server has registered, signs in, shows the user, and signs out. Angular's is
// built and type-checked by test/package/examples.test.ts only: its settings are compiled in. Each
// framework example is built by its own Vite, from its own install (made here if missing).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleTools, installPackages, repoRoot, viteBuild } from '../support/commands';
import { newDemoPage, signInThroughProvider, startDemoEnv, textOf, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
// What the demo's page server serves at its origin: each test puts an example there.
const site = mkdtempSync(join(tmpdir(), 'pkce-spa-example-site-'));
// A developer's own app on Vite's dev server, which the demo is told of (--app-origin).
let devOrigin: string;

/** A port nothing listens on now, for a server that needs its number before it starts. */
const freePort = () =>
  new Promise<number>((done, fail) => {
    const probe = createServer().listen(0, 'localhost', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });

beforeAll(async () => {
  devOrigin = `http://localhost:${await freePort()}`;
  await Promise.all([
    installPackages('examples/react', 'examples/vue', 'examples/svelte'),
    startDemoEnv(60, { publicDir: site, appOrigins: [devOrigin] }).then((started) => (env = started)),
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

describe('your own app against npm run demo, on its dev server', () => {
  // docs/frameworks.md "Your own app against the demo": `npm run demo -- --app-origin <dev server>`,
  // then the app's own `npm run dev` (Vite, with hot reload) signs in, calls the demo API, and a
  // reload of a deep link keeps the session.
  it('a Vite dev server on another port signs in, calls the demo API with its scope, and stays signed in across a reload of a deep link', async () => {
    const port = new URL(devOrigin).port;
    const dev = spawn(process.execPath, [exampleTools('react').vite, '--port', port, '--strictPort', '--host', 'localhost'], {
      cwd: join(repoRoot, 'examples/react'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        VITE_ISSUER: env.demo.issuer,
        VITE_CLIENT_ID: env.demo.clientId,
        VITE_API_URL: env.demo.apiUrl,
        VITE_SCOPE: env.demo.scope,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    dev.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expect
        .poll(() => fetch(devOrigin).then((r) => r.status, () => 0), { timeout: 30_000 })
        .toBe(200)
        .catch((error: unknown) => {
          throw new Error(`Vite's dev server did not answer:\n${output}`, { cause: error });
        });
      const { context, page, pageErrors } = await newDemoPage(env);
      const signInButton = 'button:text-is("Sign in")';
      await page.goto(`${devOrigin}/inbox`);
      await signInThroughProvider(page, env, { username: 'max', signInButton });
      await expect.poll(() => textOf(page, '#root')).toContain('Signed in as max');
      expect(page.url()).toBe(`${devOrigin}/inbox`);
      await page.locator('button:text-is("Call the API")').click();
      await expect.poll(() => textOf(page, 'pre')).toMatch(/^200 .*"sub":"max"/);
      await page.reload();
      await expect.poll(() => textOf(page, '#root')).toContain('Signed in as max');
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      dev.kill();
    }
  });
});
