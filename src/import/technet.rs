//! Reads one TechNet advisory edition (one Markdown file with TechNet front matter, in one
//! language) into an [`Edition`]: the facts it states and its prose, mapped onto seckb's
//! fields where the structure is recognised and kept as markdown sections where it is not.
//!
//! The page layout is recognised by position (title, subtitle, date line, version line)
//! and by the words of its headings ([`super::lexicon`]); dates by [`super::dates`]. Pure:
//! text in, edition out.

pub mod bulletin;
pub mod merge;
pub mod table;
pub mod vulns;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::Note;
use super::dates;
use super::lexicon::{self, HEADING_ROLES, Role};
use crate::model::{
    Action, Date, Faq, Markdown, Overview, ReferenceKind, Section, Severity, Symptom,
};

/// One advisory in one language, as read from one file.
#[derive(Debug, Clone, Default)]
pub struct Edition {
    /// The file it was read from, as given.
    pub file: String,
    /// The advisory id (`ms:assetid`, else `TOCTitle`).
    pub id: String,
    /// The language, a BCP 47 tag such as `nl-NL`.
    pub lang: String,
    /// The page address from the front matter (`ms:mtpsurl`).
    pub source_url: Option<String>,
    /// Title and subtitle.
    pub title: String,
    pub subtitle: Option<String>,
    /// Dates of the header line ("Gepubliceerd: ... | Bijgewerkt: ...").
    pub published: Option<Date>,
    pub updated: Option<Date>,
    /// The header's labels for those dates, e.g. `Gepubliceerd`.
    pub published_label: Option<String>,
    pub updated_label: Option<String>,
    /// The version line ("**Versie:** 2.0").
    pub version: Option<String>,
    /// The revision list, in the order written.
    pub revisions: Vec<RevisionLine>,
    pub summary: Markdown,
    pub overview: Overview,
    pub faq: Vec<Faq>,
    pub symptoms: Vec<Symptom>,
    pub actions: Vec<Action>,
    /// Workarounds and mitigations, in order, with their text.
    pub workarounds: Vec<Markdown>,
    pub mitigations: Vec<Markdown>,
    /// Updates that fix the issue, found in the suggested actions.
    pub fixes: Vec<Fix>,
    /// References (KB articles, bulletins, advisories, CVE entries, blogs) with their label
    /// in this language.
    pub links: Vec<Link>,
    pub kbs: Vec<String>,
    pub cves: Vec<String>,
    pub bulletins: Vec<String>,
    /// Product names, as written in this language.
    pub affected: Vec<String>,
    pub not_affected: Vec<String>,
    /// Text that maps to no field, in its original order.
    pub sections: Vec<Section>,
    /// Text every advisory shares, left to the site-wide text.
    pub boilerplate: Boilerplate,
    /// The phrase that says the issue is not a vulnerability, if any.
    pub not_vulnerability: Option<String>,
    /// The word that speaks of a vulnerability, if any.
    pub vulnerability: Option<String>,
    /// Warnings about this edition.
    pub notes: Vec<Note>,
    /// Whether it is a security bulletin (an `MSyy-nnn` id, or a kicker line saying so).
    pub bulletin: bool,
    /// The maximum severity a bulletin's title states.
    pub severity: Option<Severity>,
    /// A bulletin's sections per vulnerability, in page order.
    pub vulns: Vec<VulnSection>,
    /// A bulletin's severity matrix.
    pub matrix: Option<bulletin::Matrix>,
}

/// One vulnerability's section of a bulletin, in one language.
#[derive(Debug, Clone, Default)]
pub struct VulnSection {
    /// The CVEs its heading names (usually one).
    pub cves: Vec<String>,
    /// Its heading without the CVE ids.
    pub title: String,
    pub description: Markdown,
    pub mitigations: Vec<Markdown>,
    pub workarounds: Vec<Markdown>,
    pub faq: Vec<Faq>,
}

/// One line of the revision list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionLine {
    /// `1.0` from "V1.0 (...)", if the line has a number.
    pub number: Option<String>,
    pub date: Date,
    pub description: String,
}

/// A reference with its label in this edition's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// A language-neutral key such as `kb954474`, `ms09-014` or `cve-2008-2540`.
    pub id: String,
    pub kind: ReferenceKind,
    pub url: String,
    pub label: String,
}

/// An update the advisory points to as the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The reference id it comes from, e.g. `kb954474`.
    pub id: String,
    pub kb: Option<String>,
    pub url: String,
    /// The suggested action's text in this language.
    pub text: Markdown,
}

/// Text every advisory repeats, which belongs in `i18n/<lang>.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    /// Support resources, feedback and support lists (markdown), in order.
    pub support: Vec<Markdown>,
    /// The disclaimer (markdown).
    pub disclaimer: Option<Markdown>,
    /// Headings and labels as this language writes them, by UI string name.
    pub labels: BTreeMap<&'static str, String>,
    /// Names of the boilerplate parts found, for the report.
    pub found: Vec<String>,
}

/// A file that cannot be imported, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a TechNet advisory: {0}")]
    NotAdvisory(String),
    #[error("malformed: {0}")]
    Malformed(String),
    /// An index page of the archive: a list of documents, not one.
    #[error("an index page of the archive (`{0}`), not a security document")]
    Index(String),
}

/// Whether `text` starts with front matter; files found in folders without it are not
/// TechNet pages at all (a README, SOURCES.md) and are skipped, not failed.
pub fn has_front_matter(text: &str) -> bool {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Some pages of the archive open with an empty line before the front matter.
    let t = t.trim_start_matches(['\n', '\r', ' ']);
    t.starts_with("---\n") || t.starts_with("---\r\n")
}

/// Reads one edition. `file` names it in messages; `path_lang` is a language found in its
/// folder names, used when the front matter names none.
pub fn parse(file: &str, path_lang: Option<&str>, text: &str) -> Result<Edition, ParseError> {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let (front, body) = split_front_matter(&text)?;
    let mut e = Edition {
        file: file.to_string(),
        ..Edition::default()
    };
    let get = |k: &str| {
        front.get(k).and_then(|v| match v {
            serde_yaml::Value::String(s) => Some(s.trim().to_string()),
            serde_yaml::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    e.id = get("ms:assetid")
        .or_else(|| get("TOCTitle"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ParseError::NotAdvisory("the front matter has no `ms:assetid` or `TOCTitle`".into())
        })?;
    if let Some(why) = crate::validate::unsafe_reason(&e.id) {
        return Err(ParseError::Malformed(format!(
            "advisory id `{}` cannot be used: {why}",
            e.id.escape_debug()
        )));
    }
    e.source_url = get("ms:mtpsurl");
    let url_lang = e.source_url.as_deref().and_then(lang_from_url);
    e.lang = match (url_lang, path_lang) {
        (Some(u), Some(p)) if u != p => {
            e.notes.push(Note::warning(
                "language-mismatch",
                format!("`ms:mtpsurl` says `{u}`, the folder `{p}`; using `{u}`"),
            ));
            u
        }
        (Some(u), _) => u,
        (None, Some(p)) => p.to_string(),
        (None, None) => {
            return Err(ParseError::Malformed(
                "no language: neither `ms:mtpsurl` nor a folder name (such as `nl-NL/`) names one"
                    .into(),
            ));
        }
    };

    let body = preprocess(body);
    if IN_PAGE_LINK.is_match(&body) {
        e.notes.push(Note::info(
            "in-page-link",
            "links to anchors of the source page (`](#...)`) were dropped; their text is kept",
        ));
    }
    let blocks = blocks(&body);
    let mut rest = header(&mut e, &blocks, get("Title"))?;
    // The "*Built at ...*" stamp of the publishing system.
    if let Some(last) = rest.last()
        && last.kind == Kind::Para
        && last.plain.trim_start().starts_with("Built at ")
    {
        e.boilerplate.found.push("build stamp".into());
        rest = &rest[..rest.len() - 1];
    }
    if bulletin::is_bulletin_id(&e.id) {
        e.bulletin = true;
    }
    if e.bulletin {
        let content_blocks = bulletin_parts(&mut e, rest);
        content(&mut e, &content_blocks);
    } else {
        content(&mut e, rest);
    }
    facts_from_text(&mut e, rest);
    // A page names its own id in its text; that is not a related bulletin.
    let own = e.id.to_uppercase();
    e.bulletins.retain(|b| *b != own);
    vulnerability_signals(&mut e);
    if e.published.is_none() && e.revisions.is_empty() {
        // The archive's index pages (one per kind of document) have no date of their own
        // and link to many documents.
        let listed: BTreeSet<String> = (MS_ID.find_iter(&body).map(|m| m.as_str().to_lowercase()))
            .chain(ADVISORY_URL.captures_iter(&body).map(|c| c[1].to_string()))
            .collect();
        // Its id is no document's id (a GUID, where documents have `MS08-037` or `954474`).
        let document_id =
            bulletin::is_bulletin_id(&e.id) || e.id.chars().all(|c| c.is_ascii_digit());
        if listed.len() >= 10 || !document_id {
            return Err(ParseError::Index(e.id.clone()));
        }
    }
    check_dates(&mut e)?;
    Ok(e)
}

fn split_front_matter(text: &str) -> Result<(serde_yaml::Mapping, &str), ParseError> {
    let Some(rest) = text.trim_start_matches(['\n', ' ']).strip_prefix("---\n") else {
        return Err(ParseError::NotAdvisory(
            "no front matter (the file does not start with `---`)".into(),
        ));
    };
    let end = rest
        .find("\n---\n")
        .map(|i| (i, i + 5))
        .or_else(|| rest.strip_suffix("\n---").map(|r| (r.len(), rest.len())))
        .ok_or_else(|| ParseError::Malformed("the front matter is not closed by `---`".into()))?;
    // Some pages have a no-break space after a key's colon, which YAML does not take as
    // the separator.
    let yaml = rest[..end.0].replace('\u{a0}', " ");
    let map: serde_yaml::Mapping = serde_yaml::from_str(&yaml)
        .map_err(|e| ParseError::Malformed(format!("invalid front matter: {e}")))?;
    let map = map
        .into_iter()
        .filter_map(|(k, v)| k.as_str().map(|k| (serde_yaml::Value::from(k), v)))
        .collect();
    Ok((map, &rest[end.1..]))
}

static URL_LANG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)/([a-z]{2,3}(?:-[a-z0-9]{2,8})+)/library/").expect("valid regex")
});

