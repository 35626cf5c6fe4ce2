// docs/api is the API reference of both entry points (`pkce-spa`, `pkce-spa/server`), generated
// from the TSDoc by TypeDoc with typedoc-plugin-markdown (api/typedoc.json; `npm run docs`). This
// test generates it again into a temporary folder and compares it with the committed one, so a
// public type or a TSDoc comment changed without `npm run docs` fails here, naming the pages.
// TypeDoc itself refuses (treatWarningsAsErrors) an export, a member or an option without TSDoc,
// and a {@link} that leads nowhere. Sources are not linked, so editing a line elsewhere in src/
// changes no page.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import type { IdTokenClaims, PkceClient, PkceClientEvents, PkceErrorCode } from '../../src/index.js';
import type { TokenVerificationErrorCode } from '../../src/server/index.js';
import { node, repoRoot } from '../support/commands';

const typedoc = join(repoRoot, 'node_modules/typedoc/bin/typedoc');
const committed = join(repoRoot, 'docs/api');
const generated = mkdtempSync(join(tmpdir(), 'pkce-spa-api-docs-'));
afterAll(() => rmSync(generated, { recursive: true, force: true }));

beforeAll(async () => {
  await node(typedoc, ['--options', 'api/typedoc.json', '--out', generated, '--logLevel', 'Warn']).catch((error: Error) => {
    throw new Error(
      `TypeDoc could not generate the API reference; its warnings say what is missing (TSDoc on a public export or member, a {@link} target). Fix the TSDoc in src/, then run \`npm run docs\`.\n${error.message}`,
    );
  });
});

/** Every file under `dir`, as paths relative to it. */
function pages(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((path) => statSync(join(dir, path)).isFile()).sort();
}

const page = (path: string) => readFileSync(join(generated, path), 'utf8');

// OpenID Connect Core 1.0 §5.1 and §5.1.1, with the JSON types the spec gives them.
interface StandardClaims {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
  updated_at?: number;
}
const standardClaims = [
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
  'phone_number_verified', 'address', 'updated_at',
] as const satisfies readonly (keyof StandardClaims)[];
const addressClaims = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const;

const browserCodes = [
  'invalid_config', 'oauth_error', 'invalid_state', 'invalid_issuer', 'invalid_response', 'invalid_id_token',
  'invalid_userinfo', 'network_error', 'timeout', 'login_required', 'popup_blocked', 'popup_closed', 'popup_timeout',
] as const satisfies readonly PkceErrorCode[];
const serverCodes = [
  'missing_token', 'invalid_request', 'invalid_token', 'insufficient_scope', 'invalid_dpop_proof', 'use_dpop_nonce',
] as const satisfies readonly TokenVerificationErrorCode[];

/** The `###` headings of a page, with TypeDoc's markdown escapes undone. */
const headings = (markdown: string) => [...markdown.matchAll(/^#{3,4} (.+)$/gm)].map(([, text]) => text!.replace(/\\/g, ''));

describe('docs/api, the generated API reference', () => {
  it('is current: regenerating it from the TSDoc changes nothing', () => {
    const fresh = pages(generated);
    const old = pages(committed);
    const missing = fresh.filter((path) => !old.includes(path));
    const extra = old.filter((path) => !fresh.includes(path));
    const changed = fresh.filter((path) => old.includes(path) && page(path) !== readFileSync(join(committed, path), 'utf8'));
    const problems = [
      ...changed.map((path) => `changed: docs/api/${path}`),
      ...missing.map((path) => `missing: docs/api/${path}`),
      ...extra.map((path) => `no longer generated: docs/api/${path}`),
    ];
    expect(fresh.length, 'TypeDoc generated pages').toBeGreaterThan(50);
    expect(problems, `docs/api is out of date with the TSDoc in src/: run \`npm run docs\` and commit docs/api`).toEqual([]);
  });

  it('covers both entry points: every option, event, error code and claim type has a page', () => {
    expect(page('README.md')).toMatch(/\[pkce-spa\]\(pkce-spa\/README\.md\)/);
    expect(page('README.md')).toMatch(/\[pkce-spa\/server\]\(pkce-spa\/server\/README\.md\)/);
    const options = headings(page('pkce-spa/interfaces/PkceClientOptions.md'));
    expect(options).toEqual(expect.arrayContaining(['issuer', 'clientId', 'redirectUri', 'apiOrigins?', 'tokenStore?', 'dpop?', 'par?']));
    const events = headings(page('pkce-spa/interfaces/PkceClientEvents.md'));
    const eventNames: (keyof PkceClientEvents)[] = ['signed-in', 'refreshed', 'refresh-failed', 'session-ended', 'revocation-failed'];
    expect(events).toEqual(expect.arrayContaining(eventNames));
    for (const path of [
      'pkce-spa/interfaces/IdTokenClaims.md',
      'pkce-spa/interfaces/UserInfo.md',
      'pkce-spa/server/interfaces/JWTPayload.md',
      'pkce-spa/server/interfaces/TokenVerifierBaseOptions.md',
      'pkce-spa/server/interfaces/JwksTokenVerifierOptions.md',
      'pkce-spa/server/interfaces/DpopOptions.md',
      'pkce-spa/server/classes/TokenVerificationError.md',
    ]) {
      expect(page(path), path).toMatch(/^# /m);
    }
  });

  it("types auth.user with the OIDC Core §5.1 standard claims, and its page lists each", () => {
    expectTypeOf<PkceClient['user']>().toEqualTypeOf<IdTokenClaims | undefined>();
    expectTypeOf<Pick<IdTokenClaims, keyof StandardClaims>>().toEqualTypeOf<StandardClaims>();
    expect(page('pkce-spa/interfaces/PkceClient.md')).toContain('**user**: [`IdTokenClaims`](IdTokenClaims.md) \\| `undefined`');
    const claims = headings(page('pkce-spa/interfaces/IdTokenClaims.md')).map((name) => name.replace(/\?$/, ''));
    expect(claims).toEqual(expect.arrayContaining([...standardClaims, ...addressClaims]));
  });

  it("lists the browser's error codes, and none of the server's, on PkceErrorCode's page", () => {
    expectTypeOf<Extract<PkceErrorCode, TokenVerificationErrorCode>>().toBeNever();
    expectTypeOf<(typeof browserCodes)[number]>().toEqualTypeOf<PkceErrorCode>();
    expectTypeOf<(typeof serverCodes)[number]>().toEqualTypeOf<TokenVerificationErrorCode>();
    // The union as the page declares it: `> **Name** = "a" | "b" …`.
    const codes = (markdown: string) => {
      const union = /^> \*\*\w+\*\* = (.+)$/m.exec(markdown)?.[1] ?? '';
      return new Set([...union.matchAll(/"([a-z_]+)"/g)].map(([, code]) => code));
    };
    expect(codes(page('pkce-spa/type-aliases/PkceErrorCode.md'))).toEqual(new Set(browserCodes));
    expect(codes(page('pkce-spa/server/type-aliases/TokenVerificationErrorCode.md'))).toEqual(new Set(serverCodes));
    const table = page('pkce-spa/type-aliases/PkceErrorCode.md');
    for (const code of browserCodes) expect(table, code).toContain(`| \`${code}\` |`);
  });
});
