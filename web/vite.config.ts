import { vanillaExtractPlugin } from '@vanilla-extract/vite-plugin';
import { defineConfig } from 'vitest/config';

// The API server `npm run dev` forwards to (see README: sign-in through Vite).
const api = process.env.EXOSPHERE_API ?? 'http://127.0.0.1:3000';

// Tests of the built output (dist/), core's and the modules'.
const builtTests = ['test/built/**/*.test.ts', 'src/modules/*/test/built/**/*.test.ts'];

export default defineConfig({
  // Class names must be the same in the browser build and the server-render
  // build (vite.server.config.ts), so both name them the same way.
  plugins: [vanillaExtractPlugin({ identifiers: 'short' })],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    outDir: 'dist',
    assetsDir: 'assets',
    // dist/.vite/manifest.json: the bundle budget reads the entry's static imports from it.
    manifest: true,
    // Every browser we target supports modulepreload; the polyfill would cost bytes on the first page.
    modulePreload: { polyfill: false },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/xrpc': { target: api },
      '/oauth': { target: api },
      '/oauth-client-metadata.json': { target: api },
      '/openapi.json': { target: api },
    },
  },
  test: {
    environment: 'happy-dom',
    // Core's tests in test/, each module's in src/modules/<name>/test/ (never
    // bundled: nothing the entries import reaches them). The built/ folders
    // check the build's output: scripts/check runs them after the build.
    include: process.env.EXOSPHERE_BUILT_TESTS ? builtTests : ['test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}'],
    exclude: process.env.EXOSPHERE_BUILT_TESTS ? [] : [...builtTests, 'node_modules/**', 'dist/**'],
    setupFiles: ['test/setup.ts'],
    // Keep the machine usable for the Rust build next to us.
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
