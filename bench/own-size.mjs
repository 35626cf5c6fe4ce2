// Our share of the typical app: the same build as `npm run size`, with jose left out.
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = await rollup({
  input: `${root}/bench/apps/pkce-spa.js`,
  external: ['jose'],
  plugins: [{ name: 'self', resolveId: (id) => (id === 'pkce-spa' ? `${root}/dist/pkce-spa.js` : null) }, terser({ compress: { passes: 2 }, format: { comments: false } })],
  onwarn: () => {},
});
const { output } = await bundle.generate({ format: 'es' });
const code = output[0].code;
if (process.argv[2] === '--print') console.log(code);
console.log(`pkce-spa's own code in the typical app: ${code.length} B minified, ${brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length} B brotli`);
