// Builds the same small app against pkce-spa and its peers with the settings an app would
// use (rollup + node-resolve for browsers + terser), and prints minified, gzip and brotli bytes.
// Usage: npm run size            (pkce-spa must be built first: npm run build)
//
// The peers are bench/'s own package (bench/package.json), installed here when missing; rollup and
// jose come from the root's install. jose is the root's copy for every app, the one pkce-spa uses:
// bench/'s packages bring another along.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { installPackages } from '../scripts/install-packages.mjs';

await installPackages(['bench']);

const root = fileURLToPath(new URL('..', import.meta.url));
const appsDir = new URL('./apps/', import.meta.url);
const versionOf = (name) => {
  if (name === 'pkce-spa') return JSON.parse(readFileSync(`${root}/package.json`)).version;
  const installedIn = name === 'jose' ? root : `${root}/bench`;
  return JSON.parse(readFileSync(`${installedIn}/node_modules/${name}/package.json`)).version;
};

// pkce-spa resolves to this repository's build, exactly as an installed package would.
const selfResolve = {
  name: 'self',
  resolveId: (id) => (id === 'pkce-spa' ? `${root}/dist/pkce-spa.js` : null),
};

async function measure(file) {
  const bundle = await rollup({
    input: fileURLToPath(new URL(file, appsDir)),
    plugins: [selfResolve, resolve({ browser: true, dedupe: ['jose'], rootDir: root }), terser({ compress: { passes: 2 }, format: { comments: false } })],
    // What node-resolve reads from an installed package's "sideEffects": false, for this build too.
    treeshake: { moduleSideEffects: (id) => !id.startsWith(`${root}/dist/`) },
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  // What every page loads: the entry chunk and what it imports statically. Chunks behind a dynamic
  // import() load only when used (pkce-spa's ID token verification, on the callback page).
  const chunks = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
  const entry = output.find((o) => o.type === 'chunk' && o.isEntry);
  const initial = new Set();
  const visit = (name) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const imported of chunks.get(name)?.imports ?? []) visit(imported);
  };
  visit(entry.fileName);
  const measureCode = (parts) => {
    const code = Buffer.from(parts.map((chunk) => chunk.code).join(''));
    return {
      minified: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  };
  return {
    ...measureCode([...chunks.values()]),
    everyPage: measureCode([...initial].map((name) => chunks.get(name))).brotli,
  };
}

const packageName = { 'oidc-client-ts': 'oidc-client-ts', 'keycloak-js': 'keycloak-js', 'auth0-spa-js': '@auth0/auth0-spa-js', oauth4webapi: 'oauth4webapi', 'jose-verify-only': 'jose', 'pkce-spa': null };
const rows = [];
for (const file of readdirSync(appsDir).sort()) {
  const name = file.replace(/\.js$/, '');
  const pkg = packageName[name];
  const version = versionOf(pkg ?? 'pkce-spa');
  rows.push({ app: name, version, ...(await measure(file)) });
}
rows.sort((a, b) => a.brotli - b.brotli);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log('Typical app (login, callback, token, API call), rollup + terser, bytes (all chunks; brotli of what every page loads last):');
console.log(['app'.padEnd(18), 'version'.padEnd(9), 'minified'.padStart(10), 'gzip'.padStart(9), 'brotli'.padStart(9), 'every page'.padStart(11)].join(' '));
for (const r of rows) {
  console.log(
    [r.app.padEnd(18), r.version.padEnd(9), kb(r.minified).padStart(10), kb(r.gzip).padStart(9), kb(r.brotli).padStart(9), kb(r.everyPage).padStart(11)].join(' '),
  );
}
