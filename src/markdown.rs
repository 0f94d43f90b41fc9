//! Markdown to HTML that is safe to put in a page: pulldown-cmark renders, ammonia removes
//! scripts, event handlers, styles and any link that is not http, https or mailto.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        // Images in advisory text would load third-party content (tracking pixels).
        .rm_tags(["img"])
        // Relative URLs would resolve against the page, not the author's intent.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"));
    b
});

/// Renders markdown to sanitized HTML.
pub fn to_html(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    CLEANER.clean(&raw).to_string()
}

/// Renders markdown that is one paragraph to inline HTML (no `<p>` around it).
pub fn to_inline_html(md: &str) -> String {
    inline(to_html(md))
}

/// The inline form of `html`, rendered from one paragraph: without its `<p>`.
fn inline(html: String) -> String {
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// [`to_html`] of each distinct text once: the files of one advisory (its page in each
/// language, its API document) show the same texts, and sanitizing is most of what
/// rendering a page costs. One memo serves the files of one advisory, on one thread, and
/// is dropped with them, so it never holds more than one advisory's text.
#[derive(Debug, Default)]
pub struct Memo {
    html: std::cell::RefCell<std::collections::HashMap<String, String>>,
}

impl Memo {
    pub fn new() -> Memo {
        Memo::default()
    }

    /// [`to_html`] of `md`.
    pub fn html(&self, md: &str) -> String {
        if let Some(html) = self.html.borrow().get(md) {
            return html.clone();
        }
        let html = to_html(md);
        self.html.borrow_mut().insert(md.to_string(), html.clone());
        html
    }

    /// [`to_inline_html`] of `md`.
    pub fn inline_html(&self, md: &str) -> String {
        inline(self.html(md))
    }
}

/// Plain text of markdown, for summaries in feeds and meta descriptions: its text with every
/// run of whitespace (line breaks and paragraph ends among it) as one space, and none at
/// either end.
pub fn to_plain(md: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = Squeezed::with_capacity(md.len());
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.space(),
            _ => {}
        }
    }
    out.text
}

/// Text with each run of whitespace written as one space, and none at either end, built as
/// it comes (rather than split into words and joined again).
struct Squeezed {
    text: String,
    /// Whitespace came since the last word: a space goes before the next one.
    space: bool,
}

impl Squeezed {
    fn with_capacity(capacity: usize) -> Squeezed {
        Squeezed {
            text: String::with_capacity(capacity),
            space: false,
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    fn push(&mut self, s: &str) {
        // Words are the runs between whitespace, as `str::split_whitespace` has them.
        let mut words = s.split(char::is_whitespace);
        if let Some(first) = words.next() {
            self.word(first);
        }
        for word in words {
            self.space = true;
            self.word(word);
        }
    }

    fn word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if std::mem::take(&mut self.space) && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_bad_schemes_are_removed() {
        let html = to_html(
            "hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn keeps_http_links_and_tables() {
        let html = to_html("[KB](http://support.microsoft.com/kb/954474)\n\n| a |\n|---|\n| b |\n");
        assert!(html.contains(r#"<a href="http://support.microsoft.com/kb/954474" rel="noopener noreferrer">KB</a>"#), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            to_plain("See **the** [KB](http://x/)\nnow."),
            "See the KB now."
        );
        assert_eq!(to_inline_html("a *b*"), "a <em>b</em>");
    }

    #[test]
    fn plain_text_has_single_spaces_and_none_at_the_ends() {
        // What it must equal: the text of every event, joined, then split into words.
        fn reference(md: &str) -> String {
            use pulldown_cmark::{Event, TagEnd};
            let mut out = String::new();
            for ev in Parser::new(md) {
                match ev {
                    Event::Text(t) | Event::Code(t) => out.push_str(&t),
                    Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                        out.push(' ')
                    }
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let cases = [
            "",
            "   ",
            "one",
            "  lead and trail  ",
            "a\nb\n\nc",
            "two  spaces and\ttab",
            "**bold**word `code`  *em*",
            "line one  \nhard break",
            "non\u{a0}breaking\u{2003}em\u{3000}ideographic",
            "- item one\n- item two\n\n> quoted\n\nend.",
            "[link](http://x/)  text\n\n\n\n",
            "ünïcödé  wörds\n\nnächste Zeile",
            "&amp; entity&nbsp;here",
        ];
        for md in cases {
            assert_eq!(to_plain(md), reference(md), "{md:?}");
        }
        assert_eq!(to_plain("a \u{a0} b\n\nc"), "a b c");
    }

    #[test]
    fn the_memo_renders_each_text_once_and_as_to_html_does() {
        let memo = Memo::new();
        let texts = [
            "a *b*",
            "[x](javascript:alert(1)) <script>y</script>",
            "a *b*",
        ];
        for md in texts {
            assert_eq!(memo.html(md), to_html(md));
            assert_eq!(memo.inline_html(md), to_inline_html(md));
        }
        assert_eq!(memo.html.borrow().len(), 2);
    }
}
