import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev:web`: the page with hot reload, its API calls proxied to a running cluster's orchestrator.
const orchestrator = process.env.ORCHESTRATOR_URL ?? 'http://127.0.0.1:8000';
const apiPaths = ['/auth', '/chat', '/cart', '/conversations', '/admin', '/orders'];

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: orchestrator, changeOrigin: false }])) },
});
