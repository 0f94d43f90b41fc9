//! Reads a site from disk into typed data: settings, site text, the product catalog and
//! every advisory, in sorted order. Problems with the content become findings (with file,
//! line and column); only failures to read the disk at all are errors.

pub mod cache;
pub mod file;
mod shape;
pub mod spans;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;

use crate::diag::{Finding, Findings};
use crate::model::{Advisory, AdvisoryText, Catalog, Settings, SiteText};
use spans::{Pos, SpanIndex, Spans};

/// Largest file read, so that a stray huge file gives a clear error, not a stalled build.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A value read from a file, with the file's name and the positions of its values.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The typed value.
    pub value: std::sync::Arc<T>,
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// Where each value stands in the file, worked out only when a finding needs it.
    pub spans: Spans,
    /// SHA-256 of the (normalised) text: what the value was made from, for incremental
    /// builds.
    pub digest: [u8; 32],
    /// The file's size, times and inode when it was read, if they can stand for its text
    /// next time (see [`cache::Stat`]).
    pub stat: Option<cache::Stat>,
}

/// One folder under `advisories/`.
#[derive(Debug, Clone)]
pub struct AdvisoryDir {
    /// The folder name.
    pub dir: String,
    /// `advisory.yaml`, when it exists and parsed.
    pub facts: Option<Parsed<Advisory>>,
    /// `<lang>.yaml` files that parsed, by the file stem.
    pub texts: BTreeMap<String, Parsed<AdvisoryText>>,
    /// Whether `advisory.yaml` exists (it may still have failed to parse).
    pub has_facts_file: bool,
    /// Stems of every `<lang>.yaml` file, including those that failed to parse.
    pub text_files: std::collections::BTreeSet<String>,
    /// Whether reading the folder gave no findings.
    pub clean: bool,
    /// What the rules that look at one folder found in it, when it read cleanly: from the
    /// parse cache when it held them for these files (then the rules do not run on the
    /// folder again), else once the rules ran; kept in the parse cache for a later run.
    pub checked: Option<crate::diag::FolderResult>,
}

/// An advisory folder that was not read, because its files are those of a cached result of
/// the rules (only when loading for `validate`, see [`Options::shallow`]).
#[derive(Debug, Clone)]
pub struct CheckedDir {
    /// The folder name.
    pub dir: String,
    /// Its files (`advisories/<dir>/<stem>.yaml`).
    pub files: Vec<String>,
    /// What the rules found in it.
    pub result: crate::diag::FolderResult,
}

/// Everything read from a site root.
#[derive(Debug, Default)]
pub struct Project {
    /// The site root.
    pub root: PathBuf,
    /// `seckb.yaml`.
    pub settings: Option<Parsed<Settings>>,
    /// `i18n/<lang>.yaml`, by file stem.
    pub site_texts: BTreeMap<String, Parsed<SiteText>>,
    /// `products.yaml`.
    pub catalog: Option<Parsed<Catalog>>,
    /// Advisory folders, sorted by name.
    pub advisories: Vec<AdvisoryDir>,
    /// Advisory folders not read, with what the rules found in them, sorted by name (only
    /// from [`Options::shallow`]).
    pub checked: Vec<CheckedDir>,
}

/// File names at the root of a site.
pub const SETTINGS_FILE: &str = "seckb.yaml";
/// The product catalog.
pub const CATALOG_FILE: &str = "products.yaml";
/// The facts file in each advisory folder.
pub const FACTS_FILE: &str = "advisory.yaml";

/// How [`load`] may take what was read before rather than read and parse it again.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options<'a> {
    /// The project loaded last time (`seckb serve`, after an edit): the value of every
    /// advisory file whose text is the same as then is taken rather than parsed again, and
    /// what the rules found in a folder whose files and context are unchanged stands.
    pub previous: Option<&'a Project>,
    /// The parse cache: the value of a file whose text it holds is taken from it.
    pub cache: Option<&'a cache::ParseCache>,
    /// With `previous`: only these advisory folders can have changed since (the file
    /// watcher named them). A folder of `previous` that read cleanly and is not named is
    /// taken as it was, without listing or reading its files; everything outside
    /// `advisories/` is read as usual, and a folder that had findings is read again.
    pub changed: Option<&'a std::collections::BTreeSet<String>>,
    /// With `cache`, for checking only (`seckb validate`): an advisory folder whose files
    /// have the size, times and inode recorded in the cache, and for which the cache holds
    /// what the rules found given the same settings, catalog and site texts, is not read. It
    /// goes to [`Project::checked`] with that result, and the rules run on the other
    /// folders only.
    pub shallow: bool,
}

