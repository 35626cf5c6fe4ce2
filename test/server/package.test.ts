import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { signToken } from './fixtures.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

function requireBuild(...files: string[]): void {
  for (const file of files) {
    if (!existsSync(join(root, file))) {
      throw new Error(`${file} is missing: build the package first with \`npm run build\` (\`npm test\` does it before vitest)`);
    }
  }
}

describe('the built pkce-spa/server entry point', () => {
  it('imports in Node through the package exports map and verifies a token', async () => {
    requireBuild('dist/server.js', 'dist/server.d.ts');
    const secret = 'a shared secret of at least thirty-two bytes';
    const token = await signToken(new TextEncoder().encode(secret), { alg: 'HS256' }, { iss: 'https://auth.example.test', sub: 'from-dist' });
    const script = `
      import('pkce-spa/server').then(async (m) => {
        const verifier = m.createTokenVerifier({ issuer: 'https://auth.example.test', audience: 'https://api.example.test', secret: process.env.SECRET });
        const claims = await verifier.verify('Bearer ' + process.env.TOKEN);
        const missing = await verifier.verify(undefined).catch((e) => e);
        console.log(JSON.stringify({
          exports: Object.keys(m).sort(),
          sub: claims.sub,
          missing: [missing instanceof m.TokenVerificationError, m.isPkceError(missing, 'missing_token'), missing.wwwAuthenticate],
        }));
      });`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, SECRET: secret, TOKEN: token },
    });
    const result = JSON.parse(stdout) as { exports: string[]; sub: string; missing: unknown[] };
    expect(result.exports).toEqual(
      expect.arrayContaining(['createTokenVerifier', 'TokenVerificationError', 'ConfigError', 'isPkceError']),
    );
    expect(result.sub).toBe('from-dist');
    expect(result.missing).toEqual([true, true, 'Bearer']);
  });

  it('stays out of the browser bundles', () => {
    requireBuild('dist/pkce-spa.js', 'dist/pkce-spa.iife.js');
    for (const file of ['dist/pkce-spa.js', 'dist/pkce-spa.iife.js']) {
      const code = readFileSync(join(root, file), 'utf8');
      expect(code, file).not.toContain('createTokenVerifier');
      expect(code, file).not.toContain('TokenVerificationError');
    }
  });
});
