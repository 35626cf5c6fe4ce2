// Runs the command-line tools the packaging and example tests drive (npm, node, vite, tsc) as a
// user would, in a child process. A failure throws with the tool's own output, which is what
// anyone fixing it needs to read.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The repository's own copies of the tools, run with this Node. */
export const tools = {
  tsc: join(repoRoot, 'node_modules/typescript/bin/tsc'),
  vite: join(repoRoot, 'node_modules/vite/bin/vite.js'),
};

/**
 * An example's copies of its tools: each example is a package of its own, with its own install
 * (`installPackages`), as an app made from it would be.
 */
export function exampleTools(example: string) {
  const installed = (path: string) => join(repoRoot, 'examples', example, 'node_modules', path);
  return {
    tsc: installed('typescript/bin/tsc'),
    vite: installed('vite/bin/vite.js'),
    vueTsc: installed('vue-tsc/bin/vue-tsc.js'),
    architect: installed('@angular-devkit/architect-cli/bin/cli.js'),
  };
}

export interface CommandOptions {
  cwd?: string;
  /** Added to the environment; a value of `undefined` removes that variable. */
  env?: Record<string, string | undefined>;
}

export function run(command: string, args: string[], { cwd = repoRoot, env = {} }: CommandOptions = {}) {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return new Promise<{ stdout: string; stderr: string }>((done, fail) => {
    execFile(command, args, { cwd, env: merged as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${[command, ...args].join(' ')} failed (in ${cwd}):\n${stdout}\n${stderr}`, { cause: error }));
      else done({ stdout, stderr });
    });
  });
}

/** A Node script or tool entry point (e.g. `tools.vite`), with this Node. */
export const node = (script: string, args: string[], options?: CommandOptions) => run(process.execPath, [script, ...args], options);

/**
 * `vite build` with these arguments, by the repository's Vite or another copy (an example's). Each
 * test build writes to its own folder, so Vite's lock against two builds of one project at once
 * (same root and mode) is bypassed: test files build one example side by side.
 */
export const viteBuild = (args: string[], options?: CommandOptions, vite = tools.vite) =>
  node(vite, ['build', ...args, '--bypass-lock'], options);

/**
 * Installs the packages of these folders of the repository (e.g. `examples/react`, `bench`), which
 * the root install leaves out, where they are missing or stale: scripts/install-packages.mjs, which
 * makes concurrent callers wait for one install.
 */
export const installPackages = (...folders: string[]) => node(join(repoRoot, 'scripts/install-packages.mjs'), folders);

/**
 * The environment of a production build. Vitest sets NODE_ENV=test, and React, Vue and Vite would
 * all build for development under it.
 */
export const productionEnv = { NODE_ENV: undefined };
