/**
 * Pictures: lazy-loading markup (`data-src`, `data-srcset`, `<picture><source data-srcset>`) becomes real
 * `src`/`srcset`, sizes come from attributes or CNA's `--aspect-ratio:W/H` style, URLs are made absolute,
 * and each picture with its caption becomes one `<figure>` with a `<figcaption>`.
 */
import type { Figure } from '../../../shared/types.ts';
import {
  all,
  classList,
  countElements,
  descendants,
  detach,
  elementsNamed,
  hasVisibleText,
  isDetached,
  isElement,
  makeElement,
  makeText,
  replaceWith,
  visibleLength,
  visibleText,
  type ChildNode,
  type Element,
  type ParentNode,
} from './html-tree.ts';
import { LOCAL_ASSET_PATH, resolveSafeUrl, unwrapImageProxy, upgradeToHttps, type UrlContext } from '../urls.ts';

/** Where lazy-loading scripts keep the real image; earlier wins. `src` is last: lazy pages put a placeholder there. */
const SRC_ATTRIBUTES = ['data-src', 'data-original', 'data-lazy-src', 'data-url', 'src'] as const;
const SRCSET_ATTRIBUTES = ['data-srcset', 'data-lazy-srcset', 'srcset'] as const;

/**
 * Classes of the elements that caption the picture before them: CNA `picinfo`, WordPress, ChinaFile
 * `photo-caption`, RFA `image-caption`, Blogger `tr-caption` (a table row under the picture), and the
 * `p.Caption` some outlets put after an image.
 */
const CAPTION_CLASSES = new Set(['picinfo', 'wp-caption-text', 'photo-caption', 'image-caption', 'tr-caption', 'Caption']);
const CAPTION_SELECTOR = [...[...CAPTION_CLASSES].map((name) => `.${name}`), 'figcaption'].join(', ');

/** A photo credit between a picture and its caption (ChinaFile): it joins the caption. */
const CREDIT_SELECTOR = '.photo-credit';

const IMG = new Set(['img']);

/** Images this small are tracking pixels or spacers, not pictures. */
const MIN_PICTURE_SIDE = 2;

interface ImageSources {
  src: string;
  srcset?: string;
  sources: { media?: string; srcset: string; type?: string }[];
  width?: number;
  height?: number;
  alt: string;
}

/**
 * Rewrites every image in place and returns the figures in document order. Images with no usable URL
 * are removed (an image a reader cannot load is noise, and its alt text, if any, is kept as text).
 */
export function normalizeFigures(root: ParentNode, urls: UrlContext): Figure[] {
  const figures: Figure[] = [];
  for (const img of elementsNamed(root, IMG)) {
    if (isDetached(img, root)) continue;
    const sources = readImageSources(img, urls);
    const picture = isElement(img.parent) && img.parent.name === 'picture' ? img.parent : undefined;
    const media = picture ?? img;
    if (!sources || isTinyImage(sources)) {
      const alt = (img.attribs['alt'] ?? '').trim();
      if (alt && !sources) replaceWith(media, makeText(alt));
      else detach(media);
      continue;
    }
    const found = findCaption(media);
    const caption = found ? found.parts.map((part) => visibleText(part)).join(' ') : undefined;
    const figure: Figure = { ...withoutEmpty(sources), ...(caption ? { caption } : {}) };
    figures.push(figure);
    placeFigure(root, media, found, figure);
  }
  return figures;
}

function readImageSources(img: Element, urls: UrlContext): ImageSources | undefined {
  const srcset = firstAttribute(img, SRCSET_ATTRIBUTES, (value) => resolveSrcset(value, urls));
  // Resolved once, upgraded after: the attribute that resolves is the same either way.
  const written = firstWrittenImageUrl(img, urls);
  let src = written && upgradedImageUrl(written);
  // An http: picture whose srcset offers it over https: that copy, rather than a guess that the host serves https.
  if (written?.url.startsWith('http:')) src = widestHttpsCandidate(img, urls) ?? src;
  if (!src && srcset) src = srcset.split(/\s+/)[0];
  if (!src) return undefined;

  const picture = isElement(img.parent) && img.parent.name === 'picture' ? img.parent : undefined;
  const sources = picture
    ? all('source', picture).flatMap((source) => {
        const set = firstAttribute(source, SRCSET_ATTRIBUTES, (value) => resolveSrcset(value, urls));
        if (!set) return [];
        return [
          {
            srcset: set,
            ...(source.attribs['media'] ? { media: source.attribs['media'] } : {}),
            ...(source.attribs['type'] ? { type: source.attribs['type'] } : {}),
          },
        ];
      })
    : [];
  const size = sizeFromAttributes(img) ?? sizeFromAspectRatio(img) ?? sizeFromFileName(src);
  return { src, srcset, sources, ...size, alt: (img.attribs['alt'] ?? '').trim() };
}

