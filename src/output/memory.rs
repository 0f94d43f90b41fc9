//! A site in memory: for `serve`, which rebuilds after each change and serves the last
//! site that built, and for tests.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use sha2::{Digest, Sha256};

use super::{Bytes, CachedFile, Sink, Staging, WriteStats, check_path, records};

/// A site as files: `/`-separated relative paths to contents, in sorted order, with the
/// SHA-256 of each.
///
/// A site built after a previous one ([`Memory::after`]) starts as a copy of it: a copy of
/// its maps, which shares the paths and the bytes. Keeping a group of its files then costs a
/// look-up per file and no copy, what the build adds replaces the previous file, and once
/// the build is done ([`Sink::digests`]) the previous files that this build neither kept nor
/// added are dropped.
#[derive(Debug, Default)]
pub struct Memory {
    files: BTreeMap<Arc<str>, Bytes>,
    digests: HashMap<Arc<str>, [u8; 32]>,
    /// For a site built after a previous one, until it is done: the previous site, and the
    /// paths of this build (added or kept).
    after: Option<(Arc<Memory>, HashSet<Arc<str>>)>,
}

impl Memory {
    /// A site built after `previous`, whose files it may keep. It starts as a copy of
    /// `previous` (see [`Memory`]).
    pub fn after(previous: Arc<Memory>) -> Memory {
        if previous.files.is_empty() {
            return Memory::default();
        }
        Memory {
            files: previous.files.clone(),
            digests: previous.digests.clone(),
            after: Some((previous, HashSet::default())),
        }
    }

    /// Adds a file ([`Sink::put`]).
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Result<()> {
        self.put(path.into(), bytes.into()).map(|_| ())
    }

    /// The files, in path order.
    pub fn files(&self) -> &BTreeMap<Arc<str>, Bytes> {
        &self.files
    }

    /// A copy of the files, in path order, as owned bytes.
    pub fn contents(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect()
    }

    /// Drops the previous build's files that this one neither kept nor added, and lets the
    /// previous build go.
    fn settle(&mut self) {
        if let Some((_, claimed)) = self.after.take() {
            self.files.retain(|p, _| claimed.contains(p));
            self.digests.retain(|p, _| claimed.contains(p));
        }
    }

    /// Reads a built site back from disk, e.g. the one now published, to compare a new
    /// build with it. Symbolic links are not followed (a build never writes any).
    pub fn read_dir(dir: &Path) -> Result<Memory> {
        fn walk(base: &Path, dir: &Path, out: &mut Memory) -> Result<()> {
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
        let mut out = Memory::default();
        walk(dir, dir, &mut out)?;
        Ok(out)
    }

    /// Writes the site into `out`, replacing what was there only once everything is
    /// written ([`Staging::commit`]).
    pub fn write_atomic(&self, out: &Path) -> Result<WriteStats> {
        let mut disk = Staging::to(out)?;
        for (rel, bytes) in &self.files {
            disk.put(rel.to_string(), bytes.to_vec())?;
        }
        disk.commit()
    }
}

impl Sink for Memory {
    fn put(&mut self, path: String, bytes: Vec<u8>) -> Result<[u8; 32]> {
        check_path(&path)?;
        let path: Arc<str> = path.into();
        let fresh = match &mut self.after {
            Some((_, claimed)) => claimed.insert(Arc::clone(&path)),
            None => !self.files.contains_key(&path),
        };
        if !fresh {
            bail!("two outputs claim the path `{path}`");
        }
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        self.digests.insert(Arc::clone(&path), digest);
        self.files.insert(path, Arc::new(bytes));
        Ok(digest)
    }

    /// The previous site's files are this one's already: a group is kept if each of its
    /// files is there with the recorded SHA-256 (the same bytes, so the same size).
    fn keep(&mut self, groups: &[&[CachedFile]]) -> Result<Vec<bool>> {
        let Some((previous, claimed)) = &mut self.after else {
            return Ok(vec![false; groups.len()]);
        };
        let mut kept = Vec::with_capacity(groups.len());
        for group in groups {
            let there = group
                .iter()
                .all(|f| (previous.digests.get(f.path.as_str())).is_some_and(|d| records(f, d)));
            if there {
                for f in group.iter() {
                    let (path, _) = (previous.digests.get_key_value(f.path.as_str()))
                        .context("a kept file that is not there")?;
                    if !claimed.insert(Arc::clone(path)) {
                        bail!("two outputs claim the path `{path}`");
                    }
                }
            }
            kept.push(there);
        }
        Ok(kept)
    }

    fn previous(&self, f: &CachedFile) -> Option<Bytes> {
        let (previous, _) = self.after.as_ref()?;
        let digest = previous.digests.get(f.path.as_str())?;
        let bytes = previous.files.get(f.path.as_str())?;
        records(f, digest).then(|| Arc::clone(bytes))
    }