/// Reads the site at `root`, adding content problems to `findings`, taking what `options`
/// allow from an earlier read. A file that parsed gave no findings, so nothing is lost by
/// taking its value.
pub fn load(root: &Path, findings: &mut Findings, options: &Options) -> Result<Project> {
    let Options {
        previous,
        cache,
        changed,
        shallow,
    } = *options;
    load_inner(
        root,
        findings,
        previous,
        cache,
        shallow && cache.is_some(),
        changed.filter(|_| previous.is_some()),
    )
}

fn load_inner(
    root: &Path,
    findings: &mut Findings,
    previous: Option<&Project>,
    cache: Option<&cache::ParseCache>,
    shallow: bool,
    changed: Option<&std::collections::BTreeSet<String>>,
) -> Result<Project> {
    let mut p = Project {
        root: root.to_path_buf(),
        ..Project::default()
    };
    let previous = previous.filter(|prev| prev.root == root);
    p.settings = p.read_required(
        SETTINGS_FILE,
        findings,
        "create it with `base_url`, `default_language`, `languages` and `publisher`; see README.md",
    )?;
    p.catalog = p.read_required(
        CATALOG_FILE,
        findings,
        "create it with a `products:` list; see README.md",
    )?;

    for (stem, rel) in p.list_yaml("i18n", findings)? {
        if let Some(t) = p.read(&rel, findings)? {
            p.site_texts.insert(stem, t);
        }
    }

    let adv_root = root.join("advisories");
    let adv_kind = file::folder(&adv_root);
    if let Ok(Some(refused)) = adv_kind {
        findings.push(refusal("advisories", refused, Expected::Folder));
        return Ok(p);
    }
    if adv_kind.is_err() {
        findings.push(
            Finding::error(
                "advisories",
                Pos::default_start(),
                "missing-file",
                "no `advisories/` folder",
            )
            .hint("create `advisories/<id>/advisory.yaml` for each advisory"),
        );
        return Ok(p);
    }
    // Folders are read and parsed in parallel; their findings are merged in folder order.
    use rayon::prelude::*;
    let context = cache.map(|_| p.context());
    let cache_and_context = cache.zip(context.as_ref());
    // What the rules found in a folder of `previous` stands while the folder's files and
    // everything the rules depend on besides are the same.
    let same_context = previous.is_some_and(|prev| prev.context() == p.context());
    let entries = sorted_entries(&adv_root)?;
    // Before the model of every advisory is made: how many there are decides the page size.
    crate::memory::fit_pages_to(entries.len());
    let dirs: Vec<(Folder, Findings)> = entries
        .into_par_iter()
        .map(|entry| {
            let mut local = Findings::default();
            let name = entry.file_name().to_string_lossy().into_owned();
            let before = previous.and_then(|prev| {
                let i = prev
                    .advisories
                    .binary_search_by(|d| d.dir.as_str().cmp(&name))
                    .ok()?;
                prev.advisories.get(i)
            });
            // A clean folder the watcher did not name is as it was; what the rules found in
            // it stands while what they depend on besides is the same.
            if let (Some(changed), Some(before)) = (changed, before)
                && before.clean
                && !changed.contains(&name)
            {
                let mut dir = before.clone();
                if !same_context {
                    dir.checked = None;
                }
                return Ok((Folder::Read(Box::new(dir)), local));
            }
            let checked = cache_and_context.filter(|_| shallow);
            let mut dir = p.read_advisory_dir(&entry, before, cache, checked, &mut local)?;
            // A folder read cleanly may still have its rules' findings in the cache.
            if let (Folder::Read(dir), Some((cache, context))) = (&mut dir, cache_and_context)
                && local.is_empty()
                && let Some(facts) = &dir.facts
            {
                let files = dir.texts.iter().map(|(stem, t)| (stem.as_str(), &t.digest));
                let key = folder_key(
                    context,
                    &dir.dir,
                    files.chain([("advisory", &facts.digest)]),
                );
                dir.checked = cache.get(&folder_entry(&dir.dir), &key);
            }
            if let (Folder::Read(dir), Some(before)) = (&mut dir, before)
                && same_context
                && local.is_empty()
                && dir.checked.is_none()
                && same_files(dir, before)
            {
                dir.checked = before.checked.clone();
            }
            Ok((dir, local))
        })
        .collect::<Result<_>>()?;
    for (dir, local) in dirs {
        match dir {
            Folder::Read(mut dir) => {
                dir.clean = local.is_empty();
                p.advisories.push(*dir);
            }
            Folder::Checked(dir) => p.checked.push(*dir),
            Folder::None => {}
        }
        findings.extend(local);
    }
    Ok(p)
}

