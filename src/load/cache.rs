//! The parse cache: what each advisory file parsed to, kept on disk between runs, so that
//! `validate`, `build`, `check` and `serve` parse only the files whose text changed.
//!
//! Parsing YAML is most of what loading costs (libyaml, under serde_yaml, reads about
//! 40 MB/s); the same value read back from JSON costs a fraction of that. An entry is
//! used only when the file's path and the SHA-256 of its (normalised) text are those it was
//! made from, and only by the seckb that wrote it: the header holds the build id, which
//! changes with the source of seckb, so a changed model never reads an old entry. Only files
//! that parsed without findings are kept, so a cached value stands for a parse that would
//! have reported nothing.
//!
//! Reading and hashing every file still costs: at 100,000 advisories, 300,000 files. So an
//! entry also records the file's [`Stat`] (size, modification and change times, inode) when
//! it was read, and a file whose `Stat` is the same next time is taken to hold the same text
//! without being read, as git's index does. A file modified within two seconds of being read
//! gets no `Stat` (its time may not yet tell a later write apart), so it is read again.
//!
//! The cache is 256 shard files, `parse-00.tsv` to `parse-ff.tsv`; the files of one advisory
//! folder are all in the shard its name hashes to. Shards are read in parallel, and a run
//! rewrites only the shards whose entries changed, so editing one advisory rewrites a
//! 256th of the cache, not all of it. Each shard is text: a header line, then one line per
//! file, `path`, TAB, hex digest, TAB, the `Stat` or `-`, TAB, the value as compact JSON (which never holds a raw
//! tab or newline). A missing, damaged or foreign shard is an empty one: it costs time,
//! never correctness. Shards are written to a temporary file and renamed into place, so a
//! reader never sees half of one.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Digest;

use super::{AdvisoryDir, CheckedDir, Parsed, Project};

/// Where the parse cache of the site at `root` is kept unless `--cache-dir` says otherwise:
/// in the user's cache folder (`$XDG_CACHE_HOME`, else `~/.cache`, or `%LOCALAPPDATA%` on
/// Windows), under `seckb/parse/` and the first 16 hex digits of the SHA-256 of the site's
/// absolute path. Never inside the site: a cache that came with a checkout (committed, or in
/// a pull request) could make the site differ from its YAML with no visible change in it,
/// so by default seckb only reads caches it wrote on this machine. `None` when the user has
/// no cache folder.
pub fn default_dir(root: &Path) -> Option<PathBuf> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = from_env("XDG_CACHE_HOME").or_else(|| {
        if cfg!(windows) {
            from_env("LOCALAPPDATA")
        } else {
            from_env("HOME").map(|h| h.join(".cache"))
        }
    })?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let hash = sha2::Sha256::digest(root.to_string_lossy().as_bytes());
    let name = crate::util::hex(&hash[..8]);
    Some(base.join("seckb").join("parse").join(name))
}
/// How many shard files the cache is split into.
const SHARDS: usize = 256;

/// The entries read from a cache folder.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// Where the cache is read from and written to.
    dir: PathBuf,
    /// Every shard, by number; a missing one is empty.
    shards: Vec<Shard>,
}

/// One shard file.
#[derive(Debug, Default)]
struct Shard {
    /// The file's text; entries point into it.
    text: String,
    entries: Entries,
}

/// Path → the entry.
type Entries = HashMap<Box<str>, Entry>;

/// What a shard holds of one file.
#[derive(Debug)]
struct Entry {
    digest: [u8; 32],
    stat: Option<Stat>,
    /// The range of the JSON value in the shard's text.
    json: Range<usize>,
}

/// What the file system tells of a file without reading it: its size, modification and
/// change times (in nanoseconds) and inode. A write changes the modification time, and
/// anything else that could replace the text (a rename over it, a restored backup, a
/// `touch -m` back in time) changes the change time or the inode, which no user can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    len: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

/// How long after a file's last modification its `Stat` is trusted: file times are taken
/// from a clock that ticks every few milliseconds, so a write right after a read could leave
/// them as they were. Two seconds covers that, and the two-second times of FAT.
const SETTLED_NS: i128 = 2_000_000_000;

