//! The built site and its write to disk. A site is built either in memory (an ordered map
//! of path to bytes, for `serve` and tests) or straight into a staging folder beside the
//! target ([`Output::to_dir`]), each file written as soon as it is rendered so memory does
//! not grow with the site. A failed build leaves the previous site as it was.
//!
//! A file whose bytes are the same as in the previous site (same SHA-256 in its
//! `SHA256SUMS`, same size) is not written again. At [`Output::commit`], when at most half of
//! the files changed, the new ones are moved into the site under a journal ([`journal`]);
//! otherwise the unchanged files are hard-linked into the staging folder, which is then
//! swapped in by one atomic rename.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use serde::{Deserialize, Serialize};

use crate::unit::UnitId;

mod journal;
pub mod target;
pub use journal::{recover, unfinished};

/// The name of the checksum manifest at the site root.
pub const MANIFEST: &str = "SHA256SUMS";

/// The bytes of a file of a site built in memory: shared, so that a rebuild takes a file
/// from the previous build (which `serve` still serves meanwhile) without copying it.
pub type Bytes = Arc<Vec<u8>>;

/// A file of a unit of an incremental build, as its cache records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CachedFile {
    /// Below the site root.
    pub path: String,
    /// SHA-256 of the contents, in hex (as in `SHA256SUMS`).
    pub sha256: String,
    /// Size in bytes.
    pub len: u64,
}

/// A site as files: `/`-separated relative paths to contents, in sorted order.
///
/// A site built in memory after a previous one ([`Output::in_memory_after`]) starts as a
/// copy of it: a copy of its maps, which shares the paths and the bytes. Reusing a unit then
/// only records it, and what the build adds replaces the previous file; once the build is
/// done ([`add_manifest`](Output::add_manifest)) the previous files that no unit of this
/// build claims are removed. So a rebuild after a small edit does work in proportion to
/// the edit and the number of units, not to the number of files.
#[derive(Debug, Default)]
pub struct Output {
    files: BTreeMap<Arc<str>, Bytes>,
    sink: Option<Box<DirSink>>,
    /// The files of each unit of an incremental build ([`crate::incremental`]) that was
    /// reused, and (once the build is done) of those it made.
    units: BTreeMap<UnitId, Arc<[CachedFile]>>,
    /// The files of each unit made by this build, as they are added.
    making: BTreeMap<UnitId, Vec<CachedFile>>,
    /// For a site built in memory: the files added outside any unit (the search library,
    /// the manifest).
    loose: Vec<Arc<str>>,
    /// For a site built in memory: the previous build, which units are reused from, until
    /// this build is done.
    previous: Option<Arc<Output>>,
    /// For a site built in memory after a previous one, until it is done: what it added.
    taken: Option<Box<Taken>>,
    /// For a site built in memory: the SHA-256 of the files whose digest is known already
    /// (those of units, and once the manifest is made, all), so that the manifest does not
    /// hash them again. Its paths are those of `files`.
    digests: BTreeMap<Arc<str>, [u8; 32]>,
}

/// A path and the SHA-256 of its file.
type Digested = (Arc<str>, [u8; 32]);
/// A file of a site in memory, with its SHA-256 if known.
type Known<'a> = (&'a Arc<str>, &'a Bytes, Option<[u8; 32]>);

/// What a site built in memory after a previous one added, while the previous build's files
/// are still in it.
#[derive(Debug, Default)]
struct Taken {
    /// The paths of the files this build added.
    added: HashSet<Arc<str>>,
    /// Those of them that replaced a file of the previous build.
    replaced: Vec<Arc<str>>,
}

/// The site now at a target, listed in the background (with each file's size) while a
/// build loads and validates, so that checking which files can be kept costs no `stat` of
/// each path, and the in-place update needs no second walk.
#[derive(Debug)]
pub struct Listing {
    tree: std::thread::JoinHandle<Result<Option<journal::Tree>>>,
    /// The previous site's manifest, read beside the listing (122,000 lines at 10,000
    /// advisories: a tenth of a second that need not wait for validation).
    manifest: std::thread::JoinHandle<HashMap<String, [u8; 32]>>,
}

impl Listing {
    /// Finishes any update of the site at `target` that a killed build left (its journal),
    /// then starts listing it and reading its manifest.
    pub fn start(target: &Path) -> Result<Listing> {
        recover(target).context("cannot finish the update a killed build began")?;
        let dir = target.to_path_buf();
        let tree = std::thread::spawn(move || {
            if dir.is_dir() {
                journal::Tree::of(&dir)
            } else {
                Ok(None)
            }
        });
        let dir = target.to_path_buf();
        let manifest = std::thread::spawn(move || previous_manifest(&dir));
        Ok(Listing { tree, manifest })
    }
}

