//! The parse cache: what each advisory file parsed to, kept on disk between runs, so that
//! `validate`, `build`, `check` and `serve` parse only the files whose text changed.
//!
//! Parsing YAML is most of what loading costs (libyaml, under serde_yaml, reads about
//! 10 MB/s); the same value read back from JSON costs a small fraction of that. An entry is
//! used only when the file's path and the SHA-256 of its (normalised) text are those it was
//! made from, and only by the seckb that wrote it: the header holds the build id, which
//! changes with the source of seckb, so a changed model never reads an old entry. Only files
//! that parsed without findings are kept, so a cached value stands for a parse that would
//! have reported nothing.
//!
//! The file is text: a header line, then one line per file, `path`, TAB, hex digest, TAB,
//! the value as compact JSON (which never holds a raw tab or newline). A missing, damaged or
//! foreign cache is an empty one: it costs time, never correctness. It is written to a
//! temporary file and renamed into place, so a reader never sees half of it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{AdvisoryDir, Parsed, Project};

/// The folder, under the site root, that holds seckb's caches unless told otherwise.
pub const DEFAULT_DIR: &str = ".seckb-cache";
/// The parse cache's file name in that folder.
const FILE_NAME: &str = "parse.tsv";

/// The entries read from a cache file.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// Where the cache is read from and written to.
    path: PathBuf,
    /// The file's text; entries point into it.
    text: String,
    entries: Entries,
}

/// Path → (digest, the range of the JSON value in the cache's text).
type Entries = HashMap<Box<str>, ([u8; 32], Range<usize>)>;

impl ParseCache {
    /// The cache in folder `dir`, or an empty one if it is missing, damaged or written by
    /// another build of seckb.
    pub fn open(dir: &Path) -> ParseCache {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let entries = parse_entries(&text).unwrap_or_default();
        ParseCache {
            path,
            text,
            entries,
        }
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The JSON of the value parsed from `rel` when its text had `digest`.
    fn raw(&self, rel: &str, digest: &[u8; 32]) -> Option<&str> {
        let (d, range) = self.entries.get(rel)?;
        (d == digest).then(|| &self.text[range.clone()])
    }

    /// The value parsed from `rel` when its text had `digest`, if the cache has it.
    pub fn get<T: DeserializeOwned>(&self, rel: &str, digest: &[u8; 32]) -> Option<T> {
        serde_json::from_str(self.raw(rel, digest)?).ok()
    }

    /// Writes the entries of every advisory file of `project` that parsed, if they differ
    /// from what the cache holds. Returns whether it wrote.
    pub fn store(&self, project: &Project) -> Result<bool> {
        use rayon::prelude::*;
        let files = || {
            project.advisories.iter().flat_map(|dir| {
                let facts = dir.facts.iter().map(|f| (&f.file, &f.digest));
                facts.chain(dir.texts.values().map(|t| (&t.file, &t.digest)))
            })
        };
        let unchanged = !self.text.is_empty()
            && files().count() == self.entries.len()
            && files().all(|(file, digest)| self.raw(file, digest).is_some());
        if unchanged {
            return Ok(false);
        }
        let lines: Vec<String> = project
            .advisories
            .par_iter()
            .map(|dir| self.lines_of(dir))
            .collect::<Result<_>>()?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs_err::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a file in `{}`", dir.display()))?;
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        std::io::Write::write_all(&mut w, header().as_bytes())
            .and_then(|()| {
                lines
                    .iter()
                    .try_for_each(|l| std::io::Write::write_all(&mut w, l.as_bytes()))
            })
            .and_then(|()| std::io::Write::flush(&mut w))
            .with_context(|| format!("cannot write `{}`", dir.display()))?;
        drop(w);
        tmp.persist(&self.path)
            .with_context(|| format!("cannot write `{}`", self.path.display()))?;
        Ok(true)
    }

    /// The lines for one advisory folder.
    fn lines_of(&self, dir: &AdvisoryDir) -> Result<String> {
        let mut out = String::new();
        if let Some(facts) = &dir.facts {
            self.line(facts, &mut out)?;
        }
        for text in dir.texts.values() {
            self.line(text, &mut out)?;
        }
        Ok(out)
    }

    /// Appends the line of one file to `out`.
    fn line<T: Serialize>(&self, parsed: &Parsed<T>, out: &mut String) -> Result<()> {
        if parsed.file.contains(['\t', '\n', '\r']) {
            return Ok(());
        }
        out.push_str(&parsed.file);
        out.push('\t');
        out.push_str(&crate::incremental::hex(&parsed.digest));
        out.push('\t');
        match self.raw(&parsed.file, &parsed.digest) {
            Some(raw) => out.push_str(raw),
            None => {
                let json = serde_json::to_string(&parsed.value)
                    .with_context(|| format!("cannot encode `{}` for the cache", parsed.file))?;
                out.push_str(&json);
            }
        }
        out.push('\n');
        Ok(())
    }
}

/// The first line: the format and the build of seckb that wrote the cache.
fn header() -> String {
    format!("seckb parse cache 1 {}\n", crate::incremental::BUILD_ID)
}

/// The entries of a cache file's text; `None` if it was written by another build or is
/// damaged (then the whole file is ignored rather than trusted in part).
fn parse_entries(text: &str) -> Option<Entries> {
    let body = text.strip_prefix(header().as_str())?;
    let mut offset = text.len() - body.len();
    let mut entries = HashMap::new();
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.strip_suffix('\n')?;
        let mut fields = line.splitn(3, '\t');
        let (path, digest, json) = (fields.next()?, fields.next()?, fields.next()?);
        let digest = unhex(digest)?;
        let json_start = start + path.len() + 1 + digest.len() * 2 + 1;
        entries.insert(path.into(), (digest, json_start..json_start + json.len()));
    }
    Some(entries)
}

/// The 32 bytes of a 64-digit lowercase hex string.
fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_or_damaged_file_is_an_empty_cache() {
        let h = header();
        let good = format!("{h}advisories/a/advisory.yaml\t{}\t{{}}\n", "ab".repeat(32));
        assert_eq!(parse_entries(&good).map(|e| e.len()), Some(1));
        // Another build's header, a cut line, a short digest, a line without a value.
        let other = good.replace(crate::incremental::BUILD_ID, "0.0.0-other");
        assert!(parse_entries(&other).is_none());
        assert!(parse_entries(good.trim_end()).is_none());
        assert!(parse_entries(&good.replace(&"ab".repeat(32), "abab")).is_none());
        assert!(parse_entries(&format!("{h}advisories/a/advisory.yaml\tab\n")).is_none());
    }

    #[test]
    fn values_are_found_by_path_and_digest() {
        let d = [7u8; 32];
        let text = format!(
            "{}x.yaml\t{}\t{{\"a\":[1,2]}}\n",
            header(),
            crate::incremental::hex(&d)
        );
        let cache = ParseCache {
            entries: parse_entries(&text).unwrap(),
            text,
            path: PathBuf::new(),
        };
        let v: serde_json::Value = cache.get("x.yaml", &d).unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, 2]}));
        assert!(
            cache
                .get::<serde_json::Value>("x.yaml", &[8u8; 32])
                .is_none()
        );
        assert!(cache.get::<serde_json::Value>("y.yaml", &d).is_none());
        // A value of the wrong shape is a miss, not an error.
        assert!(cache.get::<Vec<u8>>("x.yaml", &d).is_none());
    }
}
