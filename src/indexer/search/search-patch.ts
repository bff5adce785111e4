/**
 * The search index a build wrote (meta.json, directory pages, shards and pieces under `data/search/`),
 * read back by the next build to patch it (search-cache.ts): the index is its own cache, and no copy of
 * it is kept.
 *
 * Two ways to patch it:
 *   - readWrittenIndex: every token's whole list, in token order, for a patch that renumbers rows (a
 *     post inserted among older ones moves every row after it) and writes the index again;
 *   - patchInPlace: when no row moved (posts edited, or added after the newest: what a rebuild after a
 *     fetch is), only the shards holding a token of a changed post are read, merged and cut again,
 *     from the start of the first such shard until a cut falls where the old index had one; pieces only
 *     of those tokens; every other file stays as it is. A token whose fresh postings are the very rows and
 *     weights the dropped rows held (an edit that left its count as it was) has the same list: no change.
 */
import {
  PIECE_POSTINGS,
  SEARCH_FORMAT_VERSION,
  SEARCH_META_PATH,
  decodeShardHeader,
  searchDirectoryPath,
  searchPiecePath,
  searchShardPath,
  type SearchMeta,
  type ShardHeader,
} from '../../shared/search-format.ts';
import { plainPostings } from '../../shared/search-postings.ts';
import { searchTokenList, type SearchTokens } from '../parse/count-tokens.ts';
import { decodeRows, mergeShifted, NONE } from './search-cache.ts';
import { varintAt, varintEnd, writeVarint } from '../../shared/varint.ts';
import type { TokenPostings } from './search-index.ts';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';
import { SEARCH_SHARD_BYTES, ShardCutter, splitIntoPieces, writePieces, writeSearchMeta, type SearchTail } from './search-shards.ts';
import { lastIndexBefore } from '../../shared/binary-search.ts';
import { joinDirectoryPages, type SearchDirectoryPage, type ShardListing } from '../../shared/search-directory.ts';

/** A file of the written index (a path under `data/`), or undefined when there is none. */
export type ReadIndexFile = (path: string) => Uint8Array | undefined;

interface WrittenShard {
  header: ShardHeader;
  body: Uint8Array;
}

/** The written index's shards and pieces (its directory read whole), and the paths of its directory's pages. */
interface WrittenListing extends ShardListing {
  pages: string[];
}

/**
 * The written index's meta.json and what its directory lists; undefined when there is none, or it is
 * of another version (not to be patched).
 */
export function readSearchListing(read: ReadIndexFile): WrittenListing | undefined {
  const bytes = read(SEARCH_META_PATH);
  const meta = bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as SearchMeta) : undefined;
  if (meta?.version !== SEARCH_FORMAT_VERSION) return undefined;
  const pages = meta.directory.map(searchDirectoryPath);
  const listing = joinDirectoryPages(
    pages.map((path) => {
      const page = read(path);
      if (!page) throw new Error(`the search index written by the last build has no ${path}`);
      return JSON.parse(new TextDecoder().decode(page)) as SearchDirectoryPage;
    }),
  );
  return { ...listing, pages };
}

/** A shard or piece file: its header and its postings (see search-format.ts). */
function readShardFile(read: ReadIndexFile, path: string): WrittenShard {
  const bytes = read(path);
  if (!bytes) throw new Error(`the search index written by the last build has no ${path}`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = decodeShardHeader(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  return { header, body: bytes.subarray(4 + headerLength) };
}

/** The postings of token n of a shard, as written. */
function restOf(shard: WrittenShard, n: number): Uint8Array {
  return shard.body.subarray(n === 0 ? 0 : shard.header.ends[n - 1]!, shard.header.ends[n]!);
}

/** The postings of token n of a shard (or of a piece, n = 0) in the plain form, which patches merge. */
function plainOf(shard: WrittenShard, n: number): Uint8Array {
  return plainPostings(restOf(shard, n), shard.header.counts[n]!);
}

/**
 * A token's whole list: its pieces, then the postings its shard holds, each part's first delta (its
 * row from zero) made the distance from the part before. A new array: patches write into it.
 */
function wholeList(read: ReadIndexFile, token: string, rest: Uint8Array, restCount: number, pieceCount: number): TokenPostings {
  if (pieceCount === 0) return { token, count: restCount, postings: rest.slice() };
  const pieces = Array.from({ length: pieceCount }, (_, k) => readShardFile(read, searchPiecePath(token, k)));
  const parts = [...pieces.map((piece) => plainOf(piece, 0)), rest];
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length + 5, 0));
  let at = 0;
  let lastRow = 0;
  parts.forEach((part, n) => {
    const firstRow = varintAt(part, 0);
    at = writeVarint(out, at, n === 0 ? firstRow : firstRow - lastRow);
    const afterFirst = varintEnd(part, 0);
    out.set(part.subarray(afterFirst), at);
    at += part.length - afterFirst;
    lastRow = lastRowOf(part);
  });
  const count = pieces.reduce((sum, piece) => sum + piece.header.counts[0]!, restCount);
  return { token, count, postings: out.slice(0, at) };
}

