// `npm run prepare`, which npm runs before it packs this package (npm pack, npm publish, and a git
// dependency being installed: pacote then sets npm_package_resolved) and also on a plain
// `npm install` in this repository. There the build is skipped: `npm test`, `npm run demo` and
// `npm run screenshots` build first anyway, and a fresh install is 7 to 10 s shorter without it.
// Any other command, or an npm that says less, builds.
import { execFileSync } from 'node:child_process';

const { npm_command: command, npm_package_resolved: resolved, npm_execpath: npmCli } = process.env;
if ((command === 'install' || command === 'ci') && !resolved) {
  console.log('pkce-spa: no build on a development install (npm test and npm run demo build first)');
} else if (npmCli) {
  execFileSync(process.execPath, [npmCli, 'run', 'build'], { stdio: 'inherit' });
} else {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
