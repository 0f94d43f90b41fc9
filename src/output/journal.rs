//! Updating a site in place under a journal, so that a small rebuild costs what it changes
//! rather than what the site holds.
//!
//! The new and changed files of a rebuild are written to a staging folder beside the site.
//! When they are few, they are then moved into the site one rename at a time (each rename
//! replaces one file atomically), instead of the whole site being relinked into the staging
//! folder and swapped. Before the first change to the site, the whole plan (files and
//! folders to remove, files to move in, the manifest last) is written to `.<site>.journal`
//! beside the site by an atomic rename. A process killed part-way leaves the journal, and
//! the next build carries the plan out before anything else ([`recover`]): every step can be
//! repeated. A build that fails or is killed before the journal exists leaves the site as it
//! was.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::MANIFEST;

/// What a site folder holds: its files (and anything else that is not a folder, without a
/// size) with their sizes, and its folders, as `/`-separated paths relative to it.
#[derive(Debug, Default)]
pub(super) struct Tree {
    pub files: HashMap<String, Option<u64>>,
    pub dirs: Vec<String>,
}

impl Tree {
    /// Lists the site at `root`, its folders in parallel, with the size of each file (read
    /// relative to its folder, which is cheaper than a `stat` of each path); `None` if a
    /// name is not UTF-8 (a build never writes one, so such a site is replaced whole).
    pub fn of(root: &Path) -> Result<Option<Tree>> {
        walk(root, "")
    }
}

fn walk(root: &Path, rel: &str) -> Result<Option<Tree>> {
    use rayon::prelude::*;
    let mut tree = Tree::default();
    let mut subdirs = Vec::new();
    for entry in fs_err::read_dir(root.join(rel))? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Ok(None);
        };
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            subdirs.push(path);
        } else {
            let len = if kind.is_file() {
                Some(entry.metadata()?.len())
            } else {
                None
            };
            tree.files.insert(path, len);
        }
    }
    let below: Vec<Option<Tree>> = subdirs
        .par_iter()
        .map(|d| walk(root, d))
        .collect::<Result<_>>()?;
    for t in below {
        let Some(t) = t else { return Ok(None) };
        tree.files.extend(t.files);
        tree.dirs.extend(t.dirs);
    }
    tree.dirs.extend(subdirs);
    Ok(Some(tree))
}

/// The changes that turn the site into the new one, as the journal records them.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Plan {
    /// The name of the staging folder, beside the site, that holds the files to move in.
    staging: String,
    /// Files of the site that the new site does not have.
    delete: Vec<String>,
    /// Folders of the site that hold no file of the new site, removed with all they hold.
    remove_dirs: Vec<String>,
    /// Files to move from the staging folder into the site, the manifest last.
    move_in: Vec<String>,
}

