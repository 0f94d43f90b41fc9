//! Characters that no output can carry (`control-character`): C0 and C1 control
//! characters and Unicode non-characters, in any text of any file seckb reads. XML 1.0
//! cannot hold most of them at all (an Atom feed with one is not well-formed), and the rest
//! are invisible in a page yet change what a reader's tools see.
//!
//! The same walk finds markdown that nests too deep to render in reasonable time
//! (`markdown-too-deep`, see [`crate::markdown::MAX_NESTING`]), and files whose markdown
//! makes too many HTML elements in all (`markdown-too-large`, see
//! [`crate::markdown::MAX_ELEMENTS`]).
//!
//! The check walks the typed value of each file through [`serde::Serialize`], so a field
//! added to the model is covered without a line here. Only the markdown fields
//! ([`MULTI_LINE`]) may hold line breaks and tabs.

use serde::ser::{self, Serialize};

use crate::diag::{Finding, Findings};
use crate::load::{Parsed, Project};

/// The text fields (struct, field) that are markdown and may span lines (with tabs in
/// them, e.g. in code blocks). Every other text is one line. A map field's values inherit
/// it; its keys are always one line.
const MULTI_LINE: &[(&str, &str)] = &[
    ("AdvisoryText", "summary"),
    ("AdvisoryText", "remediations"),
    ("Overview", "purpose"),
    ("Overview", "status"),
    ("Overview", "recommendation"),
    ("Faq", "answer"),
    ("Symptom", "description"),
    ("Action", "body"),
    ("Section", "body"),
    ("SiteText", "support"),
    ("SiteText", "disclaimer"),
    ("Settings", "attribution"),
    ("AdvisoryText", "withdrawn"),
    ("VulnerabilityText", "description"),
    ("VulnerabilityText", "impact"),
    ("VulnerabilityText", "mitigating_factors"),
    ("VulnerabilityText", "workarounds"),
];

/// Text fields that are one line of markdown (rendered inline).
const INLINE_MARKDOWN: &[(&str, &str)] = &[("AdvisoryText", "revisions")];

/// Text fields that are one line but may hold tabs: log lines are verbatim.
const TABS: &[(&str, &str)] = &[("Symptom", "log_lines")];

/// What a text may hold besides printable characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    OneWithTabs,
    Many,
}

/// A character a text may not hold, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    /// The display path of the value (`faq[0].answer`), or of the key when `key` is set.
    pub path: String,
    /// The problem is in the mapping key at `path`, not in its value.
    pub key: bool,
    /// The character.
    pub ch: char,
    /// The value's kind of text.
    lines: Lines,
    /// A short excerpt around the character, escaped.
    pub excerpt: String,
}

impl Bad {
    /// The message of the finding.
    pub fn message(&self) -> String {
        let what = if self.key { "key" } else { "value" };
        let name = char_name(self.ch);
        let kind = if is_noncharacter(self.ch) {
            "a Unicode non-character"
        } else if matches!(self.ch, '\n' | '\t') {
            "not allowed in a one-line text"
        } else {
            "a control character"
        };
        format!(
            "the {what} at `{}` holds U+{:04X} ({name}), {kind}: `{}`",
            self.path, self.ch as u32, self.excerpt
        )
    }

    /// The hint of the finding.
    pub fn hint(&self) -> &'static str {
        match (self.ch, self.lines) {
            ('\n', _) => {
                "this text is one line: join the lines (a YAML `>` or `|` block adds a line break at its end; use `>-`)"
            }
            ('\t', _) => "this text is one line: write spaces instead of the tab",
            _ => {
                "remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)"
            }
        }
    }
}