impl Stat {
    /// The `Stat` of a file with metadata `meta`, read at `now`; `None` where the platform
    /// does not give change times and inodes, or when the file was modified less than two
    /// seconds before `now` (or after it: a clock set back).
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata, now: std::time::SystemTime) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        let now = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        let stat = Stat {
            len: meta.len(),
            modified: ns(meta.mtime(), meta.mtime_nsec()),
            changed: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        };
        // A write sets both times to the clock's current tick. After two seconds, that can no
        // longer be the recorded modification time, whatever the change time says.
        let settled = stat.modified + SETTLED_NS;
        (settled < i128::try_from(now).ok()?).then_some(stat)
    }

    /// Always `None`: without change times and inodes a file is always read.
    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata, _now: std::time::SystemTime) -> Option<Stat> {
        None
    }

    /// `len:modified:changed:inode`, in decimal.
    fn encode(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.len, self.modified, self.changed, self.inode
        )
    }

    fn decode(s: &str) -> Option<Stat> {
        let mut it = s.split(':');
        let stat = Stat {
            len: it.next()?.parse().ok()?,
            modified: it.next()?.parse().ok()?,
            changed: it.next()?.parse().ok()?,
            inode: it.next()?.parse().ok()?,
        };
        it.next().is_none().then_some(stat)
    }
}

/// The file name of shard `i`.
fn shard_file(i: usize) -> String {
    format!("parse-{i:02x}.tsv")
}

/// The shard of the files of the advisory folder `folder` (`advisories/<id>`): FNV-1a of its
/// name. Stable across runs; the header's build id covers any change to it.
fn shard_of_folder(folder: &str) -> usize {
    (crate::util::stable_hash(folder.as_bytes()) % SHARDS as u64) as usize
}

/// The shard of the file at `rel`.
fn shard_of(rel: &str) -> usize {
    shard_of_folder(rel.rsplit_once('/').map_or(rel, |(folder, _)| folder))
}