impl Plan {
    /// The plan that makes `old` (the site as it is) the site whose files are the keys of
    /// `new`, given the files written to `staging` (the others are in the site already).
    pub fn new<V>(
        staging: &Path,
        old: Tree,
        new: &BTreeMap<String, V>,
        written: Vec<String>,
    ) -> Result<Plan> {
        let staging = staging
            .file_name()
            .and_then(|n| n.to_str())
            .context("a staging folder without a UTF-8 name")?
            .to_string();
        // Every folder that holds a file of the new site; what is left of the old site's
        // files once the new site's are taken out is what to delete (one hash lookup a
        // file: a lookup in `new`, a B-tree of 122,000 paths with long common prefixes at
        // 10,000 advisories, was a tenth of the swap).
        let mut keep_dirs: HashSet<&str> = HashSet::default();
        let mut gone = old.files;
        for path in new.keys() {
            gone.remove(path.as_str());
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !keep_dirs.insert(parent) {
                    break;
                }
                p = parent;
            }
        }
        let mut delete: Vec<String> = gone.into_keys().collect();
        delete.sort();
        // Only the topmost of the folders to remove: each goes with what it holds.
        let mut remove_dirs: Vec<String> = old
            .dirs
            .iter()
            .filter(|d| !keep_dirs.contains(d.as_str()))
            .filter(|d| {
                d.rsplit_once('/')
                    .is_none_or(|(p, _)| keep_dirs.contains(p))
            })
            .cloned()
            .collect();
        remove_dirs.sort();
        let mut move_in = written;
        move_in.sort_by(|a, b| (a == MANIFEST, a).cmp(&(b == MANIFEST, b)));
        Ok(Plan {
            staging,
            delete,
            remove_dirs,
            move_in,
        })
    }

    /// How many entries of the site the plan changes.
    pub fn changes(&self) -> usize {
        self.delete.len() + self.remove_dirs.len() + self.move_in.len()
    }

    /// Records the plan beside the site at `target`, then carries it out. Once the journal
    /// is written, a failure or a kill is finished by the next build's [`recover`].
    pub fn apply(&self, target: &Path) -> Result<()> {
        let journal = journal_path(target)?;
        let tmp = journal.with_extension("journal.tmp");
        let text = serde_json::to_vec(self)?;
        fs_err::write(&tmp, text)?;
        fs_err::rename(&tmp, &journal)?;
        self.carry_out(target)
            .with_context(|| format!("the journal `{}` is kept", journal.display()))?;
        fs_err::remove_file(&journal)?;
        Ok(())
    }

    /// Carries the plan out; every step can be repeated, so a plan cut short can be carried
    /// out again from the start.
    fn carry_out(&self, target: &Path) -> Result<()> {
        use rayon::prelude::*;
        let parent = target.parent().context("a site folder without a parent")?;
        let staging = parent.join(&self.staging);
        self.delete.par_iter().try_for_each(|f| -> Result<()> {
            let path = target.join(f);
            match std::fs::remove_file(&path) {
                // A folder of the new site now, made by the run that was cut short.
                Err(_) if path.symlink_metadata().is_ok_and(|m| m.is_dir()) => Ok(()),
                Err(e) if e.kind() != ErrorKind::NotFound => {
                    Err(e).with_context(|| format!("cannot remove `{}`", path.display()))
                }
                _ => Ok(()),
            }
        })?;
        self.remove_dirs
            .par_iter()
            .try_for_each(|d| -> Result<()> {
                let path = target.join(d);
                match std::fs::remove_dir_all(&path) {
                    Err(e) if e.kind() != ErrorKind::NotFound => {
                        Err(e).with_context(|| format!("cannot remove `{}`", path.display()))
                    }
                    _ => Ok(()),
                }
            })?;
        // New folders first, then the files; the manifest last, once all it lists is there.
        let mut dirs: Vec<PathBuf> = self
            .move_in
            .iter()
            .filter_map(|f| target.join(f).parent().map(Path::to_path_buf))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs.par_iter()
            .try_for_each(|d| fs_err::create_dir_all(d).map_err(anyhow::Error::from))?;
        let (last, files) = match self.move_in.split_last() {
            Some((last, files)) if last == MANIFEST => (Some(last), files),
            _ => (None, self.move_in.as_slice()),
        };
        let move_in = |f: &String| -> Result<()> {
            let (from, to) = (staging.join(f), target.join(f));
            match std::fs::rename(&from, &to) {
                // Moved already, by the run that was cut short.
                Err(e) if e.kind() == ErrorKind::NotFound && to.is_file() => Ok(()),
                Err(e) => Err(e).with_context(|| {
                    format!("cannot move `{}` to `{}`", from.display(), to.display())
                }),
                Ok(()) => Ok(()),
            }
        };
        files.par_iter().try_for_each(move_in)?;
        if let Some(last) = last {
            move_in(last)?;
        }
        if let Err(e) = std::fs::remove_dir_all(&staging)
            && e.kind() != ErrorKind::NotFound
        {
            return Err(e).with_context(|| format!("cannot remove `{}`", staging.display()));
        }
        Ok(())
    }
}

/// The journal of an update of the site at `target` that a killed build did not finish, if
/// there is one: until a build carries it out, the site is part old, part new.
pub fn unfinished(target: &Path) -> Option<PathBuf> {
    journal_path(target).ok().filter(|j| j.exists())
}

/// `.<site>.journal`, beside the site at `target`.
fn journal_path(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .context("a site folder without a name")?
        .to_string_lossy();
    let parent = target.parent().context("a site folder without a parent")?;
    Ok(parent.join(format!(".{name}.journal")))
}

