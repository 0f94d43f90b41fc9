//! Where each value of a YAML file stands: a map from a value's path (`revisions[1].date`)
//! to its line and column, so that checks on typed data can point into the source.
//!
//! serde_yaml gives a location only for the first error it meets; this index is built from
//! yaml-rust2's event stream, which carries a marker for every node.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

pub use crate::diag::Pos;

/// A YAML syntax error with its position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What the parser said.
    pub message: String,
}

/// The positions of a parsed file's values, worked out on first use: most files have no
/// finding, and positions for every value of every file would cost a second parse and much
/// memory.
///
/// Clones share the index (the same text has the same positions): `serve` clones the
/// parsed value of every unchanged file in each rebuild, and a deep copy of the indexes
/// worked out for the warnings of a large site was a tenth of such a rebuild.
#[derive(Debug, Clone)]
pub struct Spans {
    index: std::sync::Arc<std::sync::OnceLock<SpanIndex>>,
    origin: Origin,
}

#[derive(Debug, Clone)]
enum Origin {
    File(std::path::PathBuf),
    Text(std::sync::Arc<str>),
    Built,
}

impl Spans {
    /// Positions in the file at `path`, read again when first needed.
    pub fn from_file(path: &std::path::Path) -> Spans {
        Spans {
            index: Default::default(),
            origin: Origin::File(path.to_path_buf()),
        }
    }

    /// Positions in `text`.
    pub fn from_text(text: &str) -> Spans {
        Spans {
            index: Default::default(),
            origin: Origin::Text(text.into()),
        }
    }

    /// Positions already worked out.
    pub fn built(index: SpanIndex) -> Spans {
        Spans {
            index: std::sync::Arc::new(std::sync::OnceLock::from(index)),
            origin: Origin::Built,
        }
    }

    /// The index; empty (every position 1:1) if the file can no longer be read or parsed.
    pub fn index(&self) -> &SpanIndex {
        self.index.get_or_init(|| {
            let text = match &self.origin {
                // Never through a link, nor from a pipe swapped in since the file was read.
                Origin::File(p) => super::source_text(p),
                Origin::Text(t) => Some(t.to_string()),
                Origin::Built => None,
            };
            text.and_then(|t| SpanIndex::build(&t).ok())
                .unwrap_or_default()
        })
    }

    /// See [`SpanIndex::value`].
    pub fn value(&self, path: &str) -> Pos {
        self.index().value(path)
    }

    /// See [`SpanIndex::key`].
    pub fn key(&self, path: &str) -> Pos {
        self.index().key(path)
    }

    /// See [`SpanIndex::find_scalar`].
    pub fn find_scalar(&self, text: &str) -> Option<(Option<String>, Pos)> {
        self.index().find_scalar(text)
    }
}

/// Positions of the values and keys of one YAML document.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    values: BTreeMap<String, Pos>,
    keys: BTreeMap<String, Pos>,
    scalars: Vec<(String, String, Pos)>,
    /// Keys that appear twice in one mapping: (path, position of the second one).
    pub duplicate_keys: Vec<(String, Pos)>,
    /// Every mapping key with the exact path of its mapping, for checks against a schema.
    pub entries: Vec<Entry>,
}

/// One step of a path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A mapping key and where it stands.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path of the mapping holding the key.
    pub parent: Vec<Seg>,
    /// The key.
    pub key: String,
    /// The display path of the key, e.g. `revisions[0].dtae`.
    pub path: String,
    /// Where the key stands.
    pub pos: Pos,
}

impl SpanIndex {
    /// Parses `text` and records every node's position.
    pub fn build(text: &str) -> Result<SpanIndex, SyntaxError> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        parser.load(&mut builder, false).map_err(|e| SyntaxError {
            pos: to_pos(e.marker()),
            message: e.info().to_string(),
        })?;
        Ok(builder.index)
    }

    /// Where the value at `path` starts, or where its nearest recorded parent starts.
    pub fn value(&self, path: &str) -> Pos {
        self.lookup(&self.values, path)
    }

    /// The path and position of the first scalar value equal to `text`.
    pub fn find_scalar(&self, text: &str) -> Option<(Option<String>, Pos)> {
        self.scalars
            .iter()
            .find(|(_, t, _)| t == text)
            .map(|(path, _, pos)| (Some(path.clone()).filter(|p| !p.is_empty()), *pos))
    }

    /// Where the key of the mapping entry at `path` stands (falls back to the value).
    pub fn key(&self, path: &str) -> Pos {
        match self.keys.get(path) {
            Some(p) => *p,
            None => self.value(path),
        }
    }

    fn lookup(&self, map: &BTreeMap<String, Pos>, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = map.get(p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    return self
                        .values
                        .get("")
                        .copied()
                        .unwrap_or(Pos { line: 1, column: 1 });
                }
            }
        }
    }
}

