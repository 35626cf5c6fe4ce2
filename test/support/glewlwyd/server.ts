// Runs Debian's glewlwyd as a child process for one test file: its own temporary directory and
// SQLite database, a free loopback port, provisioned through the admin API, stopped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';

import { provision } from './admin';
import { findGlewlwyd } from './install';
import { prepareInstanceDir, writeServerConfig } from './instance-dir';
import { PLUGIN_NAME } from './oidc-plugin';

export interface GlewlwydOptions {
  /** The SPA's redirect URI (the demo page's /callback). */
  redirectUri: string;
  /** Where end_session may send the user back to. */
  postLogoutRedirectUri: string;
  /** Access (and ID) token lifetime in seconds. Default 60. */
  accessTokenTtl?: number;
}

export interface RunningGlewlwyd {
  /** `http://127.0.0.1:{port}/api/oidc`: discovery is at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** `http://127.0.0.1:{port}`: the login pages and the admin API. */
  origin: string;
  clientId: string;
  /** What the SPA asks for. */
  scope: string;
  /** The scope the API requires. */
  apiScope: string;
  /** A user made for this run, with a random password. */
  user: { username: string; password: string; name: string };
  /** The last lines glewlwyd printed (no tokens: it logs events, not values). */
  log(): string;
  /** Stops glewlwyd (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
  close(): Promise<void>;
}

const CLIENT_ID = 'pkce-spa-demo';
const API_SCOPE = 'api:read';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Waits until glewlwyd answers on `origin`, or fails when it exits first. */
async function ready(child: ChildProcess, origin: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`glewlwyd exited with ${child.exitCode}:\n${log()}`);
    const answered = await fetch(`${origin}/config`).then((r) => r.ok, () => false);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`glewlwyd did not answer on ${origin} within 15 s:\n${log()}`);
}

/**
 * Starts glewlwyd 2.7 with an OpenID Connect provider for the pkce-spa demo: a user, a public SPA
 * client with PKCE and refresh tokens, an RS256 key made for this run.
 * @throws when the package is not installed (with how to install it) or glewlwyd fails to start.
 */
export async function startGlewlwyd({ redirectUri, postLogoutRedirectUri, accessTokenTtl = 60 }: GlewlwydOptions): Promise<RunningGlewlwyd> {
  const binaries = findGlewlwyd();
  let dir: string | undefined;
  const lines: string[] = [];
  const log = () => lines.slice(-30).join('\n');
  let child: ChildProcess | undefined;
  const stopOnExit = () => child?.kill('SIGKILL'); // never outlive the test process
  process.once('exit', stopOnExit);
  const close = async () => {
    if (child) await stop(child);
    process.off('exit', stopOnExit);
    if (dir) await rm(dir, { recursive: true, force: true });
  };

  try {
    dir = await prepareInstanceDir(binaries.sqlite3);
    let origin = '';
    // The port is free when picked but glewlwyd binds it later: try again if it was taken.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      const config = await writeServerConfig(dir, port, origin);
      lines.length = 0;
      child = spawn(binaries.glewlwyd, ['--config-file', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          // Module loading and endpoint registration: a hundred lines that never explain a failure.
          lines.push(...chunk.split('\n').filter((line) => line && !/INFO: (Loading|Add endpoint|Remove endpoint) /.test(line)));
          lines.splice(0, lines.length - 100);
        });
      }
      try {
        await ready(child, origin, log);
        break;
      } catch (error) {
        await stop(child);
        if (attempt < 3 && /Address already in use/.test(log())) continue;
        throw error;
      }
    }

    const issuer = `${origin}/api/${PLUGIN_NAME}`;
    const user = { username: 'alice', password: randomBytes(18).toString('base64url'), name: 'Alice Liddell' };
    try {
      await provision(`${origin}/api`, {
        issuer,
        accessTokenTtl,
        clientId: CLIENT_ID,
        redirectUri,
        postLogoutRedirectUri,
        apiScope: API_SCOPE,
        user,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nglewlwyd's log:\n${log()}`, { cause: error });
    }
    return { issuer, origin, clientId: CLIENT_ID, scope: `openid ${API_SCOPE}`, apiScope: API_SCOPE, user, log, close };
  } catch (error) {
    await close();
    throw error;
  }
}
