// Markdown of threads and replies, safely: the author's HTML stays text,
// links keep safe URLs only and carry rel="nofollow ugc noopener".
import { describe, expect, it } from 'vitest';
import { isSafeUrl, LINK_REL, markdownText, renderMarkdown } from '../markdown';

/** The rendered HTML as a document fragment, to look at what it would be in a page. */
function parse(markdown: string, headingBase?: number): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderMarkdown(markdown, { headingBase });
  return root;
}

const HOSTILE = [
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 1">',
  '<a href="javascript:alert(1)">html link</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body { display: none }</style>',
  '[plain](javascript:alert(1))',
  '[upper](JavaScript:alert(1))',
  '[spaced]( javascript:alert(1) )',
  '[entity](jav&#x61;script:alert(1))',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[vb](vbscript:msgbox(1))',
  '[file](file:///etc/passwd)',
  '<javascript:alert(1)>',
  '<data:text/html,hi>',
  '![tracker](https://evil.example/pixel.gif)',
  '![inline](data:image/png;base64,AAAA)',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '<div onmouseover="alert(1)">hover</div>',
  '**<b onclick="alert(1)">bold</b>**',
].join('\n\n');

describe('renderMarkdown', () => {
  it('renders hostile input inert: no element, attribute or URL of the author’s making', () => {
    const root = parse(HOSTILE);
    // Only the elements Markdown makes.
    const tags = new Set([...root.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()));
    expect([...tags].filter((t) => !['p', 'a', 'strong', 'em', 'code', 'pre', 'br'].includes(t))).toEqual([]);
    for (const element of root.querySelectorAll('*')) {
      for (const attr of element.getAttributeNames()) {
        expect(attr, element.outerHTML).not.toMatch(/^on/i);
        expect(['href', 'rel'], element.outerHTML).toContain(attr);
      }
    }
    for (const a of root.querySelectorAll('a')) {
      expect(a.getAttribute('href'), a.outerHTML).toMatch(/^https?:/);
    }
    // The HTML shows as what was typed.
    expect(root.textContent).toContain('<script>window.pwned = 1</script>');
    expect(root.textContent).toContain('<img src=x onerror="window.pwned = 1">');
    expect(root.textContent).toContain('[plain](javascript:alert(1))');
  });

  it('escapes raw HTML rather than dropping it', () => {
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>\n');
  });

  it('keeps no javascript:, data: or vbscript: link', () => {
    for (const link of ['[x](javascript:alert(1))', '[x](data:text/html,x)', '[x](vbscript:x)', '<javascript:alert(1)>']) {
      expect(renderMarkdown(link), link).not.toContain('<a');
    }
  });

  it('gives every link rel="nofollow ugc noopener": written, autolinked and bare', () => {
    const root = parse(
      '[written](https://example.com/a) <https://example.com/b> https://example.com/c <mailto:a@example.com> [here](/s/demo/discussions/1)',
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/c',
      'mailto:a@example.com',
      '/s/demo/discussions/1',
    ]);
    for (const a of links) expect(a.getAttribute('rel')).toBe(LINK_REL);
    expect(LINK_REL).toBe('nofollow ugc noopener');
  });

  it('renders Markdown: emphasis, code, lists, quotes, tables and line breaks', () => {
    const html = renderMarkdown('**bold** _it_ `x<y`\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nline one\nline two');
    expect(html).toContain('<strong>bold</strong> <em>it</em> <code>x&lt;y</code>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('line one<br>\nline two');
    expect(renderMarkdown('```\n<b>\n```')).toBe('<pre><code>&lt;b&gt;\n</code></pre>\n');
  });

  it('starts headings at the level the page gives, h6 at most', () => {
    expect(renderMarkdown('# One\n\n## Two')).toBe('<h2>One</h2>\n<h3>Two</h3>\n');
    expect(renderMarkdown('# One', { headingBase: 3 })).toBe('<h3>One</h3>\n');
    expect(renderMarkdown('##### Five', { headingBase: 3 })).toBe('<h6>Five</h6>\n');
  });

  it('shows no images', () => {
    expect(renderMarkdown('![alt](https://example.com/a.png)')).not.toContain('<img');
  });

  it('gives the same HTML for the same text, remembered or not', () => {
    const text = 'Same **text** with https://example.com';
    expect(renderMarkdown(text)).toBe(renderMarkdown(text));
    expect(renderMarkdown(text, { headingBase: 3 })).toBe(renderMarkdown(text));
    expect(renderMarkdown('# x', { headingBase: 3 })).not.toBe(renderMarkdown('# x', { headingBase: 2 }));
  });
});

describe('isSafeUrl', () => {
  it('allows http, https, mailto and addresses without a scheme', () => {
    for (const url of ['https://a.example', 'HTTP://a.example', 'mailto:a@b.example', '/s/demo', '#top', 'page?x=1', '//cdn.example/x']) {
      expect(isSafeUrl(url), url).toBe(true);
    }
  });

  it('refuses every other scheme', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:x', 'data:text/html,x', 'vbscript:x', 'file:///etc', 'ftp://x', 'blob:x']) {
      expect(isSafeUrl(url), url).toBe(false);
    }
  });
});

describe('markdownText', () => {
  it('keeps the words without the markup, on one line', () => {
    expect(markdownText('# Title\n\nSome **bold** and `code`,\nthen [a link](https://example.com).\n\n- one\n- two')).toBe(
      'Title Some bold and code, then a link. one two',
    );
    expect(markdownText('')).toBe('');
  });
});