/// Files written to a staging folder as they come.
#[derive(Debug)]
struct DirSink {
    /// Where the site goes once complete.
    target: PathBuf,
    staging: tempfile::TempDir,
    /// Folders already created in the staging folder.
    dirs: HashSet<PathBuf>,
    /// SHA-256 of each file of the previous site, from its manifest.
    previous: HashMap<String, [u8; 32]>,
    /// The previous site as it is on disk: being listed, then listed (`None` when there is
    /// none, or it cannot be updated in place).
    listing: Option<std::thread::JoinHandle<Result<Option<journal::Tree>>>>,
    tree: Option<journal::Tree>,
    /// SHA-256 of each file of the new site, for the manifest.
    hashes: BTreeMap<String, [u8; 32]>,
    /// The files written to the staging folder (the others are the previous site's).
    written: Vec<String>,
    stats: WriteStats,
    /// Whether files of the previous site that its manifest does not list may be deleted.
    force: bool,
}

/// What a write to disk did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files kept from the previous site because their bytes are the same.
    pub unchanged: usize,
}

impl Output {
    /// A site written into a staging folder beside `target` as it is built; [`commit`]
    /// puts it in place.
    ///
    /// [`commit`]: Output::commit
    pub fn to_dir(target: &Path) -> Result<Output> {
        let listing = Listing::start(target)?;
        Output::to_dir_listed(target, listing, false)
    }