/// The language in a TechNet address such as `https://technet.microsoft.com/nl-NL/library/...`.
fn lang_from_url(url: &str) -> Option<String> {
    URL_LANG.captures(url).and_then(|c| canonical_tag(&c[1]))
}

/// A folder or URL part as a canonical BCP 47 tag (`nl-nl` -> `nl-NL`), if it is one with a
/// region or script.
pub fn canonical_tag(s: &str) -> Option<String> {
    let (lang, _) = s.split_once('-')?;
    if !(2..=3).contains(&lang.len()) || !lang.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    s.parse::<icu_locale_core::Locale>()
        .ok()
        .map(|l| l.to_string())
}

/// Drops the empty anchors TechNet put before sections, and normalises spaces.
fn preprocess(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        let t = line.trim();
        if t == "<span></span>" {
            continue;
        }
        // A line holding only a no-break space is an empty line.
        if t.is_empty() || t.chars().all(|c| c == '\u{a0}') {
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

// --- Markdown blocks -------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Heading(u8),
    Para,
    List,
    Table,
    Html,
    Other,
}

#[derive(Debug, Clone)]
struct Block {
    kind: Kind,
    /// The block's markdown, cleaned.
    md: String,
    /// Its text without markup; line breaks kept.
    plain: String,
    /// List items (markdown, dedented).
    items: Vec<String>,
    /// The same, with the lines exactly as written (trailing spaces tell wrapped lines).
    raw_items: Vec<String>,
    /// Table rows (cells as markdown); the header row first.
    rows: Vec<Vec<String>>,
}

/// Splits markdown into its top-level blocks, each with its own source.
fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur: Option<(Kind, usize)> = None;
    let mut plain = String::new();
    let mut items: Vec<String> = Vec::new();
    let mut raw_items: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut item_start = 0;
    let mut row: Vec<String> = Vec::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match &ev {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match tag {
                        Tag::Heading { level, .. } => Kind::Heading(heading_level(*level)),
                        Tag::Paragraph => Kind::Para,
                        Tag::List(_) => Kind::List,
                        Tag::Table(_) => Kind::Table,
                        Tag::HtmlBlock => Kind::Html,
                        _ => Kind::Other,
                    };
                    cur = Some((kind, range.start));
                    plain.clear();
                    items.clear();
                    raw_items.clear();
                    rows.clear();
                }
                match tag {
                    Tag::Item if depth == 1 => item_start = range.start,
                    Tag::TableHead | Tag::TableRow => row.clear(),
                    Tag::TableCell => row.push(clean(body[range.clone()].trim())),
                    _ => {}
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                match tag {
                    TagEnd::Item if depth == 1 => {
                        let raw = dedent_item(&body[item_start..range.end]);
                        items.push(clean(&raw));
                        raw_items.push(raw);
                    }
                    TagEnd::TableHead | TagEnd::TableRow => rows.push(std::mem::take(&mut row)),
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) => plain.push('\n'),
                    _ => {}
                }
                if depth == 0
                    && let Some((kind, start)) = cur.take()
                {
                    out.push(Block {
                        kind,
                        md: clean(&body[start..range.end]),
                        plain: std::mem::take(&mut plain).trim().to_string(),
                        items: std::mem::take(&mut items),
                        raw_items: std::mem::take(&mut raw_items),
                        rows: std::mem::take(&mut rows),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => plain.push_str(t),
            Event::SoftBreak | Event::HardBreak => plain.push('\n'),
            Event::Html(t) | Event::InlineHtml(t) if depth > 0 => {
                // Keep the text of simple markup such as `<p>13 juni 2008: ...</p>`.
                plain.push_str(&strip_tags(t));
            }
            Event::Rule if depth == 0 => out.push(Block {
                kind: Kind::Other,
                md: body[range].trim().to_string(),
                plain: String::new(),
                items: Vec::new(),
                raw_items: Vec::new(),
                rows: Vec::new(),
            }),
            _ => {}
        }
    }
    out
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A list item's markdown without its marker, continuation lines dedented.
fn dedent_item(src: &str) -> String {
    let mut lines = src.lines();
    let first = lines.next().unwrap_or_default();
    let lead = first.len() - first.trim_start().len();
    let t = first.trim_start();
    let marker = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        t.find(['.', ')'])
            .filter(|i| *i > 0 && t[..*i].chars().all(|c| c.is_ascii_digit()))
            .map_or(0, |i| i + 1)
    };
    let after = &t[marker..];
    let spaces = (after.len() - after.trim_start().len()).clamp(1, 4);
    let width = lead + marker + spaces;
    let mut out = vec![after.trim_start().to_string()];
    for line in lines {
        let n = line.len() - line.trim_start_matches(' ').len();
        out.push(line[n.min(width)..].to_string());
    }
    out.join("\n")
}

/// Markdown with tidy lines: no trailing spaces (a trailing double space, a hard break,
/// becomes a backslash break), no runs of empty lines, no empty anchors.
static IN_PAGE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\(#[^)\s]*\)").expect("valid regex"));

fn clean(md: &str) -> String {
    let lines: Vec<&str> = md.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end();
        let hard = line.ends_with("  ")
            && !trimmed.trim().is_empty()
            && lines.get(i + 1).is_some_and(|n| !n.trim().is_empty());
        let l = trimmed.replace("<span></span>", "");
        // `<name@example.org>` is a link without a scheme, which seckb rejects.
        let l = EMAIL_AUTOLINK.replace_all(&l, "[$1](mailto:$1)");
        // A link to an anchor of the source page (`[...](#fix_6161)`) points nowhere on the
        // site, where the page is laid out anew: its text stays, the link goes.
        let mut l = IN_PAGE_LINK.replace_all(&l, "$1").into_owned();
        if hard {
            l.push('\\');
        }
        if l.trim().is_empty() {
            if out.last().is_some_and(|p| p.is_empty()) || out.is_empty() {
                continue;
            }
            out.push(String::new());
        } else {
            out.push(l);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

static EMAIL_AUTOLINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>").expect("valid regex")
});

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid regex"));

fn strip_tags(s: &str) -> String {
    TAG.replace_all(s, "").into_owned()
}

/// Plain text of inline markdown, on one line.
fn plain_line(md: &str) -> String {
    let p = crate::markdown::to_plain(md);
    strip_tags(&p)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Joins blocks back into markdown.
fn join(blocks: &[&Block]) -> String {
    blocks
        .iter()
        .map(|b| match b.kind {
            // An HTML table kept as text becomes a Markdown one, so that the markdown in its
            // cells is rendered, not shown.
            Kind::Html if b.md.contains("<table") => {
                table::to_markdown(&b.md).unwrap_or_else(|| b.md.clone())
            }
            _ => b.md.clone(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `(url, text)` of every link in markdown.
fn md_links(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                cur = Some((dest_url.to_string(), String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = cur.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((u, t)) = cur.take() {
                    out.push((u, t.split_whitespace().collect::<Vec<_>>().join(" ")));
                }
            }
            _ => {}
        }
    }
    out
}

// --- Bulletins -----------------------------------------------------------------------------

static TITLE_KB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[(（]\s*(?:KB\s?)?(\d{6,7})\s*[)）]\s*$").expect("valid regex")
});

/// A bulletin's title, severity, severity matrix and per-vulnerability sections; returns the
/// blocks left for the general reader. The page's first heading ("Microsoft Security Bulletin
/// MS08-037 - Important") only restates the kind, id and severity; the second is the title.
fn bulletin_parts(e: &mut Edition, blocks: &[Block]) -> Vec<Block> {
    e.severity = bulletin::title_severity(&e.lang, &e.title);
    if let Some(sub) = e.subtitle.take() {
        e.boilerplate.found.push("bulletin heading".into());
        e.title = sub;
    }
    if let Some(c) = TITLE_KB.captures(&e.title) {
        push_unique(&mut e.kbs, c[1].to_string());
        let end = c.get(0).map_or(e.title.len(), |m| m.start());
        e.title.truncate(end);
    }
    let mut rest: Vec<Block> = Vec::new();
    for b in blocks {
        let found = match b.kind {
            Kind::Html if b.md.contains("<table") => table::tables(&b.md)
                .iter()
                .filter_map(|t| bulletin::matrix(&e.lang, &t.rows))
                .next(),
            Kind::Table => {
                let rows: Vec<Vec<table::Cell>> = (b.rows.iter())
                    .map(|r| {
                        r.iter()
                            .map(|c| table::Cell {
                                text: table::tidy(&plain_line(&decode_entities(c))),
                                colspan: 1,
                                header: false,
                            })
                            .collect()
                    })
                    .collect();
                bulletin::matrix(&e.lang, &rows)
            }
            _ => None,
        };
        match (found, &mut e.matrix) {
            (Some(m), None) => e.matrix = Some(m),
            // A second matrix (some bulletins split it by product family) adds its rows.
            (Some(m), Some(have)) => {
                for c in m.cves {
                    push_unique(&mut have.cves, c);
                }
                have.rows.extend(m.rows);
            }
            (None, _) => rest.push(b.clone()),
        }
    }
    vulnerability_sections(e, rest)
}

/// Which part of a vulnerability's section a heading opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Description,
    Sub(Role),
}

/// Takes each vulnerability's section out of the blocks: a heading naming CVEs opens one (or
/// one of its parts: mitigating factors, workarounds, FAQ, whose headings name the CVE too);
/// a heading naming none at the same or a higher level closes it. Headings deeper inside
/// become bold lines of the part they are in (a workaround's own title).
fn vulnerability_sections(e: &mut Edition, blocks: Vec<Block>) -> Vec<Block> {
    let lang = e.lang.clone();
    let mut rest: Vec<Block> = Vec::new();
    let mut parts: Vec<Vec<(Part, Block)>> = Vec::new();
    let mut open: Option<(usize, u8, Part)> = None;
    for b in blocks {
        if let Kind::Heading(level) = b.kind {
            let title = plain_line(&b.plain);
            let cves = bulletin::cve_ids(&title);
            if !cves.is_empty() {
                let roles = [Role::Mitigations, Role::Workarounds, Role::Faq];
                let part = lexicon::starts_role(&lang, &roles, &title)
                    .map_or(Part::Description, Part::Sub);
                let known = e
                    .vulns
                    .iter()
                    .position(|v| v.cves.iter().any(|c| cves.contains(c)));
                let i = match (known, open) {
                    (Some(i), _) => i,
                    // A part's heading naming another CVE than its section's is a typo of
                    // the page; the part belongs to the section it is in.
                    (None, Some((i, _, _))) if part != Part::Description => {
                        e.notes.push(Note::warning(
                            "fact-conflict",
                            format!(
                                "the heading \u{201c}{title}\u{201d} names {}, its section {}; it was read as part of that section",
                                cves.join(", "),
                                e.vulns[i].cves.join(", ")
                            ),
                        ));
                        i
                    }
                    (None, _) => {
                        e.vulns.push(VulnSection {
                            title: vulnerability_title(&title),
                            cves,
                            ..VulnSection::default()
                        });
                        parts.push(Vec::new());
                        e.vulns.len() - 1
                    }
                };
                let opened_at = open
                    .filter(|(j, _, _)| *j == i)
                    .map_or(level, |(_, l, _)| l.min(level));
                open = Some((i, opened_at, part));
                continue;
            }
            match open {
                Some((_, at, _)) if level <= at => open = None,
                Some((i, _, part)) => {
                    let md = format!("**{title}**");
                    parts[i].push((
                        part,
                        Block {
                            kind: Kind::Para,
                            plain: title,
                            md,
                            ..b
                        },
                    ));
                    continue;
                }
                None => {}
            }
        }
        match open {
            Some((i, _, part)) => parts[i].push((part, b)),
            None => rest.push(b),
        }
    }
    for (v, parts) in e.vulns.iter_mut().zip(parts) {
        let of = |p: Part| {
            parts
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, b)| b)
                .collect::<Vec<_>>()
        };
        v.description = join(&of(Part::Description));
        let mut sub = Edition {
            lang: lang.clone(),
            ..Edition::default()
        };
        for role in [Role::Mitigations, Role::Workarounds, Role::Faq] {
            let seg = Segment {
                title: None,
                level: 0,
                pseudo: false,
                role: Some(role),
                blocks: of(Part::Sub(role)),
            };
            match role {
                Role::Faq => faq(&mut sub, &seg),
                r => remediations(&mut sub, r, &seg),
            }
        }
        v.mitigations = sub.mitigations;
        v.workarounds = sub.workarounds;
        v.faq = (sub.faq.into_iter())
            .map(|f| Faq { symptom: None, ..f })
            .collect();
        // The definitions each part opens with ("A mitigating factor is ...") are the same on
        // every bulletin; the site's own labels say what the part is.
        if !sub.sections.is_empty() {
            e.boilerplate
                .found
                .push("vulnerability part definitions".into());
        }
    }
    rest
}

/// A vulnerability heading without its CVE ids: "DNS Insufficient Socket Entropy
/// Vulnerability (CVE-2008-1447)" -> "DNS Insufficient Socket Entropy Vulnerability".
fn vulnerability_title(heading: &str) -> String {
    static IDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s*[(（]?\s*(?:(?:CVE|CAN)[-\s]\d{4}-\s?\d{4,7}[\s,;、]*(?:and|y|und|en|et|e|és|и)?\s*)+[)）]?\s*:?").expect("valid regex")
    });
    let t = IDS.replace_all(heading, " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    t.trim_end_matches([':', '：', '-', '–', '—', ' '])
        .to_string()
}

