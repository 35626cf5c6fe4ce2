// Launches the system's Chromium (Debian's package) through playwright-core, which ships no
// browser of its own. A missing browser is an error with install instructions, never a skip:
// a browser test that silently does not run proves nothing.
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { isExecutable } from '../executable.js';

/**
 * Keeps the browser on loopback (the dev sign-in pages @import a web font, and no test may depend on
 * the network): every other name, and every other IP literal, resolves to nothing. Chromium does
 * this itself, so requests are not routed through Playwright, which would answer CORS preflights
 * on the servers' behalf and hide what they really answer. Chromium matches the rules against IP
 * literals too, and IPv6 ones without brackets, so both loopback addresses are excluded as well
 * (tests put a page on 127.0.0.1 as another site than localhost; the demo can listen on ::1).
 */
export const LOOPBACK_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1';

const ARGS = [
  '--headless',
  '--no-sandbox', // containers and CI usually run as root, where the sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  LOOPBACK_ONLY,
];

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
