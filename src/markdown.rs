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
        .link_rel(Some("noopener noreferrer"))
        // A code block scrolls sideways rather than wrap: it must take the keyboard focus
        // to be scrolled without a mouse (WCAG 2.1.1; axe `scrollable-region-focusable`).
        .set_tag_attribute_value("pre", "tabindex", "0");
    b
});

/// Escapes text for HTML content and double- or single-quoted attributes. Unlike Tera's
/// default it leaves `/` alone, so URLs stay readable; `/` cannot end a quoted attribute.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders markdown to sanitized HTML.
///
/// Text nested deeper than [`MAX_NESTING`] is refused by validation; should it reach here
/// all the same, it is shown escaped, as preformatted text, rather than handed to the
/// sanitizer, whose HTML parser takes time quadratic in the nesting depth.
pub fn to_html(md: &str) -> String {
    if too_deep(md).is_some() {
        let mut out = String::with_capacity(md.len() + 16);
        out.push_str("<pre tabindex=\"0\">");
        for c in md.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
        }
        out.push_str("</pre>\n");
        return out;
    }
    CLEANER.clean(&unsanitized(md)).to_string()
}

/// The HTML pulldown-cmark makes of `md`, before the sanitizer.
fn unsanitized(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    raw
}

/// How many HTML elements the markdown texts of one file may make in all. The sanitizer
/// takes time per element (its HTML parser builds a tree of them), so this bounds the time
/// a file's text takes to render, whatever its shape, far above what the largest real
/// advisories make (measurements in `bench/RESULTS.md`).
pub const MAX_ELEMENTS: usize = 50_000;

/// How many HTML elements `md` makes: the start tags in the HTML handed to the sanitizer,
/// those of raw HTML in the text among them. The text is parsed (by pulldown-cmark alone,
/// in linear time); [`elements_bound`] tells without parsing when that is not needed.
pub fn elements(md: &str) -> usize {
    elements_within(md, usize::MAX).unwrap_or(usize::MAX)
}

/// Where a text makes more elements than it had room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany {
    /// Line of the text, from 1, of the element that makes one too many.
    pub line: usize,
}

/// [`elements`] of `md` if they are at most `room`; otherwise where they pass it, parsing
/// no further.
///
/// The elements are counted from pulldown-cmark's events as its HTML writer writes them:
/// one start tag per event that opens an element, two for a code block (`pre`, `code`),
/// three for a table's head (`thead`, `tr`, and the `tbody` after it), none for what an
/// image's alt text holds, and the start tags of raw HTML.
pub fn elements_within(md: &str, room: usize) -> Result<usize, TooMany> {
    use pulldown_cmark::{Event, Tag};
    let (mut count, mut in_image) = (0usize, 0usize);
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for (ev, range) in parser.into_offset_iter() {
        let n = match ev {
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                usize::from(in_image == 1)
            }
            Event::End(pulldown_cmark::TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                0
            }
            _ if in_image > 0 => 0,
            Event::Start(Tag::HtmlBlock) => 0,
            Event::Start(Tag::CodeBlock(_)) => 2,
            Event::Start(Tag::TableHead) => 3,
            Event::Start(_) | Event::Code(_) | Event::Rule | Event::HardBreak => 1,
            Event::Html(h) | Event::InlineHtml(h) => start_tags(h.as_bytes()),
            _ => 0,
        };
        count += n;
        if count > room {
            let line = memchr::memchr_iter(b'\n', &md.as_bytes()[..range.start]).count() + 1;
            return Err(TooMany { line });
        }
    }
    Ok(count)
}

/// How many `<` before an ASCII letter `bytes` holds.
fn start_tags(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'<', bytes)
        .filter(|&i| bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
        .count()
}

/// An upper bound of [`elements`] of `md`, from its bytes alone.
///
/// Text is escaped, so every start tag comes from raw HTML or an autolink (a `<` before a
/// letter in the text), from an inline element (each takes one of `*`, `_`, `~`, `[` or
/// `` ` ``, an image or link its `[`), or from the line it starts on: the containers that
/// lead it (one for `>`, two for a list marker: the list and its item), its block (at most
/// three: `pre` and `code`, or a table, its head and row), a line break, and a cell for
/// each column of the widest table the text may hold (a row has as many cells as the
/// table's head, however few it writes), which is at most one more than the most `|` on
/// any line.
pub fn elements_bound(md: &str) -> usize {
    // Every markdown text is bounded on every validation: most are cleared by a looser
    // bound that takes a few passes the compiler vectorizes, not one per line.
    let quick = quick_elements_bound(md);
    if quick <= MAX_ELEMENTS / 16 {
        return quick;
    }
    quick.min(line_elements_bound(md))
}