/// Whether `c` is a Unicode non-character: U+FDD0..U+FDEF and the last two code points of
/// every plane.
pub fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// The first character of `s` it may not hold, if any.
///
/// Found from the UTF-8 bytes, which every text is scanned for: C0 and DEL are single
/// bytes; C1 (U+0080..U+009F) is 0xC2 then 0x80..0x9F; U+FDD0..U+FDEF is 0xEF 0xB7
/// 0x90..0xAF; U+FFFE and U+FFFF are 0xEF 0xBF 0xBE/0xBF; and U+xFFFE/U+xFFFF of the other
/// planes are four bytes whose second ends in 0xF and whose last two are 0xBF 0xBE/0xBF.
/// Common characters that share a leading byte (a no-break space is 0xC2 0xA0) cost nothing
/// more than a look at the next byte.
fn first_bad(s: &str, lines: Lines) -> Option<(usize, char)> {
    let allowed: u32 = match lines {
        Lines::One => 0,
        Lines::OneWithTabs => 1 << b'\t',
        Lines::Many => (1 << b'\t') | (1 << b'\n'),
    };
    let b = s.as_bytes();
    // First a pass the compiler makes vector code of (no early exit): most texts have none
    // of the leading bytes, and skip the exact scan.
    let suspect = b.iter().fold(false, |found, &x| {
        found
            | ((x < 0x20) & ((allowed >> (x & 0x1F)) & 1 == 0))
            | (x == 0x7F)
            | (x == 0xC2)
            | (x >= 0xEF)
    });
    if !suspect {
        return None;
    }
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let i = b.iter().enumerate().position(|(i, &x)| match x {
        0x00..=0x1F => allowed & (1 << x) == 0,
        0x7F => true,
        0xC2 => matches!(at(i + 1), 0x80..=0x9F),
        0xEF => matches!(
            (at(i + 1), at(i + 2)),
            (0xB7, 0x90..=0xAF) | (0xBF, 0xBE | 0xBF)
        ),
        0xF0..=0xF4 => {
            at(i + 1) & 0x0F == 0x0F && at(i + 2) == 0xBF && matches!(at(i + 3), 0xBE | 0xBF)
        }
        _ => false,
    })?;
    s[i..].chars().next().map(|c| (i, c))
}

/// About twenty characters around byte `at` of `s`, escaped, with `…` where cut.
fn excerpt(s: &str, at: usize) -> String {
    let before: Vec<(usize, char)> = s[..at].char_indices().rev().take(12).collect();
    let start = before.last().map_or(at, |(i, _)| *i);
    let end = s[at..]
        .char_indices()
        .nth(12)
        .map_or(s.len(), |(i, _)| at + i);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(s[start..end].escape_debug());
    if end < s.len() {
        out.push('…');
    }
    // The excerpt goes between backticks.
    out.replace('`', "'")
}

/// A name for a character found by [`first_bad`].
fn char_name(c: char) -> &'static str {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    match c as u32 {
        u @ 0..=0x1F => C0[u as usize],
        0x7F => "DEL",
        0x80..=0x9F => "C1 control",
        _ => "non-character",
    }
}

/// Walks every text of `value`: which fields are multi-line and markdown is decided by the
/// struct names serde gives. With `exact`, it only counts the HTML elements of the markdown,
/// exactly.
fn walk<T: Serialize>(value: &T, exact: bool) -> Walker {
    let mut w = Walker {
        exact,
        ..Walker::default()
    };
    // The walker itself never fails; an error could only come from a custom `Serialize`,
    // and then what was walked until then is still reported.
    let _ = value.serialize(&mut w);
    w
}

