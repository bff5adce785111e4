/**
 * So few files or rows (a small archive, a rebuild after a fetch) are worked on the main thread: ~0.5 ms
 * a post, where starting the workers (each loading the parser's modules) costs ~1 s. A module of its
 * own: the extras' code fingerprint takes what it imports, and needs none of the pool.
 */
export const INLINE_AT_MOST = 256;
