import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { PostFile } from '../../src/shared/types.ts';
import { TopicChips } from '../../src/features/article/topic-chips.tsx';
import { VersionsPanel } from '../../src/features/article/versions-panel.tsx';

const post: PostFile = {
  version: 4,
  id: 'kept',
  title: '示範：原稿',
  date: '2020-12-10T01:00:00.000Z',
  tags: [],
  html: '<p>甲。</p>',
  figures: [],
  related: [],
  versions: [{ id: '2020-12-08-初稿', date: '2020-12-08T01:00:00.000Z', title: '示範：初稿' }],
};

it('shows each topic as a chip that searches the archive for it', () => {
  render(
    <MemoryRouter>
      <TopicChips topics={['示範外長', '區域安全']} />
    </MemoryRouter>,
  );
  const chips = within(screen.getByRole('navigation', { name: '主題' })).getAllByRole('link');
  expect(chips.map((chip) => [chip.textContent, chip.getAttribute('href')])).toEqual([
    ['示範外長', `/?q=${encodeURIComponent('示範外長')}`],
    ['區域安全', `/?q=${encodeURIComponent('區域安全')}`],
  ]);
});

it('says how many other versions an article has, each dated and openable, with its own headline', () => {
  render(
    <MemoryRouter>
      <VersionsPanel post={post} timeZone="Asia/Taipei" />
    </MemoryRouter>,
  );
  const panel = screen.getByRole('region', { name: '另有 1 個版本' });
  expect(within(panel).getByRole('link', { name: '2020年12月8日 星期二 09:00' })).toHaveAttribute('href', `/a/${encodeURIComponent('2020-12-08-初稿')}`);
  expect(within(panel).getByText('示範：初稿')).toBeInTheDocument();
  expect(within(panel).getByRole('button', { name: '標示差異' })).toHaveAttribute('aria-pressed', 'false');
});

it('shows nothing for an article with one version and no topics', () => {
  const { container } = render(
    <MemoryRouter>
      <VersionsPanel post={{ ...post, versions: [] }} timeZone="Asia/Taipei" />
      <TopicChips topics={undefined} />
    </MemoryRouter>,
  );
  expect(container).toBeEmptyDOMElement();
});
