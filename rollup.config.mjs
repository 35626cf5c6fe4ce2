import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import { readFileSync, rmSync } from 'node:fs';

// Declarations are bundled like the code: one .d.ts per entry point, holding only what that entry
// exports and the types those exports mention. The package ships exactly what package.json's
// exports map names, and no declaration can refer to a file or a name that is not shipped.
// Every build starts from an empty dist/: chunk names carry a content hash, and a chunk left over
// from an earlier build would otherwise be packed with the package (files names dist/chunks/).
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: undefined, rootDir: undefined });
const external = (id) => id === 'jose' || id.startsWith('node:');
// The entry's own @packageDocumentation comment opens its bundle (the bundler would drop it).
const packageDoc = (input) => readFileSync(input, 'utf8').match(/^\/\*\*(?:(?!\*\/)[\s\S])*@packageDocumentation[\s\S]*?\*\//)?.[0];
const types = (input, file) => ({
  input,
  external,
  plugins: [dts({ tsconfig: './tsconfig.json' })],
  output: { file, format: 'es', banner: packageDoc(input) },
});

export default [
  {
    // One module per source file, not one bundle: an app's bundler then places each module where it
    // is used. What only a lazy feature needs (the login request, popups, the silent iframe, DPoP,
    // UserInfo, and jose for ID tokens) stays out of what every page loads.
    // pkce-spa/protocol is a second entry over the same modules, so an app using both shares them.
    input: { 'pkce-spa': 'src/index.ts', protocol: 'src/protocol.ts' },
    external,
    plugins: [ts()],
    output: {
      dir: 'dist',
      preserveModules: true,
      preserveModulesRoot: 'src',
      entryFileNames: (chunk) => (chunk.isEntry ? (chunk.facadeModuleId?.endsWith('protocol.ts') ? 'protocol.js' : 'pkce-spa.js') : 'modules/[name].js'),
      format: 'es',
      sourcemap: true,
    },
  },
  {
    // For <script> users: jose bundled in, one global, one file.
    input: 'src/index.ts',
    plugins: [resolve({ browser: true }), ts()],
    output: {
      file: 'dist/pkce-spa.iife.js',
      format: 'iife',
      name: 'PkceSpa',
      sourcemap: true,
      inlineDynamicImports: true,
      plugins: [terser()],
    },
  },
  {
    input: 'src/server/index.ts',
    external,
    plugins: [ts()],
    output: { file: 'dist/server.js', format: 'es', sourcemap: true },
  },
  types('src/index.ts', 'dist/pkce-spa.d.ts'),
  types('src/protocol.ts', 'dist/protocol.d.ts'),
  types('src/server/index.ts', 'dist/server.d.ts'),
];
