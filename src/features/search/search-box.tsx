import { forwardRef, useEffect, useState } from 'react';
import { useMessages } from '../../app/i18n.tsx';

/** Typing is debounced before the URL (and so the filter) changes. */
const DEBOUNCE_MS = 250;

export const TitleFilter = forwardRef<HTMLInputElement, { value: string; onChange: (q: string) => void }>(function TitleFilter({ value, onChange }, ref) {
  const t = useMessages();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = setTimeout(() => onChange(draft.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, value, onChange]);
  return (
    <div className="title-filter" role="search">
      <label htmlFor="title-filter">{t.titleFilter}</label>
      <input ref={ref} id="title-filter" type="search" value={draft} placeholder={t.titleFilterPlaceholder} onChange={(e) => setDraft(e.target.value)} enterKeyHint="search" autoComplete="off" />
    </div>
  );
});