function firstAttribute(element: Element, names: readonly string[], read: (value: string) => string | undefined): string | undefined {
  for (const name of names) {
    const value = element.attribs[name];
    if (value === undefined) continue;
    const result = read(value);
    if (result) return result;
  }
  return undefined;
}

export function resolveImageUrl(value: string, urls: UrlContext, { upgrade = true } = {}): string | undefined {
  const written = resolveWrittenImageUrl(value, urls);
  return written && (upgrade ? upgradedImageUrl(written) : written.url);
}

/** An image URL as written, made absolute (proxies unwrapped); `ours` when it is this site's own asset. */
interface WrittenImageUrl {
  url: string;
  ours: boolean;
}

function resolveWrittenImageUrl(value: string, urls: UrlContext): WrittenImageUrl | undefined {
  const trimmed = value.trim();
  // Inline data: images are placeholders of lazy loaders (and a script vector in SVG form).
  if (trimmed === '' || /^data:/i.test(trimmed)) return undefined;
  // Already this site's asset URL (a second pass over a rewritten attribute): keep it.
  if (urls.assetBase && trimmed.startsWith(urls.assetBase) && !trimmed.includes('..')) return { url: trimmed, ours: true };
  if (urls.assetBase && trimmed.startsWith(LOCAL_ASSET_PATH) && !trimmed.includes('..')) {
    return { url: urls.assetBase + trimmed.slice(LOCAL_ASSET_PATH.length).replace(/[^\w\-./%]/g, encodeURIComponent), ours: true };
  }
  const url = resolveSafeUrl(trimmed, urls.baseUrl);
  return url ? { url: unwrapImageProxy(url), ours: false } : undefined;
}

/** Another site's picture over https; this site's assets as they are. */
function upgradedImageUrl(written: WrittenImageUrl): string {
  return written.ours ? written.url : upgradeToHttps(written.url);
}

/** The first of SRC_ATTRIBUTES that resolves. */
function firstWrittenImageUrl(img: Element, urls: UrlContext): WrittenImageUrl | undefined {
  for (const name of SRC_ATTRIBUTES) {
    const value = img.attribs[name];
    const written = value === undefined ? undefined : resolveWrittenImageUrl(value, urls);
    if (written) return written;
  }
  return undefined;
}

/** The widest candidate of an image's srcset that was written with https (before any upgrade). */
function widestHttpsCandidate(img: Element, urls: UrlContext): string | undefined {
  let best: { url: string; width: number } | undefined;
  for (const name of SRCSET_ATTRIBUTES) {
    for (const candidate of (img.attribs[name] ?? '').split(/,\s+|,(?=\S*\s)/)) {
      const [raw, descriptor] = candidate.trim().split(/\s+/);
      const url = raw ? resolveImageUrl(raw, urls, { upgrade: false }) : undefined;
      if (!url?.startsWith('https:')) continue;
      const width = Number.parseFloat(descriptor ?? '1') || 1;
      if (!best || width > best.width) best = { url, width };
    }
  }
  return best?.url;
}

/** `a.jpg 414w, //cdn/b.jpg 1024w` → absolute URLs, descriptors kept; unusable candidates dropped. */
export function resolveSrcset(value: string, urls: UrlContext): string | undefined {
  const candidates = value
    .split(/,\s+|,(?=\S*\s)/)
    .map((candidate) => candidate.trim())
    .filter(Boolean)
    .flatMap((candidate) => {
      const [url, ...descriptor] = candidate.split(/\s+/);
      const resolved = url ? resolveImageUrl(url, urls) : undefined;
      const kept = descriptor.filter((d) => /^\d+(\.\d+)?[wx]$/.test(d));
      return resolved ? [[resolved, ...kept].join(' ')] : [];
    });
  return candidates.length > 0 ? candidates.join(', ') : undefined;
}

