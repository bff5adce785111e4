import { useMessages } from '../../../ui/i18n.tsx';

/** Whether reports of one story, and versions of an article, show as one row (see collapse-rows.ts). */
export function CollapseChoice({ collapse, onChange }: { collapse: boolean; onChange: (collapse: boolean) => void }) {
  const t = useMessages();
  return (
    <button type="button" className="collapse-choice" aria-pressed={collapse} onClick={() => onChange(!collapse)}>
      {t.collapseStories}
    </button>
  );
}
