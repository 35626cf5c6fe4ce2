// The framework quick starts in examples/ build as their frameworks' own tools build them, against
// this package through its exports map, and type-check with strict and skipLibCheck: false. Each
// example is a package of its own, installed here when its node_modules is missing or stale (the
// root install leaves the frameworks out), with the tools it names and pkce-spa as "file:../..",
// which links this repository: its dist/ is what the examples import. test/e2e/examples.test.ts
// builds the Vue and Svelte ones (production) and React's (development) with the demo's settings and
// runs them, and the plain page, in Chromium; they are not built twice here. Svelte's .svelte files
// would need svelte-check, which is not installed: its example is checked by running it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { exampleTools, installPackages, node, productionEnv, repoRoot, viteBuild } from '../support/commands';

const out = mkdtempSync(join(tmpdir(), 'pkce-spa-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The built app's JavaScript, joined. */
function builtCode(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}

function expectApp(dir: string) {
  expect(readFileSync(join(dir, 'index.html'), 'utf8')).toMatch(/<script[^>]+type="module"/);
  const code = builtCode(dir);
  expect(code.includes('pkce-spa.error'), 'pkce-spa is in the bundle').toBe(true);
  expect(code.includes('createTokenVerifier'), 'pkce-spa/server is not').toBe(false);
}

const vite = (example: string) =>
  viteBuild(
    [`examples/${example}`, '--outDir', join(out, example), '--emptyOutDir', '--logLevel', 'warn'],
    { env: productionEnv },
    exampleTools(example).vite,
  );

// A fresh clone installs each example first (Angular's 190 packages take most of a minute on two
// cores), so these take longer than the project's timeout allows.
const INSTALL_AND_BUILD_MS = 300_000;

describe.concurrent('the framework quick starts build', () => {
  it('React (Vite production build, tsc)', async () => {
    await installPackages('examples/react');
    await Promise.all([vite('react'), node(exampleTools('react').tsc, ['-p', 'examples/react'])]);
    expectApp(join(out, 'react'));
  }, INSTALL_AND_BUILD_MS);

  it('Vue (vue-tsc, templates included)', async () => {
    await installPackages('examples/vue');
    await node(exampleTools('vue').vueTsc, ['-p', 'examples/vue']);
  }, INSTALL_AND_BUILD_MS);

  it('Angular (@angular/build, which type-checks the templates too)', async () => {
    await installPackages('examples/angular');
    await node(exampleTools('angular').architect, ['quick-start:build', `--output-path=${join(out, 'angular')}`], {
      cwd: join(repoRoot, 'examples/angular'),
      env: productionEnv,
    });
    expectApp(join(out, 'angular/browser'));
  }, INSTALL_AND_BUILD_MS);

  it('plain <script>: the page loads the IIFE build before its own scripts', () => {
    const html = readFileSync(join(repoRoot, 'examples/script/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).toEqual(['/pkce-spa.iife.js', '/config.js', '/app.js']);
  });
});

describe('docs/frameworks.md', () => {
  it('quotes the examples as they are: each excerpt is a passage of the file it names', () => {
    const docs = readFileSync(join(repoRoot, 'docs/frameworks.md'), 'utf8');
    const excerpts = [...docs.matchAll(/```\w*\n(?:\/\/|<!--) (examples\/\S+?)(?: -->)?\n([\s\S]*?)```/g)];
    expect(excerpts.length).toBeGreaterThanOrEqual(6);
    for (const [, file, body] of excerpts) {
      expect(readFileSync(join(repoRoot, file!), 'utf8'), `docs/frameworks.md quotes ${file}`).toContain(body);
    }
  });
});
