// @vitest-environment node
// docs/providers.md names the test behind each recipe: exactly the provider tests that exist.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');

describe('docs/providers.md', () => {
  it('names every provider test, and only tests that exist', () => {
    const guide = readFileSync(join(root, 'docs/providers.md'), 'utf8');
    const named = [...new Set(guide.match(/test\/flows\/providers\/[\w-]+\.test\.ts/g))].sort();
    const present = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'guide.test.ts');
    expect(named).toEqual(present.map((f) => `test/flows/providers/${f}`).sort());
  });
});
