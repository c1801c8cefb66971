//! Markdown as Exosphere shows it, rendered here once so that every page,
//! server-rendered or in the browser, and every API client shows the same
//! HTML (views carry it beside the source: `bodyHtml`, `textHtml`).
//!
//! CommonMark with tables and strikethrough, and nothing of the author's HTML:
//! - raw HTML is text (`<script>` shows as `&lt;script&gt;`);
//! - links (written, `<autolinks>` and bare URLs) keep only http:, https: and
//!   mailto: URLs, or addresses on this site (no scheme); anything else
//!   (`javascript:`, `data:`, `vbscript:`, …) stays text. Every link gets
//!   `rel="nofollow ugc noopener"`;
//! - no images: a post would load what its author chose from the reader's
//!   browser. `![alt](url)` reads as "!" and a link;
//! - headings start at the level the page gives (`heading_base`, under the
//!   page's own), h6 at most, so the outline stays in order;
//! - line breaks are kept, as people type them.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream};

/// The `rel` of every link in rendered Markdown.
pub const LINK_REL: &str = "nofollow ugc noopener";

/// URL schemes a link may have (or none: an address on this site).
const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The HTML of a Markdown text, safe to put in a page as it is.
pub fn render(source: &str, heading_base: u8) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut events = Vec::new();
    let mut state = State { heading_base: heading_base.clamp(1, 6), ..State::default() };
    // Adjacent texts as one (the parser splits them at `_`, `*`, …), so URLs are found whole.
    for event in TextMergeStream::new(Parser::new_ext(source, options)) {
        state.push(event, &mut events);
    }
    let mut html = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

#[derive(Default)]
struct State {
    heading_base: u8,
    /// For each open link or image: whether it became an `<a>`.
    links: Vec<bool>,
    /// Inside a code block, a link or an image: text stays as it is.
    verbatim: usize,
    /// Lines of the current raw HTML block so far.
    html_lines: usize,
}

impl State {
    fn push<'a>(&mut self, event: Event<'a>, out: &mut Vec<Event<'a>>) {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                out.push(Event::Start(Tag::Heading { level: self.shift(level), id, classes, attrs }))
            }
            Event::End(TagEnd::Heading(level)) => out.push(Event::End(TagEnd::Heading(self.shift(level)))),
            Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
                self.open_link(link_type, &dest_url, &title, out)
            }
            Event::Start(Tag::Image { link_type, dest_url, title, .. }) => {
                out.push(Event::Text("!".into()));
                self.open_link(link_type, &dest_url, &title, out);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                self.verbatim = self.verbatim.saturating_sub(1);
                if self.links.pop().unwrap_or(false) {
                    out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.verbatim += 1;
                out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.verbatim = self.verbatim.saturating_sub(1);
                out.push(Event::End(TagEnd::CodeBlock));
            }
            // A block of raw HTML is a paragraph of its text, line by line.
            Event::Start(Tag::HtmlBlock) => {
                self.html_lines = 0;
                out.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
            Event::Html(line) => {
                if self.html_lines > 0 {
                    out.push(Event::HardBreak);
                }
                self.html_lines += 1;
                let line = line.trim_end_matches(['\n', '\r']).to_owned();
                self.text(line.into(), out);
            }
            Event::InlineHtml(text) => out.push(Event::Text(text)),
            Event::SoftBreak => out.push(Event::HardBreak),
            Event::Text(text) => self.text(text, out),
            other => out.push(other),
        }
    }

    fn shift(&self, level: HeadingLevel) -> HeadingLevel {
        let shifted = (level as usize + usize::from(self.heading_base) - 1).min(6);
        HeadingLevel::try_from(shifted).unwrap_or(HeadingLevel::H6)
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, title: &str, out: &mut Vec<Event<'_>>) {
        self.verbatim += 1;
        let dest = if link_type == LinkType::Email { format!("mailto:{dest}") } else { dest.to_owned() };
        match safe_href(&dest) {
            Some(href) => {
                out.push(Event::InlineHtml(anchor(&href, title).into()));
                self.links.push(true);
            }
            None => self.links.push(false),
        }
    }

    /// Text, with its bare URLs and email addresses made links (outside code and links).
    fn text<'a>(&self, text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
        if self.verbatim > 0 || !text.contains(['.', '@', ':']) {
            out.push(Event::Text(text));
            return;
        }
        let mut finder = linkify::LinkFinder::new();
        finder.url_must_have_scheme(true);
        let mut rest = 0;
        for link in finder.links(&text) {
            let href = match link.kind() {
                linkify::LinkKind::Email => format!("mailto:{}", link.as_str()),
                _ => link.as_str().to_owned(),
            };
            let Some(href) = safe_href(&href) else { continue };
            if link.start() > rest {
                out.push(Event::Text(text[rest..link.start()].to_owned().into()));
            }
            out.push(Event::InlineHtml(anchor(&href, "").into()));
            out.push(Event::Text(link.as_str().to_owned().into()));
            out.push(Event::InlineHtml("</a>".into()));
            rest = link.end();
        }
        match rest {
            0 => out.push(Event::Text(text)),
            _ if rest < text.len() => out.push(Event::Text(text[rest..].to_owned().into())),
            _ => {}
        }
    }
}

