/**
 * Splitting a post into its YAML front matter and its body, and parsing the front matter safely.
 */
import { FAILSAFE_SCHEMA, load, types, YAMLException } from 'js-yaml';

/**
 * Front matter is metadata: anything larger is not a post but an accident (or an attack on the parser).
 * The largest front matter in the real corpus is under 1 KB.
 */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

/**
 * Aliases are legal YAML but never used by post generators. js-yaml makes an alias a reference to
 * its anchor's value (nothing is copied), so a "billion laughs" costs nothing to load; but the values
 * it reaches, counted as a copying reader would count them, are capped, so that such front matter is
 * reported rather than handed on.
 */
const MAX_VALUES_REACHED = 10_000;

/**
 * Strings, lists and mappings only (YAML's failsafe schema), and null: every other plain scalar stays
 * the text its author wrote (`title: 1.10` is "1.10", `date: 2020-05-16` is "2020-05-16": dates.ts
 * decides dates). Values of explicit tags other than these (`!!int 5`, `!custom x`) are errors.
 */
const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [types.null] });

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
  let value: unknown;
  try {
    // json: a key given twice takes its last value, as Jekyll's YAML reader does, instead of failing.
    value = load(yaml, { schema: SCHEMA, json: true });
  } catch (error) {
    if (!(error instanceof YAMLException)) return { error: String(error) };
    const where = error.mark ? `line ${error.mark.line + 1}: ` : '';
    return { error: `${where}${error.reason}` };
  }
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    return { error: 'front matter is not a mapping of keys to values' };
  }
  if (value && countValues(value, MAX_VALUES_REACHED) > MAX_VALUES_REACHED) {
    return { error: `front matter reaches more than ${MAX_VALUES_REACHED} values through its aliases` };
  }
  // Own keys only, in a Map: a key named __proto__ or toString is a key like any other.
  return { fields: frontMatterOf(new Map(value ? Object.entries(value) : [])) };
}

/** Values reached from `value`, an alias's target counted each time (stops counting past `limit`). */
function countValues(value: unknown, limit: number): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && count <= limit) {
    const next = pending.pop();
    count++;
    if (next !== null && typeof next === 'object') pending.push(...Object.values(next));
  }
  return count;
}

function frontMatterOf(entries: ReadonlyMap<string, unknown>): FrontMatter {
  const scalarText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    has: (key) => entries.has(key),
    text: (key) => scalarText(entries.get(key)),
    list: (key) => {
      const value = entries.get(key);
      if (Array.isArray(value)) return value.map(scalarText).filter((item): item is string => item !== undefined);
      const single = scalarText(value);
      return single === undefined ? [] : [single];
    },
  };
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}