/// Whether `dir` has the files `before` had, with the same texts, each parsed.
fn same_files(dir: &AdvisoryDir, before: &AdvisoryDir) -> bool {
    let digests = |d: &AdvisoryDir| {
        let texts = d.texts.iter().map(|(stem, t)| (stem.clone(), t.digest));
        let facts = d.facts.as_ref().map(|f| ("advisory".to_string(), f.digest));
        let parsed: Vec<_> = facts.into_iter().chain(texts).collect();
        (parsed, d.text_files.clone(), d.has_facts_file)
    };
    before.clean && digests(dir) == digests(before)
}

/// What became of an entry of `advisories/`.
enum Folder {
    Read(Box<AdvisoryDir>),
    Checked(Box<CheckedDir>),
    /// Not a folder (a finding says so).
    None,
}

/// The key of what the rules found in advisory folder `dir`, whose files are `(stem, digest)`
/// in `files`, given `context` ([`Project::context`]).
pub fn folder_key<'a>(
    context: &[u8; 32],
    dir: &str,
    files: impl Iterator<Item = (&'a str, &'a [u8; 32])>,
) -> [u8; 32] {
    use sha2::Digest;
    let mut files: Vec<_> = files.collect();
    files.sort();
    let mut h = sha2::Sha256::new();
    h.update(context);
    h.update(dir.as_bytes());
    for (stem, digest) in files {
        h.update([0]);
        h.update(stem.as_bytes());
        h.update([0]);
        h.update(digest);
    }
    h.finalize().into()
}

/// The name of the parse cache's entry for what the rules found in folder `dir`.
pub fn folder_entry(dir: &str) -> String {
    format!("advisories/{dir}/")
}

impl Project {
    /// Reads one entry of `advisories/`: a folder becomes an [`AdvisoryDir`], anything else
    /// a finding.
    fn read_advisory_dir(
        &self,
        entry: &fs_err::DirEntry,
        before: Option<&AdvisoryDir>,
        cache: Option<&cache::ParseCache>,
        checked: Option<(&cache::ParseCache, &[u8; 32])>,
        findings: &mut Findings,
    ) -> Result<Folder> {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("advisories/{name}");
        let ft = entry
            .file_type()
            .with_context(|| format!("cannot inspect `{rel}`"))?;
        if ft.is_symlink() {
            findings.push(refusal(&rel, file::Refused::Symlink, Expected::Folder));
            return Ok(Folder::None);
        }
        if !ft.is_dir() {
            if !name.starts_with('.') && !name.eq_ignore_ascii_case("README.md") {
                findings.push(
                    Finding::warning(
                        &rel,
                        Pos::default_start(),
                        "stray-file",
                        format!("`{rel}` is not an advisory folder"),
                    )
                    .hint("each advisory is a folder `advisories/<id>/` holding `advisory.yaml`"),
                );
            }
            return Ok(Folder::None);
        }
        let files = self.list_yaml(&rel, findings)?;
        if let Some((cache, context)) = checked
            && findings.is_empty()
            && let Some(result) = self.checked_result(&name, &files, cache, context)?
        {
            return Ok(Folder::Checked(Box::new(CheckedDir {
                dir: name,
                files: files.into_iter().map(|(_, file)| file).collect(),
                result,
            })));
        }
        let mut dir = AdvisoryDir {
            dir: name.clone(),
            facts: None,
            texts: BTreeMap::new(),
            has_facts_file: false,
            text_files: Default::default(),
            clean: false,
            checked: None,
        };
        for (stem, file) in files {
            if stem == "advisory" {
                dir.has_facts_file = true;
                let before = before.and_then(|d| d.facts.as_ref());
                dir.facts = self.read_after(&file, before, cache, findings)?;
            } else {
                dir.text_files.insert(stem.clone());
                let before = before.and_then(|d| d.texts.get(&stem));
                if let Some(t) = self.read_after(&file, before, cache, findings)? {
                    dir.texts.insert(stem, t);
                }
            }
        }
        if !dir.has_facts_file {
            findings.push(
                Finding::error(
                    &rel,
                    Pos::default_start(),
                    "missing-file",
                    format!("`{rel}` has no `{FACTS_FILE}`"),
                )
                .hint("every advisory folder needs `advisory.yaml` with the facts"),
            );
        }
        Ok(Folder::Read(Box::new(dir)))
    }

