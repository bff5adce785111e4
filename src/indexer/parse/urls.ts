/**
 * URL policy for everything a post links to or loads: only absolute http(s) URLs leave the build.
 */

/** What relative URLs in one post resolve against. */
export interface UrlContext {
  /** The original article's URL: relative and protocol-relative URLs resolve against it, as on its page. */
  baseUrl?: string | undefined;
  /**
   * Public URL of this site's own asset folder (e.g. `/my-archive/archive-assets/`). Image paths starting
   * with LOCAL_ASSET_PATH point there instead of at the original site, so an archive can ship pictures.
   */
  assetBase?: string | undefined;
}

/** Images at `/archive-assets/...` are files of this site (`public/archive-assets/`), not of the news site. */
export const LOCAL_ASSET_PATH = '/archive-assets/';

const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * Image proxies some mirrors wrapped around CDN URLs. The reader asks the CDN directly (with no referrer),
 * which spares readers a third party that sees every picture they look at.
 */
const IMAGE_PROXY_HOSTS = new Set(['images.weserv.nl']);
const IMAGE_PROXY_HOST_NAMES = [...IMAGE_PROXY_HOSTS];

/**
 * Resolves `raw` (absolute, protocol-relative or relative) against `base` and returns it only if the
 * result is http(s). Raw spaces, which some mirrors left in `from:` URLs, are percent-encoded first.
 */
export function resolveSafeUrl(raw: string | undefined | null, base?: string): string | undefined {
  if (raw == null) return undefined;
  // Control characters and white space inside a URL are never meaningful here; browsers strip them too,
  // which is how `java\tscript:` tricks work. Strip them before deciding anything.
  const cleaned = raw
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .replace(/ /g, '%20');
  if (cleaned === '' || cleaned.startsWith('#')) return undefined;
  let url: URL;
  try {
    // `//host/path` with nothing to resolve against: the page it came from was served over https.
    url = base ? new URL(cleaned, base) : cleaned.startsWith('//') ? new URL(`https:${cleaned}`) : new URL(cleaned);
  } catch {
    return undefined;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return undefined;
  return url.href;
}

/**
 * An image URL as the page's CSP lets it load: `http:` made `https:`, as browsers' mixed-content upgrade
 * does for images (the reader is served over https and blocks insecure images).
 */
export function upgradeToHttps(url: string): string {
  return url.startsWith('http:') ? `https:${url.slice(5)}` : url;
}

/** The origin (scheme + host) relative URLs in a post are resolved against. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin + '/';
  } catch {
    return undefined;
  }
}

/**
 * `https://images.weserv.nl/?url=imgcdn.cna.com.tw/x.jpg` → `https://imgcdn.cna.com.tw/x.jpg`. `url` is
 * an href as resolveSafeUrl returns it (its host lower case and decoded).
 */
export function unwrapImageProxy(url: string): string {
  // Parsed again only when it names a proxy host somewhere: nearly no picture does.
  if (!IMAGE_PROXY_HOST_NAMES.some((host) => url.includes(host))) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!IMAGE_PROXY_HOSTS.has(parsed.hostname)) return url;
  const inner = parsed.searchParams.get('url');
  if (!inner) return url;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(inner) ? inner : `https://${inner.replace(/^\/\//, '')}`;
  return resolveSafeUrl(withScheme) ?? url;
}

/** Key under which two original URLs count as the same article (for merging duplicates, linking related stories). */
export function urlIdentity(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    // http and https copies of one article are one article.
    const path = parsed.pathname.replace(/\/+$/, '');
    return `${parsed.hostname.toLowerCase()}${path}${parsed.search}`;
  } catch {
    return url;
  }
}