// --- Header ----------------------------------------------------------------------------

static VERSION_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\*\*([^*]+?)\*\*\s*[:：]?\s*[Vv]?(\d+(?:\.\d+)*)\s*$").expect("valid regex")
});

/// Reads kind line, title, subtitle, date line and version line; returns the rest.
fn header<'a>(
    e: &mut Edition,
    blocks: &'a [Block],
    front_title: Option<String>,
) -> Result<&'a [Block], ParseError> {
    let mut i = 0;
    if let Some(b) = blocks.first()
        && b.kind == Kind::Para
        && !b.plain.contains('\n')
        && b.plain.len() < 40
    {
        let kind = b.plain.trim().to_lowercase();
        if kind.contains("bulletin") {
            e.bulletin = true;
            i = 1;
        } else if kind.contains("advisory") {
            i = 1;
        }
    }
    match blocks.get(i) {
        Some(b) if b.kind == Kind::Heading(1) => {
            e.title = plain_line(&b.plain);
            i += 1;
        }
        _ => {
            return Err(ParseError::Malformed(match front_title {
                Some(t) => format!("no title heading (`# ...`) for `{t}`"),
                None => "no title heading (`# ...`)".into(),
            }));
        }
    }
    if let Some(b) = blocks.get(i)
        && matches!(b.kind, Kind::Heading(2..))
        && lexicon::role_of(&e.lang, HEADING_ROLES, &b.plain).is_none()
    {
        e.subtitle = Some(plain_line(&b.plain)).filter(|s| !s.is_empty());
        i += 1;
    }
    if let Some(b) = blocks.get(i)
        && b.kind == Kind::Para
        && date_line(e, &b.plain)
    {
        i += 1;
    }
    if let Some(b) = blocks.get(i)
        && b.kind == Kind::Para
        && let Some(c) = VERSION_LINE.captures(b.md.trim())
    {
        let label = lexicon::normalize(&c[1]);
        if lexicon::is(&e.lang, Role::Version, &label) || i <= 4 {
            e.version = Some(c[2].to_string());
            e.boilerplate.labels.insert(
                "version",
                c[1].trim().trim_end_matches([':', '：']).to_string(),
            );
            i += 1;
        }
    }
    Ok(&blocks[i..])
}