    /// What the rules found in folder `name` with `files`, if `cache` holds it for these
    /// files' texts, and every file has the size, times and inode recorded with its digest.
    fn checked_result(
        &self,
        name: &str,
        files: &[(String, String)],
        cache: &cache::ParseCache,
        context: &[u8; 32],
    ) -> Result<Option<crate::diag::FolderResult>> {
        if !files.iter().any(|(stem, _)| stem == "advisory") {
            return Ok(None);
        }
        let now = std::time::SystemTime::now();
        let mut digests = Vec::with_capacity(files.len());
        for (_, file) in files {
            let meta = fs_err::symlink_metadata(self.root.join(file))?;
            // Anything but a regular file is read, and refused, the usual way.
            if file::refused(&meta).is_some() {
                return Ok(None);
            }
            let trusted = cache::Stat::of(&meta, now).and_then(|s| cache.trusted(file, &s));
            let Some(digest) = trusted else {
                return Ok(None);
            };
            digests.push(digest);
        }
        let stems = files.iter().map(|(stem, _)| stem.as_str());
        let key = folder_key(context, name, stems.zip(&digests));
        Ok(cache.get(&folder_entry(name), &key))
    }

    /// The digest of what every advisory's rules depend on besides its own files: the code
    /// of seckb, the settings, the catalog and the site texts.
    pub fn context(&self) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(crate::util::BUILD_ID.as_bytes());
        let mut part = |label: &str, digest: Option<&[u8; 32]>| {
            h.update(label.as_bytes());
            h.update([0]);
            h.update(digest.unwrap_or(&[0; 32]));
        };
        part(SETTINGS_FILE, self.settings.as_ref().map(|p| &p.digest));
        part(CATALOG_FILE, self.catalog.as_ref().map(|p| &p.digest));
        for (stem, text) in &self.site_texts {
            part(stem, Some(&text.digest));
        }
        h.finalize().into()
    }

    /// The text of a file read (normalised as for parsing), for the snippets of findings:
    /// read again from disk when asked, rather than kept for every file.
    pub fn source(&self, rel: &str) -> Option<String> {
        source_in(&self.root, rel)
    }
}

impl Project {
    fn read_required<T: DeserializeOwned + schemars::JsonSchema + Clone>(
        &self,
        rel: &str,
        findings: &mut Findings,
        hint: &str,
    ) -> Result<Option<Parsed<T>>> {
        // Not `exists()`, which follows a link: a link is there, and refused when read.
        if fs_err::symlink_metadata(self.root.join(rel)).is_err() {
            findings.push(
                Finding::error(
                    rel,
                    Pos::default_start(),
                    "missing-file",
                    format!("`{rel}` is missing"),
                )
                .hint(hint),
            );
            return Ok(None);
        }
        self.read(rel, findings)
    }

