import { vanillaExtractPlugin } from '@vanilla-extract/vite-plugin';
import { defineConfig } from 'vite';
import { quickjsFastPaths, quickjsPropNames, renderToStringSource } from './vite.quickjs';
import { quickjsTemplates } from './vite.templates';

// The server-render bundle: ONE self-contained classic script, dist/server/render.js,
// evaluated by the Rust server in QuickJS. No imports, no Node APIs, no DOM: it
// defines globalThis.exosphereRender and globalThis.exosphereQueries (see
// src/entry-server.tsx). CSS is left to the browser build; class names match it
// because both builds name them the same way. Its JSX is written as markup
// templates where it can be (vite.templates.ts); the browser build's is not.
export default defineConfig({
  plugins: [vanillaExtractPlugin({ identifiers: 'short' }), quickjsFastPaths(), quickjsTemplates(), quickjsPropNames()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // Server renders happen once per request, never re-render: the plain
  // signals (same API) without @preact/signals' component-tracking hooks,
  // which cost QuickJS an effect per component.
  // preact-render-to-string from its ES sources, rewritten for QuickJS (see vite.quickjs.ts).
  resolve: {
    alias: {
      '@preact/signals': '@preact/signals-core',
      'preact-render-to-string': renderToStringSource,
    },
  },
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    target: 'es2020',
    outDir: 'dist/server',
    emptyOutDir: true,
    copyPublicDir: false,
    cssCodeSplit: false,
    minify: true,
    lib: {
      entry: 'src/entry-server.tsx',
      formats: ['iife'],
      name: 'exosphereServer',
      fileName: () => 'render.js',
    },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
