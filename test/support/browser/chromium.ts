// Launches the system's Chromium (Debian's package) through playwright-core, which ships no
// browser of its own. A missing browser is an error with install instructions, never a skip:
// a browser test that silently does not run proves nothing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox', // containers and CI usually run as root, where the sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH or PKCE_SPA_CHROMIUM, else /usr/bin/chromium, else chromium(-browser) on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CHROMIUM_PATH || env.PKCE_SPA_CHROMIUM;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(`CHROMIUM_PATH/PKCE_SPA_CHROMIUM points to "${configured}", which is not an executable file.`);
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error(
    'The browser tests need Chromium and none was found. Install it (Debian/Ubuntu: ' +
      '`apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
}

/**
 * A headless Chromium. `launch` gives every browser a fresh temporary profile (deleted on close),
 * so no cookies or storage leak between runs.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = findChromium();
  try {
    return await chromium.launch({ executablePath, headless: true, args: [...ARGS, ...extraArgs] });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${(error as Error).message}`, { cause: error });
  }
}