    /// `(stem, relative path)` of the `.yaml` files in `rel`, sorted; other files are
    /// reported, not silently skipped.
    fn list_yaml(&self, rel: &str, findings: &mut Findings) -> Result<Vec<(String, String)>> {
        let dir = self.root.join(rel);
        match file::folder(&dir) {
            Ok(None) => {}
            Ok(Some(refused)) => {
                findings.push(refusal(rel, refused, Expected::Folder));
                return Ok(Vec::new());
            }
            // A folder that is not there has nothing to read.
            Err(_) => return Ok(Vec::new()),
        }
        let mut out = Vec::new();
        for entry in sorted_entries(&dir)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let file = format!("{rel}/{name}");
            if name.starts_with('.') {
                continue;
            }
            let ft = entry
                .file_type()
                .with_context(|| format!("cannot inspect `{file}`"))?;
            if ft.is_symlink() {
                findings.push(refusal(&file, file::Refused::Symlink, Expected::File));
                continue;
            }
            match name.strip_suffix(".yaml") {
                Some(stem) if ft.is_file() => out.push((stem.to_string(), file)),
                // A pipe or a folder named like a file seckb reads is not skipped quietly.
                Some(_) => {
                    let meta = fs_err::symlink_metadata(entry.path())?;
                    let refused = file::refused(&meta)
                        .unwrap_or(file::Refused::Special("not a regular file"));
                    findings.push(refusal(&file, refused, Expected::File));
                }
                _ => {
                    let hint = if name.ends_with(".yml") {
                        "rename it to end in `.yaml`"
                    } else {
                        "seckb reads only `.yaml` files here; move it elsewhere"
                    };
                    findings.push(
                        Finding::warning(
                            &file,
                            Pos::default_start(),
                            "stray-file",
                            format!("`{file}` is not read"),
                        )
                        .hint(hint),
                    );
                }
            }
        }
        Ok(out)
    }

    /// Reads and parses one file; a content problem becomes a finding and `None`.
    fn read<T: DeserializeOwned + schemars::JsonSchema + Clone>(
        &self,
        rel: &str,
        findings: &mut Findings,
    ) -> Result<Option<Parsed<T>>> {
        self.read_after(rel, None, None, findings)
    }

    /// [`read`](Project::read), or a copy of `before` if it was parsed from the same text,
    /// or the value `cache` holds for that text.
    fn read_after<T: DeserializeOwned + schemars::JsonSchema + Clone>(
        &self,
        rel: &str,
        before: Option<&Parsed<T>>,
        cache: Option<&cache::ParseCache>,
        findings: &mut Findings,
    ) -> Result<Option<Parsed<T>>> {
        let path = self.root.join(rel);
        let now = std::time::SystemTime::now();
        // Not following a link: a link, pipe or folder is refused without being opened.
        let meta = fs_err::symlink_metadata(&path)?;
        if let Some(refused) = file::refused(&meta) {
            findings.push(refusal(rel, refused, Expected::File));
            return Ok(None);
        }
        let size = meta.len();
        let stat = cache::Stat::of(&meta, now);
        if size > MAX_FILE_BYTES {
            findings.push(too_large(rel, size));
            return Ok(None);
        }
        // A file whose size, times and inode are those recorded with its digest is not read.
        if let Some(stat) = &stat {
            if let Some(before) = before
                && before.file == rel
                && before.stat.as_ref() == Some(stat)
            {
                return Ok(Some(before.clone()));
            }
            if let Some(cache) = cache
                && let Some(digest) = cache.trusted(rel, stat)
                && let Some(value) = cache.get::<T>(rel, &digest)
            {
                return Ok(Some(Parsed {
                    value: std::sync::Arc::new(value),
                    file: rel.to_string(),
                    digest,
                    spans: Spans::from_file(&path),
                    stat: Some(*stat),
                }));
            }
        }
        // Checked again on the open file: it may have been replaced since.
        let bytes = match file::read_in(&self.root, rel, MAX_FILE_BYTES)? {
            file::Read::Bytes(bytes) => bytes,
            file::Read::TooLarge(size) => {
                findings.push(too_large(rel, size));
                return Ok(None);
            }
            file::Read::Refused(refused) => {
                findings.push(refusal(rel, refused, Expected::File));
                return Ok(None);
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let valid = String::from_utf8_lossy(valid);
                let line = valid.matches('\n').count() + 1;
                let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                findings.push(
                    Finding::error(
                        rel,
                        Pos { line, column },
                        "invalid-utf8",
                        "the file is not valid UTF-8",
                    )
                    .hint("save the file as UTF-8"),
                );
                return Ok(None);
            }
        };
        // Most files have neither a byte order mark nor CRLF endings: no copy for those.
        let text = if text.starts_with('\u{feff}') || text.contains('\r') {
            normalize(&text)
        } else {
            text
        };
        let digest = digest(&text);
        if let Some(before) = before
            && before.file == rel
            && before.digest == digest
        {
            return Ok(Some(Parsed {
                stat,
                ..before.clone()
            }));
        }
        if let Some(value) = cache.and_then(|c| c.get::<T>(rel, &digest)) {
            return Ok(Some(Parsed {
                value: std::sync::Arc::new(value),
                file: rel.to_string(),
                digest,
                spans: Spans::from_file(&path),
                stat,
            }));
        }
        let parsed = parse_with(rel, &text, Some(&path), digest, findings);
        Ok(parsed.map(|p| Parsed { stat, ..p }))
    }
}