    fn paths_under(&self, prefix: &str) -> Vec<&str> {
        match &self.after {
            // The previous build's files are still there: this build's are those it claimed.
            Some((_, claimed)) => {
                let mut paths: Vec<&str> = (claimed.iter().map(|p| &**p))
                    .filter(|p| p.starts_with(prefix))
                    .collect();
                paths.sort_unstable();
                paths
            }
            None => (self.files.range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            )))
            .map(|(p, _)| &**p)
            .take_while(|p| p.starts_with(prefix))
            .collect(),
        }
    }

    fn digests(&mut self) -> Result<Vec<(Arc<str>, [u8; 32])>> {
        self.settle();
        (self.files.keys())
            .map(|p| {
                let digest = self.digests.get(p).context("a file without its digest")?;
                Ok((Arc::clone(p), *digest))
            })
            .collect()
    }

    fn len(&self) -> usize {
        match &self.after {
            Some((_, claimed)) => claimed.len(),
            None => self.files.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::add_manifest;
    use crate::util::hex;

    #[test]
    fn refuses_traversal_and_collisions() {
        let mut o = Memory::default();
        assert!(o.add("../x", "a").is_err());
        assert!(o.add("a//b", "a").is_err());
        o.add("a/b.html", "1").unwrap();
        assert!(o.add("a/b.html", "2").is_err());
    }

    /// A group of files as the cache records them.
    fn group(files: &[(&str, &str)]) -> Vec<CachedFile> {
        (files.iter())
            .map(|(path, text)| CachedFile {
                path: path.to_string(),
                sha256: hex(&Sha256::digest(text.as_bytes())),
                len: text.len() as u64,
            })
            .collect()
    }

    const KEEP: &[(&str, &str)] = &[("k/1.html", "one"), ("k/2.html", "two")];

    /// A first build: the group `KEEP`, a file to be edited, a loose file, the manifest.
    fn first_build() -> Arc<Memory> {
        let mut o = Memory::default();
        for (path, text) in KEEP {
            o.add(*path, *text).unwrap();
        }
        o.add("e/old.html", "old").unwrap();
        o.add("lib.js", "js").unwrap();
        add_manifest(&mut o).unwrap();
        Arc::new(o)
    }

    fn listing(o: &Memory) -> Vec<(String, Vec<u8>)> {
        o.contents().into_iter().collect()
    }

    /// A rebuild in memory starts from the previous build's files; what it keeps stays,
    /// what it adds replaces, and what it neither keeps nor adds goes, so that it equals a
    /// build of the same files from nothing, manifest included, and lets the previous build
    /// go.
    #[test]
    fn a_rebuild_in_memory_keeps_what_it_is_asked_to_and_drops_the_rest() {
        let first = first_build();
        let mut o = Memory::after(Arc::clone(&first));
        assert_eq!(o.keep(&[&group(KEEP)]).unwrap(), [true]);
        o.add("e/new.html", "new").unwrap();
        o.add("lib.js", "js2").unwrap();
        // While the previous build's files are still there, the paths are this build's.
        assert_eq!(o.paths_under("e/"), ["e/new.html"]);
        assert_eq!(
            o.paths_under(""),
            ["e/new.html", "k/1.html", "k/2.html", "lib.js"]
        );
        assert_eq!(o.len(), 4);
        add_manifest(&mut o).unwrap();

        let mut clean = Memory::default();
        for (path, text) in KEEP {
            clean.add(*path, *text).unwrap();
        }
        clean.add("e/new.html", "new").unwrap();
        clean.add("lib.js", "js2").unwrap();
        add_manifest(&mut clean).unwrap();
        assert_eq!(listing(&o), listing(&clean));
        assert!(!o.files().contains_key("e/old.html"));
        // The new site does not hold on to the previous one (a chain of every build).
        assert_eq!(Arc::strong_count(&first), 1);

        // A third build after it keeps by the same records.
        let second = Arc::new(o);
        let mut third = Memory::after(Arc::clone(&second));
        let both = [group(KEEP), group(&[("e/new.html", "new")])];
        assert_eq!(third.keep(&[&both[0], &both[1]]).unwrap(), [true, true]);
        third.add("lib.js", "js2").unwrap();
        add_manifest(&mut third).unwrap();
        assert_eq!(listing(&third), listing(&clean));
    }

    /// A group is kept only if every file is there with the recorded bytes; the previous
    /// bytes are given only as recorded.
    #[test]
    fn a_group_is_kept_only_as_recorded() {
        let first = first_build();
        let mut o = Memory::after(Arc::clone(&first));
        let changed = group(&[("k/1.html", "one"), ("k/2.html", "TWO")]);
        let absent = group(&[("k/1.html", "one"), ("k/3.html", "three")]);
        assert_eq!(o.keep(&[&changed, &absent]).unwrap(), [false, false]);
        assert_eq!(o.previous(&group(KEEP)[1]).unwrap().as_slice(), b"two");
        assert!(o.previous(&changed[1]).is_none());
        add_manifest(&mut o).unwrap();
        assert_eq!(o.paths_under(""), ["SHA256SUMS"]);
        // A site built from nothing keeps nothing.
        assert_eq!(Memory::default().keep(&[&group(KEEP)]).unwrap(), [false]);
    }

    /// A file added in place of a kept one is two outputs claiming one path, as it is in a
    /// build from nothing; so is a path kept twice or added twice.
    #[test]
    fn a_rebuild_in_memory_refuses_collisions() {
        let first = first_build();
        let mut o = Memory::after(Arc::clone(&first));
        assert_eq!(o.keep(&[&group(KEEP)]).unwrap(), [true]);
        let err = o.add("k/1.html", "clash").unwrap_err().to_string();
        assert!(
            err.contains("two outputs claim the path `k/1.html`"),
            "{err}"
        );
        assert!(o.keep(&[&group(KEEP)]).is_err());

        let mut o = Memory::after(first);
        o.add("e/old.html", "a").unwrap();
        assert!(o.add("e/old.html", "b").is_err());
        assert!(o.keep(&[&group(&[("e/old.html", "old")])]).is_err());
    }
}
