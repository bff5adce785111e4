/**
 * Splitting a post into its YAML front matter and its body, and parsing the front matter safely.
 */
import { parseDocument, isMap, isScalar, isSeq, type Document } from 'yaml';

/**
 * Front matter is metadata: anything larger is not a post but an accident (or an attack on the parser).
 * The largest front matter in the real corpus is under 1 KB.
 */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

/** Aliases are legal YAML but never used by post generators; a small cap defeats "billion laughs". */
const MAX_ALIAS_COUNT = 20;

export interface SplitPost {
  yaml: string;
  body: string;
  /** 1-based line of the body's first line in the file, for messages. */
  bodyLine: number;
}

/** `---\n<yaml>\n---\n<body>`; returns undefined when the file does not open with a front-matter fence. */
export function splitFrontMatter(text: string): SplitPost | undefined {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const open = /^---[ \t]*\n/.exec(source);
  if (!open) return undefined;
  const rest = source.slice(open[0].length);
  // The closing fence may be the very next line (empty front matter), and the file may end right after it.
  const close = /^(?:---|\.\.\.)[ \t]*(?:\n|$)/m.exec(rest);
  if (!close) return undefined;
  const yaml = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length);
  const bodyLine = 2 + countLines(yaml) + 1;
  return { yaml, body, bodyLine };
}

export type FrontMatterResult = { fields: FrontMatter } | { error: string };

/** Read access to front-matter fields that never touches an object prototype. */
export interface FrontMatter {
  has(key: string): boolean;
  /** A scalar as written: plain scalars keep their source text (`title: 1.10` stays `1.10`). */
  text(key: string): string | undefined;
  /** A scalar or every scalar item of a list, as text. */
  list(key: string): string[];
}

export function parseFrontMatter(yaml: string): FrontMatterResult {
  if (Buffer.byteLength(yaml) > MAX_FRONT_MATTER_BYTES) {
    return { error: `front matter is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KB` };
  }
  let doc: Document;
  try {
    // The core schema keeps dates as strings (dates.ts decides them) and knows no custom tags.
    doc = parseDocument(yaml, { schema: 'core', uniqueKeys: false, prettyErrors: true });
  } catch (error) {
    return { error: String(error) };
  }
  const [first] = doc.errors;
  if (first) {
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line + 1}: ` : '';
    return { error: `${where}${first.message.split('\n')[0]}` };
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    return { error: 'front matter is not a mapping of keys to values' };
  }
  // Resolve aliases once, with a cap, so that alias bombs fail here rather than in a later read.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true });
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { fields: frontMatterOf(doc) };
}

function frontMatterOf(doc: Document): FrontMatter {
  const scalarText = (node: unknown): string | undefined => {
    if (!isScalar(node)) return undefined;
    if (node.value === null || node.value === undefined) return undefined;
    if (typeof node.value === 'string') return node.value;
    // Numbers and booleans: the text the author wrote, not its reformatted value.
    return node.source !== undefined ? String(node.source) : String(node.value);
  };
  return {
    has: (key) => doc.has(key),
    text: (key) => scalarText(doc.get(key, true)),
    list: (key) => {
      const node = doc.get(key, true);
      if (isSeq(node)) return node.items.map(scalarText).filter((v): v is string => v !== undefined);
      const single = scalarText(node);
      return single === undefined ? [] : [single];
    },
  };
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}