fn to_pos(m: &Marker) -> Pos {
    // yaml-rust2 counts columns from 0.
    Pos {
        line: m.line().max(1),
        column: m.col() + 1,
    }
}

enum Frame {
    Seq {
        path: String,
        next: usize,
    },
    Map {
        path: String,
        key: Option<String>,
        seen: Vec<String>,
    },
}

#[derive(Default)]
struct Builder {
    index: SpanIndex,
    stack: Vec<Frame>,
    /// The exact path of each open container, parallel to `stack`.
    segs: Vec<Vec<Seg>>,
}

impl Builder {
    /// Path of the node that starts now, or None when the event is a mapping key.
    fn next_path(&mut self, key_text: Option<&str>, pos: Pos) -> Option<(String, Vec<Seg>)> {
        let parent = self.segs.last().cloned().unwrap_or_default();
        let child = |seg: Seg| {
            let mut v = parent.clone();
            v.push(seg);
            v
        };
        match self.stack.last_mut() {
            None => Some((String::new(), Vec::new())),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                let segs = child(Seg::Index(*next));
                *next += 1;
                Some((p, segs))
            }
            Some(Frame::Map { path, key, seen }) => match key.take() {
                Some(k) => Some((join(path, &k), child(Seg::Key(k)))),
                None => {
                    // This node is a key: remember it; complex keys get a placeholder.
                    let k = key_text.unwrap_or("?").to_string();
                    let full = join(path, &k);
                    // yaml-rust2 marks a block mapping's start oddly; its first key is
                    // where a reader sees it begin.
                    if seen.is_empty() {
                        self.index.values.entry(path.clone()).or_insert(pos);
                    }
                    if seen.contains(&k) {
                        self.index.duplicate_keys.push((full.clone(), pos));
                    } else {
                        seen.push(k.clone());
                    }
                    self.index.keys.entry(full.clone()).or_insert(pos);
                    self.index.entries.push(Entry {
                        parent,
                        key: k.clone(),
                        path: full,
                        pos,
                    });
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = to_pos(&mark);
        match ev {
            Event::Scalar(ref text, ..) => {
                if let Some((path, _)) = self.next_path(Some(text), pos) {
                    self.index.values.entry(path.clone()).or_insert(pos);
                    self.index.scalars.push((path, text.clone(), pos));
                }
            }
            Event::Alias(_) => {
                if let Some((path, _)) = self.next_path(Some("*alias"), pos) {
                    self.index.values.entry(path).or_insert(pos);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let (path, segs) = self
                    .next_path(None, pos)
                    .unwrap_or_else(|| ("?".into(), Vec::new()));
                self.segs.push(segs);
                if matches!(ev, Event::SequenceStart(..)) {
                    self.index.values.entry(path.clone()).or_insert(pos);
                }
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq { path, next: 0 }
                } else {
                    Frame::Map {
                        path,
                        key: None,
                        seen: Vec::new(),
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
                self.segs.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "id: \"1\"\nrevisions:\n  - number: \"1.0\"\n    date: 2008-06-13\n  - number: \"1.1\"\n    date: 2008-06-17\nlinks:\n  kb: Label\n";

    #[test]
    fn finds_values_and_keys() {
        let idx = SpanIndex::build(DOC).unwrap();
        assert_eq!(idx.value("id"), Pos { line: 1, column: 5 });
        assert_eq!(
            idx.value("revisions[1].date"),
            Pos {
                line: 6,
                column: 11
            }
        );
        assert_eq!(idx.key("links.kb"), Pos { line: 8, column: 3 });
        // An unknown path falls back to its nearest known parent.
        assert_eq!(idx.value("revisions[1].nope"), Pos { line: 5, column: 5 });
    }

    #[test]
    fn reports_duplicate_keys_and_syntax_errors() {
        let idx = SpanIndex::build("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(
            idx.duplicate_keys,
            vec![("a".to_string(), Pos { line: 3, column: 1 })]
        );
        let err = SpanIndex::build("a: [1, 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
    }
}