/// What was expected where something else stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    File,
    Folder,
}

/// The finding for an entry of the site that is not read: a link (under the site root none
/// is followed), or not the regular file or folder seckb reads there.
fn refusal(rel: &str, refused: file::Refused, expected: Expected) -> Finding {
    let at = Pos::default_start();
    match (refused, expected) {
        // seckb follows no link under the site root, whatever it points at.
        (file::Refused::Symlink, what) => {
            Finding::error(rel, at, "symlink", format!("`{rel}` is a symbolic link")).hint(
                match what {
                    Expected::File => "links could reach outside the site; copy the file instead",
                    Expected::Folder => {
                        "links could reach outside the site; copy the files instead"
                    }
                },
            )
        }
        (_, Expected::File) => Finding::error(
            rel,
            at,
            "not-a-file",
            format!("`{rel}` is {}, not a regular file", refused.what()),
        )
        .hint("seckb reads only regular files; put a regular file here"),
        (_, Expected::Folder) => Finding::error(
            rel,
            at,
            "not-a-folder",
            format!("`{rel}` is {}, not a folder", refused.what()),
        )
        .hint("seckb reads this as a folder; put a real folder here"),
    }
}

fn too_large(rel: &str, size: u64) -> Finding {
    Finding::error(
        rel,
        Pos::default_start(),
        "file-too-large",
        format!("`{rel}` is {size} bytes, more than the limit of {MAX_FILE_BYTES}"),
    )
    .hint("split the text or move large attachments out of the advisory")
}

/// The normalised text of the regular file at `path`, for snippets and positions; `None`
/// for a link, a special file, a file over the size limit or one that does not read.
pub fn source_text(path: &Path) -> Option<String> {
    let bytes = file::read(path, MAX_FILE_BYTES, file::Links::Refuse)
        .ok()?
        .bytes()?;
    Some(normalize(&String::from_utf8(bytes).ok()?))
}

/// [`source_text`] of the file `rel` under the site root `root`, through no link on the
/// way either (see [`file::read_in`]).
pub fn source_in(root: &Path, rel: &str) -> Option<String> {
    let bytes = file::read_in(root, rel, MAX_FILE_BYTES).ok()?.bytes()?;
    Some(normalize(&String::from_utf8(bytes).ok()?))
}

fn digest(text: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).into()
}

/// A byte order mark and CRLF endings are accepted and normalised.
pub fn normalize(text: &str) -> String {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
}

/// Parses YAML text into `T`, turning syntax and shape problems into findings.
pub fn parse<T: DeserializeOwned + schemars::JsonSchema>(
    rel: &str,
    text: &str,
    findings: &mut Findings,
) -> Option<Parsed<T>> {
    parse_with(rel, text, None, digest(text), findings)
}