    /// [`to_dir`](Output::to_dir), with the listing of the site now at `target` started
    /// earlier ([`Listing::start`]), so that it ran beside other work. Unless `force`, the
    /// build fails when the site holds a file its manifest does not list
    /// ([`target::foreign`]): a file seckb did not write, which the update would delete.
    pub fn to_dir_listed(target: &Path, listing: Listing, force: bool) -> Result<Output> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::env::current_dir().context("cannot read the current directory")?,
        };
        fs_err::create_dir_all(&parent)?;
        let name = site_name(target);
        remove_stale(&parent, &name);
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a staging folder in `{}`", parent.display()))?;
        Ok(Output {
            sink: Some(Box::new(DirSink {
                target: target.to_path_buf(),
                staging,
                dirs: HashSet::default(),
                previous: crate::util::joined(listing.manifest),
                listing: Some(listing.tree),
                tree: None,
                hashes: BTreeMap::new(),
                written: Vec::new(),
                stats: WriteStats::default(),
                force,
            })),
            ..Output::default()
        })
    }

    /// A site built in memory that may reuse units of `previous`, the build before it. It
    /// starts as a copy of `previous` (see [`Output`]).
    pub fn in_memory_after(previous: Arc<Output>) -> Output {
        if previous.files.is_empty() {
            return Output::default();
        }
        Output {
            files: previous.files.clone(),
            digests: previous.digests.clone(),
            previous: Some(previous),
            taken: Some(Box::default()),
            ..Output::default()
        }
    }

    /// Adds a file; two pages claiming the same path is a bug worth stopping for.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Result<()> {
        let (path, bytes) = (path.into(), bytes.into());
        check_path(&path)?;
        match &mut self.sink {
            Some(sink) => sink.add(path, &bytes).map(|_| ()),
            None => {
                let path = self.keep(path.into(), bytes, None)?;
                self.loose.push(path);
                Ok(())
            }
        }
    }

    /// Adds a file made by the unit `unit` of an incremental build, and records it.
    pub fn add_to_unit(
        &mut self,
        unit: &UnitId,
        path: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<()> {
        let (path, bytes) = (path.into(), bytes.into());
        check_path(&path)?;
        let len = bytes.len() as u64;
        // Hashed once, for the manifest and the unit.
        let digest = match &mut self.sink {
            Some(sink) => sink.add(path.clone(), &bytes)?,
            None => {
                let digest = Sha256::digest(&bytes).into();
                self.keep(path.as_str().into(), bytes, Some(digest))?;
                digest
            }
        };
        let file = CachedFile {
            path,
            sha256: hex(&digest),
            len,
        };
        match self.making.get_mut(unit) {
            Some(files) => files.push(file),
            None => {
                self.making.insert(unit.clone(), vec![file]);
            }
        }
        Ok(())
    }

    /// Takes the files of `unit` from the previous build instead of rendering them: from the
    /// previous site on disk, if its manifest and the file sizes match `files`, or from the
    /// previous build in memory, if it made the unit with the same files. `false` (and
    /// nothing added) when any file is not there as recorded, so the unit must be rendered.
    pub fn reuse(&mut self, unit: &UnitId, files: &Arc<[CachedFile]>) -> Result<bool> {
        Ok(self.reuse_all(&[(unit.clone(), files)])?[0])
    }

    /// [`reuse`](Output::reuse) for many units at once, checking and linking their files in
    /// parallel on disk; whether each was reused.
    pub fn reuse_all(&mut self, units: &[(UnitId, &Arc<[CachedFile]>)]) -> Result<Vec<bool>> {
        use rayon::prelude::*;
        let mut kept: Vec<Option<Arc<[CachedFile]>>> = match (&mut self.sink, &self.previous) {
            (Some(sink), _) => {
                sink.listed()?;
                let sink = &**sink;
                units
                    .par_iter()
                    .map(|(_, files)| {
                        files
                            .iter()
                            .all(|f| sink.has_previous(f))
                            .then(|| Arc::clone(files))
                    })
                    .collect()
            }
            // In memory the previous build's files are this build's already: a unit is
            // reused if the previous build made it with the same files (the same list, or
            // an equal one), and is then known by the previous build's list.
            (None, Some(previous)) => units
                .iter()
                .map(|(unit, files)| {
                    previous
                        .units
                        .get(unit)
                        .filter(|had| Arc::ptr_eq(had, files) || had == files)
                        .cloned()
                })
                .collect(),
            (None, None) => return Ok(vec![false; units.len()]),
        };
        if let Some(sink) = &mut self.sink {
            let reused: Vec<&CachedFile> = kept.iter().flatten().flat_map(|f| f.iter()).collect();
            sink.keep_all(&reused)?;
        }
        let ok = kept.iter().map(Option::is_some).collect();
        for ((unit, _), files) in units.iter().zip(&mut kept) {
            if let Some(files) = files.take()
                && self.units.insert(unit.clone(), files).is_some()
            {
                bail!("the unit `{unit}` was taken twice");
            }
        }
        Ok(ok)
    }

    /// The bytes of the previous build's file `f` (from the previous build in memory, or the
    /// site now on disk), if they are what `f` records: same size and SHA-256. For a unit
    /// rendered again that can take parts of its previous file as they were (the CSAF feed's
    /// entries of unchanged documents); `None` when there is no such file or it differs, so
    /// a file edited by hand, or left by another build than the one the cache describes, is
    /// never used.
    pub fn previous_file(&self, f: &CachedFile) -> Option<Bytes> {
        let bytes = match (&self.sink, &self.previous) {
            (Some(sink), _) => Arc::new(std::fs::read(sink.target.join(&f.path)).ok()?),
            (None, Some(previous)) => Arc::clone(previous.files.get(f.path.as_str())?),
            (None, None) => return None,
        };
        let digest: [u8; 32] = Sha256::digest(bytes.as_slice()).into();
        (bytes.len() as u64 == f.len && crate::util::unhex(&f.sha256) == Some(digest))
            .then_some(bytes)
    }

    /// The files of each unit, as written or reused by this build, once the build is done.
    /// A site built in memory keeps them too: the next build reuses units by them.
    pub fn take_units(&mut self) -> Result<BTreeMap<UnitId, Arc<[CachedFile]>>> {
        self.settle()?;
        for (unit, files) in std::mem::take(&mut self.making) {
            if self.units.insert(unit.clone(), files.into()).is_some() {
                bail!("the unit `{unit}` was both reused and made");
            }
        }
        Ok(match self.sink {
            Some(_) => std::mem::take(&mut self.units),
            None => self.units.clone(),
        })
    }

    /// Adds a file to a site in memory, with its SHA-256 if known; the path as kept.
    fn keep(
        &mut self,
        path: Arc<str>,
        bytes: Vec<u8>,
        digest: Option<[u8; 32]>,
    ) -> Result<Arc<str>> {
        let old = self.files.insert(Arc::clone(&path), Arc::new(bytes));
        match &mut self.taken {
            Some(taken) => {
                if !taken.added.insert(Arc::clone(&path)) {
                    bail!("two outputs claim the path `{path}`");
                }
                if old.is_some() {
                    taken.replaced.push(Arc::clone(&path));
                }
            }
            None if old.is_some() => bail!("two outputs claim the path `{path}`"),
            None => {}
        }
        match digest {
            Some(digest) => {
                self.digests.insert(Arc::clone(&path), digest);
            }
            None => {
                self.digests.remove(&path);
            }
        }
        Ok(path)
    }

    /// For a site built in memory after a previous one, once the build is done: removes the
    /// previous build's files that no unit of this one claims (those of the units it did not
    /// reuse, and those outside units, unless it added them again), and lets the previous
    /// build go. A file this build added in place of one of a reused unit is two outputs
    /// claiming one path.
    fn settle(&mut self) -> Result<()> {
        let (Some(taken), Some(previous)) = (self.taken.take(), self.previous.take()) else {
            return Ok(());
        };
        let mut freed: HashSet<&str> = previous.loose.iter().map(|p| &**p).collect();
        for (unit, files) in &previous.units {
            let reused = self.units.get(unit).is_some_and(|f| Arc::ptr_eq(f, files));
            if !reused {
                freed.extend(files.iter().map(|f| f.path.as_str()));
            }
        }
        if let Some(path) = taken.replaced.iter().find(|p| !freed.contains(&***p)) {
            bail!("two outputs claim the path `{path}`");
        }
        for path in freed {
            if !taken.added.contains(path) {
                self.files.remove(path);
                self.digests.remove(path);
            }
        }
        Ok(())
    }

    /// Adds `SHA256SUMS`: the SHA-256 of every other file, in `sha256sum` format and path
    /// order, so a mirror or a deploy step can check the whole site with `sha256sum -c`.
    pub fn add_manifest(&mut self) -> Result<()> {
        let digests: Vec<Digested> = match &self.sink {
            // In memory, only the files whose digest is not known yet are hashed, and their
            // digests kept for the next build.
            None => {
                self.settle()?;
                let (digests, hashed) = self.all_digests();
                for i in hashed {
                    let (path, digest) = &digests[i];
                    self.digests.insert(Arc::clone(path), *digest);
                }
                digests
            }
            Some(sink) => sink
                .hashes
                .iter()
                .map(|(p, d)| (Arc::from(p.as_str()), *d))
                .collect(),
        };
        let mut manifest = String::with_capacity(digests.len() * 100);
        let mut digits = [0u8; 64];
        for (path, digest) in digests {
            // Always ASCII hex digits.
            ::hex::encode_to_slice(digest, &mut digits)?;
            manifest.push_str(std::str::from_utf8(&digits)?);
            manifest.push_str("  ");
            manifest.push_str(&path);
            manifest.push('\n');
        }
        self.add(MANIFEST, manifest)
    }

    /// The SHA-256 of every file of a site in memory, in path order: those known, found by
    /// walking `files` and `digests` (whose paths are among those of `files`) side by side,
    /// and the others hashed in parallel; with the indexes of those hashed.
    fn all_digests(&self) -> (Vec<Digested>, Vec<usize>) {
        use rayon::prelude::*;
        let mut known = self.digests.iter().peekable();
        let files: Vec<Known<'_>> = self
            .files
            .iter()
            .map(|(path, bytes)| {
                while known
                    .next_if(|(k, _)| !Arc::ptr_eq(k, path) && k.as_ref() < path.as_ref())
                    .is_some()
                {}
                let digest = known
                    .next_if(|(k, _)| Arc::ptr_eq(k, path) || k == &path)
                    .map(|(_, d)| *d);
                (path, bytes, digest)
            })
            .collect();
        let hashed = (files.iter().enumerate())
            .filter(|(_, (_, _, digest))| digest.is_none())
            .map(|(i, _)| i)
            .collect();
        let digests = files
            .par_iter()
            .map(|(path, bytes, digest)| {
                let digest = digest.unwrap_or_else(|| Sha256::digest(bytes.as_slice()).into());
                (Arc::clone(path), digest)
            })
            .collect();
        (digests, hashed)
    }

    /// The files, in path order, of a site built in memory (empty for one built into a
    /// folder: see [`paths`](Output::paths)).
    pub fn files(&self) -> &BTreeMap<Arc<str>, Bytes> {
        debug_assert!(self.sink.is_none(), "files() of a site written to disk");
        &self.files
    }

    /// A copy of the files of a site built in memory, in path order, as owned bytes.
    pub fn contents(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect()
    }

    /// The paths of the files added (or reused) so far that begin with `prefix`, in order.
    pub fn paths_under<'a>(&'a self, prefix: &'a str) -> Vec<&'a str> {
        let under = |p: &&str| p.starts_with(prefix);
        match (&self.sink, &self.taken) {
            (Some(sink), _) => (sink
                .hashes
                .range::<str, _>((
                    std::ops::Bound::Included(prefix),
                    std::ops::Bound::Unbounded,
                ))
                .map(|(p, _)| p.as_str()))
            .take_while(under)
            .collect(),
            (None, None) => (self
                .files
                .range::<str, _>((
                    std::ops::Bound::Included(prefix),
                    std::ops::Bound::Unbounded,
                ))
                .map(|(p, _)| &**p))
            .take_while(under)
            .collect(),
            // The previous build's files are still there: this build's are those of the
            // units it reused or made, and those it added.
            (None, Some(taken)) => {
                let mut paths: Vec<&str> = (self.units.values().flat_map(|f| f.iter()))
                    .chain(self.making.values().flatten())
                    .map(|f| f.path.as_str())
                    .chain(taken.added.iter().map(|p| &**p))
                    .filter(under)
                    .collect();
                paths.sort_unstable();
                paths.dedup();
                paths
            }
        }
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        match &self.sink {
            None => self.files.len(),
            Some(sink) => sink.hashes.len(),
        }
    }

    /// Whether the site has no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts a site built with [`to_dir`](Output::to_dir) in place of the previous one: the
    /// files written are moved in under a journal when they are at most half of the site,
    /// else the staging folder, completed with the unchanged files, is swapped in whole.
    pub fn commit(self) -> Result<WriteStats> {
        let mut sink = self
            .sink
            .context("commit() of a site built in memory; use write_atomic()")?;
        let stats = sink.stats;
        sink.listed()?;
        if stats.written <= stats.unchanged
            && let Some(tree) = sink.tree.take()
        {
            let written = sink.written.clone();
            let plan = journal::Plan::new(sink.staging.path(), tree, &sink.hashes, written)?;
            if plan.changes() <= sink.hashes.len() / 2 {
                // Kept even if this fails: once the journal is written, `recover` needs
                // it, and before that the next build removes it.
                let _ = sink.staging.keep();
                plan.apply(&sink.target)?;
                return Ok(stats);
            }
        }
        sink.link_kept()?;
        swap_in(sink.staging, &sink.target)?;
        Ok(stats)
    }

    /// Reads a built site back from disk, e.g. the one now published, to compare a new
    /// build with it. Symbolic links are not followed (a build never writes any).
    pub fn read_dir(dir: &Path) -> Result<Output> {
        fn walk(base: &Path, dir: &Path, out: &mut Output) -> Result<()> {
            let mut entries = fs_err::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let path = e.path();
                let kind = e.file_type()?;
                if kind.is_dir() {
                    walk(base, &path, out)?;
                } else if kind.is_file() {
                    let rel = path
                        .strip_prefix(base)
                        .context("a file outside the site")?
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    out.add(rel, fs_err::read(&path)?)?;
                }
            }
            Ok(())
        }
        if !dir.is_dir() {
            bail!("`{}` is not a folder", dir.display());
        }
        let mut out = Output::default();
        walk(dir, dir, &mut out)?;
        Ok(out)
    }

    /// Writes a site built in memory into `out`, replacing what was there only once
    /// everything is written: the new tree goes into a staging folder beside `out`, then the
    /// two are exchanged in one atomic rename (Linux `renameat2(RENAME_EXCHANGE)`), so at
    /// every instant `out` is either the whole old site or the whole new one, even if the
    /// process is killed.
    pub fn write_atomic(&self, out: &Path) -> Result<WriteStats> {
        let mut disk = Output::to_dir(out)?;
        for (rel, bytes) in &self.files {
            disk.add(rel.to_string(), bytes.to_vec())?;
        }
        disk.commit()
    }
}

