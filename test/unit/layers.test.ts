// The folders of src/ are the layers of the SDK, and imports only go down:
//
//   client/    the facade (createPkceClient), its options, events and flows: sign-in, refresh, sign-out
//   session/   the session state machine and what it keeps: token store, transaction, tab sync, ledger
//   browser/   window plumbing: the page, popups and iframes (relay), IndexedDB, navigation
//   protocol/  one OAuth/OIDC step per file, pure functions over Request and Response
//   shared/    errors, encoding, the loopback rule, types both halves use; imports nothing above it
//   server/    pkce-spa/server, apart: it imports shared/ and nothing else of the browser SDK
//
// This test reads every import of src/ (type-only ones too: a cycle of types is still a knot for the
// reader) and fails on a cycle, on an import that climbs a layer, and on either half reaching into the
// other. It also keeps Node's modules out of the browser code and the runtime dependencies to jose.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/** The layers, lowest first; a file may import its own layer and those below. */
const browserLayers = ['shared', 'protocol', 'browser', 'session', 'client'];

export interface SourceGraph {
  /** Every .ts file under src/, as a path relative to src/. */
  files: string[];
  /** For each file, the src/-relative files it imports, and its bare (package) imports. */
  imports: Map<string, { local: string[]; packages: string[] }>;
}

const stripComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

export function readGraph(dir = src): SourceGraph {
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split('\\').join('/'))
    .sort();
  const imports = new Map<string, { local: string[]; packages: string[] }>();
  for (const file of files) {
    const code = stripComments(readFileSync(join(dir, file), 'utf8'));
    const local: string[] = [];
    const packages: string[] = [];
    for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) {
        const target = relative(dir, resolve(dir, dirname(file), specifier!)).split('\\').join('/').replace(/\.js$/, '.ts');
        local.push(target);
      } else packages.push(specifier!);
    }
    imports.set(file, { local: [...new Set(local)], packages: [...new Set(packages)] });
  }
  return { files, imports };
}

/** The import cycles of a graph, each as the files around it (Tarjan's strongly connected components). */
export function findCycles(graph: SourceGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    indices.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.imports.get(file)?.local ?? []) {
      if (!graph.imports.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, indices.get(next)!));
    }
    if (low.get(file) === indices.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = graph.imports.get(file)!.local.includes(file);
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  };
  for (const file of graph.files) if (!indices.has(file)) visit(file);
  return cycles;
}

/** The layer a src/-relative file belongs to: its top folder, or `entry` for the files directly in src/. */
const layerOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : 'entry');

/** Every import that breaks the layering, as "importer -> imported (why)". */
export function layerViolations(graph: SourceGraph): string[] {
  const wrong: string[] = [];
  for (const [file, { local, packages }] of graph.imports) {
    const from = layerOf(file);
    for (const target of local) {
      const to = layerOf(target);
      if (!graph.imports.has(target)) wrong.push(`${file} -> ${target} (no such file)`);
      else if (from === 'server' || to === 'server') {
        if (from !== 'server' && to === 'server') wrong.push(`${file} -> ${target} (the browser SDK imports the server)`);
        else if (to !== 'server' && to !== 'shared') wrong.push(`${file} -> ${target} (the server imports the browser SDK beyond shared/)`);
      } else if (from !== 'entry') {
        const rank = browserLayers.indexOf(from);
        const targetRank = browserLayers.indexOf(to);
        if (rank < 0) wrong.push(`${file} (a folder that is no layer: ${from})`);
        else if (to === 'entry' || targetRank > rank) wrong.push(`${file} -> ${target} (${from} climbs to ${to})`);
      }
    }
    for (const name of packages) {
      if (name === 'jose') continue;
      if (from === 'server' && name.startsWith('node:')) continue;
      wrong.push(`${file} -> ${name} (a package: the SDK's one runtime dependency is jose${name.startsWith('node:') ? ', and the browser code never imports Node' : ''})`);
    }
  }
  return wrong;
}

describe('the layers of src/', () => {
  const graph = readGraph();

  it('reads the whole source tree', () => {
    expect(graph.files.length).toBeGreaterThan(50);
    expect(graph.files).toContain('index.ts');
    expect(graph.files).toContain('server/index.ts');
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('imports only downwards: client, session, browser, protocol, shared; the server uses shared/ alone', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('keeps every file in a layer folder but the entry points', () => {
    expect(graph.files.filter((file) => layerOf(file) === 'entry')).toEqual(['index.ts', 'protocol.ts']);
    for (const file of graph.files) expect([...browserLayers, 'server', 'entry'], file).toContain(layerOf(file));
  });

  it('keeps each source file under about 250 lines', () => {
    // The one exception, and why: the session state machine keeps its state table and every
    // transition in one closure, so that no step can commit a result outside the rules it states.
    const allowed: Record<string, number> = { 'session/session.ts': 330 };
    const long = graph.files
      .map((file) => [file, readFileSync(join(src, file), 'utf8').split('\n').length] as const)
      .filter(([file, lines]) => lines > (allowed[file] ?? 260));
    expect(long).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const graphOf = (edges: Record<string, string[]>): SourceGraph => ({
    files: Object.keys(edges),
    imports: new Map(Object.entries(edges).map(([file, local]) => [file, { local, packages: [] }])),
  });

  it('find a cycle through three files and a file importing itself', () => {
    const cycles = findCycles(graphOf({ 'a/x.ts': ['a/y.ts'], 'a/y.ts': ['a/z.ts'], 'a/z.ts': ['a/x.ts'], 'a/s.ts': ['a/s.ts'] }));
    expect(cycles).toEqual([['a/x.ts', 'a/y.ts', 'a/z.ts'], ['a/s.ts']]);
  });

  it('refuse a climb, a reach into the server and a server reaching into the session', () => {
    const wrong = layerViolations(
      graphOf({
        'protocol/p.ts': ['session/s.ts'],
        'session/s.ts': ['server/v.ts'],
        'server/v.ts': ['session/s.ts', 'shared/e.ts'],
        'shared/e.ts': [],
      }),
    );
    expect(wrong).toEqual([
      'protocol/p.ts -> session/s.ts (protocol climbs to session)',
      'session/s.ts -> server/v.ts (the browser SDK imports the server)',
      'server/v.ts -> session/s.ts (the server imports the browser SDK beyond shared/)',
    ]);
  });
});
