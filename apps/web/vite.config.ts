import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w @hangar/web` proxies the API of a running `npm start`.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
  build: { outDir: 'dist', emptyOutDir: true },
});