impl ParseCache {
    /// The cache in folder `dir`; shards that are missing, damaged or written by another
    /// build of seckb are empty.
    pub fn open(dir: &Path) -> ParseCache {
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|i| {
                // Outside the site, so a link may be followed; but a pipe is not read.
                let text = super::file::read(
                    &dir.join(shard_file(i)),
                    u64::MAX / 2,
                    super::file::Links::Follow,
                )
                .ok()
                .and_then(super::file::Read::bytes)
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
                match parse_entries(&text) {
                    Some(entries) => Shard { text, entries },
                    None => Shard::default(),
                }
            })
            .collect();
        ParseCache {
            dir: dir.to_path_buf(),
            shards,
        }
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.entries.len()).sum()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry of `rel` and the text it points into.
    fn entry(&self, rel: &str) -> Option<(&Entry, &str)> {
        let shard = self.shards.get(shard_of(rel))?;
        Some((shard.entries.get(rel)?, &shard.text))
    }

    /// The JSON of the value parsed from `rel` when its text had `digest`.
    fn raw(&self, rel: &str, digest: &[u8; 32]) -> Option<&str> {
        let (entry, text) = self.entry(rel)?;
        (entry.digest == *digest).then(|| &text[entry.json.clone()])
    }

    /// The digest recorded for `rel` if the file's `stat` is the one recorded with it: the
    /// file then holds the text it had, and need not be read.
    pub fn trusted(&self, rel: &str, stat: &Stat) -> Option<[u8; 32]> {
        let (entry, _) = self.entry(rel)?;
        (entry.stat.as_ref() == Some(stat)).then_some(entry.digest)
    }

    /// The value parsed from `rel` when its text had `digest`, if the cache has it.
    pub fn get<T: DeserializeOwned>(&self, rel: &str, digest: &[u8; 32]) -> Option<T> {
        serde_json::from_str(self.raw(rel, digest)?).ok()
    }

    /// Writes the entries of every advisory file of `project` that parsed, and what the
    /// rules found in each folder that read cleanly, rewriting the shards whose entries
    /// differ from what they hold. The entries of folders that were not read
    /// ([`Project::checked`]) are kept as they are. Returns how many shards it rewrote.
    pub fn store(&self, project: &Project) -> Result<usize> {
        let context = project.context();
        let mut groups: Vec<Vec<Folder>> = vec![Vec::new(); SHARDS];
        for dir in &project.advisories {
            groups[shard_of_folder(&format!("advisories/{}", dir.dir))].push(Folder::Read(dir));
        }
        for dir in &project.checked {
            groups[shard_of_folder(&format!("advisories/{}", dir.dir))].push(Folder::Checked(dir));
        }
        let written = groups
            .par_iter_mut()
            .enumerate()
            .map(|(i, dirs)| {
                dirs.sort_by(|a, b| a.name().cmp(b.name()));
                self.store_shard(i, dirs, &context)
            })
            .collect::<Result<Vec<bool>>>()?;
        Ok(written.into_iter().filter(|w| *w).count())
    }

    /// Rewrites shard `i` with the entries of `dirs`, unless it holds just those already.
    fn store_shard(&self, i: usize, dirs: &[Folder], context: &[u8; 32]) -> Result<bool> {
        let mut lines: Vec<Line> = Vec::new();
        for dir in dirs {
            match dir {
                Folder::Read(dir) => {
                    let files = dir.facts.iter().map(|f| ("advisory", f.as_line()));
                    let texts = dir
                        .texts
                        .iter()
                        .map(|(stem, t)| (stem.as_str(), t.as_line()));
                    let files: Vec<(&str, Line)> = files.chain(texts).collect();
                    if let Some(result) = &dir.checked {
                        let stems = files.iter().map(|(stem, line)| (*stem, &line.digest));
                        let key = super::folder_key(context, &dir.dir, stems);
                        let path = super::folder_entry(&dir.dir);
                        lines.extend(files.into_iter().map(|(_, line)| line));
                        lines.push(Line {
                            path: path.into(),
                            digest: key,
                            stat: None,
                            value: result as &(dyn erased::Json + Sync),
                        });
                    } else {
                        lines.extend(files.into_iter().map(|(_, line)| line));
                    }
                }
                Folder::Checked(dir) => {
                    for file in dir
                        .files
                        .iter()
                        .cloned()
                        .chain([super::folder_entry(&dir.dir)])
                    {
                        if let Some((entry, _)) = self.entry(&file) {
                            lines.push(Line {
                                path: file.into(),
                                digest: entry.digest,
                                stat: entry.stat,
                                value: &erased::HELD,
                            });
                        }
                    }
                }
            }
        }
        let held = self.shards.get(i).map_or(0, |s| s.entries.len());
        let held_as_is = |line: &Line| {
            self.entry(&line.path)
                .is_some_and(|(e, _)| e.digest == line.digest && e.stat == line.stat)
        };
        if lines.len() == held && lines.iter().all(held_as_is) {
            return Ok(false);
        }
        let mut text = header();
        for line in &lines {
            self.push_line(line, &mut text)?;
        }
        fs_err::create_dir_all(&self.dir)?;
        let path = self.dir.join(shard_file(i));
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)
            .with_context(|| format!("cannot create a file in `{}`", self.dir.display()))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", tmp.path().display()))?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        Ok(true)
    }

    /// Appends one line to `out`: the value held for the same path and digest when there is
    /// one, else the value encoded anew.
    fn push_line(&self, line: &Line, out: &mut String) -> Result<()> {
        if line.path.contains(['\t', '\n', '\r']) {
            return Ok(());
        }
        let json = match self.raw(&line.path, &line.digest) {
            Some(raw) => raw.to_string(),
            None => match line.value.to_json() {
                Some(json) => {
                    json.with_context(|| format!("cannot encode `{}` for the cache", line.path))?
                }
                None => return Ok(()),
            },
        };
        out.push_str(&line.path);
        out.push('\t');
        out.push_str(&crate::util::hex(&line.digest));
        out.push('\t');
        match &line.stat {
            Some(stat) => out.push_str(&stat.encode()),
            None => out.push('-'),
        }
        out.push('\t');
        out.push_str(&json);
        out.push('\n');
        Ok(())
    }
}

/// An advisory folder, as [`ParseCache::store`] sees it.
#[derive(Clone, Copy)]
enum Folder<'a> {
    Read(&'a AdvisoryDir),
    Checked(&'a CheckedDir),
}

impl Folder<'_> {
    fn name(&self) -> &str {
        match self {
            Folder::Read(d) => &d.dir,
            Folder::Checked(d) => &d.dir,
        }
    }
}

/// One line of a shard to be written.
struct Line<'a> {
    path: std::borrow::Cow<'a, str>,
    digest: [u8; 32],
    stat: Option<Stat>,
    /// The value, encoded only when the shard does not hold it already.
    value: &'a (dyn erased::Json + Sync),
}

impl<T: Serialize + Send + Sync> Parsed<T> {
    fn as_line(&self) -> Line<'_> {
        Line {
            path: self.file.as_str().into(),
            digest: self.digest,
            stat: self.stat,
            value: self as &(dyn erased::Json + Sync),
        }
    }
}