/** The row of a list's last posting (the list's first delta is its row from zero). */
function lastRowOf(postings: Uint8Array): number {
  let row = 0;
  for (let at = 0; at < postings.length;) {
    row += varintAt(postings, at);
    at = varintEnd(postings, at) + 1; // past the weight
  }
  return row;
}

/**
 * A common token's change when it leaves its pieces' postings where they are: fresh rows after its
 * pieces only (posts added after the newest), and an old row in a piece only weighed again (the one
 * post edited still holds the token): the pieces changed (by number), new pieces cut from the grown
 * rest, and the rest. Undefined otherwise (its whole list is merged and cut again): `droppedRows`
 * holds the dropped rows when the token was in a dropped post, and with several, which ones held it
 * is not known.
 */
function patchPieced(
  read: ReadIndexFile,
  token: string,
  rest: Uint8Array,
  pieceCount: number,
  freshList: TokenPostings | undefined,
  droppedRows: readonly number[],
  newRowOf: Int32Array,
  piecePostings: number,
): { changed: Map<number, Uint8Array>; added: Uint8Array[]; rest: Uint8Array; restCount: number } | undefined {
  const restFirst = varintAt(rest, 0);
  const fresh = decodeRows(freshList?.postings ?? NONE);
  const droppedInPieces = droppedRows.filter((row) => row < restFirst);
  if (droppedInPieces.length > 1) return undefined;
  const freshInPieces = fresh.rows.filter((row) => row < restFirst);
  if (freshInPieces.length !== droppedInPieces.length || (freshInPieces.length === 1 && freshInPieces[0] !== droppedInPieces[0])) return undefined;

  // The re-weighed row, in its piece: pieces are read in order until one reaches it.
  const changed = new Map<number, Uint8Array>();
  if (freshInPieces.length === 1) {
    const row = freshInPieces[0]!;
    let found = false;
    for (let k = 0; k < pieceCount && !found; k++) {
      const body = plainOf(readShardFile(read, searchPiecePath(token, k)), 0);
      let at = 0;
      for (let current = 0; at < body.length;) {
        current += varintAt(body, at);
        at = varintEnd(body, at);
        if (current === row) {
          const piece = body.slice();
          piece[at] = fresh.weights[0]!;
          changed.set(k, piece);
          found = true;
          break;
        }
        if (current > row) return undefined;
        at++;
      }
    }
    if (!found) return undefined;
  }

  // The rest: its dropped rows out, the fresh rows after the pieces in; grown past a piece, cut again.
  const after = new Uint8Array(fresh.rows.length * 6);
  let length = 0;
  let previous = 0;
  fresh.rows.forEach((row, n) => {
    if (row < restFirst) return;
    length = writeVarint(after, length, length === 0 ? row : row - previous);
    after[length++] = fresh.weights[n]!;
    previous = row;
  });
  const merged = mergeShifted(rest, after.subarray(0, length), newRowOf);
  if (merged.count === 0) return undefined;
  const split = splitIntoPieces({ token, ...merged }, piecePostings);
  return { changed, added: split.pieces, rest: split.rest, restCount: split.restCount };
}

/** The written index, token by token in token order, each list whole; nothing when there is none. */
export function* readWrittenIndex(read: ReadIndexFile): Generator<TokenPostings> {
  const listing = readSearchListing(read);
  if (!listing) return;
  for (const first of listing.firstTokens) {
    const shard = readShardFile(read, searchShardPath(first));
    for (let n = 0; n < shard.header.tokens.length; n++) {
      const token = shard.header.tokens[n]!;
      yield wholeList(read, token, plainOf(shard, n), shard.header.counts[n]!, listing.pieces[token] ?? 0);
    }
  }
}