/// Reads "Label: date | Label: date"; false if the paragraph is not a date line.
fn date_line(e: &mut Edition, plain: &str) -> bool {
    if plain.contains('\n') || plain.len() > 200 {
        return false;
    }
    let mut found = Vec::new();
    let mut failed = Vec::new();
    for part in plain.split('|') {
        let (label, value) = match part.split_once([':', '：']) {
            Some((l, v)) => (Some(l.trim().to_string()), v),
            None => (None, part),
        };
        match dates::parse(&e.lang, value) {
            Ok(d) => {
                if let Some(w) = d.warning {
                    e.notes.push(Note::warning("wrong-weekday", w));
                }
                found.push((label, d.date));
            }
            Err(err) => failed.push(err),
        }
    }
    if found.is_empty() && plain.contains([':', '：']) {
        // A page filed under one language but written in another (the Spanish archive holds
        // an Italian bulletin): its dates are in the language it is written in.
        let other = lexicon::rating_languages()
            .filter(|l| crate::i18n::language_of(&e.lang) != crate::i18n::language_of(l))
            .find_map(|l| {
                let (label, value) = plain.split('|').next()?.split_once([':', '：'])?;
                let d = dates::parse(l, value).ok()?;
                Some((l, label.trim().to_string(), d.date))
            });
        if let Some((l, label, d)) = other {
            e.notes.push(Note::warning(
                "language-mismatch",
                format!("the date line is written in `{l}`, not in `{}`: the page may be in another language than its address says", e.lang),
            ));
            found.push((Some(label), d));
            failed.clear();
        }
    }
    if found.is_empty() {
        return false;
    }
    for err in failed {
        e.notes.push(Note::warning("unparsed-date", err));
    }
    let mut it = found.into_iter();
    if let Some((label, d)) = it.next() {
        e.published = Some(d);
        e.published_label = label;
    }
    if let Some((label, d)) = it.next() {
        e.updated = Some(d);
        e.updated_label = label;
    }
    if let Some(l) = &e.published_label {
        e.boilerplate.labels.insert("published", l.clone());
    }
    if let Some(l) = &e.updated_label {
        e.boilerplate.labels.insert("updated", l.clone());
    }
    true
}

fn check_dates(e: &mut Edition) -> Result<(), ParseError> {
    if e.published.is_none() && e.revisions.is_empty() {
        return Err(ParseError::Malformed(
            "no publication date: neither a date line (\"Published: ...\") nor a revision list"
                .into(),
        ));
    }
    Ok(())
}

// --- Sections ----------------------------------------------------------------------------

/// A heading (real or a bold label standing alone) and the blocks under it.
#[derive(Debug)]
struct Segment<'a> {
    title: Option<String>,
    level: u8,
    pseudo: bool,
    role: Option<Role>,
    blocks: Vec<&'a Block>,
}

/// Level given to bold labels standing alone as headings ("**Revisies:**").
const PSEUDO_LEVEL: u8 = 7;

fn segments<'a>(lang: &str, blocks: &'a [Block]) -> Vec<Segment<'a>> {
    let mut out = vec![Segment {
        title: None,
        level: 0,
        pseudo: false,
        role: Some(Role::Summary),
        blocks: Vec::new(),
    }];
    for b in blocks {
        let heading = match b.kind {
            Kind::Heading(l) => Some((plain_line(&b.plain), l, false)),
            Kind::Para if is_label_line(&b.md) => {
                let t = plain_line(&b.plain);
                lexicon::role_of(lang, HEADING_ROLES, &t).map(|_| (t, PSEUDO_LEVEL, true))
            }
            _ => None,
        };
        match heading {
            Some((title, level, pseudo)) => {
                let role = lexicon::role_of(lang, HEADING_ROLES, &title);
                out.push(Segment {
                    title: Some(title.trim_end_matches([':', '：']).trim().to_string()),
                    level,
                    pseudo,
                    role,
                    blocks: Vec::new(),
                });
            }
            None => {
                if let Some(s) = out.last_mut() {
                    s.blocks.push(b);
                }
            }
        }
    }
    out
}

/// A one-line paragraph that is all bold, or ends in a colon: a label standing alone.
fn is_label_line(md: &str) -> bool {
    let t = md.trim().trim_end_matches('\\').trim_end();
    if t.contains('\n') || t.len() > 200 {
        return false;
    }
    (t.starts_with("**") && t.ends_with("**")) || t.ends_with(':') || t.ends_with('：')
}

/// Whether the first line of a paragraph is all bold (a question, an item title).
fn bold_first_line(md: &str) -> Option<(String, String)> {
    let t = md.trim_start();
    let (first, rest) = t.split_once('\n').unwrap_or((t, ""));
    let f = first.trim_end().trim_end_matches('\\').trim_end();
    (f.starts_with("**") && f.ends_with("**") && f.len() > 4).then(|| (plain_line(f), clean(rest)))
}

fn content(e: &mut Edition, blocks: &[Block]) {
    let lang = e.lang.clone();
    let segs = segments(&lang, blocks);
    // After a workarounds heading, headings of the same or a lower level that name no known
    // part are the workarounds themselves ("#### Disable the WebClient service").
    let mut in_remediation: Option<(u8, Role)> = None;
    let mut summary_parts: Vec<String> = Vec::new();
    for seg in segs {
        let mut role = seg.role;
        if let Some((level, r)) = in_remediation {
            let ends = seg.role.is_some() || seg.level < level;
            if ends {
                in_remediation = None;
            } else if seg.role.is_none() && !seg.pseudo {
                remediation_item(e, r, &seg);
                continue;
            }
        }
        if role.is_none() && looks_like_faq(&seg.blocks) {
            role = Some(Role::Faq);
        }
        match role {
            Some(Role::Summary) => summary(e, &seg, &mut summary_parts),
            Some(Role::Overview) => overview(e, &seg),
            Some(r @ (Role::GeneralInfo | Role::Details | Role::OtherInfo)) => {
                let key = match r {
                    Role::GeneralInfo => Some("general_information"),
                    Role::OtherInfo => Some("other_information"),
                    _ => None,
                };
                if let (Some(key), Some(t)) = (key, &seg.title)
                    && lexicon::is_plain_label(&lang, r, t)
                {
                    e.boilerplate.labels.entry(key).or_insert(t.clone());
                }
                if !seg.blocks.is_empty() {
                    prose(e, &seg, &seg.blocks);
                }
            }
            Some(Role::Faq) => faq(e, &seg),
            Some(Role::Actions) => actions(e, &seg),
            Some(r @ (Role::Workarounds | Role::Mitigations)) => {
                in_remediation = Some((seg.level, r));
                remediations(e, r, &seg);
            }
            Some(Role::Revisions) => revisions(e, &seg),
            Some(r @ (Role::Resources | Role::Feedback | Role::Support)) => {
                let md = join(&seg.blocks);
                if !md.is_empty() {
                    e.boilerplate.support.push(md);
                }
                if r != Role::Feedback
                    && let Some(t) = &seg.title
                {
                    e.boilerplate.labels.entry("resources").or_insert(t.clone());
                }
                e.boilerplate
                    .found
                    .push(seg.title.clone().unwrap_or_default());
            }
            Some(Role::Disclaimer) => {
                let md = join(&seg.blocks);
                e.boilerplate.disclaimer = Some(md).filter(|s| !s.is_empty());
                if let Some(t) = &seg.title {
                    e.boilerplate.labels.insert("disclaimer", t.clone());
                }
                e.boilerplate
                    .found
                    .push(seg.title.clone().unwrap_or_default());
            }
            Some(Role::References) => references(e, &seg),
            Some(Role::Software) => software(e, &seg, &seg.blocks),
            _ => prose(e, &seg, &seg.blocks),
        }
    }
    e.summary = summary_parts.join("\n\n");
}

