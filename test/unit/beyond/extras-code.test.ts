/**
 * A rebuild with no post changed keeps the last build's extras only if the same code made them: new
 * extras code (an upgrade of cna-reader) makes them again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../../src/indexer/build-site.ts';
import type { WrittenStoryExtras } from '../../../src/indexer/output/write-story-extras.ts';
import type { IngestReport } from '../../../src/shared/types.ts';
import { dataFiles } from '../data-files.ts';
import { FERRY_POSTS, postText } from './site-builder.ts';

const extrasCodeNow = vi.hoisted(() => ({ value: 'first' }));

vi.mock('../../../src/indexer/output/extras-state.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/indexer/output/extras-state.ts')>()),
  extrasCode: async () => extrasCodeNow.value,
}));

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-extras-code-${name}-`));
const sameStoryOf = (report: IngestReport) => report.extras!.sameStory as WrittenStoryExtras;

it('makes the extras again when their code changed, though no post did', async () => {
  const postsDir = temporary('posts');
  for (const post of FERRY_POSTS) writeFileSync(join(postsDir, `${post.name}.html`), postText(post));
  const outDir = temporary('out');
  const cacheDir = temporary('cache');
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 0 });
  await build();

  const kept = sameStoryOf(await build());
  expect(kept.redone).toBeUndefined();
  expect(kept.bucketsRead).toBe(0);

  extrasCodeNow.value = 'second';
  const remade = sameStoryOf(await build());
  expect(remade.redone).toEqual({ sameStory: 'all', furtherReading: 'all' });

  const fresh = temporary('fresh');
  await buildSite({ postsDir, outDir: fresh, cacheDir: temporary('fresh-cache'), workers: 0 });
  expect(dataFiles(outDir)).toEqual(dataFiles(fresh));
});
