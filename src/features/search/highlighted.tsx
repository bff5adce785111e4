/** Cuts a text into plain and matched pieces (see highlight.ts, which is loaded only with search). */
export type MatchSplitter = (text: string) => { text: string; match: boolean }[];

/** A text with the query's matches in `<mark>`. */
export function Highlighted({ text, split }: { text: string; split: MatchSplitter | undefined }) {
  if (!split) return <>{text}</>;
  return (
    <>
      {split(text).map((piece, i) =>
        piece.match ? (
          <mark key={i} className="search-hit">
            {piece.text}
          </mark>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
