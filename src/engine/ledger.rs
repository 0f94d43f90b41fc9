//! The ledger of a build: which unit made which file, and which units were taken from the
//! previous build. It stands between the engine and its [`Sink`], which knows only files;
//! at the end it gives the files of every unit, for the build cache.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};

use crate::output::{Bytes, CachedFile, Sink};
use crate::unit::UnitId;
use crate::util::hex;

/// The units of a build as their files go into a sink.
pub struct Ledger<'s> {
    sink: &'s mut dyn Sink,
    /// The files of each unit taken from the previous build.
    kept: BTreeMap<UnitId, Arc<[CachedFile]>>,
    /// The files of each unit made by this build, as they are added.
    making: BTreeMap<UnitId, Vec<CachedFile>>,
}

impl<'s> Ledger<'s> {
    pub fn new(sink: &'s mut dyn Sink) -> Ledger<'s> {
        Ledger {
            sink,
            kept: BTreeMap::new(),
            making: BTreeMap::new(),
        }
    }

    /// Adds a file that belongs to no unit: it is made by every build (the search library,
    /// the pages every language shares).
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Result<()> {
        self.sink.put(path.into(), bytes.into()).map(|_| ())
    }

    /// Adds a file made by `unit`, and records it.
    pub fn add_to_unit(
        &mut self,
        unit: &UnitId,
        path: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<()> {
        let (path, bytes) = (path.into(), bytes.into());
        let len = bytes.len() as u64;
        let digest = self.sink.put(path.clone(), bytes)?;
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

    /// Takes `unit`, whose files the previous build recorded as `files`, from that build
    /// instead of making it; `false` (and nothing added) when any file is not there as
    /// recorded, so the unit must be made.
    pub fn reuse(&mut self, unit: &UnitId, files: &Arc<[CachedFile]>) -> Result<bool> {
        Ok(self.reuse_all(&[(unit.clone(), files)])?[0])
    }

    /// [`reuse`](Ledger::reuse) for many units at once (a sink on disk checks them in
    /// parallel); whether each was taken.
    pub fn reuse_all(&mut self, units: &[(UnitId, &Arc<[CachedFile]>)]) -> Result<Vec<bool>> {
        let groups: Vec<&[CachedFile]> = units.iter().map(|(_, files)| &***files).collect();
        let kept = self.sink.keep(&groups)?;
        for ((unit, files), _) in units.iter().zip(&kept).filter(|(_, kept)| **kept) {
            if self.kept.insert(unit.clone(), Arc::clone(files)).is_some() {
                bail!("the unit `{unit}` was taken twice");
            }
        }
        Ok(kept)
    }

    /// The bytes of the previous build's file `f`, if they are what `f` records
    /// ([`Sink::previous`]).
    pub fn previous_file(&self, f: &CachedFile) -> Option<Bytes> {
        self.sink.previous(f)
    }

    /// The paths of the files added or taken so far that begin with `prefix`, in order.
    pub fn paths_under<'a>(&'a self, prefix: &'a str) -> Vec<&'a str> {
        self.sink.paths_under(prefix)
    }

    /// The files of every unit, made or taken, once the build is done.
    pub fn into_units(self) -> Result<BTreeMap<UnitId, Arc<[CachedFile]>>> {
        let mut units = self.kept;
        for (unit, files) in self.making {
            if units.insert(unit.clone(), files.into()).is_some() {
                bail!("the unit `{unit}` was both taken and made");
            }
        }
        Ok(units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Memory, add_manifest};

    fn u(name: &str) -> UnitId {
        UnitId::advisory(name)
    }

    /// A first build's site and units: `keep` (two files), `edit` (one), a loose file.
    fn first_build() -> (Arc<Memory>, BTreeMap<UnitId, Arc<[CachedFile]>>) {
        let mut site = Memory::default();
        let mut ledger = Ledger::new(&mut site);
        ledger.add_to_unit(&u("keep"), "k/1.html", "one").unwrap();
        ledger.add_to_unit(&u("keep"), "k/2.html", "two").unwrap();
        ledger.add_to_unit(&u("edit"), "e/old.html", "old").unwrap();
        ledger.add("lib.js", "js").unwrap();
        let units = ledger.into_units().unwrap();
        add_manifest(&mut site).unwrap();
        (Arc::new(site), units)
    }

    /// The ledger records what each unit made, in order, and what it took; a rebuild that
    /// takes one unit and makes the other gives the site a clean build gives.
    #[test]
    fn records_the_files_of_units_made_and_taken() {
        let (first, units) = first_build();
        let paths: Vec<&str> = units[&u("keep")].iter().map(|f| &*f.path).collect();
        assert_eq!(paths, ["k/1.html", "k/2.html"]);
        assert_eq!(units[&u("edit")][0].len, 3);
        assert_eq!(units.len(), 2, "a loose file is no unit's");

        let mut site = Memory::after(first);
        let mut ledger = Ledger::new(&mut site);
        assert!(ledger.reuse(&u("keep"), &units[&u("keep")]).unwrap());
        ledger.add_to_unit(&u("edit"), "e/new.html", "new").unwrap();
        ledger.add("lib.js", "js").unwrap();
        assert_eq!(ledger.paths_under("k/"), ["k/1.html", "k/2.html"]);
        let again = ledger.into_units().unwrap();
        assert!(Arc::ptr_eq(&again[&u("keep")], &units[&u("keep")]));
        assert_eq!(again[&u("edit")][0].path, "e/new.html");
        add_manifest(&mut site).unwrap();
        assert!(!site.files().contains_key("e/old.html"));
        assert!(site.files().contains_key("k/2.html"));
    }

    /// A unit taken twice, or both taken and made, is a bug in the engine.
    #[test]
    fn refuses_a_unit_taken_twice_or_taken_and_made() {
        let (first, units) = first_build();
        let mut site = Memory::after(Arc::clone(&first));
        let mut ledger = Ledger::new(&mut site);
        assert!(ledger.reuse(&u("edit"), &units[&u("edit")]).unwrap());
        ledger.add_to_unit(&u("edit"), "e/other.html", "x").unwrap();
        let err = ledger.into_units().unwrap_err().to_string();
        assert!(err.contains("both taken and made"), "{err}");

        let mut site = Memory::after(first);
        let mut ledger = Ledger::new(&mut site);
        // The same unit under two records that name different files.
        assert!(ledger.reuse(&u("x"), &units[&u("keep")]).unwrap());
        let err = ledger.reuse(&u("x"), &units[&u("edit")]).unwrap_err();
        assert!(err.to_string().contains("taken twice"), "{err}");
    }
}
