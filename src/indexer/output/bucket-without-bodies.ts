/**
 * A post bucket as the extras read it: every field but the posts' bodies (`html`, most of a bucket's
 * bytes) decoded and parsed; a post's body is parsed from the whole file only if something asks for it
 * (a print the post store lacks). A cold build's extras read every bucket for the links and versions.
 */
import type { PostFile } from '../../shared/types.ts';

const BODY_KEY = Buffer.from('"html":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = [0x7b, 0x7d, 0x5b, 0x5d];

/**
 * The bucket in `bytes` (its JSON, as written at `path`), its posts' bodies parsed when first read.
 * Read-only: each `html` is a getter that keeps the file's bytes until the bucket is let go. A damaged
 * file throws a SyntaxError that names `path`.
 */
export function bucketWithoutBodies(bytes: Buffer, path: string): readonly Readonly<PostFile>[] {
  const bucket = parsed(withoutBodies(bytes), path);
  let whole: PostFile[] | undefined;
  bucket.forEach((post, at) => {
    Object.defineProperty(post, 'html', {
      get: () => (whole ??= parsed(bytes.toString('utf8'), path))[at]!.html,
      enumerable: true,
      configurable: true,
    });
  });
  return bucket;
}

/** The bucket's JSON text with each post's body an empty string. */
function withoutBodies(bytes: Buffer): string {
  const pieces: string[] = [];
  let from = 0;
  // Strings skipped whole (a quote inside one is escaped), brackets counted between them: a post's own
  // `"html":"` is a key at depth 2 (the bucket's array, then the post), not a figure's or a title's text.
  let depth = 0;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte === QUOTE) {
      const close = closingQuote(bytes, at + 1);
      if (close < 0) break;
      if (depth === 2 && close === at + 5 && isBodyKeyAt(bytes, at)) {
        const end = closingQuote(bytes, at + BODY_KEY.length);
        if (end < 0) break;
        pieces.push(bytes.toString('utf8', from, at + BODY_KEY.length));
        from = end;
        at = end;
      } else at = close;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  pieces.push(bytes.toString('utf8', from));
  return pieces.join('');
}

/** Whether `"html":"` starts at `at`: a file cut within it is not (Buffer.compare throws past the end). */
function isBodyKeyAt(bytes: Buffer, at: number): boolean {
  return at + BODY_KEY.length <= bytes.length && bytes.compare(BODY_KEY, 0, BODY_KEY.length, at, at + BODY_KEY.length) === 0;
}

function parsed(text: string, path: string): PostFile[] {
  try {
    return JSON.parse(text) as PostFile[];
  } catch (error) {
    throw new SyntaxError(`post bucket ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the JSON string opened before `from` ends: its first quote after an even run of backslashes (-1: none). */
function closingQuote(bytes: Buffer, from: number): number {
  for (let quote = bytes.indexOf(QUOTE, from); quote >= 0; quote = bytes.indexOf(QUOTE, quote + 1)) {
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && bytes[quote - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}
