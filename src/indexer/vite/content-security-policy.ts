/**
 * The Content-Security-Policy of the built site, as a <meta> tag (static hosts such as GitHub Pages set
 * no headers). Only the build gets it: the dev server injects inline scripts for hot reload.
 *
 * - scripts, styles, data and fonts: this site only; no inline script, no eval;
 * - images: this site and any https source (news CDNs), never data: or http:;
 * - no frames, objects, media, form targets or <base> rewrites: posts are read, not run.
 */
import type { Plugin } from 'vite';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "media-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'cna-reader-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
  };
}