/** The dropped rows' old versions by token: each old row holding it, and its weight there. */
export type DroppedPostings = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** The dropped rows' tokens and weights (`searches[n]`: old row `rows[n]`'s old version), by token. */
export function droppedPostingsOf(rows: readonly number[], searches: readonly SearchTokens[]): Map<string, Map<number, number>> {
  const postings = new Map<string, Map<number, number>>();
  searches.forEach((search, n) => {
    searchTokenList(search).forEach((token, k) => {
      let byRow = postings.get(token);
      if (!byRow) postings.set(token, (byRow = new Map()));
      byRow.set(rows[n]!, search.weights[k]!);
    });
  });
  return postings;
}

/** Whether a token's fresh postings are exactly the dropped rows' (same rows, same weights): its list stays as it was. */
function sameAsDropped(freshList: TokenPostings | undefined, old: ReadonlyMap<number, number> | undefined): boolean {
  if (!freshList || !old || freshList.count !== old.size) return false;
  const { rows, weights } = decodeRows(freshList.postings);
  return rows.every((row, n) => old.get(row) === weights[n]);
}

export interface InPlacePatch {
  read: ReadIndexFile;
  /** Each old row's row now: itself, or -1 for a dropped one (edited or gone). No row moves. */
  newRowOf: Int32Array;
  /** The postings of the fresh rows (new and edited posts), by token. */
  fresh: ReadonlyMap<string, TokenPostings>;
  /** Every token of the dropped rows' old versions, with its postings there (see droppedPostingsOf). */
  dropped: DroppedPostings;
  postCount: number;
  /** Writes a file of the index (the caller leaves a file with the same bytes as it is). */
  write: (path: string, body: Uint8Array | string) => Promise<void>;
  /** A file of the last index that this one no longer has. */
  drop: (path: string) => void;
  shardBytes?: number;
  piecePostings?: number;
  /** Shards a directory page lists, on average (see directory-pages.ts): tests make it small. */
  pageShards?: number;
  /** The tail that meta.json names (written before; see writeSearchTail): none by default. */
  tail?: SearchTail;
}

/** What changed in the index's size: shards and pieces now, tokens and bytes added (negative: removed). */
export interface InPlaceResult {
  shards: number;
  pieces: number;
  tokenChange: number;
  byteChange: number;
}

