import { forwardRef, useEffect, useRef, useState } from 'react';
import { useMessages } from '../../ui/i18n.tsx';

/**
 * Results come as the reader types: the query reaches the URL (and so the search) once typing pauses.
 * Enter searches at once; Escape clears.
 */
const DEBOUNCE_MS = 200;

function prepareSearch(): void {
  import('./run-search.ts').then(({ prepareSearch: prepare }) => prepare()).catch(() => undefined);
}

export const SearchBox = forwardRef<HTMLInputElement, { value: string; onChange: (q: string) => void }>(function SearchBox({ value, onChange }, ref) {
  const t = useMessages();
  const [draft, setDraft] = useState(value);
  // The query this box last sent: when the URL echoes it back late, what was typed since is kept.
  const sent = useRef<string | undefined>(undefined);
  const send = (q: string) => {
    sent.current = q;
    onChange(q);
  };
  useEffect(() => {
    if (value === sent.current) {
      sent.current = undefined;
      return;
    }
    setDraft(value);
  }, [value]);
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = setTimeout(() => send(draft.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, value, onChange]);
  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        // The field itself, not the draft state: a submit can come before React has seen the last keystroke.
        const field = event.currentTarget.elements.namedItem('q');
        send((field instanceof HTMLInputElement ? field.value : draft).trim());
      }}
    >
      <label htmlFor="search-input">{t.search}</label>
      <input
        ref={ref}
        id="search-input"
        name="q"
        type="search"
        value={draft}
        placeholder={t.searchPlaceholder}
        aria-describedby="search-help"
        onChange={(event) => setDraft(event.target.value)}
        // A reader who focuses the box is about to search: fetch the search code and meta.json meanwhile,
        // so that the first query pays only for its own shards.
        onFocus={prepareSearch}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && draft) {
            event.preventDefault();
            setDraft('');
            send('');
          }
        }}
        enterKeyHint="search"
        autoComplete="off"
        spellCheck={false}
      />
      <p id="search-help" className="search-help">
        {t.searchHelp}
      </p>
    </form>
  );
});
