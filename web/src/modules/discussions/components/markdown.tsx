import * as css from './markdown.css';

/**
 * A thread's or reply's Markdown, as the HTML the API rendered it to
 * (`bodyHtml`, `textHtml`, site.exosphere.markdown.render): the server
 * guarantees it is safe to insert as it is (no raw HTML, no images, links
 * to safe URLs only, each rel="nofollow ugc noopener"). The server render
 * and the browser insert the same string, so hydration keeps it as it is.
 */
export function Markdown({ html, testId }: { html: string; testId?: string | undefined }) {
  return <div class={css.markdown} data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
