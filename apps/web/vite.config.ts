import { defineConfig } from 'vite';

// The API server (apps/api) listens on 127.0.0.1:3000 in development; the
// built files in dist/ are served by it in production.
const apiTarget = 'http://127.0.0.1:3000';

export default defineConfig({
  // No @vitejs/plugin-react: Vite's built-in Oxc transform compiles .tsx with
  // the automatic JSX runtime, so components need not import React.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  resolve: {
    // tap (via ink) hoists React 18 to the root node_modules; make every
    // import of react/react-dom (including from @tanstack/react-query) use
    // this app's React 19.
    dedupe: ['react', 'react-dom'],
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget, changeOrigin: false },
      '/readyz': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      onwarn(warning, defaultHandler) {
        // React libraries mark modules "use client"; meaningless in an SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use client"')) return;
        defaultHandler(warning);
      },
    },
  },
});
