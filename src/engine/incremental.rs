//! Incremental builds: a rebuild renders only what its inputs say may have changed.
//!
//! A build is split into units. Each advisory is one: its pages in every language, its API
//! document, its CSAF documents with their hashes and its OSV document depend on nothing but
//! its own files and what every page shares (the settings, the catalog, the site texts, the
//! templates and the code of seckb). The search index is another: it depends only on its
//! records. Each unit gets a key, the SHA-256 of those inputs, and the build records which
//! files the unit wrote, with their SHA-256 and size, in a cache beside the site
//! (`.site.cache.json` for `site/`).
//!
//! On the next build, a unit whose key is unchanged is not rendered: its files are taken
//! from the previous site, after checking against that site's `SHA256SUMS` and the file
//! sizes that they are the files the cache names. Files that gather many advisories (feed
//! pages, listings, indexes, the sitemap) are list units that the outputs describe
//! ([`crate::unit::Gathered`], [`crate::unit::Spliced`]) and that [`Aggregates::gather`]
//! and [`Aggregates::splice`] make or take: keyed by their members' keys or by what they
//! show, an advisory's unit keeping the digests of what such files show of it (its list
//! item, its search record: [`Aggregates::digest`]), so that they need not be made again to
//! be compared. Only the manifest is always written. A stale, missing or damaged cache only
//! costs time: anything that does not match is rendered.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::load::{AdvisoryDir, Project};
use crate::output::Bytes;
pub use crate::output::CachedFile;

use super::Ledger;
use crate::unit::{Files, Gathered, Listed, Piece, Spliced, UnitId};

use crate::util::BUILD_ID;

/// What each unit of a build was made from and which files it wrote.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Cache {
    /// The [`BUILD_ID`] of the seckb that wrote the cache.
    pub build_id: String,
    /// Units by id (written as [`UnitId`]'s text: `advisory/<id>`, `search/<lang>/<part>`...).
    pub units: BTreeMap<UnitId, Unit>,
}

/// One unit of a build.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Unit {
    /// SHA-256 of the unit's inputs, in hex.
    pub key: String,
    /// The files the unit wrote, in the order written. Shared: a build in memory keeps the
    /// same list for a unit it reuses, so that the next build knows it by its address.
    pub files: Arc<[CachedFile]>,
    /// What else a reused unit must give: for a language's search index, its entry in
    /// `pagefind-entry.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    /// For an advisory: digests of what other units show of it, by name (e.g.
    /// `list/<language>`), valid while its key is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub memo: BTreeMap<String, String>,
}

impl Cache {
    /// The cache of the site at `target`; empty when there is none, it cannot be read or it
    /// was written by other code.
    pub fn read(target: &Path) -> Cache {
        crate::output::read_own(&cache_path(target))
            .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok())
            .filter(|c| c.build_id == BUILD_ID)
            .unwrap_or_default()
    }

    /// Writes the cache of the site at `target` (a new file renamed into place, so a reader
    /// never sees half of one).
    pub fn write(&self, target: &Path) -> Result<()> {
        let path = cache_path(target);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write the build cache in `{}`", dir.display()))?;
        serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), self)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        Ok(())
    }

    /// The unit `name` if it was made from inputs with this `key`.
    pub fn hit(&self, unit: &UnitId, key: &str) -> Option<&Unit> {
        self.units.get(unit).filter(|u| u.key == key)
    }
}

/// Where the cache of the site at `target` is kept: `.site.cache.json` beside `site/`.
pub fn cache_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    target.with_file_name(format!(".{name}.cache.json"))
}

/// The keys of a project's units.
pub struct Keys {
    /// What every page shares: the code of seckb, settings, catalog, site texts, templates.
    shared: [u8; 32],
    /// Advisory id to the key of its unit.
    advisories: HashMap<String, String>,
}

