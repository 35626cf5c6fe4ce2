// scripts/prepare.mjs when an app installs pkce-spa from a folder (`npm install ../pkce-spa`): the
// linked clone may have no node_modules, so its own packages are installed there first, then the
// build runs; a build that fails ends in one line saying what to run, not a stack trace. Run on a
// stand-in package (the script and a package.json whose build is a one-liner), as npm runs it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { node, repoRoot } from '../support/commands';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function standIn(build: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pkce-spa-prepare-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  cpSync(join(repoRoot, 'scripts/prepare.mjs'), join(dir, 'scripts/prepare.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stand-in', version: '1.0.0', private: true, scripts: { build } }));
  return dir;
}
// What npm sets when it runs prepare for a folder dependency.
const asFolderInstall = { npm_command: 'install', npm_package_resolved: 'file:../pkce-spa', npm_execpath: undefined };

describe('prepare, on a folder install', () => {
  it('installs the clone\'s own packages when it has none, then builds', async () => {
    const dir = standIn(`node -e "require('fs').writeFileSync('built', '')"`);
    const { stdout } = await node(join(dir, 'scripts/prepare.mjs'), [], { cwd: dir, env: asFolderInstall });
    expect(stdout).toContain(`pkce-spa: installing its own packages in ${dir} to build dist/`);
    expect(existsSync(join(dir, 'built'))).toBe(true);
  });

  it('a failed build ends in one line saying what to run', async () => {
    const dir = standIn('exit 3');
    mkdirSync(join(dir, 'node_modules/rollup'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/rollup/package.json'), '{}');
    const failure = await node(join(dir, 'scripts/prepare.mjs'), [], { cwd: dir, env: asFolderInstall }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain(`pkce-spa: the build failed (output above); run "npm install && npm run build" in ${dir}, then install it again`);
    expect(failure).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('skips the build on a development install in the repository', async () => {
    const dir = standIn('exit 3');
    const { stdout } = await node(join(dir, 'scripts/prepare.mjs'), [], { cwd: dir, env: { npm_command: 'install', npm_package_resolved: undefined } });
    expect(stdout).toContain('no build on a development install');
  });
});
