// One glewlwyd instance's files, in a fresh temporary directory: its own SQLite database seeded
// with the package's schema, a copy of the login webapp, and the server's configuration.
import { spawn } from 'node:child_process';
import { cp, copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGE } from './install';

function run(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr}`))));
    child.stdin.end(input);
  });
}

/**
 * The package's webapp with its symlinks resolved. glewlwyd's static file server answers 404
 * for any path that goes through a symlink, and the package's webapp is mostly symlinks (to
 * Debian's bootstrap, jquery, fork-awesome); its config.json is even a symlink to a directory,
 * so the real file is taken from the package's templates.
 */
async function copyWebapp(target: string): Promise<void> {
  const configLink = join(PACKAGE.webapp, 'config.json');
  await cp(PACKAGE.webapp, target, { recursive: true, dereference: true, filter: (source) => source !== configLink });
  await copyFile(PACKAGE.webappConfig, join(target, 'config.json'));
}

/**
 * glewlwyd.conf (libconfig syntax). `externalUrl` must not end with `/`: glewlwyd appends
 * `/login.html` and `/api/...` to it. The console log goes to the harness, which keeps it in
 * memory for error messages.
 */
function serverConfig(dir: string, port: number, externalUrl: string): string {
  const mime = (extension: string, type: string) => `  { extension = "${extension}" mime_type = "${type}" }`;
  return `# Written by the pkce-spa test harness for one test run.
port = ${port}
bind_address = "127.0.0.1"
external_url = "${externalUrl}"
login_url = "login.html"
api_prefix = "api"
static_files_path = "${join(dir, 'webapp')}/"
static_files_mime_types = (
${[
  mime('.html', 'text/html'),
  mime('.css', 'text/css'),
  mime('.js', 'application/javascript'),
  mime('.json', 'application/json'),
  mime('.png', 'image/png'),
  mime('.svg', 'image/svg+xml'),
  mime('.ico', 'image/x-icon'),
  mime('.woff', 'font/woff'),
  mime('.woff2', 'font/woff2'),
  mime('.ttf', 'font/ttf'),
].join(',\n')}
);
allow_origin = "*"
log_mode = "console"
log_level = "INFO"
cookie_secure = 0
session_key = "GLEWLWYD2_SESSION_ID"
admin_session_authentication = "cookie"
profile_session_authentication = "cookie"
admin_scope = "g_admin"
profile_scope = "g_profile"
user_module_path = "${PACKAGE.modules}/user"
client_module_path = "${PACKAGE.modules}/client"
user_auth_scheme_module_path = "${PACKAGE.modules}/scheme"
plugin_module_path = "${PACKAGE.modules}/plugin"
hash_algorithm = "SHA512"
database = { type = "sqlite3" path = "${join(dir, 'glewlwyd.db')}" };
`;
}

/** Creates the directory with the database and the webapp; returns it. */
export async function prepareInstanceDir(sqlite3: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pkce-spa-glewlwyd-'));
  // The package's seed: every table, the database user and client backends, the openid scope
  // and an administrator with the package's default password (replaced at once by the harness).
  // One transaction: statement by statement, each with its own fsync, takes seconds.
  const seed = await readFile(PACKAGE.sqliteSchema, 'utf8');
  await run(sqlite3, [join(dir, 'glewlwyd.db')], `BEGIN;\n${seed}\nCOMMIT;\n`);
  await copyWebapp(join(dir, 'webapp'));
  return dir;
}

/** Writes glewlwyd.conf for this port; returns its path. */
export async function writeServerConfig(dir: string, port: number, externalUrl: string): Promise<string> {
  const path = join(dir, 'glewlwyd.conf');
  await writeFile(path, serverConfig(dir, port, externalUrl));
  return path;
}