/// A bound of [`elements`] above [`line_elements_bound`]'s: every line, blank or not, counts
/// as one that starts a block, and every `|` of the text as a column of every line.
fn quick_elements_bound(md: &str) -> usize {
    let bytes = md.as_bytes();
    let (mut openers, mut pipes) = (0, 0);
    for chunk in bytes.chunks(255) {
        let (o, p) = chunk.iter().fold((0u8, 0u8), |(o, p), &b| {
            (
                o + u8::from(b == b'*')
                    + u8::from(b == b'_')
                    + u8::from(b == b'~')
                    + u8::from(b == b'[')
                    + u8::from(b == b'`'),
                p + u8::from(b == b'|'),
            )
        });
        openers += usize::from(o);
        pipes += usize::from(p);
    }
    let starts = || std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    let lines = starts().count();
    let markers: usize = starts()
        .map(|start| leading_markers(&bytes[start..]).0)
        .sum();
    let columns = if pipes > 0 { pipes + 1 } else { 0 };
    start_tags(bytes) + openers + markers + lines * (4 + columns)
}

/// [`elements_bound`] line by line.
fn line_elements_bound(md: &str) -> usize {
    let bytes = md.as_bytes();
    let mut bound = start_tags(bytes);
    let (mut lines, mut columns) = (0, 0);
    for line in md.split_inclusive('\n') {
        if line.trim().is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        lines += 1;
        bound += leading_markers(bytes).0 + 4;
        let mut pipes = 0;
        for b in bytes {
            match b {
                b'*' | b'_' | b'~' | b'[' | b'`' => bound += 1,
                b'|' => pipes += 1,
                _ => {}
            }
        }
        if pipes > 0 {
            columns = columns.max(pipes + 1);
        }
    }
    bound + lines * columns
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

/// How deep the HTML of a markdown text may nest: block quotes, lists and their items,
/// emphasis, links, tables and raw HTML elements all count. The sanitizer's HTML parser
/// (html5ever) checks the stack of open elements for most elements it adds, so its time
/// grows with the number of elements times their depth (figures in `bench/RESULTS.md`).
/// Real text nests less than ten deep.
pub const MAX_NESTING: usize = 32;

/// Where `md` first nests deeper than [`MAX_NESTING`], if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset in the text of the element that goes too deep.
    pub offset: usize,
    /// Line of the text it is on, from 1.
    pub line: usize,
}

/// Where `md` nests deeper than [`MAX_NESTING`], if it does, in time linear in its length.
///
/// A first pass over the bytes bounds the depth from above without parsing (see
/// [`first_suspect`]); it clears nearly every text. Text it cannot clear is parsed by
/// pulldown-cmark alone (whose parse is linear in any shape tried), counting the elements its events open and the raw HTML elements left
/// open ([`RawStack`]); the HTML sanitizer, where the quadratic time is, never sees it.
///
/// The parse starts with the text up to the first line the first pass could not clear, and
/// doubles from there: text cut after a line nests no deeper than the whole (its blocks are
/// the same, its emphasis pairs too, and links and tables can only be fewer), so text that
/// nests too deep early is refused without parsing the rest, and any text is parsed at
/// most about twice.
pub fn too_deep(md: &str) -> Option<TooDeep> {
    if whole_bound(md) <= MAX_NESTING {
        return None;
    }
    let mut end = first_suspect(md)?;
    loop {
        if let Some(found) = parsed_too_deep(&md[..end]) {
            return Some(found);
        }
        if end == md.len() {
            return None;
        }
        let next = (end * 2).min(md.len());
        end = memchr::memchr(b'\n', &md.as_bytes()[next..]).map_or(md.len(), |i| next + i + 1);
    }
}