/// [`parse`], for text read from `path` when there is one: the positions of values are then
/// worked out from the file if a finding needs them, rather than kept.
///
/// The common case, a file that deserializes, takes one pass of serde_yaml: every struct of
/// the model denies unknown fields and every map denies duplicate keys, so a file that
/// deserializes has neither. Only a file that fails is parsed again with positions, to
/// report every problem in it precisely.
fn parse_with<T: DeserializeOwned + schemars::JsonSchema>(
    rel: &str,
    text: &str,
    path: Option<&Path>,
    digest: [u8; 32],
    findings: &mut Findings,
) -> Option<Parsed<T>> {
    if !deeply_nested(text)
        && let Ok(value) = serde_yaml::from_str::<T>(text)
    {
        return Some(Parsed {
            value: std::sync::Arc::new(value),
            file: rel.to_string(),
            digest,
            stat: None,
            spans: match path {
                Some(p) => Spans::from_file(p),
                None => Spans::from_text(text),
            },
        });
    }
    let spans = match SpanIndex::build(text) {
        Ok(s) => s,
        Err(e) => {
            findings.push(
                Finding::error(
                    rel,
                    e.pos,
                    "yaml-syntax",
                    crate::diag::shorten_quotes(&format!("invalid YAML: {}", e.message)),
                )
                .hint("check indentation, quotes and brackets around this point"),
            );
            return None;
        }
    };
    let mut dup = false;
    for (path, pos) in &spans.duplicate_keys {
        dup = true;
        findings.push(
            Finding::error(
                rel,
                *pos,
                "duplicate-key",
                // A key can be as long as the file: the message shows an excerpt.
                crate::diag::shorten_quotes(&format!("key `{path}` appears twice")),
            )
            .hint("remove or rename one of them; the later one would silently win"),
        );
    }
    if dup {
        return None;
    }
    let unknown = shape::unknown_fields::<T>(rel, &spans);
    let any_unknown = !unknown.is_empty();
    for mut f in unknown {
        f.message = crate::diag::shorten_quotes(&f.message);
        findings.push(f);
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(value) => Some(Parsed {
            value: std::sync::Arc::new(value),
            file: rel.to_string(),
            digest,
            stat: None,
            spans: Spans::built(spans),
        }),
        Err(e) => {
            let f = serde_finding(rel, text, &e, &spans);
            // Unknown fields were all reported above, with their paths.
            if !(any_unknown && f.code == "unknown-field") {
                findings.push(f);
            }
            None
        }
    }
}

/// Whether the text may nest flow collections deeply. libyaml, under serde_yaml, scans
/// such input in quadratic time before its recursion limit stops it, so it goes to the
/// slow path, whose parser stops at once. Brackets in text count too: a false alarm only
/// costs time.
fn deeply_nested(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Nesting deeper than 64 needs more than 64 opening brackets, which most files do not
    // have: counted with SIMD, before the byte-by-byte walk.
    if memchr::memchr2_iter(b'[', b'{', bytes).nth(64).is_none() {
        return false;
    }
    let mut depth: i64 = 0;
    for b in bytes {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > 64 {
                    return true;
                }
            }
            b']' | b'}' => depth = (depth - 1).max(0),
            _ => {}
        }
    }
    false
}

/// Maps a serde_yaml error to a finding with a code and a hint.
fn serde_finding(rel: &str, text: &str, e: &serde_yaml::Error, spans: &SpanIndex) -> Finding {
    let mut f = serde_finding_raw(rel, text, e, spans);
    // Messages quote values, and a value can be a whole file: only an excerpt is shown.
    f.message = crate::diag::shorten_quotes(&f.message);
    f
}

fn serde_finding_raw(rel: &str, text: &str, e: &serde_yaml::Error, spans: &SpanIndex) -> Finding {
    let full = e.to_string();
    // libyaml refuses control characters before it parses, and gives only a byte offset.
    if full.starts_with("control characters are not allowed")
        && let Some((pos, c)) = first_refused_char(text)
    {
        return Finding::error(
            rel,
            pos,
            "yaml-syntax",
            format!(
                "invalid YAML: control character U+{:04X} is not allowed",
                u32::from(c)
            ),
        )
        .hint("remove it; in a double-quoted string an escape such as `\\t` or `\\u0007` stands for one");
    }
    let pos = e
        .location()
        .map(|l| Pos {
            line: l.line(),
            column: l.column(),
        })
        .or_else(|| byte_position(text, &full))
        .unwrap_or_else(|| spans.value(""));
    // serde_yaml appends " at line L column C"; the position is reported separately.
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    // And it prefixes the path of the value: "revisions[0].date: invalid date ...".
    let (path, msg) = match msg.split_once(": ") {
        Some((p, m)) if !p.contains(' ') => (Some(p), m),
        _ => (None, msg),
    };
    let at = path.map(|p| format!(" at `{p}`")).unwrap_or_default();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        let f = Finding::error(
            rel,
            pos,
            "unknown-field",
            format!("unknown field {name}{at}"),
        );
        return f.hint(did_you_mean(name, &expected, "field"));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        let f = Finding::error(
            rel,
            pos,
            "unknown-value",
            format!("unknown value {name}{at}"),
        );
        return f.hint(did_you_mean(name, &expected, "value"));
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return Finding::error(
            rel,
            pos,
            "missing-field",
            format!("missing field {rest}{at}"),
        )
        .hint(format!("add {rest}; `seckb schema` lists every field"));
    }
    if msg.starts_with("duplicate field ") {
        return Finding::error(rel, pos, "duplicate-key", format!("{msg}{at}"))
            .hint("remove one of them");
    }
    if msg.starts_with("invalid date ") {
        // serde_yaml loses the position of errors raised inside a value's Deserialize impl,
        // so find the offending scalar in the index.
        let value = msg.split('`').nth(1).unwrap_or_default();
        let (pos, at) = match spans.find_scalar(value) {
            Some((path, p)) if path.is_some() => (p, format!(" at `{}`", path.unwrap_or_default())),
            Some((_, p)) => (p, at),
            None => (pos, at),
        };
        return Finding::error(rel, pos, "invalid-date", format!("{msg}{at}"))
            .hint("write dates as YYYY-MM-DD, e.g. `2008-06-13`");
    }
    if msg.starts_with("invalid type")
        || msg.starts_with("invalid value")
        || msg.starts_with("invalid length")
    {
        return Finding::error(rel, pos, "invalid-type", format!("{msg}{at}"))
            .hint("quote text that YAML reads as a number, date or boolean, e.g. `\"1.0\"`");
    }
    Finding::error(rel, pos, "yaml-syntax", format!("{msg}{at}"))
        .hint("check the YAML near this point")
}

