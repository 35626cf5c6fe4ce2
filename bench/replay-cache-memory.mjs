// Memory of the DPoP replay cache: heap bytes per remembered proof, for the figure docs/server.md
// and memoryReplayCache()'s TSDoc give. Each id is what the verifier stores: 43 base64url
// characters (SHA-256 of the key thumbprint and jti).
//
// Usage: node --expose-gc bench/replay-cache-memory.mjs [--entries 100000] (after npm run build)
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url);
if (!existsSync(new URL('dist/server.js', root))) {
  console.error('bench/replay-cache-memory.mjs needs the build: run npm run build first');
  process.exit(1);
}
if (typeof globalThis.gc !== 'function') {
  console.error('run it with node --expose-gc, so the heap can be measured after a collection');
  process.exit(1);
}
const { memoryReplayCache } = await import(new URL('dist/server.js', root).href);
const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' } } });
const entries = Number(values.entries);

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
// Each id is made as the verifier makes it per request, so what stays on the heap afterwards is
// what the cache keeps: the id strings, the set, and the expiry heap.
const id = (i) => createHash('sha256').update(`thumbprint.jti-${i}`).digest('base64url');

const before = heap();
const cache = memoryReplayCache({ maxEntries: entries });
// Varied lifetimes, as proofs with different iat have (60 to 65 s).
for (let i = 0; i < entries; i++) await cache.add(id(i), 60_000 + (i % 5000));
const after = heap();
globalThis.keep = cache;
console.log(`Node ${process.version}, ${entries.toLocaleString('en')} entries (ids of 43 base64url characters)`);
console.log(`heap held by the cache: ${((after - before) / 1e6).toFixed(1)} MB, ${Math.round((after - before) / entries)} bytes an entry`);
