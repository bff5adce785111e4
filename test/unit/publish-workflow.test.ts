// The GitHub Pages workflow can only run on GitHub: here, that what it keeps between runs is what the build reads.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

const workflow = load(readFileSync(resolve(import.meta.dirname, '../../.github/workflows/pages.yml'), 'utf8')) as {
  env: Record<string, string>;
  jobs: { build: { steps: Step[] }; deploy: { needs: string } };
};
const steps = workflow.jobs.build.steps;
const paths = (step: Step | undefined) => (step?.with?.['path'] ?? '').trim().split('\n').sort();

describe('the publishing workflow', () => {
  const restore = steps.find((step) => step.uses?.startsWith('actions/cache/restore@'));
  const save = steps.find((step) => step.uses?.startsWith('actions/cache/save@'));
  const build = steps.findIndex((step) => step.run === 'npm run build');

  it('restores before the build, after npm ci, and saves after it, the same paths under the same key', () => {
    expect(steps.findIndex((step) => step.run === 'npm ci')).toBeLessThan(steps.indexOf(restore!));
    expect(steps.indexOf(restore!)).toBeLessThan(build);
    expect(steps.indexOf(save!)).toBeGreaterThan(build);
    expect(paths(restore)).toEqual(paths(save));
    expect(restore!.with!['key']).toBe(save!.with!['key']);
    expect(restore!.with!['key']).toContain('${{ github.run_id }}');
  });

  it('keeps the build cache it points the build at, the last output and the build’s own tools', () => {
    expect(paths(restore)).toEqual([workflow.env['CNA_READER_CACHE_DIR'], 'dist/data', 'node_modules/.cache/cna-reader'].sort());
  });

  it('builds for the address GitHub Pages gives, and deploys what it built', () => {
    expect(steps[build]!.env).toEqual({ BASE_PATH: '${{ steps.pages.outputs.base_path }}/', SITE_URL: '${{ steps.pages.outputs.base_url }}/' });
    expect(steps.find((step) => step.uses?.startsWith('actions/upload-pages-artifact@'))?.with).toEqual({ path: 'dist' });
    expect(workflow.jobs.deploy.needs).toBe('build');
  });
});
