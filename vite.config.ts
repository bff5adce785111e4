/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cnaReaderIndex } from './src/indexer/vite/vite-plugin.ts';
import { contentSecurityPolicy } from './src/indexer/vite/content-security-policy.ts';
import { feedLink } from './src/indexer/vite/feed-link.ts';
import { offlineApp } from './src/indexer/vite/offline-app.ts';
import { firstFetchesScript } from './src/indexer/vite/first-fetches-script.ts';

/**
 * BASE_PATH: where the built site will live, e.g. `/my-archive/` for https://user.github.io/my-archive/.
 * Every asset URL, every data fetch and the router's basename follow it. @default '/'
 */
function basePath(): string {
  const raw = process.env['BASE_PATH'] ?? '/';
  const withLeading = raw.startsWith('/') ? raw : `/${raw}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}

export default defineConfig({
  base: basePath(),
  plugins: [react(), cnaReaderIndex(), contentSecurityPolicy(), feedLink(), firstFetchesScript(), offlineApp(basePath())],
  build: {
    target: 'es2022',
    sourcemap: false,
  },
  preview: {
    port: 4173,
    strictPort: false,
  },
  test: {
    globalSetup: ['test/temp-folder.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/corpus/**/*.test.ts'],
          environment: 'node',
          globals: true,
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'components',
          include: ['test/components/**/*.test.tsx'],
          environment: 'jsdom',
          globals: true,
          setupFiles: ['test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globals: true,
          // One browser, one server at a time: the machine has two cores.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
