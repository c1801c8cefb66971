import { useMemo } from 'preact/hooks';
import { renderMarkdown } from '../markdown';
import * as css from './markdown.css';

/**
 * A thread's or reply's Markdown as HTML (see ../markdown.ts for what is
 * kept). The server and the browser make the same string from the same text,
 * so hydration keeps the server's markup as it is.
 */
export function Markdown({ source, headingBase, testId }: { source: string; headingBase?: number; testId?: string }) {
  const html = useMemo(() => renderMarkdown(source, { headingBase }), [source, headingBase]);
  return <div class={css.markdown} data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