/** Patches the written index in place (see the module comment); undefined when there is none to patch. */
export async function patchInPlace(patch: InPlacePatch): Promise<InPlaceResult | undefined> {
  const { fresh, dropped, newRowOf } = patch;
  const shardBytes = patch.shardBytes ?? SEARCH_SHARD_BYTES;
  const piecePostings = patch.piecePostings ?? PIECE_POSTINGS;
  // Old sizes of the files read, to count what the patch adds or removes.
  const oldSizes = new Map<string, number>();
  const read: ReadIndexFile = (path) => {
    const bytes = patch.read(path);
    if (bytes) oldSizes.set(path, bytes.length);
    return bytes;
  };
  const listing = readSearchListing(read);
  const first = listing?.firstTokens ?? [];
  if (!listing || first.length === 0) return undefined;
  let byteChange = 0;
  const write = async (path: string, body: Uint8Array | string) => {
    byteChange += (typeof body === 'string' ? Buffer.byteLength(body) : body.length) - (oldSizes.get(path) ?? 0);
    oldSizes.delete(path);
    await patch.write(path, body);
  };
  const drop = (path: string) => {
    byteChange -= oldSizes.get(path) ?? 0;
    oldSizes.delete(path);
    patch.drop(path);
  };

  // A token's list changes only where its fresh postings are not the dropped rows' own.
  const affected = [...new Set([...fresh.keys(), ...dropped.keys()])]
    .filter((token) => !sameAsDropped(fresh.get(token), dropped.get(token)))
    .sort(compareCodeUnits);
  // The shard a token belongs in: the last one beginning at or before it (the first for any before them all).
  const shardOf = (token: string) => lastIndexBefore(first.length, (n) => first[n]! > token);
  // A shard is touched when one of its tokens changes, or the first token of the next: the cut before
  // that token depends on its size.
  const touched = new Set<number>();
  for (const token of affected) {
    const shard = shardOf(token);
    touched.add(shard);
    if (shard > 0 && first[shard] === token) touched.add(shard - 1);
  }

  // The old rows dropped (edited posts' old versions), ascending.
  const droppedRows: number[] = [];
  newRowOf.forEach((row, old) => {
    if (row < 0) droppedRows.push(old);
  });
  const pieces = { ...listing.pieces };
  const firstTokens: string[] = [];
  let tokenChange = 0;
  let cutter: ShardCutter | undefined;
  let nextAffected = 0;
  for (let shard = 0; shard < first.length; shard++) {
    if (!cutter && !touched.has(shard)) {
      firstTokens.push(first[shard]!);
      continue;
    }
    const old = readShardFile(read, searchShardPath(first[shard]!));
    // Cut again up to an untouched shard where the old index had a cut: the old shards stand from there.
    if (cutter && !touched.has(shard) && cutter.cutsBefore(first[shard]!, restOf(old, 0).length)) {
      await cutter.flush();
      firstTokens.push(...cutter.firstTokens, first[shard]!);
      cutter = undefined;
      continue;
    }
    cutter ??= new ShardCutter(write, shardBytes);
    drop(searchShardPath(first[shard]!));
    // The shard's tokens, and the changed ones that fall in its range, in token order.
    const end = first[shard + 1];
    const nextChange = () => (nextAffected < affected.length && (end === undefined || affected[nextAffected]! < end) ? affected[nextAffected] : undefined);
    const tokens = old.header.tokens;
    for (let n = 0; n < tokens.length || nextChange() !== undefined;) {
      const oldToken = tokens[n];
      const change = nextChange();
      if (oldToken !== undefined && (change === undefined || oldToken < change)) {
        // A token no change reaches: its part of the shard as it was, its pieces as they are.
        await cutter.addWritten(oldToken, restOf(old, n), old.header.counts[n]!);
        n++;
        continue;
      }
      const token = change!;
      nextAffected++;
      const wasThere = oldToken === token;
      const oldPieceCount = wasThere ? (pieces[token] ?? 0) : 0;
      const quick =
        oldPieceCount > 0
          ? patchPieced(read, token, plainOf(old, n), oldPieceCount, fresh.get(token), dropped.has(token) ? droppedRows : [], newRowOf, piecePostings)
          : undefined;
      if (quick) {
        n++;
        for (const [k, body] of quick.changed) await writePieces(token, [body], write, piecePostings, k);
        await writePieces(token, quick.added, write, piecePostings, oldPieceCount);
        pieces[token] = oldPieceCount + quick.added.length;
        await cutter.add(token, quick.rest, quick.restCount);
        continue;
      }
      const before = wasThere ? wholeList(read, token, plainOf(old, n), old.header.counts[n]!, pieces[token] ?? 0) : undefined;
      if (wasThere) n++;
      const freshList = fresh.get(token);
      const list = before ? { token, ...mergeShifted(before.postings, freshList?.postings, newRowOf) } : freshList;
      const oldPieces = pieces[token] ?? 0;
      if (!list || list.count === 0) {
        for (let k = 0; k < oldPieces; k++) drop(searchPiecePath(token, k));
        delete pieces[token];
        if (wasThere) tokenChange--;
        continue;
      }
      if (!wasThere) tokenChange++;
      const split = splitIntoPieces(list, piecePostings);
      await writePieces(token, split.pieces, write, piecePostings);
      for (let k = split.pieces.length; k < oldPieces; k++) drop(searchPiecePath(token, k));
      if (split.pieces.length > 0) pieces[token] = split.pieces.length;
      else delete pieces[token];
      await cutter.add(token, split.rest, split.restCount);
    }
  }
  if (cutter) {
    await cutter.flush();
    firstTokens.push(...cutter.firstTokens);
  }
  // In token order, as a build from scratch lists them (the new ones were added at the end).
  const piecesInOrder = Object.fromEntries(Object.entries(pieces).sort(([a], [b]) => compareCodeUnits(a, b)));
  const written = new Set((await writeSearchMeta(patch.postCount, firstTokens, piecesInOrder, write, patch.tail, patch.pageShards)).pages);
  for (const path of listing.pages) if (!written.has(path)) drop(path);
  return { shards: firstTokens.length, pieces: Object.values(pieces).reduce((sum, count) => sum + count, 0), tokenChange, byteChange };
}
