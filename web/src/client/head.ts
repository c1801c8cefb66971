// A page's title, description and HTTP status. In the browser the title goes
// to document.title; on the server the renderer returns them with the HTML
// (the server writes <title> and OpenGraph tags, and the status).
import { useEffect } from 'preact/hooks';

export interface PageMeta {
  title: string;
  description?: string | undefined;
  /** HTTP status for the server to answer with (default 200). */
  status?: number | undefined;
}

export const SITE_NAME = 'Exosphere';

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
}

/** Server renderer: clears the meta before a render and reads it after. */
export function resetPageMeta(): void {
  rendered = undefined;
}

export function renderedPageMeta(): PageMeta | undefined {
  return rendered;
}