/// One step of a path.
#[derive(Debug, Clone)]
enum Seg {
    /// A struct field: no allocation for the common step.
    Field(&'static str),
    Key(String),
    Index(usize),
}

#[derive(Default)]
struct Walker {
    path: Vec<Seg>,
    /// The open structs' names.
    structs: Vec<&'static str>,
    /// What the text being walked may hold, and whether it is markdown.
    lines: Vec<(Lines, bool)>,
    /// The key of the map entry being walked, until its value is.
    key: Option<String>,
    found: Vec<Bad>,
    /// Markdown that nests too deep: its path and where.
    deep: Vec<(String, crate::markdown::TooDeep)>,
    /// Count the markdown's elements exactly ([`crate::markdown::elements`]), and do
    /// nothing else; otherwise bound them from above ([`crate::markdown::elements_bound`]).
    exact: bool,
    /// The HTML elements of the markdown walked so far, counted or bounded.
    elements: usize,
    /// The path of the markdown text by which `elements` passed
    /// [`crate::markdown::MAX_ELEMENTS`], and, when counted exactly, where in it (counting
    /// stops there).
    too_large: Option<(String, Option<crate::markdown::TooMany>)>,
}

impl Walker {
    fn display_path(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Field(k) if s.is_empty() => s.push_str(k),
                Seg::Key(k) if s.is_empty() => s.push_str(k),
                Seg::Field(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn text(&mut self, v: &str, key: bool) {
        let (lines, markdown) = if key {
            (Lines::One, false)
        } else {
            self.lines.last().copied().unwrap_or((Lines::One, false))
        };
        let max = crate::markdown::MAX_ELEMENTS;
        if markdown && self.too_large.is_none() {
            if self.exact {
                let room = max.saturating_sub(self.elements);
                match crate::markdown::elements_within(v, room) {
                    Ok(n) => self.elements += n,
                    Err(at) => self.too_large = Some((self.display_path(), Some(at))),
                }
            } else {
                self.elements += crate::markdown::elements_bound(v);
                if self.elements > max {
                    self.too_large = Some((self.display_path(), None));
                }
            }
        }
        if self.exact {
            return;
        }
        if markdown && let Some(deep) = crate::markdown::too_deep(v) {
            self.deep.push((self.display_path(), deep));
        }
        if let Some((at, ch)) = first_bad(v, lines) {
            self.found.push(Bad {
                path: self.display_path(),
                key,
                ch,
                lines,
                excerpt: excerpt(v, at),
            });
        }
    }
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("unsupported value")
    }
}
impl std::error::Error for Never {}
impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Never {
        Never
    }
}

/// Serializes a map key to the string it is in a path.
struct KeyText;

macro_rules! key_as_display {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<String, Never> { Ok(v.to_string()) }
    )*};
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Never;
    type SerializeSeq = ser::Impossible<String, Never>;
    type SerializeTuple = ser::Impossible<String, Never>;
    type SerializeTupleStruct = ser::Impossible<String, Never>;
    type SerializeTupleVariant = ser::Impossible<String, Never>;
    type SerializeMap = ser::Impossible<String, Never>;
    type SerializeStruct = ser::Impossible<String, Never>;
    type SerializeStructVariant = ser::Impossible<String, Never>;
    key_as_display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str);
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Never> {
        Err(Never)
    }
    fn serialize_none(self) -> Result<String, Never> {
        Err(Never)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<String, Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Never> {
        Err(Never)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Never> {
        Err(Never)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<String, Never> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Never> {
        Err(Never)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
        Err(Never)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
        Err(Never)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Never> {
        Err(Never)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Never> {
        Err(Never)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
        Err(Never)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
        Err(Never)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Never> {
        Err(Never)
    }
}

macro_rules! ignore_scalars {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, _: $t) -> Result<(), Never> { Ok(()) }
    )*};
}

impl ser::Serializer for &mut Walker {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;
    ignore_scalars!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_bytes: &[u8]);
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.text(v.encode_utf8(&mut [0; 4]), false);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.text(v, false);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.path.push(Seg::Index(0));
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self, Never> {
        self.structs.push(name);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.structs.push(name);
        Ok(self)
    }
}

impl Walker {
    fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
        v.serialize(&mut *self)?;
        if let Some(Seg::Index(i)) = self.path.last_mut() {
            *i += 1;
        }
        Ok(())
    }

    fn end_seq(&mut self) -> Result<(), Never> {
        self.path.pop();
        Ok(())
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), Never> {
        let owner = self.structs.last().copied().unwrap_or_default();
        let lines = if MULTI_LINE.contains(&(owner, key)) {
            (Lines::Many, true)
        } else if INLINE_MARKDOWN.contains(&(owner, key)) {
            (Lines::One, true)
        } else if TABS.contains(&(owner, key)) {
            (Lines::OneWithTabs, false)
        } else {
            (Lines::One, false)
        };
        self.path.push(Seg::Field(key));
        self.lines.push(lines);
        let r = v.serialize(&mut *self);
        self.lines.pop();
        self.path.pop();
        r
    }

    fn end_struct(&mut self) -> Result<(), Never> {
        self.structs.pop();
        Ok(())
    }
}