/// Keeps blocks as a section of prose under the segment's heading.
fn prose(e: &mut Edition, seg: &Segment, blocks: &[&Block]) {
    let body = join(blocks);
    // A heading with nothing under it says nothing worth a section.
    if body.is_empty() {
        return;
    }
    let title = seg.title.clone().unwrap_or_default();
    e.sections.push(Section { title, body });
}

static LABELED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)^\*\*([^*]+?)\*\*\s*[:.：]?\s*(.*)$").expect("valid regex"));

/// A paragraph opening with an overview label ("**Aanbeveling:** ..."): the field and the
/// text after the label.
fn overview_label(lang: &str, md: &str) -> Option<(Role, String, String)> {
    let c = LABELED.captures(md.trim())?;
    let label = c[1].trim();
    let role = lexicon::role_of(
        lang,
        &[Role::Purpose, Role::Status, Role::Recommendation],
        label,
    )?;
    Some((
        role,
        label.trim_end_matches([':', '.', '：']).to_string(),
        c[2].trim().to_string(),
    ))
}

fn set_overview(e: &mut Edition, role: Role, label: String, text: String) {
    let (slot, key) = match role {
        Role::Purpose => (&mut e.overview.purpose, "purpose"),
        Role::Status => (&mut e.overview.status, "advisory_status"),
        _ => (&mut e.overview.recommendation, "recommendation"),
    };
    match slot {
        Some(old) => {
            old.push_str("\n\n");
            old.push_str(&text);
        }
        None => *slot = Some(text),
    }
    e.boilerplate.labels.entry(key).or_insert(label);
}

fn summary(e: &mut Edition, seg: &Segment, parts: &mut Vec<String>) {
    for b in &seg.blocks {
        if b.kind == Kind::Para
            && let Some((role, label, text)) = overview_label(&e.lang, &b.md)
        {
            set_overview(e, role, label, text);
        } else {
            parts.push(b.md.clone());
        }
    }
}

fn overview(e: &mut Edition, seg: &Segment) {
    let mut current: Option<Role> = None;
    let mut rest: Vec<&Block> = Vec::new();
    let mut software_blocks: Vec<&Block> = Vec::new();
    for b in &seg.blocks {
        if b.kind == Kind::Para
            && let Some((role, label, text)) = overview_label(&e.lang, &b.md)
        {
            set_overview(e, role, label, text);
            current = Some(role);
            continue;
        }
        if b.kind == Kind::Table && is_reference_table(b) {
            reference_table(e, b);
            current = None;
            continue;
        }
        if b.kind == Kind::Table
            || b.kind == Kind::Html && b.md.contains("<table")
            || b.kind == Kind::Para && is_software_intro(&e.lang, b)
        {
            software_blocks.push(b);
            current = None;
            continue;
        }
        match current {
            Some(role) if matches!(b.kind, Kind::Para | Kind::List) => {
                let slot = match role {
                    Role::Purpose => &mut e.overview.purpose,
                    Role::Status => &mut e.overview.status,
                    _ => &mut e.overview.recommendation,
                };
                if let Some(s) = slot {
                    s.push_str("\n\n");
                    s.push_str(&b.md);
                }
            }
            _ => rest.push(b),
        }
    }
    if let Some(t) = &seg.title {
        e.boilerplate.labels.entry("overview").or_insert(t.clone());
    }
    software(e, seg, &software_blocks);
    prose(e, seg, &rest);
}

fn is_software_intro(lang: &str, b: &Block) -> bool {
    !b.plain.contains('\n') && lexicon::role_of(lang, &[Role::SoftwareIntro], &b.plain).is_some()
}

// --- FAQ and symptoms ----------------------------------------------------------------------

fn is_question(b: &Block) -> Option<(String, String)> {
    if b.kind != Kind::Para {
        return None;
    }
    let (q, rest) = bold_first_line(&b.md)?;
    q.trim_end()
        .ends_with(['?', '？', '؟', ';'])
        .then_some((q, rest))
}

fn looks_like_faq(blocks: &[&Block]) -> bool {
    blocks.iter().filter(|b| is_question(b).is_some()).count() >= 2
}

fn faq(e: &mut Edition, seg: &Segment) {
    let mut intro: Vec<&Block> = Vec::new();
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    for b in &seg.blocks {
        if let Some((q, rest)) = is_question(b) {
            items.push((q, if rest.is_empty() { vec![] } else { vec![rest] }));
            continue;
        }
        match items.last_mut() {
            Some((_, parts)) => {
                // A log excerpt becomes a symptom shown with the answer.
                let before: Vec<String> = (parts.iter())
                    .filter(|p| !p.starts_with('\u{0}'))
                    .cloned()
                    .collect();
                if let Some(s) = symptom(b, &before) {
                    e.symptoms.push(s);
                    parts.push(format!("\u{0}symptom:{}", e.symptoms.len() - 1));
                } else {
                    parts.push(b.md.clone());
                }
            }
            None => intro.push(b),
        }
    }
    prose(e, seg, &intro);
    if let Some(t) = &seg.title
        && lexicon::is_plain_label(&e.lang, Role::Faq, t)
    {
        e.boilerplate.labels.entry("faq").or_insert(t.clone());
    }
    for (question, parts) in items {
        let mut symptom = None;
        let answer: Vec<String> = parts
            .into_iter()
            .filter(|p| match p.strip_prefix("\u{0}symptom:") {
                Some(n) => {
                    symptom = n.parse().ok();
                    false
                }
                None => true,
            })
            .collect();
        e.faq.push(Faq {
            question,
            answer: answer.join("\n\n"),
            symptom,
        });
    }
}

static ERROR_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b0[xX][0-9A-Fa-f]{8}\b").expect("valid regex"));
static LOG_FILE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Za-z0-9_.-]+\.log\b").expect("valid regex"));
static MD_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([\\`*_{}\[\]()#+\-.!<>|~])").expect("valid regex"));

/// A log excerpt (a list item or code block of several lines naming an error code) as a
/// symptom; `before` is the answer so far, which describes it.
fn symptom(b: &Block, before: &[String]) -> Option<Symptom> {
    let raw = match b.kind {
        Kind::List if b.raw_items.len() == 1 => b.raw_items[0].as_str(),
        Kind::Other if b.md.starts_with("```") || b.md.starts_with("    ") => b.md.as_str(),
        _ => return None,
    };
    let mut lines: Vec<String> = Vec::new();
    let mut joining = false;
    for line in raw.lines() {
        let t = line.trim().trim_end_matches('\\').trim_end();
        if t.is_empty() || t.starts_with("```") {
            continue;
        }
        let text = MD_ESCAPE.replace_all(t, "$1").into_owned();
        match (joining, lines.last_mut()) {
            (true, Some(last)) => {
                last.push(' ');
                last.push_str(&text);
            }
            _ => lines.push(text),
        }
        // A line ending in one space was wrapped by an editor, not by the log; two spaces
        // are a line break.
        joining = line.ends_with(' ') && !line.ends_with("  ");
    }
    if lines.len() < 3 || !lines.iter().any(|l| ERROR_CODE.is_match(l)) {
        return None;
    }
    let mut codes: Vec<String> = Vec::new();
    for l in &lines {
        for m in ERROR_CODE.find_iter(l) {
            push_unique(&mut codes, m.as_str().to_string());
        }
    }
    let description = before.join("\n\n");
    let log_file = LOG_FILE.find(&description).map(|m| m.as_str().to_string());
    Some(Symptom {
        description,
        log_file,
        log_lines: lines,
        error_codes: codes,
    })
}

// --- Suggested actions, workarounds, mitigations ------------------------------------------

