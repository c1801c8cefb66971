// Accessibility of server-rendered pages, for core's tests (test/a11y.test.tsx)
// and each module's: axe-core's WCAG A/AA and best-practice rules (colour
// contrast is checked on the tokens in contrast.test.ts: happy-dom has no
// layout to measure), one h1, a main landmark, headings in order and a label
// for every control.
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { registryServer, type ServerRenderer } from './server';

/** Renders `url` on the server from answers by NSID and puts it in the document. */
export function renderPage(url: string, answers: Record<string, unknown>, server: ServerRenderer = registryServer) {
  const data: Record<string, unknown> = {};
  for (const q of server.queries(url)) data[q.key] = answers[q.nsid];
  const out = server.render(url, data);
  document.documentElement.lang = 'en';
  document.title = out.title;
  document.body.innerHTML = `<div id="app">${out.html}</div>`;
  return out;
}

/** axe's violations (WCAG A/AA and best practice) in the document, as "id (impact): help (nodes)": of any impact, or only of these. */
export async function axeViolations(impacts?: readonly string[]): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations
    .filter((v) => !impacts || impacts.includes(v.impact ?? ''))
    .map((v) => `${v.id} (${v.impact}): ${v.help} (${v.nodes.map((n) => n.html).join(' | ')})`);
}

/** Two tests per page: no serious or critical axe violations; one h1, main, headings in order, labels. */
export function describeAccessibility(
  title: string,
  pages: readonly string[],
  answers: Record<string, unknown>,
  server: ServerRenderer = registryServer,
): void {
  describe(title, () => {
    for (const url of pages) {
      it(`${url} has no serious or critical axe violations`, async () => {
        renderPage(url, answers, server);
        expect(await axeViolations(['serious', 'critical'])).toEqual([]);
      });

      it(`${url} has one h1, a main landmark and headings in order`, () => {
        renderPage(url, answers, server);
        expect(document.querySelectorAll('h1')).toHaveLength(1);
        expect(document.querySelectorAll('main')).toHaveLength(1);
        let previous = 0;
        for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
          const level = Number(h.tagName[1]);
          expect(level, `${h.tagName} "${h.textContent}" after h${previous}`).toBeLessThanOrEqual(previous + 1);
          previous = level;
        }
        for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
          const id = input.getAttribute('id');
          const labelled = (id && document.querySelector(`label[for="${id}"]`)) || input.closest('label');
          expect(labelled, `unlabelled ${input.outerHTML}`).toBeTruthy();
        }
      });
    }
  });
}