/// [`too_deep`] by parsing all of `md`.
fn parsed_too_deep(md: &str) -> Option<TooDeep> {
    use pulldown_cmark::Event;
    let mut depth = 0usize;
    let mut raw = RawStack::default();
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for (ev, range) in parser.into_offset_iter() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => raw.feed(&h),
            _ => continue,
        }
        if depth + raw.open.len() > MAX_NESTING {
            let offset = range.start;
            let line = memchr::memchr_iter(b'\n', &md.as_bytes()[..offset]).count() + 1;
            return Some(TooDeep { offset, line });
        }
    }
    None
}

/// The end of the first line (with its `\n`) by which `md` may nest deeper than
/// [`MAX_NESTING`], by an upper bound of its depth there; `None` when it cannot anywhere.
/// The bound adds up:
/// - containers: every `>` and list marker that leads the line (a list is two elements,
///   `ul` and `li`), plus its indentation in columns (a list item continues only on lines
///   indented by at least two columns for it); no container opens on a line but from
///   those;
/// - inline elements: each opens with one of `*`, `_`, `~`, `[` (or `<`, counted below),
///   and none spans a blank line, so at most as many as those characters since the last
///   blank line;
/// - raw HTML: every `<` before a letter so far (elements stay open across blocks);
/// - four levels for a table (or a paragraph) at the innermost.
fn first_suspect(md: &str) -> Option<usize> {
    let (mut raw, mut inline, mut at) = (0, 0, 0);
    for line in md.split_inclusive('\n') {
        at += line.len();
        let bytes = line.as_bytes();
        raw += memchr::memchr_iter(b'<', bytes)
            .filter(|&i| bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
            .count();
        if line.trim().is_empty() {
            inline = 0;
            continue;
        }
        inline += bytes
            .iter()
            .filter(|b| matches!(b, b'*' | b'_' | b'~' | b'['))
            .count();
        if line_containers(bytes) + inline + raw + 4 > MAX_NESTING {
            return Some(at);
        }
    }
    None
}

/// A bound of the depth of all of `md`, above the one [`first_suspect`] finds for any of its
/// lines, in a few quick passes: the containers of its most nested line, plus every `<`
/// (raw HTML elements stay open across blocks), plus the characters that can open an inline
/// element in its fullest paragraph (a stretch between two `\n\n`, never shorter than
/// [`first_suspect`]'s, which also ends at lines of spaces), plus four. It clears nearly
/// every text without the line-by-line bound: every markdown text is checked on every
/// validation, where the line-by-line pass alone was a large part of validation's cost
/// (`bench/RESULTS.md`, "Hostile markdown at the size limit").
fn whole_bound(md: &str) -> usize {
    let bytes = md.as_bytes();
    let raw = memchr::memchr_iter(b'<', bytes).count();
    let inline = memchr::memmem::find_iter(bytes, b"\n\n")
        .chain(std::iter::once(bytes.len()))
        .scan(0, |start, end| {
            let paragraph = &bytes[(*start).min(end)..end];
            *start = end;
            Some(count_inline_openers(paragraph))
        })
        .max()
        .unwrap_or(0);
    if raw + inline + 4 > MAX_NESTING {
        return raw + inline + 4;
    }
    let containers = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
        .map(|start| line_containers(&bytes[start..]))
        .max()
        .unwrap_or(0);
    containers + raw + inline + 4
}

/// How many of `*`, `_`, `~` and `[` `bytes` holds: counted in bytes, 255 at a time, which
/// the compiler turns into vector code.
fn count_inline_openers(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                n + u8::from(b == b'*')
                    + u8::from(b == b'_')
                    + u8::from(b == b'~')
                    + u8::from(b == b'[')
            });
            usize::from(n)
        })
        .sum()
}

/// How many elements the containers that lead `line` can open or continue at most: see
/// [`first_suspect`].
fn line_containers(line: &[u8]) -> usize {
    let (found, indent) = leading_markers(line);
    found + indent
}