impl Keys {
    /// Works out the key of every advisory of `project` (read, not necessarily valid), given
    /// the digest of the templates in effect ([`crate::render::templates_digest`]).
    pub fn new(project: &Project, templates: [u8; 32]) -> Keys {
        let mut h = Sha256::new();
        h.update(BUILD_ID.as_bytes());
        let mut part = |label: &str, digest: Option<&[u8; 32]>| {
            h.update(label.as_bytes());
            h.update([0]);
            h.update(digest.unwrap_or(&[0; 32]));
        };
        part("settings", project.settings.as_ref().map(|p| &p.digest));
        part("catalog", project.catalog.as_ref().map(|p| &p.digest));
        for (stem, text) in &project.site_texts {
            part(stem, Some(&text.digest));
        }
        part("templates", Some(&templates));
        let shared: [u8; 32] = h.finalize().into();
        let advisories = project
            .advisories
            .iter()
            .filter_map(|dir| {
                let facts = dir.facts.as_ref()?;
                Some((facts.value.id.0.clone(), hex(&advisory_key(&shared, dir))))
            })
            .collect();
        Keys { shared, advisories }
    }

    /// The key of the advisory `id`.
    pub fn advisory(&self, id: &str) -> Option<&str> {
        self.advisories.get(id).map(String::as_str)
    }
}

/// Files that gather many advisories (a page of a feed, say) as units of their own: such a
/// unit's key is made from what places it (`what`: its kind, language, number...), what
/// every page shares, and the key and revision of each advisory item it holds, in order.
/// Those are known from the model without rendering anything, so a unit whose members did
/// not change is taken from the previous build, and only the items of the others are made.
pub struct Aggregates<'a> {
    previous: &'a Cache,
    keys: &'a Keys,
    /// The key of every aggregate unit of this build, reused or not.
    made: std::sync::Mutex<BTreeMap<UnitId, String>>,
    /// The digests of what aggregates show of each advisory, by advisory id and name.
    memos: std::sync::Mutex<HashMap<String, BTreeMap<String, String>>>,
    /// How many were taken from the previous build.
    reused: std::sync::atomic::AtomicUsize,
    /// By advisory (an index into the site's): whether its unit was taken from the previous
    /// build, once that is done ([`set_reused`](Aggregates::set_reused)).
    advisories_reused: std::sync::OnceLock<Vec<bool>>,
}

