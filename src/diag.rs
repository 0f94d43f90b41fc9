//! Findings about content: each names a file, line and column, a kebab-case code, a message
//! and a hint. They are collected across all files and shown together, as text with a
//! source snippet (rendered by annotate-snippets) or as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Pos {
    /// Line 1, column 1: for findings about a whole file.
    pub fn default_start() -> Pos {
        Pos { line: 1, column: 1 }
    }
}

/// What the rules that look at one advisory folder found in it, and what the check that ids
/// are unique needs of it (kept in the parse cache).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderResult {
    pub findings: Vec<Finding>,
    pub claim: Option<Claim>,
}

/// What the check that ids are unique needs of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The folder name.
    pub dir: String,
    pub id: String,
    /// The facts file.
    pub file: String,
    /// (language, CSAF file name).
    pub csaf: Vec<(String, String)>,
    /// Its CVE ids (those it lists and those of its vulnerabilities).
    #[serde(default)]
    pub cves: Vec<String>,
    /// The ids it lists as related.
    #[serde(default)]
    pub related: Vec<String>,
    /// The bulletins it names (`MS08-037`).
    #[serde(default)]
    pub bulletins: Vec<String>,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the build.
    Error,
    /// Worth fixing; the build goes on.
    Warning,
}

/// One problem found in the content. It is read back from the parse cache too, which keeps
/// the findings of each advisory folder (see [`crate::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// Path of the file, relative to the site root, with `/` separators.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Kebab-case code such as `unknown-field`.
    pub code: Cow<'static, str>,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Finding {
    /// An error at `pos` in `file`.
    pub fn error(file: &str, pos: Pos, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            severity: Severity::Error,
            code: Cow::Borrowed(code),
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `pos` in `file`.
    pub fn warning(
        file: &str,
        pos: Pos,
        code: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(file, pos, code, message)
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// The one-line form: `file:line:col: error[code]: message`.
    pub fn headline(&self) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!(
            "{}:{}:{}: {level}[{}]: {}",
            self.file, self.line, self.column, self.code, self.message
        )
    }
}

/// All findings of a run, kept sorted by file, position and code.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    /// The findings worth showing again after `before` was shown: every error (each stops a
    /// build), and the warnings that are not among `before`'s.
    pub fn since(&self, before: &Findings) -> Findings {
        let shown: std::collections::HashSet<&Finding> = before.items.iter().collect();
        Findings {
            items: (self.items.iter())
                .filter(|f| f.severity == Severity::Error || !shown.contains(f))
                .cloned()
                .collect(),
        }
    }

    /// Adds every finding of `other`, in its order.
    pub fn extend(&mut self, other: Findings) {
        self.items.extend(other.items);
    }

    /// Adds a finding.
    pub fn push(&mut self, f: Finding) {
        self.items.push(f);
    }

    /// Whether there is no finding at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.items.iter()
    }

    /// The findings in file, line, column order.
    pub fn sorted(&self) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
        });
        v.dedup();
        v
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    /// True when nothing blocks a build.
    pub fn is_ok(&self) -> bool {
        self.errors() == 0
    }

    /// The findings as a JSON array.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.sorted()).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        s
    }

    /// The findings as text: a headline, a snippet of the source and a `help:` line each,
    /// then a count. `sources` maps file paths to their text.
    pub fn to_text(&self, sources: &BTreeMap<String, String>, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Ascii);
        let mut out = String::new();
        for f in self.sorted() {
            let _ = writeln!(out, "{}", f.headline());
            let level = match f.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
            };
            let shown = sources
                .get(&f.file)
                .and_then(|t| snippet(t, f.line, f.column));
            let mut group = Group::with_level(level.clone());
            if let Some((line, range)) = &shown {
                group = group.element(
                    Snippet::source(line.as_ref())
                        .line_start(f.line)
                        .annotation(AnnotationKind::Primary.span(range.clone())),
                );
            }
            if let Some(h) = &f.hint {
                group = group.element(Level::HELP.message(h.as_str()));
            }
            let _ = writeln!(out, "{}", renderer.render(&[group]));
        }
        let (e, w) = (self.errors(), self.warnings());
        let _ = writeln!(
            out,
            "{e} {}, {w} {}",
            plural(e, "error"),
            plural(w, "warning")
        );
        out
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// How many characters of a quoted value a message shows.
const QUOTE_CHARS: usize = 40;