/// The elements the container markers that lead `line` open at most (one for `>`, two for
/// a list marker), and the columns of indentation among them.
fn leading_markers(line: &[u8]) -> (usize, usize) {
    let is_space = |b: Option<&u8>| b.is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    let (mut i, mut column, mut indent, mut found) = (0, 0, 0, 0);
    loop {
        while let Some(&b) = line.get(i).filter(|b| **b == b' ' || **b == b'\t') {
            let width = if b == b'\t' { 4 - column % 4 } else { 1 };
            column += width;
            indent += width;
            i += 1;
        }
        match line.get(i) {
            Some(b'>') => {
                found += 1;
                i += 1;
                column += 1;
            }
            Some(b'-' | b'+' | b'*') if is_space(line.get(i + 1)) => {
                found += 2;
                i += 1;
                column += 1;
            }
            Some(b'0'..=b'9') => {
                let digits = line[i..]
                    .iter()
                    .take(10)
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let after = i + digits;
                if !matches!(line.get(after), Some(b'.' | b')')) || !is_space(line.get(after + 1)) {
                    break;
                }
                found += 2;
                column += digits + 1;
                i = after + 1;
            }
            _ => break,
        }
    }
    (found, indent)
}

/// The raw HTML elements a text leaves open, as the sanitizer's parser (the HTML standard's
/// tree builder) would have them, erring towards deeper where the two part: an end tag
/// closes its element and those opened inside it, or is ignored when none is open; a start
/// tag of an element whose end tag may be left out (`li`, `p`, `td`, ...) closes the open
/// one of its kind only in the cases where the standard certainly does; a table counts
/// twice (the parser adds a `tbody`). Where the parser closes more (the end of a paragraph
/// closes what opened in it) this keeps them open.
#[derive(Debug, Default)]
struct RawStack {
    open: Vec<String>,
}

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];
/// Elements that do not stop a new `li`, `dt` or `dd` from closing an open one.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "label", "div", "p", "address",
];
/// Elements that stop a new `p` from closing an open one ("button scope"), with the
/// foreign roots for their MathML and SVG members.
const BUTTON_SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
    "svg", "math",
];
/// Elements that stop a new cell, row or row group from closing an open one.
const TABLE_SCOPE: &[&str] = &["html", "table", "template"];

impl RawStack {
    /// Takes in the tags of a piece of raw HTML.
    fn feed(&mut self, html: &str) {
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let close = rest.starts_with('/');
            let name: String = rest[usize::from(close)..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            let self_closing = rest[..end].ends_with('/');
            if close {
                // Searched from the innermost: the stack is never much deeper than the
                // limit (the caller stops there), so this stays linear.
                if let Some(i) = self.open.iter().rposition(|n| *n == name) {
                    self.open.truncate(i);
                }
            } else if !self_closing && !VOID.contains(&name.as_str()) {
                self.implied_end(&name);
                let table = name == "table";
                self.open.push(name);
                if table {
                    // The row group the parser adds; closed with the table.
                    self.open.push("#tbody".into());
                }
            }
        }
    }

    /// Closes what a start tag of `name` closes for certain.
    fn implied_end(&mut self, name: &str) {
        let found = match name {
            "li" => self.find(&["li"], |n| !PHRASING.contains(&n)),
            "dt" | "dd" => self.find(&["dt", "dd"], |n| !PHRASING.contains(&n)),
            "p" => self.find(&["p"], |n| BUTTON_SCOPE.contains(&n)),
            "td" | "th" => self.find(&["td", "th"], |n| TABLE_SCOPE.contains(&n)),
            "tr" => self.find(&["tr"], |n| TABLE_SCOPE.contains(&n)),
            "thead" | "tbody" | "tfoot" => {
                self.find(&["thead", "tbody", "tfoot"], |n| TABLE_SCOPE.contains(&n))
            }
            "option" | "rt" | "rp" => self
                .open
                .last()
                .filter(|n| *n == name)
                .map(|_| self.open.len() - 1),
            _ => None,
        };
        if let Some(i) = found {
            self.open.truncate(i);
        }
    }

