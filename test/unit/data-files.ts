/**
 * What two builds' data folders are compared by: a rebuild must write what a fresh build writes, but
 * for the build's id and time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file of a data folder but its build id, the manifest without its build time. */
export function dataFiles(outDir: string): Map<string, string> {
  const dataRoot = join(outDir, 'data');
  const files = new Map<string, string>();
  for (const entry of readdirSync(dataRoot, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === '.build-id') continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dataRoot, path), readFileSync(path, 'utf8'));
  }
  const manifest = JSON.parse(files.get('manifest.json')!);
  delete manifest.builtAt;
  files.set('manifest.json', JSON.stringify(manifest));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