/// `<a href=… rel=…>` for an href that `safe_href` gave.
fn anchor(href: &str, title: &str) -> String {
    let mut a = String::from("<a href=\"");
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut a, href);
    a.push('"');
    if !title.is_empty() {
        a.push_str(" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut a, title);
        a.push('"');
    }
    a.push_str(" rel=\"");
    a.push_str(LINK_REL);
    a.push_str("\">");
    a
}

/// The URL as a link may point to it, or `None` when it must stay text.
///
/// Browsers drop tabs and newlines anywhere in a URL, and spaces and control
/// characters around it, before they look for its scheme (`java\tscript:` is
/// `javascript:` to them): so does this. A colon before any `/`, `?` or `#`
/// ends a scheme, which must then be one of `SAFE_SCHEMES`.
pub fn safe_href(url: &str) -> Option<String> {
    let cleaned: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let end = cleaned.find([':', '/', '?', '#']);
    if let Some(i) = end
        && cleaned[i..].starts_with(':')
    {
        let scheme = cleaned[..i].to_ascii_lowercase();
        if !SAFE_SCHEMES.contains(&scheme.as_str()) {
            return None;
        }
    }
    Some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(source: &str) -> String {
        render(source, 2)
    }

    #[test]
    fn renders_commonmark_with_tables_and_strikethrough() {
        assert_eq!(
            md("**bold** and *em* and `code`"),
            "<p><strong>bold</strong> and <em>em</em> and <code>code</code></p>\n"
        );
        assert!(md("- one\n- two").contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"));
        assert!(md("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
        assert_eq!(md("~~gone~~"), "<p><del>gone</del></p>\n");
        assert!(md("```\n<b>x</b>\n```").contains("<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>"));
    }

    #[test]
    fn line_breaks_are_kept() {
        assert_eq!(md("one\ntwo"), "<p>one<br />\ntwo</p>\n");
    }

    #[test]
    fn raw_html_is_text() {
        let html = md("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <b>b</b>");
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "{html}");
        assert!(html.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
        let block = md("<div>\n<p onclick=x>in</p>\n</div>");
        assert!(!block.contains("<div") && !block.contains("<p onclick"), "{block}");
        assert!(block.starts_with("<p>&lt;div&gt;<br />"), "{block}");
    }

    #[test]
    fn links_keep_safe_schemes_only() {
        let html = md("[a](https://example.com/x?y=1&z=2) [b](/s/demo) [c](mailto:a@b.c) [d](#top)");
        assert_eq!(html.matches("rel=\"nofollow ugc noopener\"").count(), 4, "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.com/x?y=1&amp;z=2\" rel=\"nofollow ugc noopener\">a</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"/s/demo\""), "{html}");
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](java&#9;script:alert(1))",
            "[x](java&#10;script:alert(1))",
            "[x]( javascript:alert(1))",
            "[x](&#x20;javascript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "[x](file:///etc/passwd)",
            "<javascript:alert(1)>",
            "[x]: javascript:alert(1)\n\n[x]",
            "![x](javascript:alert(1))",
        ] {
            let html = md(hostile);
            assert!(!html.contains("<a"), "{hostile} gave {html}");
        }
        let titled = md("[a](https://e.com \"say \\\"hi\\\" <b>\")");
        assert!(titled.contains("title=\"say &quot;hi&quot; &lt;b&gt;\""), "{titled}");
    }

    #[test]
    fn autolinks_and_bare_urls_become_links() {
        let html = md("<https://example.com> and https://example.org/a_(b) and mail me@example.com.");
        assert!(
            html.contains(
                "<a href=\"https://example.com\" rel=\"nofollow ugc noopener\">https://example.com</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://example.org/a_(b)\" rel=\"nofollow ugc noopener\">https://example.org/a_(b)</a>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"mailto:me@example.com\" rel=\"nofollow ugc noopener\">me@example.com</a>."
            ),
            "{html}"
        );
        let code = md("`https://example.com` [https://a.com](https://b.com)");
        assert_eq!(code.matches("<a ").count(), 1, "{code}");
        assert!(!md("javascript://alert(1)").contains("<a"));
    }

    #[test]
    fn images_are_links() {
        let html = md("![a cat](https://example.com/cat.png)");
        assert_eq!(
            html,
            "<p>!<a href=\"https://example.com/cat.png\" rel=\"nofollow ugc noopener\">a cat</a></p>\n"
        );
    }

    #[test]
    fn headings_start_at_the_base() {
        assert_eq!(md("# Title\n## Sub"), "<h2>Title</h2>\n<h3>Sub</h3>\n");
        assert_eq!(render("# Title", 3), "<h3>Title</h3>\n");
        assert_eq!(render("#### Deep", 4), "<h6>Deep</h6>\n");
    }

    #[test]
    fn safe_href_reads_urls_as_browsers_do() {
        assert_eq!(safe_href(" https://e.com/a "), Some("https://e.com/a".into()));
        assert_eq!(safe_href("/s/x:y"), Some("/s/x:y".into()));
        assert_eq!(safe_href("?q=a:b"), Some("?q=a:b".into()));
        assert_eq!(safe_href("java\tscript:x"), None);
        assert_eq!(safe_href("\u{1}javascript:x"), None);
        assert_eq!(safe_href("weird:x"), None);
    }
}
