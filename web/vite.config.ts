import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Dev mode: `npm run web:dev` serves the app with hot reload and forwards the API to API_URL. */
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const forward = {
  target: api,
  changeOrigin: true,
  // The API refuses cookie-authenticated writes from a foreign Origin: present the API's own.
  configure: (proxy: {
    on(event: 'proxyReq', listener: (req: { setHeader(name: string, value: string): void }) => void): void;
  }) => {
    proxy.on('proxyReq', (req) => req.setHeader('origin', new URL(api).origin));
  },
};

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: { port: 5173, proxy: { '/api': forward, '/openapi.json': forward } },
});
