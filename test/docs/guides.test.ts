// The guides below are checked as a reader would find them. Every ```ts block is type-checked, each as a module of its own, against the
// package's built types (dist/*.d.ts, what users get) and, for the migration guide's "before"
// code, against the oidc-client-ts and @auth0/auth0-spa-js types of the benchmarks' peers
// (bench/package.json, installed here when missing: the root install leaves them out). Snippets
// may use `auth`, the app's client, without creating it. docs/frameworks.md quotes the examples
// instead, and test/package/examples.test.ts checks those quotes; providers.md and server.md show
// option fragments. Every relative link leads to a file, and every #anchor to a heading of it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { installPackages, node, repoRoot, tools } from '../support/commands';

const guides = ['docs/troubleshooting.md', 'docs/migration.md'];

interface Snippet {
  guide: string;
  /** The line of the guide where the code starts. */
  line: number;
  code: string;
}

function snippets(guide: string): Snippet[] {
  const text = readFileSync(join(repoRoot, guide), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
    guide,
    line: text.slice(0, match.index).split('\n').length + 1,
    code: match[1]!,
  }));
}

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the TypeScript snippets of the guides', () => {
  it('type-check against the real types', async () => {
    for (const types of ['dist/pkce-spa.d.ts', 'dist/server.d.ts']) {
      if (!existsSync(join(repoRoot, types))) throw new Error(`${types} is missing: run \`npm run build\` first`);
    }
    await installPackages('bench');
    // Inside bench/'s node_modules, so the peers' packages resolve from there.
    mkdirSync(join(repoRoot, 'bench/node_modules/.cache'), { recursive: true });
    const snippetDir = mkdtempSync(join(repoRoot, 'bench/node_modules/.cache/pkce-spa-doc-snippets-'));
    dir = snippetDir;
    const all = guides.flatMap(snippets);
    for (const guide of guides) expect(all.filter((s) => s.guide === guide).length, guide).toBeGreaterThanOrEqual(5);
    const files = all.map(({ guide, line, code }) => {
      const file = `${basename(guide)}.L${line}.ts`;
      writeFileSync(join(snippetDir, file), `${code}\nexport {};\n`);
      return file;
    });
    writeFileSync(join(snippetDir, 'prelude.d.ts'), "declare const auth: import('pkce-spa').PkceClient;\n");
    writeFileSync(
      join(snippetDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ES2022',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          paths: {
            'pkce-spa': [join(repoRoot, 'dist/pkce-spa.d.ts')],
            'pkce-spa/server': [join(repoRoot, 'dist/server.d.ts')],
          },
        },
        files: ['prelude.d.ts', ...files],
      }),
    );
    await node(tools.tsc, ['-p', join(snippetDir, 'tsconfig.json')]).catch((error: Error) => {
      // tsc names the snippet file and its line: say which line of which guide that is.
      const where = /\S*?([\w-]+\.md)\.L(\d+)\.ts\((\d+),(\d+)\)/g;
      throw new Error(error.message.replace(where, (_, guide, start, row, column) => `docs/${guide}:${Number(start) + Number(row) - 1}:${column}`));
    });
  });

  it('link to files and headings that exist', () => {
    // GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = (markdown: string) =>
      new Set(
        [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) =>
          heading!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'),
        ),
      );
    const broken: string[] = [];
    for (const guide of guides) {
      const text = readFileSync(join(repoRoot, guide), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path ? join(repoRoot, dirname(guide), path) : join(repoRoot, guide);
        if (!existsSync(file)) broken.push(`${guide}: ${target} (no such file)`);
        else if (anchor && !anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${guide}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