function sizeFromAttributes(img: Element): { width: number; height: number } | undefined {
  const width = Number.parseInt(img.attribs['width'] ?? '', 10);
  const height = Number.parseInt(img.attribs['height'] ?? '', 10);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** CNA sets `style="--aspect-ratio:1920/1281"` on the picture or a wrapper up to three levels above. */
function sizeFromAspectRatio(img: Element): { width: number; height: number } | undefined {
  let node: Element | undefined = img;
  for (let depth = 0; node && depth < 4; depth++) {
    const match = /--aspect-ratio\s*:\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/.exec(node.attribs['style'] ?? '');
    if (match) return { width: Math.round(Number(match[1])), height: Math.round(Number(match[2])) };
    node = isElement(node.parent) ? node.parent : undefined;
  }
  return undefined;
}

/** CNA photo file names carry the original size: `.../1920x1281_wmkn_650248865693.jpg`. */
function sizeFromFileName(src: string): { width: number; height: number } | undefined {
  const match = /\/(\d{2,5})x(\d{2,5})_[^/]*$/.exec(src);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

function isTinyImage(sources: ImageSources): boolean {
  return (sources.width !== undefined && sources.width < MIN_PICTURE_SIDE) || (sources.height !== undefined && sources.height < MIN_PICTURE_SIDE);
}

/** A picture's caption: the element holding it, and what the figcaption shows (it, then a photo credit found on the way). */
interface FoundCaption {
  caption: Element;
  parts: Element[];
}

/**
 * The caption of a picture: a figcaption in its figure, a caption-class element after it (at any wrapper
 * level up to three, past a photo credit), or the seed family's plain `<div>` right after the
 * `--aspect-ratio` wrapper.
 */
function findCaption(media: Element): FoundCaption | undefined {
  let node: Element = media;
  for (let depth = 0; depth < 4; depth++) {
    if (node.name === 'figure') {
      const caption = all('figcaption', node)[0];
      return caption ? { caption, parts: [caption] } : undefined;
    }
    let credit: Element | undefined;
    const found = (caption: Element): FoundCaption => ({ caption, parts: credit ? [caption, credit] : [caption] });
    for (let sibling = node.next; sibling; sibling = sibling.next) {
      if (!isElement(sibling)) {
        if (hasVisibleText(sibling)) break;
        continue;
      }
      if (isCaptionElement(sibling)) return found(sibling);
      const inner = all(CAPTION_SELECTOR, sibling)[0];
      if (inner && visibleText(sibling) === visibleText(inner)) return found(inner);
      const innerCredit = all(CREDIT_SELECTOR, sibling)[0];
      if (!credit && innerCredit && visibleText(sibling) === visibleText(innerCredit)) {
        credit = innerCredit;
        continue;
      }
      if (!credit && isAspectRatioWrapper(node) && isTextOnlyBlock(sibling)) return found(sibling);
      break;
    }
    if (!isElement(node.parent)) break;
    node = node.parent;
  }
  return undefined;
}

function isCaptionElement(element: Element): boolean {
  return element.name === 'figcaption' || classList(element).some((c) => CAPTION_CLASSES.has(c));
}

function isAspectRatioWrapper(element: Element): boolean {
  return /--aspect-ratio/.test(element.attribs['style'] ?? '');
}

function isTextOnlyBlock(element: Element): boolean {
  return (
    element.name === 'div' && descendants(element).every((child) => ['span', 'br', 'b', 'strong', 'em', 'i'].includes(child.name)) && hasVisibleText(element)
  );
}

/**
 * Puts `<figure>` in the picture's place. The caption's text moves into the figcaption; the elements that
 * only wrapped the picture and caption go with them. Nothing else around them is touched.
 */
function placeFigure(root: ParentNode, media: Element, found: FoundCaption | undefined, figure: Figure): void {
  const figureElement = buildFigureElement(figure, found?.parts);
  const caption = found?.caption;
  const container = caption ? outermostWrapper(smallestCommonAncestor(media, caption, root), figure.caption ?? '', root) : undefined;
  if (container) {
    replaceWith(container, figureElement);
    return;
  }
  for (const part of found?.parts ?? []) detach(part);
  // A picture alone in its block (the common case) replaces the block; one inside running text stays
  // inline, as an image without a figure around it.
  const block = loneMediaBlock(media, root);
  const insideText = block === media && isElement(media.parent) && hasVisibleText(media.parent);
  replaceWith(block, insideText && !caption ? buildMediaElement(figure) : figureElement);
}

/**
 * The outermost element around `start` that holds nothing but the picture and its caption (a Blogger
 * caption table, a paragraph around a captioned picture), so that the figure takes its place whole.
 */
function outermostWrapper(start: Element | undefined, captionText: string, root: ParentNode): Element | undefined {
  // Compared by length without spaces: a credit may come before the caption in the page, after it in the figure.
  const captionLength = captionText.replace(/\s/g, '').length;
  const holdsOnly = (element: Element) => visibleLength(element, captionLength) === captionLength && countElements('img', element, 1) === 1;
  if (!start || start === root || !holdsOnly(start)) return undefined;
  let node = start;
  while (isElement(node.parent) && node.parent !== root && holdsOnly(node.parent)) node = node.parent;
  return node;
}

function smallestCommonAncestor(a: Element, b: Element, root: ParentNode): Element | undefined {
  const ancestors = new Set<ParentNode>();
  for (let node: ParentNode | null = a; node; node = node.parent) ancestors.add(node);
  for (let node: ParentNode | null = b; node && node !== root; node = node.parent) {
    if (ancestors.has(node) && isElement(node)) return node;
  }
  return undefined;
}

const INLINE_CONTAINERS = new Set(['p', 'span', 'a', 'b', 'strong', 'em', 'i', 'font', 'li', 'td', 'th']);

function loneMediaBlock(media: Element, root: ParentNode): ChildNode {
  let node: Element = media;
  while (isElement(node.parent) && node.parent !== root && !hasVisibleText(node.parent) && countElements('img', node.parent, 1) === 1) {
    if (INLINE_CONTAINERS.has(node.parent.name) && node.parent.name !== 'p') break;
    node = node.parent;
  }
  return node;
}

/**
 * `<figure>` with the picture and, when there is one, a figcaption holding the caption's own nodes (and the
 * credit's after them), so that its links stay links; the sanitizer cleans them like any others.
 */
function buildFigureElement(figure: Figure, captionParts: readonly Element[] = []): Element {
  const children: ChildNode[] = [buildMediaElement(figure)];
  if (figure.caption) {
    // A credit after the caption, set apart as small print.
    const nodes = captionParts.flatMap((part, n) => (n > 0 ? [makeText(' '), makeElement('small', {}, [...part.children])] : [...part.children]));
    children.push(makeElement('figcaption', {}, nodes.length > 0 ? nodes : [makeText(figure.caption)]));
  }
  return makeElement('figure', {}, children);
}

/** `<img>`, or `<picture>` with its `<source>`s and the `<img>`, from a figure record. */
function buildMediaElement(figure: Figure): Element {
  const imgAttribs: Record<string, string> = { src: figure.src, alt: figure.alt };
  if (figure.srcset) imgAttribs['srcset'] = figure.srcset;
  if (figure.width && figure.height) {
    imgAttribs['width'] = String(figure.width);
    imgAttribs['height'] = String(figure.height);
  }
  const img = makeElement('img', imgAttribs);
  if (!figure.sources?.length) return img;
  return makeElement('picture', {}, [
    ...figure.sources.map((source) =>
      makeElement('source', { srcset: source.srcset, ...(source.media ? { media: source.media } : {}), ...(source.type ? { type: source.type } : {}) }),
    ),
    img,
  ]);
}

function withoutEmpty(sources: ImageSources): Figure {
  const figure: Figure = { src: sources.src, alt: sources.alt };
  if (sources.srcset) figure.srcset = sources.srcset;
  if (sources.sources.length > 0) figure.sources = sources.sources;
  if (sources.width && sources.height) {
    figure.width = sources.width;
    figure.height = sources.height;
  }
  return figure;
}