fn actions(e: &mut Edition, seg: &Segment) {
    let mut loose: Vec<&Block> = Vec::new();
    let mut current: Option<Action> = None;
    let mut found: Vec<Action> = Vec::new();
    for b in &seg.blocks {
        if b.kind == Kind::Para
            && let Some((title, rest)) = bold_first_line(&b.md)
        {
            if let Some(a) = current.take() {
                found.push(a);
            }
            current = Some(Action { title, body: rest });
            continue;
        }
        if b.kind == Kind::List
            && !b.items.is_empty()
            && b.items.iter().all(|i| bold_first_line(i).is_some())
        {
            if let Some(a) = current.take() {
                found.push(a);
            }
            for item in &b.items {
                if let Some((title, body)) = bold_first_line(item) {
                    found.push(Action { title, body });
                }
            }
            continue;
        }
        match current.as_mut() {
            Some(a) => {
                if !a.body.is_empty() {
                    a.body.push_str("\n\n");
                }
                a.body.push_str(&b.md);
            }
            None => loose.push(b),
        }
    }
    found.extend(current);
    if let Some(t) = &seg.title
        && lexicon::is_plain_label(&e.lang, Role::Actions, t)
    {
        e.boilerplate
            .labels
            .entry("suggested_actions")
            .or_insert(t.clone());
    }
    // An action that points to an update is also a vendor fix.
    for a in &found {
        let md = format!("**{}**\n\n{}", a.title, a.body);
        fixes_in(e, &md);
    }
    for b in &loose {
        if b.kind == Kind::List {
            for item in &b.items {
                fixes_in(e, item);
            }
        } else {
            fixes_in(e, &b.md);
        }
    }
    e.actions.extend(found);
    // Untitled actions (a plain list) stay as they were written.
    prose(e, seg, &loose);
}

/// Records the first KB article or bulletin linked from an action as a fix.
fn fixes_in(e: &mut Edition, md: &str) {
    for (url, text) in md_links(md) {
        let Some((id, kind)) = classify_link(&url, &text) else {
            continue;
        };
        if kind != ReferenceKind::KbArticle && !is_bulletin_id(&id) {
            continue;
        }
        if !e.fixes.iter().any(|f| f.id == id) {
            e.fixes.push(Fix {
                kb: id.strip_prefix("kb").map(str::to_string),
                id,
                url,
                text: md.to_string(),
            });
        }
        return;
    }
}

fn is_bulletin_id(id: &str) -> bool {
    BULLETIN.is_match(id)
}

fn remediations(e: &mut Edition, role: Role, seg: &Segment) {
    let mut intro: Vec<&Block> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    // How items are delimited is set by the first one: a list, or bold titles.
    let mut by_bold = None;
    // Text after an overview label ("**Recommendation.** ...") no longer belongs to the
    // last item.
    let mut closed = false;
    for b in &seg.blocks {
        if b.kind == Kind::Para
            && let Some((r, label, text)) = overview_label(&e.lang, &b.md)
        {
            set_overview(e, r, label, text);
            closed = true;
            continue;
        }
        if closed {
            intro.push(b);
            continue;
        }
        match b.kind {
            Kind::List if by_bold != Some(true) => {
                by_bold = Some(false);
                items.extend(b.items.iter().cloned());
            }
            Kind::Para if by_bold != Some(false) && bold_first_line(&b.md).is_some() => {
                by_bold = Some(true);
                items.push(b.md.clone());
            }
            _ => match items.last_mut() {
                Some(last) => {
                    last.push_str("\n\n");
                    last.push_str(&b.md);
                }
                None => intro.push(b),
            },
        }
    }
    prose(e, seg, &intro);
    let list = if role == Role::Workarounds {
        &mut e.workarounds
    } else {
        &mut e.mitigations
    };
    list.extend(items.into_iter().filter(|s| !s.trim().is_empty()));
}

/// A workaround written as its own heading.
fn remediation_item(e: &mut Edition, role: Role, seg: &Segment) {
    let title = seg.title.clone().unwrap_or_default();
    let body = join(&seg.blocks);
    let md = if body.is_empty() {
        format!("**{title}**")
    } else {
        format!("**{title}**\n\n{body}")
    };
    if role == Role::Workarounds {
        e.workarounds.push(md);
    } else {
        e.mitigations.push(md);
    }
}

// --- Revisions ---------------------------------------------------------------------------

static REV_NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^[Vv](?:ersion|ersie)?\s*(\d+(?:\.\d+)*)\s*[(（](.+?)[)）]\s*[:：]?\s*(.*)$")
        .expect("valid regex")
});

/// Reads one revision line: "V1.0 (13 juli 2009): ..." or "13 juni 2008: ...".
pub fn revision_line(lang: &str, text: &str) -> Result<(RevisionLine, Option<String>), String> {
    let t = strip_tags(text);
    let t = t.trim();
    if let Some(c) = REV_NUMBERED.captures(t) {
        let d = dates::parse(lang, &c[2])?;
        return Ok((
            RevisionLine {
                number: Some(c[1].to_string()),
                date: d.date,
                description: c[3].trim().to_string(),
            },
            d.warning,
        ));
    }
    if let Some((date, desc)) = t.split_once([':', '：'])
        && let Ok(d) = dates::parse(lang, date)
    {
        return Ok((
            RevisionLine {
                number: None,
                date: d.date,
                description: desc.trim().to_string(),
            },
            d.warning,
        ));
    }
    // "12 augustus 2008 Aan de sectie ...": the shortest run of words that is a date.
    let words: Vec<&str> = t.split_whitespace().collect();
    for k in 1..=words.len().min(6) {
        if let Ok(d) = dates::parse(lang, &words[..k].join(" ")) {
            let description = words[k..].join(" ");
            let description = description.trim_start_matches([':', '-', '–']).trim();
            if description.is_empty() {
                break;
            }
            return Ok((
                RevisionLine {
                    number: None,
                    date: d.date,
                    description: description.to_string(),
                },
                d.warning,
            ));
        }
    }
    Err(format!(
        "`{t}` is not a revision line (`V1.0 (date): text` or `date: text`)"
    ))
}

fn revisions(e: &mut Edition, seg: &Segment) {
    let mut kept: Vec<&Block> = Vec::new();
    let mut unparsed: Vec<String> = Vec::new();
    for b in &seg.blocks {
        if b.kind != Kind::List {
            kept.push(b);
            continue;
        }
        // An item may hold several revisions, a paragraph each ("V1.0 (...): ...\n\nV1.1
        // (...): ..."), and a revision's text may run over paragraphs: a paragraph that is no
        // revision line of its own continues the one before.
        let mut lines: Vec<(String, &String)> = Vec::new();
        for item in &b.items {
            let text = clean(&strip_tags(item));
            for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                match lines.last_mut() {
                    Some((last, from))
                        if *from == item && revision_line(&e.lang, para).is_err() =>
                    {
                        last.push(' ');
                        last.push_str(para);
                    }
                    _ => lines.push((para.to_string(), item)),
                }
            }
        }
        for (text, item) in lines {
            match revision_line(&e.lang, &text) {
                Ok((r, warning)) => {
                    if let Some(w) = warning {
                        e.notes.push(Note::warning("wrong-weekday", w));
                    }
                    let description = clean(&r.description);
                    e.revisions.push(RevisionLine {
                        description: description.split_whitespace().collect::<Vec<_>>().join(" "),
                        ..r
                    });
                }
                Err(err) => {
                    e.notes.push(Note::warning(
                        "unparsed-revision",
                        format!("revision line kept as prose: {err}"),
                    ));
                    unparsed.push(format!("- {}", item.replace('\n', "\n  ")));
                }
            }
        }
    }
    if let Some(t) = &seg.title {
        e.boilerplate.labels.insert("revisions", t.clone());
    }
    let mut body = join(&kept);
    if !unparsed.is_empty() {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&unparsed.join("\n"));
    }
    if !body.is_empty() {
        e.sections.push(Section {
            title: seg.title.clone().unwrap_or_default(),
            body,
        });
    }
}

// --- References and software ---------------------------------------------------------------

/// A table of "label | identifier" rows whose identifiers are links or ids.
fn is_reference_table(b: &Block) -> bool {
    b.rows.len() >= 2
        && b.rows.iter().all(|r| r.len() >= 2)
        && b.rows[1..].iter().any(|r| {
            !md_links(&r[1]).is_empty() || ID_IN_TEXT.is_match(&r[1]) || KB_NUMBER.is_match(&r[1])
        })
}

static KB_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:KB)?(\d{6,7})\s*$").expect("valid regex"));
static ID_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(CVE-\d{4}-\d{4,7}|MS\d{2}-\d{3}|KB\d{6,7})\b").expect("valid regex")
});
static BULLETIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^ms\d{2}-\d{3}$").expect("valid regex"));