impl<'a> Aggregates<'a> {
    pub fn new(previous: &'a Cache, keys: &'a Keys) -> Aggregates<'a> {
        Aggregates {
            previous,
            keys,
            made: Default::default(),
            memos: Default::default(),
            reused: Default::default(),
            advisories_reused: Default::default(),
        }
    }

    /// The keys of the project's units.
    pub fn keys(&self) -> &Keys {
        self.keys
    }

    /// Records which advisories' units were taken from the previous build (by the index of
    /// the advisory in the site): their files are not made again, and what a spliced list
    /// holds of them can be kept from the previous file.
    pub fn set_reused(&self, reused: Vec<bool>) {
        // Set once per build; a second call would be a bug, and changes nothing.
        let _ = self.advisories_reused.set(reused);
    }

    /// Whether the unit of advisory `i` was taken from the previous build.
    pub fn is_reused(&self, i: usize) -> bool {
        self.advisories_reused
            .get()
            .is_some_and(|r| r.get(i).copied().unwrap_or(false))
    }

    /// How many advisories' units were taken from the previous build.
    pub fn advisories_reused(&self) -> usize {
        self.advisories_reused
            .get()
            .map_or(0, |r| r.iter().filter(|&&r| r).count())
    }

    /// The digest of `name` of advisory `id` (what an aggregate shows of it: its list item in
    /// a language, say): the one kept with its unit by the previous build when the
    /// advisory's key is unchanged, else the SHA-256 of what `make` gives, hashed, with what
    /// it gave, for the caller to use rather than make it again. Recorded for the next build
    /// either way.
    pub fn digest<T: Hash>(
        &self,
        id: &str,
        piece: Piece,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<(String, Option<T>)> {
        let name = piece.to_string();
        let kept = self.keys.advisory(id).and_then(|key| {
            self.previous
                .units
                .get(&UnitId::Advisory(id.to_string()))
                .filter(|u| u.key == key)
                .and_then(|u| u.memo.get(&name))
        });
        let (digest, made) = match kept {
            Some(d) => (d.clone(), None),
            None => {
                let made = make()?;
                let mut h = crate::util::ShaHasher::default();
                made.hash(&mut h);
                (hex(&h.finish_sha256()), Some(made))
            }
        };
        self.memos
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.to_string())
            .or_default()
            .insert(name, digest.clone());
        Ok((digest, made))
    }

    /// The key of aggregate unit `unit`, placed by `what`, whose items are those of
    /// `members` (advisory id, revision); `None` if an advisory has no key.
    pub fn key<'m, W: Hash>(
        &self,
        what: &W,
        members: impl Iterator<Item = (&'m str, &'m str)>,
    ) -> Option<String> {
        let mut h = crate::util::ShaHasher::default();
        BUILD_ID.hash(&mut h);
        self.keys.shared.hash(&mut h);
        what.hash(&mut h);
        for (id, revision) in members {
            self.keys.advisory(id)?.hash(&mut h);
            revision.hash(&mut h);
        }
        Some(hex(&h.finish_sha256()))
    }

    /// The key of an aggregate unit made from `what` alone (besides what every page shares):
    /// all it shows, such as the list items of a listing.
    pub fn key_of<W: Hash>(&self, what: &W) -> String {
        let mut h = crate::util::ShaHasher::default();
        BUILD_ID.hash(&mut h);
        self.keys.shared.hash(&mut h);
        what.hash(&mut h);
        hex(&h.finish_sha256())
    }

    /// Takes unit `unit` from the previous build into `out` if it was made from `key` and its
    /// files are there; records the key either way. Whether it was taken.
    pub fn reuse(&self, unit: &UnitId, key: Option<String>, out: &mut Ledger<'_>) -> Result<bool> {
        let Some(key) = key else { return Ok(false) };
        let reused = match self.previous.hit(unit, &key) {
            Some(hit) => out.reuse(unit, &hit.files)?,
            None => false,
        };
        if reused {
            self.reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(unit.clone(), key);
        Ok(reused)
    }

    /// The bytes of file `path` of aggregate unit `unit` as the previous build wrote it,
    /// checked against what the cache records of it ([`Ledger::previous_file`]).
    pub fn previous_file(&self, unit: &UnitId, path: &str, out: &Ledger<'_>) -> Option<Bytes> {
        let unit = self.previous.units.get(unit)?;
        out.previous_file(unit.files.iter().find(|f| f.path == path)?)
    }

    /// [`digest`](Aggregates::digest) `piece` of every advisory of `site`, in site order,
    /// made (where not kept) by `make` from the advisory's index, in parallel; with what was
    /// made, by advisory.
    pub fn digests<T: Hash + Send>(
        &self,
        site: &crate::site::Site,
        piece: Piece,
        make: impl Fn(usize) -> Result<T> + Sync,
    ) -> Result<(Vec<String>, Vec<Option<T>>)> {
        use rayon::prelude::*;
        let both: Vec<(String, Option<T>)> = (site.advisories.par_iter().enumerate())
            .map(|(i, (a, _))| self.digest(a.id.as_str(), piece, || make(i)))
            .collect::<Result<_>>()?;
        Ok(both.into_iter().unzip())
    }

    /// Makes the list units `units` that the previous build did not make from the same
    /// inputs, and takes the others from it: the one way a unit that gathers many
    /// advisories is built. Each unit's key is made from its id, what it shows besides its
    /// members, and the digest of each member's `piece`, kept with its advisory's unit: a
    /// unit is made again only when what it shows of its members changed (a listing, after
    /// an edit to a note that no list shows, is not). The pieces of the units to make are
    /// made once each with `make` (by advisory, in parallel), and the units rendered in
    /// parallel.
    pub fn gather<P: Hash + Send + Sync>(
        &self,
        site: &crate::site::Site,
        out: &mut Ledger<'_>,
        piece: Piece,
        make: impl Fn(usize) -> Result<P> + Sync,
        units: Vec<Gathered<P>>,
    ) -> Result<()> {
        let (digests, made) = self.digests(site, piece, &make)?;
        self.make_gathered(site, out, Some(&digests), made, make, units)
    }

    /// [`gather`](Aggregates::gather) keyed by the key of each member's advisory: any change
    /// to the advisory makes the unit again, but no piece is made to find out (a feed's
    /// items hold every revision's text).
    pub fn gather_by_advisory<P: Send + Sync>(
        &self,
        site: &crate::site::Site,
        out: &mut Ledger<'_>,
        make: impl Fn(usize) -> Result<P> + Sync,
        units: Vec<Gathered<P>>,
    ) -> Result<()> {
        self.make_gathered(site, out, None, Vec::new(), make, units)
    }

    /// Makes the spliced list `unit` unless the previous build made it from the same
    /// entries (keyed by their digests, as [`gather`](Aggregates::gather) keys), taking the
    /// entries of advisories reused from the previous build from its file ([`Spliced`]).
    /// The previous file is used only if it is the file the cache says that build wrote.
    pub fn splice<P: Hash + Send + Sync>(
        &self,
        site: &crate::site::Site,
        out: &mut Ledger<'_>,
        piece: Piece,
        make: impl Fn(usize) -> Result<P> + Sync,
        unit: Spliced<P>,
    ) -> Result<()> {
        let (digests, mut made) = self.digests(site, piece, &make)?;
        let shown: Vec<(&String, &str)> = unit
            .members
            .iter()
            .map(|&(i, l)| (&digests[i], l))
            .collect();
        let key = self.key_of(&(&unit.id, shown));
        if self.reuse(&unit.id, Some(key), out)? {
            return Ok(());
        }
        let previous = self.previous_file(&unit.id, &unit.file, out);
        let kept = previous
            .as_deref()
            .map(|b| (unit.entries)(b))
            .unwrap_or_default();
        let keep: Vec<Option<&serde_json::value::RawValue>> = (unit.members.iter())
            .map(|&(i, label)| match made[i] {
                None if self.is_reused(i) => kept.get(&*(unit.entry_id)(i, label)).copied(),
                _ => None,
            })
            .collect();
        let wanted = (unit.members.iter().zip(&keep))
            .filter(|(_, kept)| kept.is_none())
            .map(|(&(i, _), _)| i);
        fill(&mut made, wanted, &make)?;
        let listed = (unit.members.iter().zip(keep))
            .map(|(&member, kept)| match (&made[member.0], kept) {
                (Some(entry), _) => Ok((Listed::Made(entry), member)),
                (None, Some(raw)) => Ok((Listed::Kept(raw), member)),
                (None, None) => Err(anyhow::anyhow!("an entry that was not made")),
            })
            .collect::<Result<Vec<_>>>()?;
        let size = previous.as_ref().map_or(0, |f| f.len() + 4096);
        for (path, bytes) in (unit.render)(&listed, size)? {
            out.add_to_unit(&unit.id, path, bytes)?;
        }
        Ok(())
    }

    /// Keys `units` by their members' `digests` (else by their advisories' keys), takes the
    /// hits from the previous build, and makes the rest: the pieces missing from `made`
    /// with `make`, then the units, in parallel.
    fn make_gathered<P: Send + Sync>(
        &self,
        site: &crate::site::Site,
        out: &mut Ledger<'_>,
        digests: Option<&[String]>,
        mut made: Vec<Option<P>>,
        make: impl Fn(usize) -> Result<P> + Sync,
        units: Vec<Gathered<P>>,
    ) -> Result<()> {
        use rayon::prelude::*;
        made.resize_with(site.advisories.len(), || None);
        let mut todo = Vec::new();
        for unit in units {
            let key = match digests {
                Some(digests) => {
                    let shown: Vec<(&String, &str)> = unit
                        .members
                        .iter()
                        .map(|&(i, l)| (&digests[i], l))
                        .collect();
                    Some(self.key_of(&(&unit.id, &unit.what, shown)))
                }
                None => {
                    let members = unit
                        .members
                        .iter()
                        .map(|&(i, label)| (site.advisories[i].0.id.as_str(), label));
                    self.key(&(&unit.id, &unit.what), members)
                }
            };
            if !self.reuse(&unit.id, key, out)? {
                todo.push(unit);
            }
        }
        let wanted = todo.iter().flat_map(|u| u.members.iter().map(|&(i, _)| i));
        fill(&mut made, wanted, &make)?;
        // In parallel, a few units per thread at a time, each added as soon as its chunk is
        // done: a language's feed files hold every revision's text, and holding all of them
        // at once raised a full build's peak by about 120 MB at 10,000 advisories.
        let chunk = rayon::current_num_threads().max(1) * 4;
        for units in todo.chunks(chunk) {
            let files: Vec<(&UnitId, Files)> = units
                .par_iter()
                .map(|unit| {
                    let pieces = (unit.members.iter())
                        .map(|&(i, l)| Ok((made[i].as_ref().context("a piece not made")?, l)))
                        .collect::<Result<Vec<_>>>()?;
                    Ok((&unit.id, (unit.render)(&pieces)?))
                })
                .collect::<Result<_>>()?;
            for (unit, files) in files {
                for (path, bytes) in files {
                    out.add_to_unit(unit, path, bytes)?;
                }
            }
        }
        Ok(())
    }

    /// The key of every aggregate unit of this build, how many of them were taken from the
    /// previous build, and the digests recorded for each advisory ([`digest`]).
    ///
    /// [`digest`]: Aggregates::digest
    pub fn into_keys(self) -> Made {
        Made {
            keys: self.made.into_inner().unwrap_or_else(|e| e.into_inner()),
            reused: self.reused.into_inner(),
            memos: self.memos.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

/// Makes, in parallel with `make`, each slot of `made` named by `wanted` that holds nothing
/// yet: what [`Aggregates::digests`] made is used as it is, and the rest made once, however
/// often `wanted` names it (an advisory is in the home list and in the list of each of its
/// year, products, kind and severity).
pub fn fill<T: Send>(
    made: &mut [Option<T>],
    wanted: impl Iterator<Item = usize>,
    make: impl Fn(usize) -> Result<T> + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    let mut named = vec![false; made.len()];
    let missing: Vec<usize> = wanted
        .filter(|&i| made[i].is_none() && !std::mem::replace(&mut named[i], true))
        .collect();
    let fresh: Vec<(usize, T)> = missing
        .into_par_iter()
        .map(|i| Ok((i, make(i)?)))
        .collect::<Result<_>>()?;
    for (i, value) in fresh {
        made[i] = Some(value);
    }
    Ok(())
}

/// What [`Aggregates`] recorded in a build.
pub struct Made {
    /// The key of every aggregate unit, reused or not.
    pub keys: BTreeMap<UnitId, String>,
    /// How many aggregate units were taken from the previous build.
    pub reused: usize,
    /// The digests of what aggregates show of each advisory, by advisory id.
    pub memos: HashMap<String, BTreeMap<String, String>>,
}

/// The key of a unit made from `value` alone (and the code of seckb): a language's search
/// index, whose records hold everything it is made from.
pub fn key_of<T: Hash>(value: &T) -> String {
    let mut h = crate::util::ShaHasher::default();
    BUILD_ID.hash(&mut h);
    value.hash(&mut h);
    hex(&h.finish_sha256())
}

fn advisory_key(shared: &[u8; 32], dir: &AdvisoryDir) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(shared);
    if let Some(facts) = &dir.facts {
        h.update(facts.digest);
    }
    for (stem, text) in &dir.texts {
        h.update(stem.as_bytes());
        h.update([0]);
        h.update(text.digest);
    }
    h.finalize().into()
}

use crate::util::hex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_makes_each_wanted_slot_that_is_empty_once() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let mut made = vec![Some(10), None, None, Some(30), None];
        // 1 and 4 are named twice, as an advisory is in several lists.
        fill(&mut made, [0, 1, 3, 4, 1, 4, 0].into_iter(), |i| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(i * 100)
        })
        .unwrap();
        // Slots 0 and 3 keep what they held, 2 is not wanted, 1 and 4 are made.
        assert_eq!(made, [Some(10), Some(100), None, Some(30), Some(400)]);
        assert_eq!(calls.into_inner(), 2);
    }

    #[test]
    fn fill_passes_on_the_first_error() {
        let mut made: Vec<Option<usize>> = vec![None; 3];
        let err = fill(&mut made, 0..3, |i| {
            if i == 1 {
                anyhow::bail!("no item for {i}")
            }
            Ok(i)
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "no item for 1");
    }
}
