/**
 * Vitest global setup: every test's temporary folders (builds, caches, posts) go under one folder of
 * this run, removed when the run ends, so repeated runs do not fill the machine's /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // Each project inherits this setup: the first to run makes the folder, the others use it.
  if (process.env['CNA_READER_TEST_TMP']) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'cna-reader-test-run-'));
  process.env['TMPDIR'] = root;
  process.env['CNA_READER_TEST_TMP'] = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    delete process.env['CNA_READER_TEST_TMP'];
  };
}