/// The first character libyaml refuses in a YAML stream (YAML 1.1 `c-printable`), and where
/// it stands.
fn first_refused_char(text: &str) -> Option<(Pos, char)> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    };
    let (i, c) = text.char_indices().find(|&(_, c)| !printable(c))?;
    Some((pos_of_offset(text, i), c))
}

/// The position of byte `offset` of `text`.
fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

/// The position of a libyaml error that gives a byte offset (" at position N") rather than
/// a line and column.
fn byte_position(text: &str, message: &str) -> Option<Pos> {
    let (_, n) = message.rsplit_once(" at position ")?;
    Some(pos_of_offset(text, n.trim().parse().ok()?))
}

/// Splits "`x`, expected one of `a`, `b`" into ("`x`", ["a", "b"]).
fn split_expected(rest: &str) -> (&str, Vec<String>) {
    match rest.split_once(", expected ") {
        Some((name, exp)) => {
            let names = exp
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            (name, names)
        }
        None => (rest, Vec::new()),
    }
}

/// "did you mean `title`?" when a candidate is a small edit away, else (some of) the
/// candidates.
pub fn did_you_mean(name: &str, candidates: &[String], what: &str) -> String {
    let bare = name.trim_matches('`');
    let limit = (bare.chars().count() / 3).max(1);
    let best = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(bare, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, (*c).clone()));
    match best {
        Some((_, c)) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => format!("remove this {what}"),
        None => {
            let mut list: Vec<String> = candidates
                .iter()
                .take(8)
                .map(|c| format!("`{c}`"))
                .collect();
            if candidates.len() > 8 {
                list.push(format!("and {} more", candidates.len() - 8));
            }
            format!("expected one of {}", list.join(", "))
        }
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<fs_err::DirEntry>> {
    let mut v: Vec<_> = fs_err::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    v.sort_by_key(|e| e.file_name());
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Revision;

    fn one<T: DeserializeOwned + schemars::JsonSchema>(text: &str) -> Finding {
        let mut f = Findings::default();
        assert!(parse::<T>("x.yaml", text, &mut f).is_none());
        f.sorted()[0].clone()
    }

    #[test]
    fn unknown_field_suggests_the_close_one() {
        let f = one::<Revision>("number: \"1.0\"\ndtae: 2008-01-01\n");
        assert_eq!(
            f.headline(),
            "x.yaml:2:1: error[unknown-field]: unknown field `dtae`"
        );
        assert_eq!(f.hint.as_deref(), Some("did you mean `date`?"));
    }

    #[test]
    fn bad_date_is_invalid_date_at_the_value() {
        let f = one::<Revision>("number: \"1.0\"\ndate: 2008-02-30\n");
        assert_eq!(
            f.headline(),
            "x.yaml:2:7: error[invalid-date]: invalid date `2008-02-30`: no such day in the calendar at `date`"
        );
    }
}