/// `message` with each value quoted in it (between `"` or backticks) cut to an excerpt, and
/// control characters escaped: a value in a message can be as long as a file, and could hold
/// a terminal's escape sequences.
pub fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(256));
    let mut open: Option<char> = None;
    let mut inside = 0;
    for c in message.chars() {
        match open {
            Some(q) if c == q => {
                if inside > QUOTE_CHARS {
                    out.push('\u{2026}');
                }
                open = None;
            }
            None if c == '"' || c == '`' => {
                open = Some(c);
                inside = 0;
            }
            Some(_) => {
                inside += 1;
                if inside > QUOTE_CHARS {
                    continue;
                }
            }
            None => {}
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if open.is_some() && inside > QUOTE_CHARS {
        out.push('\u{2026}');
    }
    out
}

/// How many characters of a source line a snippet shows at most: a minified file is one
/// line, and a snippet is an excerpt.
const SNIPPET_CHARS: usize = 120;

/// The text of line `line` and the byte range of the token starting at `column`.
fn snippet(
    text: &str,
    line: usize,
    column: usize,
) -> Option<(Cow<'_, str>, std::ops::Range<usize>)> {
    let src = text.lines().nth(line.checked_sub(1)?)?;
    // Only a window of a long line, around the column; positions stay those of the file.
    let skip = column.saturating_sub(SNIPPET_CHARS / 2 + 1);
    let src = match src.char_indices().nth(skip) {
        Some((i, _)) => &src[i..],
        None => src,
    };
    let src = match src.char_indices().nth(SNIPPET_CHARS) {
        Some((i, _)) => &src[..i],
        None => src,
    };
    let column = column - skip;
    // Control characters would reach the terminal raw: each shows as one replacement
    // character, so columns still line up.
    let src: Cow<'_, str> = if src.chars().any(|c| c.is_control() && c != '\t') {
        let shown = src.chars().map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        });
        Cow::Owned(shown.collect())
    } else {
        Cow::Borrowed(src)
    };
    let start = src
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(src.len(), |(i, _)| i);
    let rest = &src[start..];
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == ':' || *c == ',')
        .map_or(rest.len(), |(i, _)| i);
    // An empty range still needs one column so the caret shows.
    let end = if len == 0 {
        (start + rest.chars().next().map_or(0, char::len_utf8)).min(src.len())
    } else {
        start + len
    };
    Some((src, start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_headline_snippet_and_help() {
        let mut fs = Findings::default();
        fs.push(
            Finding::error(
                "a.yaml",
                Pos { line: 2, column: 1 },
                "unknown-field",
                "unknown field `titel`",
            )
            .hint("did you mean `title`?"),
        );
        let sources = BTreeMap::from([("a.yaml".to_string(), "id: x\ntitel: y\n".to_string())]);
        let text = fs.to_text(&sources, false);
        assert!(
            text.starts_with("a.yaml:2:1: error[unknown-field]: unknown field `titel`\n"),
            "{text}"
        );
        assert!(text.contains("2 | titel: y"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
        assert!(text.ends_with("1 error, 0 warnings\n"), "{text}");
    }

    #[test]
    fn quoted_values_are_cut_and_control_characters_escaped() {
        let long = "x".repeat(100);
        assert_eq!(
            shorten_quotes(&format!(
                "invalid type: string \"{long}\", expected `a\u{1b}[2J`"
            )),
            format!(
                "invalid type: string \"{}\u{2026}\", expected `a\\u{{1b}}[2J`",
                "x".repeat(40)
            )
        );
        // An unclosed quote is cut too.
        assert_eq!(
            shorten_quotes(&format!("`{long}")),
            format!("`{}\u{2026}", "x".repeat(40))
        );
    }

    #[test]
    fn a_snippet_is_a_window_of_a_long_line() {
        let line = format!("{}needle{}", "a ".repeat(500), " b".repeat(500));
        let (shown, range) = snippet(&line, 1, 1001).unwrap();
        assert_eq!(shown.chars().count(), SNIPPET_CHARS);
        assert_eq!(&shown[range], "needle");
        let (shown, range) = snippet("a: \0x", 1, 4).unwrap();
        assert_eq!(shown, "a: \u{fffd}x");
        assert_eq!(&shown[range], "\u{fffd}x");
    }

    /// After findings were shown, errors are shown again, and only new warnings.
    #[test]
    fn since_keeps_errors_and_new_warnings() {
        let at = |line| Pos { line, column: 1 };
        let old = Finding::warning("a.yaml", at(1), "outdated-translation", "old");
        let new = Finding::warning("a.yaml", at(2), "outdated-translation", "new");
        let error = Finding::error("a.yaml", at(3), "unknown-field", "unknown field `x`");
        let mut before = Findings::default();
        before.push(old.clone());
        before.push(error.clone());
        let mut now = before.clone();
        now.push(new.clone());
        let fresh = now.since(&before);
        assert_eq!(fresh.sorted(), [&new, &error]);
        assert_eq!(now.since(&now).sorted(), [&error]);
    }
}
