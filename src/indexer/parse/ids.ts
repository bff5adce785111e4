/**
 * Post ids: stable, URL-safe and unique, derived from the file name (not the folder), so a post keeps its
 * id when a mirror moves it from `_posts/` to `archived/YYYY-MM-DD/`.
 *
 * An id is the file name without extension, NFKC-normalized and lower-cased, with every run of characters
 * other than letters and digits turned into one `-`, cut to MAX_ID_CHARS. Letters include CJK, so
 * `2020-12-01-中共持續強拆.md` → `2020-12-01-中共持續強拆`. Ids are valid file names on every system.
 *
 * Collisions (same id from different paths) are settled by path order: the lexicographically first path
 * keeps the plain id, each other one gets `-` plus 8 hex digits of the SHA-1 of its path. The outcome
 * depends only on the set of paths, never on the order files were read.
 */
import { createHash } from 'node:crypto';

/** 60 code points keep a file name (up to 3 bytes each in UTF-8, plus suffixes) well under 255 bytes. */
export const MAX_ID_CHARS = 60;

/** A name of ASCII letters, digits, `-`, `_` and `.` only: most file names of real archives. */
const PLAIN_NAME = /^[\w.-]*$/;

export function slugFromFileName(fileName: string): string {
  const stem = fileName.replace(/\.(md|markdown|html?)$/i, '');
  // The same rule without its general steps (NFKC changes no ASCII, one code unit is one code point):
  // ~4× faster, and planning 200k posts calls this for each.
  if (PLAIN_NAME.test(stem) && stem.length <= MAX_ID_CHARS) {
    const slug = stem
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    return slug === '' ? 'post' : slug;
  }
  const slug = Array.from(
    stem
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-'),
  )
    .slice(0, MAX_ID_CHARS)
    .join('')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'post' : slug;
}

export function hashSuffix(path: string): string {
  return createHash('sha1').update(path).digest('hex').slice(0, 8);
}

/** Assigns ids to every path; `fileNameOf` gives the last path segment. */
export function assignIds(paths: readonly string[]): Map<string, string> {
  // A slug's paths: one path (nearly always), or several; no array per slug for 200k unique ones.
  const bySlug = new Map<string, string | string[]>();
  for (const path of paths) {
    const slug = slugFromFileName(path.slice(path.lastIndexOf('/') + 1));
    const group = bySlug.get(slug);
    if (group === undefined) bySlug.set(slug, path);
    else if (typeof group === 'string') bySlug.set(slug, [group, path]);
    else group.push(path);
  }
  const ids = new Map<string, string>();
  const taken = new Set(bySlug.keys());
  for (const [slug, group] of bySlug) {
    if (typeof group === 'string') {
      ids.set(group, slug);
      continue;
    }
    group.sort();
    ids.set(group[0]!, slug);
    for (const path of group.slice(1)) {
      let id = `${slug}-${hashSuffix(path)}`;
      // A suffixed id could, in theory, equal another file's plain slug; lengthen until free.
      for (let salt = 1; taken.has(id); salt++) id = `${slug}-${hashSuffix(`${path}\u0000${salt}`)}`;
      taken.add(id);
      ids.set(path, id);
    }
  }
  return ids;
}