/// Values of different types, encoded to JSON when needed.
mod erased {
    use serde::Serialize;

    pub trait Json {
        /// The JSON of the value; `None` for a value only the shard holds.
        fn to_json(&self) -> Option<serde_json::Result<String>>;
    }

    impl<T: Serialize> Json for super::Parsed<T> {
        fn to_json(&self) -> Option<serde_json::Result<String>> {
            Some(serde_json::to_string(&*self.value))
        }
    }

    impl Json for crate::diag::FolderResult {
        fn to_json(&self) -> Option<serde_json::Result<String>> {
            Some(serde_json::to_string(self))
        }
    }

    /// A line copied from the shard as it is.
    pub struct Held;
    pub const HELD: Held = Held;

    impl Json for Held {
        fn to_json(&self) -> Option<serde_json::Result<String>> {
            None
        }
    }
}

/// The first line: the format and the build of seckb that wrote the cache.
fn header() -> String {
    format!("seckb parse cache 2 {}\n", crate::util::BUILD_ID)
}

/// The entries of a cache file's text; `None` if it was written by another build or is
/// damaged (then the whole file is ignored rather than trusted in part).
fn parse_entries(text: &str) -> Option<Entries> {
    let body = text.strip_prefix(header().as_str())?;
    let mut offset = text.len() - body.len();
    let mut entries = HashMap::default();
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.strip_suffix('\n')?;
        let mut fields = line.splitn(4, '\t');
        let (path, hex, stat, json) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        let digest = crate::util::unhex(hex)?;
        let stat = match stat {
            "-" => None,
            s => Some(Stat::decode(s)?),
        };
        let json_start = start + line.len() - json.len();
        let json = json_start..json_start + json.len();
        entries.insert(path.into(), Entry { digest, stat, json });
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_or_damaged_file_is_an_empty_cache() {
        let h = header();
        let good = format!(
            "{h}advisories/a/advisory.yaml\t{}\t-\t{{}}\n",
            "ab".repeat(32)
        );
        assert_eq!(parse_entries(&good).map(|e| e.len()), Some(1));
        // Another build's header, a cut line, a short digest, a line without a value.
        let other = good.replace(crate::util::BUILD_ID, "0.0.0-other");
        assert!(parse_entries(&other).is_none());
        assert!(parse_entries(good.trim_end()).is_none());
        assert!(parse_entries(&good.replace(&"ab".repeat(32), "abab")).is_none());
        assert!(parse_entries(&format!("{h}advisories/a/advisory.yaml\tab\n")).is_none());
        // A stat that is neither `-` nor four numbers.
        assert!(parse_entries(&good.replace("\t-\t", "\t1:2:3\t")).is_none());
    }

    #[test]
    fn values_are_found_by_path_and_digest() {
        let d = [7u8; 32];
        let text = format!(
            "{}x.yaml\t{}\t{}\t{{\"a\":[1,2]}}\n",
            header(),
            crate::util::hex(&d),
            STAT.encode(),
        );
        let mut shards: Vec<Shard> = (0..SHARDS).map(|_| Shard::default()).collect();
        shards[shard_of("x.yaml")] = Shard {
            entries: parse_entries(&text).unwrap(),
            text,
        };
        let cache = ParseCache {
            dir: PathBuf::new(),
            shards,
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
        // The digest is trusted for the stat recorded, and for no other.
        assert_eq!(cache.trusted("x.yaml", &STAT), Some(d));
        let touched = Stat {
            changed: STAT.changed + 1,
            ..STAT
        };
        assert_eq!(cache.trusted("x.yaml", &touched), None);
        assert_eq!(cache.trusted("y.yaml", &STAT), None);
    }

    const STAT: Stat = Stat {
        len: 120,
        modified: 1_700_000_000_123_456_789,
        changed: 1_700_000_000_123_456_789,
        inode: 42,
    };

    #[test]
    #[cfg(unix)]
    fn a_file_modified_in_the_last_two_seconds_has_no_stat() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "x: 1\n").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(Stat::of(&meta, SystemTime::now()), None);
        let later = SystemTime::now() + Duration::from_secs(3);
        let stat = Stat::of(&meta, later).unwrap();
        assert_eq!(stat.len, 5);
        assert_eq!(Stat::decode(&stat.encode()), Some(stat));
    }
}