/// Refuses a path that would leave the site or name a folder.
fn check_path(path: &str) -> Result<()> {
    if path
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        bail!("refusing to write outside the site: `{path}`");
    }
    Ok(())
}

impl DirSink {
    /// Adds a file: writes it unless the previous site has it; its SHA-256.
    fn add(&mut self, path: String, bytes: &[u8]) -> Result<[u8; 32]> {
        if self.hashes.contains_key(&path) {
            bail!("two outputs claim the path `{path}`");
        }
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        self.write(&path, bytes, &digest)?;
        self.hashes.insert(path, digest);
        Ok(digest)
    }

    /// Whether the previous site has `f` as recorded: same SHA-256 in its manifest, same
    /// size on disk.
    fn has_previous(&self, f: &CachedFile) -> bool {
        self.previous
            .get(&f.path)
            .is_some_and(|d| crate::util::unhex(&f.sha256).as_ref() == Some(d))
            && self.previous_len(&f.path) == Some(f.len)
    }

    /// The size of the previous site's file at `rel`, if it is a file ([`listed`] first).
    ///
    /// [`listed`]: DirSink::listed
    fn previous_len(&self, rel: &str) -> Option<u64> {
        *self.tree.as_ref()?.files.get(rel)?
    }

    /// Waits for the listing of the previous site, once, and refuses to go on (unless
    /// forced) if it holds files seckb did not write.
    fn listed(&mut self) -> Result<()> {
        if let Some(listing) = self.listing.take() {
            self.tree = crate::util::joined(listing)
                .with_context(|| format!("cannot list the site `{}`", self.target.display()))?;
            if !self.force {
                match &self.tree {
                    Some(tree) => target::foreign(&self.target, tree.files.keys(), |f| {
                        self.previous.contains_key(f)
                    })?,
                    // Listed as nothing, though there: a name that is not UTF-8, which no
                    // build writes.
                    None if self.target.is_dir() => bail!(
                        "refusing to update the site `{}`: it holds a file whose name is not \
                         UTF-8, which seckb did not write\n  = hint: move it out of the site \
                         folder; `--force` deletes it all the same",
                        self.target.display()
                    ),
                    None => {}
                }
            }
        }
        Ok(())
    }

