// The package as a user gets it: `npm pack` in a clean checkout (no dist/, as a fresh clone or a
// git install has it), the tarball installed into a throwaway app, and that app type-checked
// (strict, skipLibCheck: false), bundled with Vite and with rollup, imported in plain Node (ESM and
// require) and rendered server-side, where nothing may touch `window` and friends.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import { rollup, type RollupLog } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { node, productionEnv, repoRoot, run, tools, viteBuild } from '../support/commands';

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}
type Exports = string | null | { [key: string]: Exports };

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  exports: Exports;
  main?: string;
  module?: string;
  types?: string;
  unpkg?: string;
  jsdelivr?: string;
};

/** Every file the exports map points at, and the conditions it is reached under. */
function exportTargets(value: Exports, conditions: string[] = [], out: { target: string; conditions: string[] }[] = []) {
  if (typeof value === 'string') out.push({ target: value.replace(/^\.\//, ''), conditions });
  else if (value) for (const [key, inner] of Object.entries(value)) exportTargets(inner, key.startsWith('.') ? conditions : [...conditions, key], out);
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'pkce-spa-consumer-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', manifest.name);
let packed: PackResult;
/** The installed package's .d.ts files. */
let declarations: string[] = [];

/** A clean checkout: the repository's files as git knows them (tracked or new), nothing built. */
async function cleanCheckout(): Promise<string> {
  const checkout = join(work, 'checkout');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot });
  const files = stdout.split('\0').filter((file) => file && file !== 'node_modules' && existsSync(join(repoRoot, file)));
  await Promise.all(files.map((file) => cp(join(repoRoot, file), join(checkout, file))));
  // The repository's installed tools, as `npm install` would have put them there.
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  return checkout;
}

function write(path: string, text: string) {
  mkdirSync(dirname(join(app, path)), { recursive: true });
  writeFileSync(join(app, path), text);
}

/** The throwaway app: a few files that use both entry points the way an app would. */
async function writeApp() {
  write(
    'src/browser.ts',
    `import { createPkceClient, isPkceError, type IdTokenClaims, type PkceClient, type RedirectResult } from 'pkce-spa';

// An option read from the environment may be undefined: the README says undefined takes the
// default, and exactOptionalPropertyTypes (on here) must let it through.
const api: string | undefined = undefined;
export const auth: PkceClient = createPkceClient({
  issuer: 'https://auth.example.com',
  clientId: 'spa',
  redirectUri: 'https://app.example/callback',
  apiOrigins: api === undefined ? undefined : [api],
  scope: undefined,
});

export async function start(): Promise<RedirectResult | null> {
  auth.on('session-ended', ({ reason }) => console.log(reason));
  try {
    return await auth.handleRedirect();
  } catch (error) {
    if (isPkceError(error, 'invalid_state')) return null;
    throw error;
  }
}

export const user: IdTokenClaims | undefined = auth.user;
`,
  );
  write(
    'src/low-level.ts',
    `import { buildAuthorizationUrl, computeCodeChallenge, generateCodeVerifier, type AuthorizationRequest } from 'pkce-spa/protocol';

export async function authorizationUrl(): Promise<URL> {
  const codeVerifier = generateCodeVerifier();
  const request: AuthorizationRequest = {
    clientId: 'spa',
    redirectUri: 'https://app.example/callback',
    scope: 'openid',
    state: 'state',
    codeChallenge: await computeCodeChallenge(codeVerifier),
  };
  return buildAuthorizationUrl('https://auth.example.com/authorize', request);
}
`,
  );
  write(
    'src/api.ts',
    `import { createTokenVerifier, isPkceError, type TokenVerifier } from 'pkce-spa/server';

export const verifier: TokenVerifier = createTokenVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });

export async function handle(request: Request): Promise<Response> {
  const result = await verifier.verifyRequest(request);
  if (result.response) return result.response;
  return Response.json({ sub: result.claims.sub, pkce: isPkceError(new Error()) });
}
`,
  );

  declarations = (await readdir(installed, { recursive: true })).filter((file) => file.endsWith('.d.ts'));
  const tsconfig = (module: string, files: string[]) =>
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module,
        moduleResolution: module === 'NodeNext' ? 'NodeNext' : 'Bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
      },
      // Every shipped declaration file, whether an import reaches it or not.
      files: [...files, ...declarations.map((file) => `node_modules/${manifest.name}/${file}`)],
    });
  write('tsconfig.bundler.json', tsconfig('ESNext', ['src/browser.ts', 'src/low-level.ts', 'src/api.ts']));
  write('tsconfig.node.json', tsconfig('NodeNext', ['src/api.ts']));

  write('index.html', '<!doctype html><title>app</title><script type="module" src="/src/main.ts"></script>\n');
  write('src/main.ts', `import { start } from './browser';\nstart().then((result) => (document.title = result ? 'signed in' : 'welcome'));\n`);
  write(
    'src/rollup-main.js',
    `import { createPkceClient } from 'pkce-spa';\nexport const auth = createPkceClient({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: location.origin + '/callback', apiOrigins: [{ origin: 'https://billing.example', resource: 'https://billing.example' }] });\nconst result = await auth.handleRedirect();\nif (!result) await auth.restoreSession();\nif (auth.isAuthenticated()) await auth.fetch('https://billing.example/invoices');\ndocument.querySelector('button').onclick = () => auth.login();\n`,
  );

  write(
    'src/entry-server.ts',
    `import { createPkceClient } from 'pkce-spa';

// SSR frameworks evaluate the app's modules on the server too, so the client is created there.
const auth = createPkceClient({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: 'https://app.example/callback' });

export function render(): string {
  return \`<p>\${auth.isAuthenticated() ? 'Signed in' : 'Signed out'}\${auth.user ? '' : '.'}</p>\`;
}
`,
  );
  // Every browser global reports its use. Not navigator: Node >= 21 has one of its own, and jose
  // looks at it (typeof navigator) when imported, to choose its User-Agent header.
  write(
    'node-check.mjs',
    `const touched = new Set();
for (const name of ['window', 'self', 'document', 'location', 'history', 'localStorage', 'sessionStorage', 'indexedDB']) {
  Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.add(name) });
}
const { createRequire } = await import('node:module');
const browser = await import('pkce-spa');
const server = await import('pkce-spa/server');
const protocol = await import('pkce-spa/protocol');
const { render } = await import('./dist-ssr/entry-server.js');
const html = render();
const verifier = server.createTokenVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });
const missing = await verifier.verify(undefined).catch((error) => error);
let required;
if (process.features.require_module) {
  const require = createRequire(import.meta.url);
  required = {
    browser: require('pkce-spa').createPkceClient === browser.createPkceClient,
    server: require('pkce-spa/server').createTokenVerifier === server.createTokenVerifier,
  };
}
console.log(JSON.stringify({
  browser: Object.keys(browser).length,
  server: Object.keys(server).length,
  protocol: Object.keys(protocol).length,
  html,
  missingToken: [server.isPkceError(missing, 'missing_token'), missing instanceof server.TokenVerificationError],
  required,
  touched: [...touched],
}));
`,
  );
}