/// Finishes the in-place update of the site at `target` that a killed build left in its
/// journal, if there is one; whether there was.
pub fn recover(target: &Path) -> Result<bool> {
    let journal = journal_path(target)?;
    let text = match std::fs::read(&journal) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", journal.display())),
    };
    let plan: Plan = match serde_json::from_slice(&text) {
        Ok(plan) => plan,
        Err(e) => bail!(
            "`{}` is not a journal of seckb ({e}); a build that was cut short while it \
             updated `{}` left it.\n  = hint: remove the site folder and the journal, then \
             build again",
            journal.display(),
            target.display()
        ),
    };
    plan.carry_out(target).with_context(|| {
        format!(
            "cannot finish the update of `{}` recorded in `{}`",
            target.display(),
            journal.display()
        )
    })?;
    fs_err::remove_file(&journal)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> BTreeMap<String, String> {
        let tree = Tree::of(dir).unwrap().unwrap();
        tree.files
            .into_keys()
            .map(|f| {
                let text = std::fs::read_to_string(dir.join(&f)).unwrap();
                (f, text)
            })
            .collect()
    }

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    /// The plan turns the old site into the new one, also when a run is cut short after
    /// any subset of its steps (they run in parallel) and [`recover`] finishes it.
    #[test]
    fn a_plan_cut_short_anywhere_is_finished_by_recover() {
        let old = [
            ("a/keep.html", "same"),
            ("a/change.html", "old"),
            ("gone/x/y.html", "old"),
            ("file-then-folder", "old"),
            ("stray.txt", "by hand"),
            (MANIFEST, "old"),
        ];
        let staged = [
            ("a/change.html", "new"),
            ("b/new.html", "new"),
            ("file-then-folder/index.html", "new"),
            (MANIFEST, "new"),
        ];
        let mut expected: BTreeMap<String, String> = staged
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        expected.insert("a/keep.html".into(), "same".into());
        let mut masks = 0;
        for mask in 0u32.. {
            let dir = tempfile::tempdir().unwrap();
            let (site, staging) = (dir.path().join("site"), dir.path().join(".site.new-1"));
            write(&site, &old);
            write(&staging, &staged);
            let tree = Tree::of(&site).unwrap().unwrap();
            let written = staged.iter().map(|(p, _)| p.to_string()).collect();
            let plan = Plan::new(&staging, tree, &expected, written).unwrap();
            assert_eq!(plan.move_in.last().map(String::as_str), Some(MANIFEST));
            assert_eq!(plan.remove_dirs, ["gone"]);
            let steps = plan.changes();
            if mask >> steps != 0 {
                break;
            }
            masks += 1;
            // A run cut short: the journal is written and the steps in `mask` are done.
            let journal = journal_path(&site).unwrap();
            std::fs::write(&journal, serde_json::to_vec(&plan).unwrap()).unwrap();
            let (d, r) = (plan.delete.len(), plan.remove_dirs.len());
            for step in (0..steps).filter(|i| mask & (1 << i) != 0) {
                if step < d {
                    std::fs::remove_file(site.join(&plan.delete[step])).unwrap();
                } else if step < d + r {
                    std::fs::remove_dir_all(site.join(&plan.remove_dirs[step - d])).unwrap();
                } else {
                    let f = &plan.move_in[step - d - r];
                    let to = site.join(f);
                    if to.parent().unwrap().is_file() {
                        continue; // its folder's place is still taken by an old file
                    }
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::rename(staging.join(f), to).unwrap();
                }
            }
            assert!(recover(&site).unwrap(), "steps {mask:b}");
            assert_eq!(files(&site), expected, "steps {mask:b}");
            assert!(!journal.exists() && !staging.exists());
            // Nothing left to recover.
            assert!(!recover(&site).unwrap());
        }
        assert!(masks >= 128, "{masks}");
    }

    #[test]
    fn a_damaged_journal_is_an_error_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(dir.path().join(".site.journal"), "{half").unwrap();
        let e = format!("{:#}", recover(&site).unwrap_err());
        assert!(e.contains(".site.journal") && e.contains("hint"), "{e}");
    }
}
