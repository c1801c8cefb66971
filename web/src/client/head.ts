// A page's title, description and HTTP status. In the browser the title goes
// to document.title; on the server the renderer returns them with the HTML
// (the server writes <title> and OpenGraph tags, and the status).
import { useEffect } from 'preact/hooks';

export interface PageMeta {
  title: string;
  description?: string | undefined;
  /** HTTP status for the server to answer with (default 200). */
  status?: number | undefined;
  /** The page's Atom feed (a path), for `<link rel="alternate" type="application/atom+xml">`. */
  feed?: string | undefined;
}

export const SITE_NAME = 'Exosphere';

const FEED_LINK = 'link[rel="alternate"][type="application/atom+xml"]';

let rendered: PageMeta | undefined;

/** The full document title for a page title. */
export function documentTitle(title: string): string {
  return title === SITE_NAME ? SITE_NAME : `${title} · ${SITE_NAME}`;
}

export function usePageMeta(meta: PageMeta): void {
  // During a server render the last page to call this (the innermost) wins.
  rendered = meta;
  useEffect(() => {
    document.title = documentTitle(meta.title);
  }, [meta.title]);
  useEffect(() => {
    const feed = meta.feed;
    if (!feed) return;
    // The server may have written it already: take that one over.
    let link = Array.from(document.head.querySelectorAll<HTMLLinkElement>(FEED_LINK)).find(
      (l) => l.getAttribute('href') === feed,
    );
    if (!link) {
      link = document.createElement('link');
      link.rel = 'alternate';
      link.type = 'application/atom+xml';
      link.title = meta.title;
      link.setAttribute('href', feed);
      document.head.appendChild(link);
    }
    const mine = link;
    return () => mine.remove();
  }, [meta.feed, meta.title]);
}

/** Server renderer: clears the meta before a render and reads it after. */
export function resetPageMeta(): void {
  rendered = undefined;
}

export function renderedPageMeta(): PageMeta | undefined {
  return rendered;
}