/// Reads the references table; rows it cannot read are kept as prose.
fn reference_table(e: &mut Edition, b: &Block) {
    let mut unread = Vec::new();
    for row in &b.rows[1..] {
        let (label, value) = (&row[0], &row[1]);
        let mut got = false;
        for (url, text) in md_links(value) {
            if classify_link(&url, &text).is_some() {
                got = true;
            }
        }
        let plain = plain_line(value);
        if ID_IN_TEXT.is_match(&plain) {
            got = true;
        }
        if let Some(c) = KB_NUMBER.captures(&plain)
            && plain_line(label).to_lowercase().contains("knowledge base")
        {
            push_unique(&mut e.kbs, c[1].to_string());
            got = true;
        }
        if !got {
            unread.push(row);
        }
    }
    if !unread.is_empty() {
        e.sections.push(Section {
            title: plain_line(&b.rows[0].join(" / ")),
            body: b.md.clone(),
        });
    }
    if let Some(h) = b.rows.first() {
        if let Some(c) = h.first() {
            e.boilerplate
                .labels
                .entry("more_information")
                .or_insert(plain_line(c));
        }
        if let Some(c) = h.get(1) {
            e.boilerplate
                .labels
                .entry("identification")
                .or_insert(plain_line(c));
        }
    }
}

fn references(e: &mut Edition, seg: &Segment) {
    let mut rest: Vec<&Block> = Vec::new();
    let n = seg.blocks.len();
    for (i, b) in seg.blocks.iter().enumerate() {
        if b.kind == Kind::Table && is_reference_table(b) {
            reference_table(e, b);
            continue;
        }
        // "See the following references:" introduces the table the site draws itself.
        let intro = b.kind == Kind::Para
            && b.plain.trim_end().ends_with([':', '：'])
            && !b.plain.contains('\n')
            && i + 1 < n
            && seg.blocks[i + 1].kind == Kind::Table;
        if !intro {
            rest.push(b);
        }
    }
    prose(e, seg, &rest);
}

/// Whether the software list is affected or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Affected,
    NotAffected,
}

fn software(e: &mut Edition, seg: &Segment, blocks: &[&Block]) {
    let lang = e.lang.clone();
    let heading_mode = seg
        .title
        .as_deref()
        .and_then(|t| lexicon::role_of(&lang, &[Role::NotAffected], t))
        .map(|_| Mode::NotAffected);
    let mut mode = heading_mode.unwrap_or(Mode::Affected);
    let mut rest: Vec<&Block> = Vec::new();
    for b in blocks {
        match b.kind {
            Kind::Table => {
                software_rows(e, &mut mode, &b.rows);
                if b.rows
                    .iter()
                    .any(|r| r.len() > 1 && r[1..].iter().any(|c| !c.trim().is_empty()))
                {
                    rest.push(b);
                }
            }
            Kind::Html if b.md.contains("<table") && !is_reference_html(&b.md) => {
                let rows = html_rows(&b.md);
                software_rows(e, &mut mode, &rows);
                // The other columns (severity, components) are kept as written.
                rest.push(b);
            }
            Kind::Para if is_software_intro(&lang, b) => {
                e.boilerplate
                    .labels
                    .entry("affected_software_intro")
                    .or_insert(plain_line(&b.plain));
            }
            Kind::Para if is_label_line(&b.md) => {
                match lexicon::role_of(&lang, &[Role::NotAffected, Role::Affected], &b.plain) {
                    Some(Role::NotAffected) => mode = Mode::NotAffected,
                    Some(_) => mode = Mode::Affected,
                    None => rest.push(b),
                }
            }
            _ => rest.push(b),
        }
    }
    if !rest.is_empty() {
        prose(e, seg, &rest);
    }
}

/// Reads the rows of a software table: labels switch between affected and not affected,
/// categories and "none" are skipped, anything else names products (one per line of the
/// first cell; cells may hold several, separated by `<br />`).
fn software_rows(e: &mut Edition, mode: &mut Mode, rows: &[Vec<String>]) {
    let lang = e.lang.clone();
    for row in rows {
        let Some(first) = row.first() else { continue };
        let only_cell = row[1..].iter().all(|c| c.trim().is_empty());
        // One product per line; a line in brackets qualifies the one before it
        // ("Windows 7 für x64-basierte Systeme" / "(nur Starter und Home Basic)").
        let mut lines: Vec<String> = Vec::new();
        for l in BR.split(first).flat_map(str::lines) {
            let t = plain_line(l);
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            match lines.last_mut() {
                Some(last) if t.starts_with('(') && !product_name(last).is_empty() => {
                    last.push(' ');
                    last.push_str(t);
                }
                _ => lines.push(l.to_string()),
            }
        }
        for line in lines {
            let name = product_name(&line);
            if name.is_empty() {
                continue;
            }
            // "Microsoft Office:" alone in its row introduces the rows after it (the name
            // loses its colon above).
            if only_cell && plain_line(&line).trim().ends_with(':') {
                continue;
            }
            match lexicon::role_of(
                &lang,
                &[
                    Role::NotAffected,
                    Role::Affected,
                    Role::Category,
                    Role::Nothing,
                ],
                &name,
            ) {
                Some(Role::NotAffected) => {
                    *mode = Mode::NotAffected;
                    e.boilerplate
                        .labels
                        .entry("not_affected_software")
                        .or_insert(name);
                }
                Some(Role::Affected) => {
                    *mode = Mode::Affected;
                    e.boilerplate
                        .labels
                        .entry("affected_software")
                        .or_insert(name);
                }
                Some(_) => {}
                None => {
                    let list = match mode {
                        Mode::Affected => &mut e.affected,
                        Mode::NotAffected => &mut e.not_affected,
                    };
                    push_unique(list, name);
                }
            }
        }
    }
}

static BR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("valid regex"));

/// An HTML table of "label | identifier" rows, like the markdown references table: most
/// rows after the header name an id in their second cell.
fn is_reference_html(html: &str) -> bool {
    let rows = html_rows(html);
    let body = rows.get(1..).unwrap_or_default();
    let with_id = body
        .iter()
        .filter(|r| {
            r.len() >= 2 && (ID_IN_TEXT.is_match(&r[1]) || KB_NUMBER.is_match(&strip_tags(&r[1])))
        })
        .count();
    with_id > 0 && with_id * 2 >= body.len()
}

static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\d+\]|\*+$|\*+(\s)").expect("valid regex"));

/// A product name without markup, links, footnote marks (`<sup>[1]</sup>`, `**`) or
/// extra spaces.
fn product_name(cell: &str) -> String {
    let plain = plain_line(&decode_entities(cell));
    let plain = FOOTNOTE.replace_all(&plain, "$1");
    let plain = plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c == '*' || c.is_whitespace())
        .to_string();
    // The KB of an update written beside the name, "(KB2749655)", is no part of it; a cell
    // holding only that names no product.
    bulletin::product_name(&plain).0
}

fn decode_entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Rows of an HTML table, each cell's text (one line per `<br />` or source line).
fn html_rows(html: &str) -> Vec<Vec<String>> {
    table::rows(html)
}

// --- Facts found anywhere in the text ------------------------------------------------------

static KB_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)support\.microsoft\.com/(?:default\.aspx\?scid=)?(?:kb/|\?kbid=|kb/en-us/)(\d{5,7})",
    )
    .expect("valid regex")
});
static BULLETIN_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/security/bulletin/(ms\d{2}-\d{3})").expect("valid regex"));
static ADVISORY_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/security/advisory/(\d{5,7})").expect("valid regex"));
static CVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bCVE-\d{4}-\d{4,7}\b").expect("valid regex"));
static KB_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bKB\s?(\d{6,7})\b|Knowledge Base[- ]\p{L}+\s+(\d{6,7})\b")
        .expect("valid regex")
});
static MS_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bMS\d{2}-\d{3}\b").expect("valid regex"));

