/**
 * The image a thumbnail slot loads: the smallest `srcset` candidate at least twice the slot's width
 * (sharp on 2× screens, and not the 800–1280 px picture an article shows), else the largest there is,
 * else `src`. Pixel-density candidates (`2x`) count as that many times the picture's own width.
 */
export const THUMBNAIL_DENSITY = 2;

export function pickThumbnailSource(image: { src: string; srcset?: string | undefined; width?: number | undefined }, slotWidth: number): string {
  if (!image.srcset) return image.src;
  const need = slotWidth * THUMBNAIL_DENSITY;
  const candidates = image.srcset
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .flatMap(([url, descriptor]) => {
      if (!url) return [];
      const value = parseFloat(descriptor ?? '1x');
      if (!(value > 0)) return [];
      if (descriptor?.endsWith('w')) return [{ url, width: value }];
      // A density says nothing of pixels without the picture's width: then only 1x stands for src.
      return image.width ? [{ url, width: image.width * value }] : [];
    })
    .sort((a, b) => a.width - b.width);
  if (candidates.length === 0) return image.src;
  return (candidates.find((candidate) => candidate.width >= need) ?? candidates[candidates.length - 1]!).url;
}
