// Markdown of threads and replies, rendered by markdown-it with nothing of
// the author's HTML: the same function on the server (QuickJS, one pass) and
// in the browser, so hydration finds the markup it would have made.
//
// - Raw HTML is text (`html: false`: `<script>` shows as `&lt;script&gt;`).
// - Links (written, `<autolinks>` and bare URLs, `linkify`) keep only
//   http:, https: and mailto: URLs, or addresses on this site (no scheme);
//   anything else (`javascript:`, `data:`, `vbscript:`, `file:`, …) stays
//   text. Every link gets rel="nofollow ugc noopener".
// - No images: a post would load what its author chose from the reader's
//   browser. `![alt](url)` reads as "!" and a link.
// - Headings start at the level the page gives (under the page's own), so
//   the outline stays in order; soft line breaks are kept, as people type them.
import MarkdownItParser, { type Env as MarkdownEnv, type MarkdownIt } from 'markdown-it';

export const LINK_REL = 'nofollow ugc noopener';
const SAFE_SCHEMES = ['http', 'https', 'mailto'];

/** Whether a link's URL may be a link: a safe scheme, or none (an address on this site). */
export function isSafeUrl(url: string): boolean {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return !scheme || SAFE_SCHEMES.includes((scheme[1] ?? '').toLowerCase());
}

interface Env extends MarkdownEnv {
  /** The level of a `#` heading: 2 under the page's h1, 3 in a reply. */
  headingBase?: number;
}

let instance: MarkdownIt | undefined;

function markdown(): MarkdownIt {
  if (instance) return instance;
  const md = new MarkdownItParser('default', { html: false, linkify: true, breaks: true, typographer: false, maxNesting: 20 });
  md.disable(['html_block', 'html_inline', 'image']);
  md.validateLink = isSafeUrl;
  // Headings from the page's level down (h6 at most).
  md.core.ruler.push('exosphere_heading_levels', (state) => {
    const base = (state.env as Env).headingBase ?? 2;
    for (const token of state.tokens) {
      if (token.type !== 'heading_open' && token.type !== 'heading_close') continue;
      const level = Number(token.tag.slice(1)) || 1;
      token.tag = `h${Math.min(6, level + base - 1)}`;
    }
    return true;
  });
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]?.attrSet('rel', LINK_REL);
    return self.renderToken(tokens, idx, options);
  };
  instance = md;
  return md;
}

// Rendered texts, remembered: the server's QuickJS runtime renders the same
// threads for one visitor after another, and Markdown is most of a thread
// page's work there. Bounded by the characters kept; the oldest go first.
const MEMO_CHARS = 2_000_000;
const memo = new Map<string, string>();
let memoChars = 0;

/** The HTML of a Markdown text (safe to put in the page as it is). */
export function renderMarkdown(source: string, options: { headingBase?: number } = {}): string {
  const headingBase = options.headingBase ?? 2;
  const key = `${headingBase}:${source}`;
  const seen = memo.get(key);
  if (seen !== undefined) return seen;
  const env: Env = { headingBase };
  const html = markdown().render(source, env);
  const size = key.length + html.length;
  if (size <= MEMO_CHARS / 10) {
    memo.set(key, html);
    memoChars += size;
    for (const [oldKey, oldHtml] of memo) {
      if (memoChars <= MEMO_CHARS) break;
      memo.delete(oldKey);
      memoChars -= oldKey.length + oldHtml.length;
    }
  }
  return html;
}

/** The words of a Markdown text without its markup, on one line (for a page's description). */
export function markdownText(source: string): string {
  const words: string[] = [];
  for (const block of markdown().parse(source, {})) {
    if (block.type !== 'inline') continue;
    for (const token of block.children ?? []) {
      if (token.type === 'text' || token.type === 'code_inline') words.push(token.content);
      else if (token.type === 'softbreak' || token.type === 'hardbreak') words.push(' ');
    }
    words.push(' ');
  }
  return words.join('').replace(/\s+/g, ' ').trim();
}
