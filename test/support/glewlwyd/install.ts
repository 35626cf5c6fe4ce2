// Where Debian's glewlwyd package (bookworm: 2.7.5) puts what the harness needs. A missing piece
// is an error that says how to install it, never a skip: a test that silently does not run
// proves nothing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isExecutable } from '../executable.js';

/** The package's files, by their Debian paths. */
export const PACKAGE = {
  /** The login, consent and end-session pages (login.html and friends). */
  webapp: '/usr/share/glewlwyd/webapp',
  /** The webapp's settings: in the package, webapp/config.json is a symlink to a directory. */
  webappConfig: '/usr/share/glewlwyd/templates/config.json',
  /** The package's own schema and seed for SQLite (what dbconfig-common runs on install). */
  sqliteSchema: '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3',
  /** User, client, scheme and plugin modules (.so), one folder each. */
  modules: '/usr/lib/glewlwyd',
} as const;

const INSTALL_HINT =
  'The glewlwyd browser test needs Debian\'s glewlwyd package: `apt-get update && apt-get install -y glewlwyd` ' +
  '(.ci/run does it), or set GLEWLWYD_PATH to a glewlwyd 2.7 executable whose files are at the Debian paths.';

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The glewlwyd and sqlite3 executables, after checking the package's files are there. */
export function findGlewlwyd(env: NodeJS.ProcessEnv = process.env): { glewlwyd: string; sqlite3: string } {
  const glewlwyd = env.GLEWLWYD_PATH || (isExecutable('/usr/bin/glewlwyd') ? '/usr/bin/glewlwyd' : onPath('glewlwyd', env));
  if (!glewlwyd || !isExecutable(glewlwyd)) throw new Error(`glewlwyd was not found. ${INSTALL_HINT}`);
  for (const path of Object.values(PACKAGE)) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw new Error(`${path} is missing. ${INSTALL_HINT}`);
    }
  }
  // sqlite3 is a dependency of the package; it seeds the throwaway database.
  const sqlite3 = onPath('sqlite3', env);
  if (!sqlite3) throw new Error(`sqlite3 was not found. ${INSTALL_HINT}`);
  return { glewlwyd, sqlite3 };
}
