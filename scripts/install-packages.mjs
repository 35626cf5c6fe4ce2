// `npm install` in the repository's other packages: each framework example (examples/<name>/) and the
// benchmarks' peer libraries (bench/). They are kept out of the root install, which holds only what the
// library, its tests, its docs and the demo need, so a fresh clone's `npm install` stays small.
//
// A folder is installed when its node_modules is missing or older than its package.json; the folders
// of one call install side by side. The example tests, the docs test and the benchmarks call this,
// several at once under `npm test`: a lock per folder makes a second caller wait for the install under
// way and then find it done, where two npm processes in one folder would undo each other's work.
//
// Usage: node scripts/install-packages.mjs [folder ...]   (default: every example and bench/)
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// --ignore-scripts: npm runs the prepare script of a linked package (each example's "pkce-spa":
// "file:../.."), and the root's rebuilds dist/, which other tests are reading at that moment; the
// callers build first. None of these packages needs an install script (esbuild, rolldown, lmdb and the
// rest ship their binaries in per-platform packages). --no-save: no package-lock.json is written here;
// one written on this machine would lack other platforms' binaries. --include=dev: vite and the other
// build tools are devDependencies, and a NODE_ENV=production in the shell would leave them out.
const NPM_ARGS = ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--include=dev'];

/** Every folder this script installs by default. */
export function allPackageFolders() {
  const examples = readdirSync(join(root, 'examples'))
    .map((name) => join('examples', name))
    .filter((folder) => existsSync(join(root, folder, 'package.json')));
  return [...examples, 'bench'];
}

/** npm's own record of what it installed, rewritten by every install. */
const installRecord = (folder) => join(folder, 'node_modules/.package-lock.json');

function isCurrent(folder) {
  const record = installRecord(folder);
  return existsSync(record) && statSync(record).mtimeMs >= statSync(join(folder, 'package.json')).mtimeMs;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Takes the folder's install lock, waiting while another process holds it; returns its release. */
async function lock(folder) {
  const file = join(folder, '.npm-install.lock');
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    // A lock whose process is gone (killed mid-install) is no lock; an empty one is being written.
    if (holder && !isAlive(holder)) rmSync(file, { force: true });
    else await sleep(250);
  }
}

function npmInstall(folder) {
  return new Promise((done, fail) => {
    execFile('npm', NPM_ARGS, { cwd: folder, maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' }, (error, stdout, stderr) => {
      if (error) fail(new Error(`npm ${NPM_ARGS.join(' ')} failed in ${folder}:\n${stdout}\n${stderr}`, { cause: error }));
      else done(stdout);
    });
  });
}

async function installOne(folder) {
  if (isCurrent(folder)) return;
  const release = await lock(folder);
  try {
    if (isCurrent(folder)) return; // installed by the process this one waited for
    const started = Date.now();
    const stdout = await npmInstall(folder);
    // npm leaves its record as it was when nothing needed changing: mark this package.json as seen.
    const now = new Date();
    utimesSync(installRecord(folder), now, now);
    const added = stdout.match(/added \d+ packages?|up to date/)?.[0] ?? 'installed';
    console.log(`${relative(root, folder) || '.'}: ${added} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    release();
  }
}

/** Installs these folders (relative to the repository) where their packages are missing or stale. */
export async function installPackages(folders = allPackageFolders()) {
  await Promise.all(folders.map((folder) => installOne(resolve(root, folder))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const folders = process.argv.slice(2);
  await installPackages(folders.length ? folders.map((folder) => relative(root, resolve(folder))) : undefined);
}
