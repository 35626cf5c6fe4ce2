import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// Declarations come from `tsc -p tsconfig.build.json` (see the build script): one pass for
// every entry point is simpler than asking the rollup plugin to emit them per output.
const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: undefined, rootDir: undefined });
const external = (id) => id === 'jose' || id.startsWith('node:');

export default [
  {
    // The JOSE part (ID token verification) stays a separate chunk behind a dynamic import(), so an
    // app's bundler loads jose only on pages that verify an ID token.
    input: 'src/index.ts',
    external,
    plugins: [ts()],
    output: { dir: 'dist', entryFileNames: 'pkce-spa.js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es', sourcemap: true },
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
];