/// The reference a link is, if it is one: a KB article, bulletin, advisory, CVE or blog.
pub fn classify_link(url: &str, text: &str) -> Option<(String, ReferenceKind)> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    if let Some(c) = KB_URL.captures(url) {
        return Some((format!("kb{}", &c[1]), ReferenceKind::KbArticle));
    }
    if let Some(c) = BULLETIN_URL.captures(url) {
        return Some((c[1].to_lowercase(), ReferenceKind::Advisory));
    }
    if let Some(c) = ADVISORY_URL.captures(url) {
        return Some((format!("advisory-{}", &c[1]), ReferenceKind::Advisory));
    }
    let t = text.trim();
    // Links through go.microsoft.com that name a bulletin: "[MS10-087](fwlink)".
    if BULLETIN.is_match(t) {
        return Some((t.to_lowercase(), ReferenceKind::Advisory));
    }
    if url.to_lowercase().contains("cve.mitre.org")
        && let Some(m) = CVE.find(&format!("{t} {url}"))
    {
        return Some((m.as_str().to_lowercase(), ReferenceKind::External));
    }
    let host = url::Url::parse(url).ok()?.host_str()?.to_lowercase();
    if host.starts_with("blogs.") {
        let path = url::Url::parse(url).ok()?;
        let last = path
            .path_segments()?
            .rev()
            .find(|s| !s.is_empty())?
            .trim_end_matches(".aspx")
            .to_string();
        let mut slug = slug::slugify(&last);
        // Ids stay short: whole words, up to 40 characters.
        if slug.len() > 40 {
            let cut = slug[..40].rfind('-').unwrap_or(40);
            slug.truncate(cut);
        }
        if slug.is_empty() {
            return None;
        }
        return Some((format!("blog-{slug}"), ReferenceKind::Blog));
    }
    None
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// KB numbers, CVE ids, bulletin ids and references from all text of the edition, and
/// whether it speaks of a vulnerability.
fn facts_from_text(e: &mut Edition, blocks: &[Block]) {
    let mut all = String::new();
    for b in blocks {
        if b.kind == Kind::Table && is_reference_table(b) {
            // The label column has been seen to name the wrong bulletin; read the values.
            for r in &b.rows[1..] {
                all.push_str(&r[1..].join(" "));
                all.push('\n');
            }
        } else {
            all.push_str(&b.md);
            all.push('\n');
        }
    }
    let mut labels: BTreeMap<String, (ReferenceKind, String, String)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (url, text) in md_links(&all) {
        let Some((id, kind)) = classify_link(&url, &text) else {
            continue;
        };
        if let Some(kb) = id.strip_prefix("kb") {
            push_unique(&mut e.kbs, kb.to_string());
        }
        let text = if text.is_empty() { url.clone() } else { text };
        match labels.get_mut(&id) {
            // The longest text is the most telling label ("KB article 954474", not "954474").
            Some(entry) => {
                if text.chars().count() > entry.2.chars().count() {
                    entry.2 = text;
                }
            }
            None => {
                order.push(id.clone());
                labels.insert(id, (kind, url, text));
            }
        }
    }
    for id in order {
        if let Some((kind, url, label)) = labels.remove(&id) {
            e.links.push(Link {
                id,
                kind,
                url,
                label,
            });
        }
    }
    let plain = crate::markdown::to_plain(&all);
    let text_and_urls = format!("{plain}\n{all}");
    for m in CVE.find_iter(&text_and_urls) {
        push_unique(&mut e.cves, m.as_str().to_uppercase());
    }
    for c in KB_TEXT.captures_iter(&plain) {
        if let Some(n) = c.get(1).or_else(|| c.get(2)) {
            push_unique(&mut e.kbs, n.as_str().to_string());
        }
    }
    for m in MS_ID.find_iter(&text_and_urls) {
        push_unique(&mut e.bulletins, m.as_str().to_uppercase());
    }
}

/// What the edition says about being a vulnerability. A denial counts anywhere in the
/// advisory's own prose (not in the boilerplate); a mention only in the title, subtitle
/// or summary, which say what the advisory is about.
fn vulnerability_signals(e: &mut Edition) {
    let mut said = vec![e.summary.clone()];
    said.extend(
        [
            &e.overview.purpose,
            &e.overview.status,
            &e.overview.recommendation,
        ]
        .into_iter()
        .flatten()
        .cloned(),
    );
    said.extend(
        e.faq
            .iter()
            .map(|f| format!("{}\n\n{}", f.question, f.answer)),
    );
    said.extend(e.sections.iter().map(|s| s.body.clone()));
    let all = crate::markdown::to_plain(&said.join("\n\n"));
    e.not_vulnerability = lexicon::says_not_vulnerability(&e.lang, &all).map(String::from);
    let headline = format!(
        "{}\n{}\n{}",
        e.title,
        e.subtitle.clone().unwrap_or_default(),
        crate::markdown::to_plain(&e.summary)
    );
    e.vulnerability = lexicon::says_vulnerability(&e.lang, &headline).map(String::from);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_addresses_and_folders() {
        assert_eq!(
            lang_from_url("https://technet.microsoft.com/nl-NL/library/954474(v=Security.10)"),
            Some("nl-NL".into())
        );
        assert_eq!(canonical_tag("de-de"), Some("de-DE".into()));
        assert_eq!(canonical_tag("zh-hant"), Some("zh-Hant".into()));
        assert_eq!(canonical_tag("2008"), None);
        assert_eq!(canonical_tag("security-updates"), None);
    }

    #[test]
    fn list_items_lose_their_marker_and_indent() {
        assert_eq!(
            dedent_item("-   first\n    second\n\n    third\n"),
            "first\nsecond\n\nthird"
        );
        assert_eq!(dedent_item("1.  step\n    more"), "step\nmore");
    }

    #[test]
    fn markdown_is_tidied_for_yaml_and_validation() {
        assert_eq!(
            clean("**q?**  \nanswer  \n\n\n\nnext "),
            "**q?**\\\nanswer\n\nnext"
        );
        assert_eq!(
            clean("mail <msvr@microsoft.com> now"),
            "mail [msvr@microsoft.com](mailto:msvr@microsoft.com) now"
        );
    }

    #[test]
    fn bold_first_lines_are_titles() {
        assert_eq!(
            bold_first_line("**Wat is de omvang?**\nDit advies."),
            Some(("Wat is de omvang?".into(), "Dit advies.".into()))
        );
        assert_eq!(bold_first_line("**Opmerking** Zie hier."), None);
    }

    #[test]
    fn product_names_lose_footnotes_and_markup() {
        assert_eq!(
            product_name(
                "Windows Vista<sup>[1]</sup><sup>[2]</sup>, Windows Vista Service Pack 1<sup>[2]</sup>"
            ),
            "Windows Vista, Windows Vista Service Pack 1"
        );
        assert_eq!(
            product_name("Windows Server 2008 voor x64-systemen Service Pack 2\\*\\*"),
            "Windows Server 2008 voor x64-systemen Service Pack 2"
        );
        assert_eq!(
            product_name(
                "[Windows Server 2003 Service Pack 2](http://www.microsoft.com/downloads/x)"
            ),
            "Windows Server 2003 Service Pack 2"
        );
    }

    #[test]
    fn links_are_classified_by_address_or_text() {
        let c = |u: &str, t: &str| classify_link(u, t).map(|(id, k)| (id, format!("{k:?}")));
        assert_eq!(
            c("http://support.microsoft.com/kb/954474", "954474"),
            Some(("kb954474".into(), "KbArticle".into()))
        );
        assert_eq!(
            c("http://go.microsoft.com/fwlink/?linkid=203241", "MS10-087"),
            Some(("ms10-087".into(), "Advisory".into()))
        );
        assert_eq!(
            c(
                "http://www.cve.mitre.org/cgi-bin/cvename.cgi?name=cve-2008-2540",
                "CVE-2008-2540"
            ),
            Some(("cve-2008-2540".into(), "External".into()))
        );
        assert_eq!(
            c(
                "http://blogs.technet.com/smsandmom/archive/2008/06/12/wsus-offline-scan-catalog-fails-to-sync-on-configmgr-2007.aspx",
                "SMS- en MOM-blog"
            ),
            Some((
                "blog-wsus-offline-scan-catalog-fails-to-sync".into(),
                "Blog".into()
            ))
        );
        assert_eq!(c("http://www.apple.com/safari/download/", "Safari"), None);
    }

    #[test]
    fn html_software_tables_list_one_product_per_line() {
        let html = "<table>\n<tr><td>Software waarin dit probleem optreedt</td></tr>\n<tr><td><a href=\"http://x\">Windows 7 voor 32-bits systemen</a><br />\nWindows 7 voor x64-systemen</td></tr>\n</table>";
        let mut e = Edition {
            lang: "nl-NL".into(),
            ..Edition::default()
        };
        let mut mode = Mode::NotAffected;
        software_rows(&mut e, &mut mode, &html_rows(html));
        assert_eq!(
            e.affected,
            vec![
                "Windows 7 voor 32-bits systemen",
                "Windows 7 voor x64-systemen"
            ]
        );
        assert!(!is_reference_html(html));
    }
}