/// Sequences and tuples of every kind: each element is walked as an item of a list.
macro_rules! walk_elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Walker {
            type Ok = ();
            type Error = Never;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
                self.element(v)
            }
            fn end(self) -> Result<(), Never> {
                self.end_seq()
            }
        }
    )*};
}

walk_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Walker {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Never> {
        let key = k.serialize(KeyText).unwrap_or_else(|_| "?".into());
        self.path.push(Seg::Key(key.clone()));
        self.text(&key, true);
        self.path.pop();
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
        let key = self.key.take().unwrap_or_else(|| "?".into());
        self.path.push(Seg::Key(key));
        let r = v.serialize(&mut **self);
        self.path.pop();
        r
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Walker {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Never> {
        self.end_struct()
    }
}

impl ser::SerializeStructVariant for &mut Walker {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Never> {
        self.end_struct()
    }
}

/// Adds a finding for each text of `parsed` that holds a character it may not, for each
/// markdown text that nests too deep, and for its markdown making too many elements in all.
fn check_file<T: Serialize>(parsed: &Parsed<T>, findings: &mut Findings) {
    let walked = walk(&*parsed.value, false);
    // The bound clears nearly every file; only those it does not are parsed.
    if walked.too_large.is_some() {
        too_large(parsed, findings);
    }
    for (path, deep) in walked.deep {
        let max = crate::markdown::MAX_NESTING;
        findings.push(
            Finding::error(
                &parsed.file,
                parsed.spans.value(&path),
                "markdown-too-deep",
                format!(
                    "the markdown at `{path}` nests more than {max} deep (block quotes, lists, emphasis, links or HTML elements inside each other), first on line {} of the text",
                    deep.line
                ),
            )
            .hint("flatten the nesting; pages with it would take minutes to build"),
        );
    }
    for bad in walked.found {
        let pos = if bad.key {
            parsed.spans.key(&bad.path)
        } else {
            parsed.spans.value(&bad.path)
        };
        findings.push(
            Finding::error(&parsed.file, pos, "control-character", bad.message()).hint(bad.hint()),
        );
    }
}

/// Adds a finding when the markdown of `parsed` makes more than
/// [`crate::markdown::MAX_ELEMENTS`] HTML elements in all, at the text that passes the limit.
fn too_large<T: Serialize>(parsed: &Parsed<T>, findings: &mut Findings) {
    let counted = walk(&*parsed.value, true);
    let Some((path, Some(at))) = counted.too_large else {
        return;
    };
    let max = crate::markdown::MAX_ELEMENTS;
    findings.push(
        Finding::error(
            &parsed.file,
            parsed.spans.value(&path),
            "markdown-too-large",
            format!(
                "the markdown of this file makes more than {max} HTML elements, the most a file may make (tags, list items, table cells, emphasis, links and raw HTML elements all count), passing it on line {} of the text at `{path}`",
                at.line
            ),
        )
        .hint("split the text: publish parts as separate advisories, or move long tables and lists to a document the advisory links to"),
    );
}

pub fn check(p: &Project, findings: &mut Findings) {
    if let Some(s) = &p.settings {
        check_file(s, findings);
    }
    if let Some(c) = &p.catalog {
        check_file(c, findings);
    }
    for t in p.site_texts.values() {
        check_file(t, findings);
    }
    super::per_advisory(p, findings, |adv, findings| {
        if let Some(f) = &adv.facts {
            check_file(f, findings);
        }
        for t in adv.texts.values() {
            check_file(t, findings);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds exactly the characters the rule names, in every plane, and only
    /// them (each alone, and between two neighbours that share its leading byte).
    #[test]
    fn the_byte_scan_is_the_rule_for_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for (lines, newline, tab) in [
                (Lines::One, false, false),
                (Lines::OneWithTabs, false, true),
                (Lines::Many, true, true),
            ] {
                let bad = match c {
                    '\n' => !newline,
                    '\t' => !tab,
                    c => c.is_control() || is_noncharacter(c),
                };
                let text = format!("\u{a0}a{c}\u{ffef}");
                let want = bad.then_some((3, c));
                assert_eq!(first_bad(&text, lines), want, "U+{:04X}", c as u32);
            }
        }
    }

    fn scan<T: Serialize>(value: &T) -> Vec<Bad> {
        walk(value, false).found
    }

    #[test]
    fn finds_controls_and_noncharacters_with_their_path() {
        let mut faq: crate::model::Faq =
            serde_yaml::from_str("question: \"a\\eb\"\nanswer: \"x\\n\\ty\"\n").unwrap();
        let found = scan(&faq);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "question");
        assert_eq!(
            found[0].message(),
            "the value at `question` holds U+001B (ESC), a control character: `a\\u{1b}b`"
        );
        faq.question = "ok".into();
        faq.answer = "a\u{FDD0}".into();
        assert_eq!(scan(&faq)[0].ch, '\u{FDD0}');
        faq.answer = "\u{10FFFF}".into();
        assert_eq!(scan(&faq)[0].ch, '\u{10FFFF}');
        faq.answer = "\u{85}".into();
        assert_eq!(scan(&faq)[0].ch, '\u{85}');
        // Printable characters near the ranges pass.
        faq.answer = "\u{FDCF}\u{FDF0}\u{FFFD}\u{A0}é😀\u{1FFFD}".into();
        assert_eq!(scan(&faq), []);
    }

    #[test]
    fn map_keys_and_values_are_paths() {
        let t: crate::model::AdvisoryText = serde_yaml::from_str(
            "revision: \"1\"\ntitle: t\nsummary: \"a\\n\\tb\"\nlinks:\n  \"k\\0\": l\n  ok: \"a\\nb\"\nfaq:\n  - question: q\n    answer: a\n  - question: \"q\\x01\"\n    answer: a\n",
        )
        .unwrap();
        let found: Vec<(String, bool, char)> = scan(&t)
            .into_iter()
            .map(|b| (b.path, b.key, b.ch))
            .collect();
        assert_eq!(
            found,
            [
                ("faq[1].question".to_string(), false, '\u{1}'),
                ("links.k\0".to_string(), true, '\0'),
                ("links.ok".to_string(), false, '\n'),
            ]
        );
    }

    #[test]
    fn excerpts_are_short() {
        let long = format!("{}\u{0}{}", "a".repeat(1000), "b".repeat(1000));
        let e = excerpt(&long, 1000);
        assert_eq!(e, format!("…{}\\0{}…", "a".repeat(12), "b".repeat(11)));
    }

    /// Every field named multi-line exists in the model's schema, so a rename cannot
    /// silently make a markdown field one line.
    #[test]
    fn multi_line_fields_exist() {
        let schemas = [
            serde_json::to_string(&schemars::schema_for!(crate::model::AdvisoryText)).unwrap(),
            serde_json::to_string(&schemars::schema_for!(crate::model::SiteText)).unwrap(),
            serde_json::to_string(&schemars::schema_for!(crate::model::Settings)).unwrap(),
            serde_json::to_string(&schemars::schema_for!(crate::model::Advisory)).unwrap(),
        ]
        .concat();
        for (owner, field) in MULTI_LINE.iter().chain(TABS).chain(INLINE_MARKDOWN) {
            assert!(
                schemas.contains(&format!("\"{owner}\""))
                    || ["AdvisoryText", "SiteText", "Settings"].contains(owner),
                "{owner}"
            );
            assert!(schemas.contains(&format!("\"{field}\"")), "{owner}.{field}");
        }
    }
}