beforeAll(async () => {
  const checkout = await cleanCheckout();
  expect(existsSync(join(checkout, 'dist'))).toBe(false);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout, env: productionEnv });
  [packed] = JSON.parse(stdout) as [PackResult];

  write('package.json', JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename)], { cwd: app });
  await writeApp();
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each test runs its own tools on the app; they run side by side.
describe.concurrent('the packed package', () => {
  it('holds what package.json points at, the chunks its code imports, and nothing else', () => {
    const shipped = packed.files.map((file) => file.path).sort();
    const targets = exportTargets(manifest.exports).map(({ target }) => target);
    const fields = [manifest.main, manifest.module, manifest.types, manifest.unpkg, manifest.jsdelivr].flatMap((field) =>
      field ? [field.replace(/^\.\//, '')] : [],
    );
    for (const target of [...targets, ...fields]) expect(shipped, `${target} is named in package.json`).toContain(target);
    // The code those files load: relative static and dynamic imports, followed to the end.
    const code = new Set(targets.filter((target) => target.endsWith('.js')));
    for (const file of code) {
      const text = readFileSync(join(installed, file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        code.add(posix.join(posix.dirname(file), specifier!));
      }
    }
    const maps = [...code].map((file) => `${file}.map`);
    const docs = ['README.md', 'LICENSE'].filter((file) => existsSync(join(repoRoot, file)));
    expect(shipped).toEqual([...new Set([...targets, ...code, ...maps, ...docs])].sort());
  });

  it('type-checks in a strict app with skipLibCheck: false, with bundler and with Node resolution', async () => {
    expect(declarations.length, 'the package ships type declarations').toBeGreaterThan(0);
    await Promise.all([
      node(tools.tsc, ['-p', 'tsconfig.bundler.json'], { cwd: app }),
      node(tools.tsc, ['-p', 'tsconfig.node.json'], { cwd: app }),
    ]);
  });

  it('bundles for the browser with Vite, jose included and the server half left out', async () => {
    await viteBuild(['--outDir', 'dist-web', '--logLevel', 'warn'], { cwd: app, env: productionEnv });
    const assets = join(app, 'dist-web/assets');
    const code = (await readdir(assets)).map((file) => readFileSync(join(assets, file), 'utf8')).join('\n');
    // Booleans, not the bundle: a failure should not print 30 KB of minified code.
    expect(code.includes('pkce-spa.error'), 'the SDK is in the bundle').toBe(true);
    expect(code.includes('ERR_JWKS_NO_MATCHING_KEY'), 'jose, which verifies ID tokens, is in the bundle').toBe(true);
    expect(code.includes('createTokenVerifier'), 'pkce-spa/server is not in the bundle').toBe(false);
  });

  it('bundles for the browser with rollup and node-resolve: no unresolved import, and no chunk loaded on demand imports the app', async () => {
    const warnings: RollupLog[] = [];
    const bundle = await rollup({
      input: join(app, 'src/rollup-main.js'),
      plugins: [nodeResolve({ browser: true })],
      onwarn: (warning) => warnings.push(warning),
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(warnings.map((w) => w.message)).toEqual([]);
    // jose bundled in: every import is of another chunk of this output (the verification is one,
    // loaded on demand), none is left for the browser to resolve.
    const chunks = output.flatMap((item) => (item.type === 'chunk' ? [item] : []));
    const names = chunks.map((chunk) => chunk.fileName);
    for (const chunk of chunks) expect(names).toEqual(expect.arrayContaining([...chunk.imports, ...chunk.dynamicImports]));
    const code = chunks.map((chunk) => chunk.code).join('\n');
    expect(code.includes('pkce-spa.error'), 'the SDK is in the bundle').toBe(true);
    expect(code.includes('ERR_JWKS_NO_MATCHING_KEY'), 'jose is in the bundle').toBe(true);
    // The README's start-up awaits handleRedirect() and restoreSession() at the top level of the app's
    // module, and they load parts of the SDK on demand. A chunk loaded then that imported the app's
    // own chunk would wait for that module to finish, which waits for it: the page would hang. Rollup
    // puts there what the app's chunk holds and a chunk loaded by another lazy chunk needs.
    // (Rollup may move the app's module out of the entry file into a chunk the entry re-exports.)
    const appChunk = chunks.find((chunk) => Object.keys(chunk.modules).some((id) => id.endsWith('rollup-main.js')))!;
    const intoEntry = chunks.filter((chunk) => chunk.imports.includes(appChunk.fileName) && !chunk.isEntry).map((chunk) => chunk.name);
    expect(intoEntry, 'chunks that import the app\'s own chunk').toEqual([]);
    // What every page loads (the entry and the chunks it imports statically) holds none of the parts
    // a signed-out visitor's page never uses: they load when a session has tokens or a call needs them.
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    const eager = new Set(chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName));
    for (const name of eager) for (const imported of byName.get(name)!.imports) eager.add(imported);
    const eagerModules = [...eager].flatMap((name) => Object.keys(byName.get(name)!.modules)).map((id) => id.replaceAll('\\', '/'));
    const onDemand = ['/client/refresher.js', '/client/refresh-run.js', '/client/login/exchange.js', '/protocol/id-token/checks.js', '/session/dpop-keys.js', '/jose/'];
    expect(onDemand.filter((part) => eagerModules.some((id) => id.includes(part))), 'parts loaded by every page').toEqual([]);
    // A returning user's silent sign-in loads none of the code that pushes sign-in requests ahead of
    // the click (a signed-out page's): what the silent sign-in's chunk imports, followed to the end.
    const silentChunk = chunks.find((chunk) => Object.keys(chunk.modules).some((id) => id.replaceAll('\\', '/').endsWith('/client/login/silent.js')))!;
    const silent = new Set([silentChunk.fileName]);
    for (const name of silent) for (const imported of byName.get(name)!.imports) silent.add(imported);
    const silentModules = [...silent].flatMap((name) => Object.keys(byName.get(name)!.modules)).map((id) => id.replaceAll('\\', '/'));
    expect(silentModules.filter((id) => id.endsWith('/client/login/ahead.js')), 'push-ahead code a silent sign-in loads').toEqual([]);
  });

  it('imports in Node, as ESM and through require(), and a server-side render touches no browser global', async () => {
    await viteBuild(['--ssr', 'src/entry-server.ts', '--outDir', 'dist-ssr', '--logLevel', 'warn'], { cwd: app, env: productionEnv });
    const { stdout } = await node('node-check.mjs', [], { cwd: app });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ html: '<p>Signed out.</p>', missingToken: [true, true], touched: [] });
    expect(result.browser).toBeGreaterThan(10);
    expect(result.protocol).toBeGreaterThan(15);
    expect(result.server).toBeGreaterThan(5);
    // No "require" condition is claimed: the package is ESM only, like jose. Node ≥ 20.19 loads
    // it through require() all the same, the very module the import gave (one copy, one state).
    expect(JSON.stringify(manifest.exports)).not.toContain('"require"');
    if (process.features.require_module) expect(result.required).toEqual({ browser: true, server: true });
  });
});
