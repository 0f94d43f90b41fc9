//! A site written into a staging folder beside its target as it is built, then put in
//! place at once ([`Staging::commit`]).
//!
//! A file whose bytes are the same as in the previous site (same SHA-256 in its
//! `SHA256SUMS`, same size) is not written again. At commit, when at most half of the files
//! changed, the new ones are moved into the site under a journal ([`super::journal`]);
//! otherwise the unchanged files are hard-linked into the staging folder, which is then
//! swapped in by one atomic rename.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use sha2::{Digest, Sha256};

use super::journal::recover;
use super::{Bytes, CachedFile, MANIFEST, Sink, check_path, journal, read_own, records, target};

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
pub struct Staging {
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

impl Staging {
    /// A site written into a staging folder beside `target` as it is built; [`commit`]
    /// puts it in place.
    ///
    /// [`commit`]: Staging::commit
    pub fn to(target: &Path) -> Result<Staging> {
        let listing = Listing::start(target)?;
        Staging::new(target, listing, false)
    }

    /// [`to`](Staging::to), with the listing of the site now at `target` started earlier
    /// ([`Listing::start`]), so that it ran beside other work. Unless `force`, the build
    /// fails when the site holds a file its manifest does not list ([`target::foreign`]): a
    /// file seckb did not write, which the update would delete.
    pub fn new(target: &Path, listing: Listing, force: bool) -> Result<Staging> {
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
        Ok(Staging {
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
        })
    }

    /// Puts the site in place of the previous one: the files written are moved in under a
    /// journal when they are at most half of the site, else the staging folder, completed
    /// with the unchanged files, is swapped in whole.
    pub fn commit(mut self) -> Result<WriteStats> {
        let stats = self.stats;
        self.listed()?;
        if stats.written <= stats.unchanged
            && let Some(tree) = self.tree.take()
        {
            let written = self.written.clone();
            let plan = journal::Plan::new(self.staging.path(), tree, &self.hashes, written)?;
            if plan.changes() <= self.hashes.len() / 2 {
                // Kept even if this fails: once the journal is written, `recover` needs
                // it, and before that the next build removes it.
                let _ = self.staging.keep();
                plan.apply(&self.target)?;
                return Ok(stats);
            }
        }
        self.link_kept()?;
        swap_in(self.staging, &self.target)?;
        Ok(stats)
    }

    /// Whether the previous site has `f` as recorded: same SHA-256 in its manifest, same
    /// size on disk.
    fn has_previous(&self, f: &CachedFile) -> bool {
        self.previous.get(&f.path).is_some_and(|d| records(f, d))
            && self.previous_len(&f.path) == Some(f.len)
    }

    /// The size of the previous site's file at `rel`, if it is a file ([`listed`] first).
    ///
    /// [`listed`]: Staging::listed
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
    /// the staging folder by [`link_kept`](Staging::link_kept).
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

impl Sink for Staging {
    /// Writes the file unless the previous site has it.
    fn put(&mut self, path: String, bytes: Vec<u8>) -> Result<[u8; 32]> {
        check_path(&path)?;
        if self.hashes.contains_key(&path) {
            bail!("two outputs claim the path `{path}`");
        }
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        self.write(&path, &bytes, &digest)?;
        self.hashes.insert(path, digest);
        Ok(digest)
    }

    /// Checks the groups against the previous manifest and listing in parallel; nothing is
    /// written (see [`keep_all`](Staging::keep_all)).
    fn keep(&mut self, groups: &[&[CachedFile]]) -> Result<Vec<bool>> {
        use rayon::prelude::*;
        self.listed()?;
        let this = &*self;
        let kept: Vec<bool> = (groups.par_iter())
            .map(|files| files.iter().all(|f| this.has_previous(f)))
            .collect();
        let files: Vec<&CachedFile> = (groups.iter().zip(&kept))
            .filter(|(_, kept)| **kept)
            .flat_map(|(files, _)| files.iter())
            .collect();
        self.keep_all(&files)?;
        Ok(kept)
    }

    fn previous(&self, f: &CachedFile) -> Option<Bytes> {
        let bytes = std::fs::read(self.target.join(&f.path)).ok()?;
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        (bytes.len() as u64 == f.len && records(f, &digest)).then(|| Arc::new(bytes))
    }

    fn paths_under(&self, prefix: &str) -> Vec<&str> {
        (self.hashes.range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        )))
        .map(|(p, _)| p.as_str())
        .take_while(|p| p.starts_with(prefix))
        .collect()
    }

    fn digests(&mut self) -> Result<Vec<(Arc<str>, [u8; 32])>> {
        Ok((self.hashes.iter())
            .map(|(p, d)| (Arc::from(p.as_str()), *d))
            .collect())
    }

    fn len(&self) -> usize {
        self.hashes.len()
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
    use super::super::{Memory, add_manifest};
    use super::*;

    /// A rebuild that changes few files moves them into the site folder (which keeps its
    /// inode) and removes what the new site lacks; one that changes most swaps the folder.
    #[cfg(unix)]
    #[test]
    fn a_small_change_is_moved_in_and_a_large_one_swapped_in() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let site = |changed: usize| {
            let mut o = Memory::default();
            for i in 0..10 {
                let text = if i < changed { "new" } else { "old" };
                o.add(format!("p/{i}.html"), text).unwrap();
            }
            add_manifest(&mut o).unwrap();
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
        let mut disk = Staging::new(&out, Listing::start(&out).unwrap(), true).unwrap();
        for (rel, bytes) in small.files() {
            disk.put(rel.to_string(), bytes.to_vec()).unwrap();
        }
        let stats = disk.commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (2, 9));
        assert_eq!(inode(), before, "moved in, not swapped");
        assert_eq!(Memory::read_dir(&out).unwrap().contents(), small.contents());
        assert!(!out.join("empty").exists());

        let large = site(8);
        let stats = large.write_atomic(&out).unwrap();
        assert_eq!((stats.written, stats.unchanged), (8, 3));
        assert_ne!(inode(), before, "swapped in whole");
        assert_eq!(Memory::read_dir(&out).unwrap().contents(), large.contents());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replaces_the_whole_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut first = Memory::default();
        first.add("old.html", "old").unwrap();
        add_manifest(&mut first).unwrap();
        first.write_atomic(&out).unwrap();
        let mut second = Memory::default();
        second.add("new/index.html", "new").unwrap();
        add_manifest(&mut second).unwrap();
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