    /// The innermost open element named one of `names`, unless one for which `stop` holds
    /// is inside it.
    fn find(&self, names: &[&str], stop: impl Fn(&str) -> bool) -> Option<usize> {
        for (i, n) in self.open.iter().enumerate().rev() {
            if names.contains(&n.as_str()) {
                return Some(i);
            }
            if stop(n) {
                return None;
            }
        }
        None
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

    /// 5,000 texts of up to 96 of `pieces` each, the same for the same `seed`.
    fn pieced(pieces: &[&str], mut seed: u64) -> Vec<String> {
        (0..5_000)
            .map(|_| {
                let mut md = String::new();
                for _ in 0..(seed % 97) {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    md.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                }
                md
            })
            .collect()
    }

    /// Every shape that nests deeply is found, and real text is cleared by the first pass.
    #[test]
    fn deep_nesting_is_found() {
        let deep = |md: &str| too_deep(md).map(|d| d.line);
        let n = MAX_NESTING + 1;
        for md in [
            ">".repeat(n),
            "> ".repeat(n),
            "1. ".repeat(n),
            "- ".repeat(n / 2 + 1) + "x",
            (0..n).map(|i| format!("{}-\n", "  ".repeat(i))).collect(),
            (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect(),
            format!("{}a{}", "*".repeat(2 * n), "*".repeat(2 * n)),
            format!("{}a{}", "*a _b ".repeat(n), " b_ a*".repeat(n)),
            format!("{}a{}", "~~a ".repeat(n), " a~~".repeat(n)),
            "<div>".repeat(n),
            "<b></i>".repeat(n),
            "<div>\n\n".repeat(n),
            // A fake end tag in a code span does not close the element.
            format!("x {}", "<div>`</div>`".repeat(n)),
            "<li><ul>".repeat(n),
            "<p><table><td>".repeat(n),
            "<table><tr><td>".repeat(n / 3),
        ] {
            assert!(deep(&md).is_some(), "{md:?}");
        }
        assert_eq!(deep(&format!("a\n\nb\n{}", ">".repeat(n))), Some(4));
        // Found in the first lines, without parsing the rest; and late.
        let early = format!("{}\n{}", ">".repeat(n), "a\n".repeat(100_000));
        assert_eq!(too_deep(&early).map(|d| d.offset), Some(MAX_NESTING));
        let late = format!("{}{}", "<br>\n".repeat(1000), "<div>".repeat(n));
        assert_eq!(deep(&late), Some(1001));
        for md in [
            ">".repeat(MAX_NESTING - 2),
            "<table><tr><td>a</td></tr></table>".repeat(1000),
            "<br><p>a<p>b<li>c<li>d<img src=x>".repeat(1000),
            "<table><tr><td>a<td>b<tr><td>c</table>".repeat(1000),
            "<dl><dt>a<dd>b<dt>c<dd>d</dl>".repeat(1000),
            "**bold** and _em_ and [link](http://x/)\n\n".repeat(1000),
            "- a\n  - b\n    - c\n      - d\n".repeat(1000),
            format!("x {}", "<div>`</div>`".repeat(MAX_NESTING - 4)),
        ] {
            assert_eq!(deep(&md), None, "{:?}", &md[..md.len().min(80)]);
        }
        // The bound of the whole text is never below a line's: what it clears, the line by
        // line pass clears too.
        for md in [
            "- a\n  - b\n    - c\n      - d\n".repeat(3),
            "> > > a *b* _c_\n\n  1. x\n".to_string(),
            format!("{}\n\n{}", "[".repeat(20), "- ".repeat(4)),
            format!("a\n{}", "> ".repeat(MAX_NESTING - 4)),
        ] {
            let bound = whole_bound(&md);
            if bound <= MAX_NESTING {
                assert_eq!(first_suspect(&md), None, "{md:?}");
            }
        }
        assert!(whole_bound(&format!("a\n{}", "> ".repeat(MAX_NESTING - 3))) > MAX_NESTING);
        // And over many texts made of the pieces the bounds count: the whole-text depth
        // bound clears only what the line-by-line one does, and the quick bound of the
        // elements is never below the line-by-line one.
        for md in pieced(
            &[
                "*", "_", "~~", "[", "<b>", "<", "> ", "- ", "1. ", "\n", "\n\n", "  ", "a",
                "  \n", "\t",
            ],
            7,
        ) {
            if whole_bound(&md) <= MAX_NESTING {
                assert_eq!(first_suspect(&md), None, "{md:?}");
            }
        }
        for md in pieced(
            &[
                "*", "`", "|", "<b>", "> ", "- ", "1. ", "\n", "\n\n", "  ", "a", "\t",
            ],
            11,
        ) {
            let (quick, lines) = (quick_elements_bound(&md), line_elements_bound(&md));
            assert!(quick >= lines, "{md:?}");
        }
        // Real text is cleared without parsing.
        for md in [
            "A vulnerability in **Widget Server** lets a remote attacker run code. Install\n[update](https://x/).",
            "- one\n- two\n  - two a\n\n> quoted *text*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        ] {
            assert_eq!(first_suspect(md), None, "{md}");
            assert!(whole_bound(md) <= MAX_NESTING, "{md}");
        }
    }

    /// The count is what reaches the sanitizer, which keeps or drops elements but adds none
    /// for markdown's own; the bound is never below it, whatever the shape.
    #[test]
    fn elements_are_counted_and_bounded() {
        let count = |md: &str| start_tags(to_html(md).as_bytes());
        let written = |md: &str| start_tags(unsanitized(md).as_bytes());
        assert_eq!(elements("a *b* [c](http://x/)\n\n> d\n"), 5);
        assert_eq!(elements("<div><span>a</span></div> <x-y>"), 3);
        for md in [
            "",
            "plain text\nand more\n\n",
            "A vulnerability in **Widget Server** lets a remote attacker run code. Install\n[update](https://x/).",
            "- one\n- two\n  - two a\n\n> quoted *text*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            // Every body row has as many cells as the head, however few it writes.
            "|a|b|c|d|e|f|\n|-|-|-|-|-|-|\nx\ny\nz\n",
            "a|b\n-|-\n1",
            "```\ncode\n```\n\n    indented\n\n***\n\n# h\n\nsetext\n===\n",
            "line  \nbreak\\\nbreak\n",
            "<http://x/> <a@b.c> ![i](http://x/i.png) `c` ~~d~~ __e__ _f_",
            "[r]\n\n[r]: http://x/\n",
            "1. a\n2. b\n\n   c\n\n3) d\n",
            "<table><tr><td>a</td></tr></table>\n\n<details><summary>s</summary>t</details>",
            "> - > 1. > * x\n> - > 1. > * y\n",
            &format!("{}x\n", "1. ".repeat(15)).repeat(100),
            &"*a* ".repeat(1000),
            &"x\n\n".repeat(1000),
            &"|x".repeat(1000),
            "![*a* `b` <b>c</b> [d](http://x/) ![e](http://y/)](http://z/)\n\n***",
            "|a|b|\n|-|-|\n\n|c|\n|-|\n|d|\n",
        ] {
            let n = elements(md);
            assert_eq!(n, written(md), "{md:?}");
            assert!(
                quick_elements_bound(md) >= line_elements_bound(md),
                "{md:?}"
            );
            assert!(
                elements_bound(md) >= n,
                "{md:?}: {} < {n}",
                elements_bound(md)
            );
            if !md.contains("<table>") {
                // A raw table the sanitizer's parser completes with a `tbody`.
                assert!(count(md) <= n, "{md:?}: {} > {n}", count(md));
            }
        }
        // Tables make as many cells per row as their head has columns.
        let table = format!(
            "{}\n{}\n{}",
            "|a".repeat(50),
            "|-".repeat(50),
            "x\n".repeat(100)
        );
        assert_eq!(elements(&table), 3 + 50 + 1 + 100 * 51);
        assert!(elements_bound(&table) >= elements(&table));
        // Counting stops where the room runs out.
        let md = "a\n\nb\n\n*c*\n";
        assert_eq!(elements_within(md, 4), Ok(4));
        assert_eq!(elements_within(md, 3), Err(TooMany { line: 5 }));
        assert_eq!(elements_within(md, 1), Err(TooMany { line: 3 }));
    }

    #[test]
    fn too_deep_text_is_not_sanitized_but_escaped() {
        let html = to_html(&format!("{}<script>", ">".repeat(MAX_NESTING * 100)));
        assert!(
            html.starts_with("<pre tabindex=\"0\">&gt;&gt;"),
            "{}",
            &html[..40]
        );
        assert!(html.ends_with("&lt;script&gt;</pre>\n"));
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

    /// A code block can be scrolled from the keyboard, whatever the author wrote.
    #[test]
    fn code_blocks_take_the_keyboard_focus() {
        let html = to_html("- a list\n\n  ```\n  a long log line\n  ```\n");
        assert!(
            html.contains("<pre tabindex=\"0\"><code>a long log line"),
            "{html}"
        );
        let html = to_html("<pre tabindex=\"-1\" onclick=\"x()\">raw</pre>");
        assert_eq!(html, "<pre tabindex=\"0\">raw</pre>");
    }
}
