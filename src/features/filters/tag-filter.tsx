import type { TagSummary } from '../../index-format/types.ts';
import { useMessages } from '../../app/i18n.tsx';

/** Outlet / tag checkboxes with counts; several may be chosen (a post matches any of them). */
export function TagFilter({ tags, selected, onChange }: { tags: TagSummary[]; selected: string[]; onChange: (tags: string[]) => void }) {
  const t = useMessages();
  const toggle = (key: string) => onChange(selected.includes(key) ? selected.filter((k) => k !== key) : [...selected, key]);
  return (
    <fieldset className="tag-filter">
      <legend>{t.outlets}</legend>
      <ul>
        {tags.map((tag) => (
          <li key={tag.key}>
            <label>
              <input type="checkbox" checked={selected.includes(tag.key)} onChange={() => toggle(tag.key)} />
              <span className="tag-label">{tag.label}</span>
              <span className="tag-count">{tag.count.toLocaleString()}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