    /// Takes the previous site's `files` into the new one, with their SHA-256 from the
    /// previous manifest. Nothing is written: they stay where they are, or are linked into
    /// the staging folder by [`link_kept`](DirSink::link_kept).
    fn keep_all(&mut self, files: &[&CachedFile]) -> Result<()> {
        for f in files {
            let digest = *self
                .previous
                .get(&f.path)
                .with_context(|| format!("`{}` is not in the previous site", f.path))?;
            if self.hashes.insert(f.path.clone(), digest).is_some() {
                bail!("two outputs claim the path `{}`", f.path);
            }
        }
        self.stats.unchanged += files.len();
        Ok(())
    }

    /// Hard-links (or copies, where links are not possible) the files kept from the previous
    /// site into the staging folder, in parallel, so that it holds the whole new site.
    fn link_kept(&mut self) -> Result<()> {
        use rayon::prelude::*;
        let written: HashSet<&str> = self.written.iter().map(String::as_str).collect();
        let kept: Vec<&String> = self
            .hashes
            .keys()
            .filter(|p| !written.contains(p.as_str()))
            .collect();
        let staging = self.staging.path();
        let mut dirs: Vec<PathBuf> = kept
            .iter()
            .filter_map(|f| staging.join(f).parent().map(Path::to_path_buf))
            .filter(|d| !self.dirs.contains(d))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs.par_iter()
            .try_for_each(|d| fs_err::create_dir_all(d).map_err(anyhow::Error::from))?;
        let target = &self.target;
        kept.par_iter().try_for_each(|f| -> Result<()> {
            let (old, new) = (target.join(f), staging.join(f));
            if std::fs::hard_link(&old, &new).is_err() {
                fs_err::copy(&old, &new)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    fn make_parent(&mut self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent()
            && !self.dirs.contains(dir)
        {
            fs_err::create_dir_all(dir)?;
            self.dirs.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Writes a file to the staging folder, unless the previous site has it with the same
    /// bytes (its SHA-256 and size).
    fn write(&mut self, rel: &str, bytes: &[u8], digest: &[u8; 32]) -> Result<()> {
        if self.previous.get(rel) == Some(digest) {
            self.listed()?;
            if self.previous_len(rel) == Some(bytes.len() as u64) {
                self.stats.unchanged += 1;
                return Ok(());
            }
        }
        let path = self.staging.path().join(rel);
        self.make_parent(&path)?;
        fs_err::write(&path, bytes)?;
        self.written.push(rel.to_string());
        self.stats.written += 1;
        Ok(())
    }
}

/// The folder name of a site, for the names of its staging folders.
fn site_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into())
}

/// The SHA-256 of each file of the site now at `target`, from its manifest; empty when
/// there is none or it cannot be read.
fn previous_manifest(target: &Path) -> HashMap<String, [u8; 32]> {
    let Some(text) = read_own(&target.join(MANIFEST)).and_then(|b| String::from_utf8(b).ok())
    else {
        return HashMap::default();
    };
    text.lines()
        .filter_map(|line| {
            let (hex, path) = line.split_once("  ")?;
            Some((path.to_string(), crate::util::unhex(hex)?))
        })
        .collect()
}

use crate::util::hex;

/// The bytes of a file seckb wrote beside or in a site (its manifest, its build cache), if
/// it is a regular file: a named pipe in its place must not hang a build, and a link is not
/// what seckb wrote.
pub fn read_own(path: &Path) -> Option<Vec<u8>> {
    use crate::load::file::{Links, read};
    // No limit of its own: these files grow with the site (1 TiB is none).
    read(path, 1 << 40, Links::Refuse).ok()?.bytes()
}

/// Puts the complete tree in `staging` at `out`.
fn swap_in(staging: tempfile::TempDir, out: &Path) -> Result<()> {
    let parent = staging
        .path()
        .parent()
        .context("a staging folder without a parent")?
        .to_path_buf();
    let name = site_name(out);
    if !out.exists() {
        fs_err::rename(staging.keep(), out)?;
        return Ok(());
    }
    if exchange(staging.path(), out).is_ok() {
        // `staging` now holds the previous site; dropping it deletes it.
        return Ok(());
    }
    // No atomic exchange here (another OS or file system): move the old site aside,
    // the new one in, then delete the old one; a kill between the two renames leaves
    // the old site in `.<name>.old-*`.
    let staged = staging.keep();
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(&parent)
        .context("cannot create a folder for the previous site")?
        .keep();
    fs_err::rename(out, old.join(&name))?;
    if let Err(e) = fs_err::rename(&staged, out) {
        let _ = fs_err::rename(old.join(&name), out);
        return Err(e.into());
    }
    fs_err::remove_dir_all(&old)?;
    Ok(())
}

/// Swaps two directories atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this platform"))
}

/// Removes the staging folders and the unfinished journal that a build killed before it
/// changed the site left beside it.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with(&format!(".{name}.new-")) || n.starts_with(&format!(".{name}.old-")) {
            let _ = std::fs::remove_dir_all(e.path());
        } else if n == format!(".{name}.journal.tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit of the tests.
    fn u(name: &str) -> UnitId {
        UnitId::advisory(name)
    }

    #[test]
    fn refuses_traversal_and_collisions() {
        let mut o = Output::default();
        assert!(o.add("../x", "a").is_err());
        assert!(o.add("a//b", "a").is_err());
        o.add("a/b.html", "1").unwrap();
        assert!(o.add("a/b.html", "2").is_err());
    }

    /// A site in memory with units `keep` (two files) and `edit` (one file), a loose file
    /// and its manifest, as a build makes it; with its units.
    fn first_build() -> (Arc<Output>, BTreeMap<UnitId, Arc<[CachedFile]>>) {
        let mut o = Output::default();
        o.add_to_unit(&u("keep"), "k/1.html", "one").unwrap();
        o.add_to_unit(&u("keep"), "k/2.html", "two").unwrap();
        o.add_to_unit(&u("edit"), "e/old.html", "old").unwrap();
        o.add("lib.js", "js").unwrap();
        let units = o.take_units().unwrap();
        o.add_manifest().unwrap();
        (Arc::new(o), units)
    }

    fn listing(o: &Output) -> Vec<(String, Vec<u8>)> {
        o.contents().into_iter().collect()
    }

    /// A rebuild in memory starts from the previous build's files; what it reuses stays,
    /// what it renders replaces, and what no unit claims any more goes, so that it equals
    /// a build of the same files from nothing, manifest included, and lets the previous
    /// build go.
    #[test]
    fn a_rebuild_in_memory_keeps_what_it_reuses_and_drops_what_it_no_longer_makes() {
        let (first, units) = first_build();
        let mut o = Output::in_memory_after(Arc::clone(&first));
        assert!(o.reuse(&u("keep"), &units[&u("keep")]).unwrap());
        o.add_to_unit(&u("edit"), "e/new.html", "new").unwrap();
        o.add("lib.js", "js2").unwrap();
        // While the previous build's files are still there, the paths are this build's.
        assert_eq!(o.paths_under("e/"), ["e/new.html"]);
        assert_eq!(
            o.paths_under(""),
            ["e/new.html", "k/1.html", "k/2.html", "lib.js"]
        );
        let made = o.take_units().unwrap();
        o.add_manifest().unwrap();
        assert!(Arc::ptr_eq(&made[&u("keep")], &units[&u("keep")]));
        assert_eq!(made[&u("edit")].len(), 1);

        let mut clean = Output::default();
        clean.add_to_unit(&u("keep"), "k/1.html", "one").unwrap();
        clean.add_to_unit(&u("keep"), "k/2.html", "two").unwrap();
        clean.add_to_unit(&u("edit"), "e/new.html", "new").unwrap();
        clean.add("lib.js", "js2").unwrap();
        clean.add_manifest().unwrap();
        assert_eq!(listing(&o), listing(&clean));
        assert!(!o.files().contains_key("e/old.html"));
        // The new site does not hold on to the previous one (a chain of every build).
        assert_eq!(Arc::strong_count(&first), 1);

        // A third build after it reuses by the second's list of files too.
        let second = Arc::new(o);
        let mut third = Output::in_memory_after(Arc::clone(&second));
        assert!(third.reuse(&u("keep"), &made[&u("keep")]).unwrap());
        assert!(third.reuse(&u("edit"), &made[&u("edit")]).unwrap());
        third.add("lib.js", "js2").unwrap();
        third.take_units().unwrap();
        third.add_manifest().unwrap();
        assert_eq!(listing(&third), listing(&clean));
    }

    /// A unit is reused from memory only if the previous build made it with the same
    /// files: an equal list will do, a list that differs will not.
    #[test]
    fn a_unit_is_reused_from_memory_only_with_the_same_files() {
        let (first, units) = first_build();
        let mut o = Output::in_memory_after(Arc::clone(&first));
        let equal: Arc<[CachedFile]> = units[&u("keep")].to_vec().into();
        assert!(o.reuse(&u("keep"), &equal).unwrap());
        let mut other = units[&u("edit")].to_vec();
        other[0].sha256 = hex(&[0; 32]);
        assert!(!o.reuse(&u("edit"), &other.into()).unwrap());
        assert!(!o.reuse(&u("absent"), &units[&u("edit")]).unwrap());
        o.take_units().unwrap();
        o.add_manifest().unwrap();
        let paths = o.paths_under("");
        assert_eq!(paths, ["SHA256SUMS", "k/1.html", "k/2.html"]);
    }

    /// A file rendered in place of one of a reused unit is two outputs claiming one path,
    /// as it is in a build from nothing; so is a path added twice.
    #[test]
    fn a_rebuild_in_memory_refuses_collisions() {
        let (first, units) = first_build();
        let mut o = Output::in_memory_after(Arc::clone(&first));
        assert!(o.reuse(&u("keep"), &units[&u("keep")]).unwrap());
        o.add_to_unit(&u("edit"), "k/1.html", "clash").unwrap();
        let err = o.take_units().unwrap_err().to_string();
        assert!(
            err.contains("two outputs claim the path `k/1.html`"),
            "{err}"
        );

        let mut o = Output::in_memory_after(first);
        o.add("e/old.html", "a").unwrap();
        assert!(o.add("e/old.html", "b").is_err());
    }

    /// A rebuild that changes few files moves them into the site folder (which keeps its
    /// inode) and removes what the new site lacks; one that changes most swaps the folder.
    #[cfg(unix)]
    #[test]
    fn a_small_change_is_moved_in_and_a_large_one_swapped_in() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let site = |changed: usize| {
            let mut o = Output::default();
            for i in 0..10 {
                let text = if i < changed { "new" } else { "old" };
                o.add(format!("p/{i}.html"), text).unwrap();
            }
            o.add_manifest().unwrap();
            o
        };
        let inode = || std::fs::metadata(&out).unwrap().ino();
        let first = site(0).write_atomic(&out).unwrap();
        assert_eq!((first.written, first.unchanged), (11, 0));
        let before = inode();
        std::fs::write(out.join("stray.txt"), "by hand").unwrap();
        std::fs::create_dir_all(out.join("empty/folder")).unwrap();

        let small = site(1);
        // A file the manifest does not list stops the update, which changes nothing...
        let refused = small.write_atomic(&out).unwrap_err();
        assert!(
            format!("{refused:#}").contains("`stray.txt`"),
            "{refused:#}"
        );
        assert!(out.join("stray.txt").is_file());
        assert_eq!(inode(), before);
        // ... unless forced, when it is removed like the files the new site no longer has.
        let mut disk = Output::to_dir_listed(&out, Listing::start(&out).unwrap(), true).unwrap();
        for (rel, bytes) in &small.files {
            disk.add(rel.to_string(), bytes.to_vec()).unwrap();
        }
        let stats = disk.commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (2, 9));
        assert_eq!(inode(), before, "moved in, not swapped");
        assert_eq!(Output::read_dir(&out).unwrap().contents(), small.contents());
        assert!(!out.join("empty").exists());

        let large = site(8);
        let stats = large.write_atomic(&out).unwrap();
        assert_eq!((stats.written, stats.unchanged), (8, 3));
        assert_ne!(inode(), before, "swapped in whole");
        assert_eq!(Output::read_dir(&out).unwrap().contents(), large.contents());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replaces_the_whole_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut first = Output::default();
        first.add("old.html", "old").unwrap();
        first.add_manifest().unwrap();
        first.write_atomic(&out).unwrap();
        let mut second = Output::default();
        second.add("new/index.html", "new").unwrap();
        second.add_manifest().unwrap();
        second.write_atomic(&out).unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("new/index.html")).unwrap(),
            "new"
        );
        // No staging folders are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
