// `npm run prepare`, which npm runs before it packs this package (npm pack, npm publish, and a git
// dependency being installed: pacote then sets npm_package_resolved), when an app installs it from a
// folder (`npm install ../pkce-spa`), and also on a plain `npm install` in this repository. There the
// build is skipped: `npm test`, `npm run demo` and `npm run screenshots` build first anyway, and a
// fresh install is 7 to 10 s shorter without it. Any other command, or an npm that says less, builds.
//
// A folder install links a clone that may have no node_modules of its own: its build tools (and
// jose, which dist/ imports) are installed there first, without scripts. Whatever fails, the user
// gets one line saying what to run, not a stack trace.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { npm_command: command, npm_package_resolved: resolved, npm_execpath: npmCli } = process.env;

const npm = (args) =>
  npmCli
    ? execFileSync(process.execPath, [npmCli, ...args], { cwd: root, stdio: 'inherit' })
    : execFileSync('npm', args, { cwd: root, stdio: 'inherit' });

if ((command === 'install' || command === 'ci') && !resolved) {
  console.log('pkce-spa: no build on a development install (npm test and npm run demo build first)');
} else {
  try {
    if (!existsSync(join(root, 'node_modules/rollup/package.json'))) {
      console.log(`pkce-spa: installing its own packages in ${root} to build dist/`);
      npm(['install', '--ignore-scripts', '--no-audit', '--no-fund']);
    }
    npm(['run', 'build']);
  } catch {
    console.error(`pkce-spa: the build failed (output above); run "npm install && npm run build" in ${root}, then install it again`);
    process.exit(1);
  }
}
