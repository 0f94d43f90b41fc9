//! The build pipeline that `build`, `serve` and `check` share: load and validate a project
//! ([`check`], [`check_cached`]), then render every output into a sink ([`build_into`]),
//! reusing what the previous build made from the same inputs ([`incremental`]).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::diag::Findings;
use crate::load::cache::ParseCache;
use crate::markdown::Memo;
use crate::output::{Memory, Sink};
use crate::site::Site;
use crate::unit::{Piece, UnitId};
use crate::util::{BUILD_ID, Timings};
use crate::{feeds, load, render, search, validate};

pub mod incremental;
mod ledger;

pub use incremental::Cache;
use incremental::{Aggregates, Keys, Unit, key_of};
pub use ledger::Ledger;

/// Renders every output of a validated project, in memory.
pub fn build_site(project: &crate::load::Project) -> Result<Memory> {
    Ok(build_into(project, Memory::default(), &Cache::default())?.0)
}

/// What a build did besides writing files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    /// Advisories rendered, and advisories whose files were taken from the previous build.
    pub advisories: usize,
    pub advisories_reused: usize,
    /// Parts of the search index that were built, and parts in all (one or more per
    /// language).
    pub search_indexed: usize,
    pub search_parts: usize,
    /// List units (listings, feed files, the API index, the CSAF lists, the sitemap) that
    /// were rendered, and such units in all.
    pub aggregates_rendered: usize,
    pub aggregates: usize,
}

/// Renders every output of a validated project into `sink`, which may be in memory or a
/// staging folder ([`crate::output::Staging`]). Units of `previous` (the cache of the
/// previous build, see [`incremental`]) made from the same inputs are taken from it rather
/// than rendered, through the [`Ledger`], which records the files of every unit. Returns the
/// site with its manifest, the cache of this build, and what was rendered.
pub fn build_into<S: Sink>(
    project: &crate::load::Project,
    mut sink: S,
    previous: &Cache,
) -> Result<(S, Cache, Rendered)> {
    let t = Timings::new();
    let keys = Keys::new(project, render::templates_digest(&project.root)?);
    let site = Site::from_project(project)?;
    t.lap("keys, model");
    let aggregates = Aggregates::new(previous, &keys);
    let library = search::Library::new()?;
    t.lap("search library");
    let mut out = Ledger::new(&mut sink);
    let mut search = SearchUnits::plan(&site, &aggregates, previous, &mut out)?;
    t.lap("search records");
    let (search_indexed, search_parts) = (search.to_index.len(), search.keys.len());
    // The search indexes are built on a thread of their own, beside the pages and feeds
    // (Pagefind indexes one record at a time), one part after the other so that memory holds
    // one part's index at a time. They are started first, as soon as their records are
    // made: after an edit, indexing its part is the longest of the work. The search page
    // carries the integrity hash of the search library, which is the same for every index.
    let to_index = std::mem::take(&mut search.to_index);
    let (indexes, rendered) = std::thread::scope(|s| {
        let indexes = s.spawn(|| {
            to_index
                .into_iter()
                .map(search::index_part)
                .collect::<Result<Vec<_>>>()
        });
        let rendered = render_outputs(
            project,
            &site,
            &aggregates,
            &library,
            previous,
            &mut out,
            &t,
        );
        let indexes = indexes
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (indexes, rendered)
    });
    let indexes = indexes?;
    rendered?;
    t.lap("search index (waited)");
    search.add(indexes, &library, &mut out)?;
    let reused = aggregates.advisories_reused();
    let made = aggregates.into_keys();
    let rendered = Rendered {
        advisories: site.advisories.len() - reused,
        advisories_reused: reused,
        search_indexed,
        search_parts,
        aggregates: made.keys.len(),
        aggregates_rendered: made.keys.len() - made.reused,
    };
    let cache = cache_of(out.into_units()?, &keys, made, &search);
    crate::output::add_manifest(&mut sink)?;
    t.lap("manifest");
    Ok((sink, cache, rendered))
}

/// Every output but the search index, into `out`: the advisories' own files (those the
/// previous build made from the same inputs taken from it), the files every build writes,
/// and the list units.
fn render_outputs(
    project: &crate::load::Project,
    site: &Site,
    aggregates: &Aggregates,
    library: &search::Library,
    previous: &Cache,
    out: &mut Ledger<'_>,
    t: &Timings,
) -> Result<()> {
    let keys = aggregates.keys();
    // The units of advisories made from the same inputs as in the previous build, with the
    // index of each advisory.
    let (hit_advisories, hits): (Vec<usize>, Vec<(UnitId, &std::sync::Arc<[_]>)>) = site
        .advisories
        .iter()
        .enumerate()
        .filter_map(|(i, (a, _))| {
            let unit = UnitId::advisory(a.id.as_str());
            let hit = previous.hit(&unit, keys.advisory(a.id.as_str())?)?;
            Some((i, (unit, &hit.files)))
        })
        .unzip();
    let reused = out.reuse_all(&hits)?;
    t.lap("link reused");
    let mut advisories_reused = vec![false; site.advisories.len()];
    for (&i, reused) in hit_advisories.iter().zip(reused) {
        advisories_reused[i] = reused;
    }
    aggregates.set_reused(advisories_reused);
    // Before anything is rendered: two advisories whose CSAF file names clash stop the build.
    let csaf_lists = feeds::csaf::lists(site)?;
    let pages = render::Pages::new(site, &project.root, &library.integrity)?;
    for (path, bytes) in pages.shared()? {
        out.add(path, bytes)?;
    }
    advisory_files(site, aggregates, &pages, out)?;
    t.lap("advisories");
    for lang in site.languages() {
        let listings = pages.listings(lang)?;
        let piece = Piece::ListItem(lang);
        let make = |i| Ok(listings.item(i));
        aggregates.gather(site, out, piece, make, listings.units()?)?;
    }
    t.lap("listings");
    let make = |i| Ok(feeds::api::index_entry(site, i));
    let index = feeds::api::index(site);
    aggregates.splice(site, out, Piece::ApiEntry, make, index)?;
    t.lap("api index");
    for lang in site.languages() {
        let feeds = feeds::Feeds::of(site, lang);
        let make = |i| Ok(feeds.items(i));
        aggregates.gather_by_advisory(site, out, make, feeds.units()?)?;
    }
    t.lap("json feed and atom");
    if let Some(lists) = csaf_lists {
        let make = |i| feeds::csaf::listings(site, i);
        aggregates.splice(site, out, Piece::CsafEntries, make, lists)?;
    }
    t.lap("csaf lists");
    // After every page: the sitemap lists those the site has.
    let default = format!("{}/", site.settings.default_language);
    let sitemap = feeds::sitemap::unit(site, &out.paths_under(&default));
    aggregates.gather_by_advisory(site, out, |_| Ok(()), vec![sitemap])?;
    t.lap("sitemap");
    Ok(())
}

/// The parts of the search index of every language: one unit per part of a language's
/// index, reused when its records are unchanged, which their digests tell (an advisory
/// whose key is unchanged keeps the digest of its record, so only the records of the parts
/// to index are made).
struct SearchUnits {
    /// By unit: (Pagefind's language, part, the language's entry in the part's entry file).
    entries: BTreeMap<UnitId, (String, usize, String)>,
    /// The key of every part.
    keys: BTreeMap<UnitId, String>,
    /// The parts to index, with their records.
    to_index: Vec<search::Part>,
}

impl SearchUnits {
    /// Takes the parts made from the same records from the previous build into `out`, and
    /// makes the records of the others.
    fn plan(
        site: &Site,
        aggregates: &Aggregates,
        previous: &Cache,
        out: &mut Ledger<'_>,
    ) -> Result<SearchUnits> {
        let mut plan = SearchUnits {
            entries: BTreeMap::new(),
            keys: BTreeMap::new(),
            to_index: Vec::new(),
        };
        let parts = search::parts(site);
        // The advisories of each part, in site order.
        let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); parts];
        for (i, (a, _)) in site.advisories.iter().enumerate() {
            members_of[search::part_of(a.id.as_str(), parts)].push(i);
        }
        for lang in site.languages() {
            let ui = &site.site_text(lang)?.ui;
            let make = |i: usize| {
                let (a, texts) = &site.advisories[i];
                search::record(site, lang, ui, a, texts)
            };
            let (digests, mut made) = aggregates.digests(site, Piece::SearchRecord(lang), make)?;
            for (number, members) in members_of.iter().enumerate() {
                if members.is_empty() {
                    continue;
                }
                let unit = UnitId::search(lang, number);
                let held: Vec<&String> = members.iter().map(|&i| &digests[i]).collect();
                let key = key_of(&(number, held));
                let reused = match previous.hit(&unit, &key) {
                    Some(Unit {
                        files,
                        extra: Some(entry),
                        ..
                    }) if serde_json::from_str::<&serde_json::value::RawValue>(entry).is_ok()
                        && out.reuse(&unit, files)? =>
                    {
                        let lang = lang.to_lowercase();
                        plan.entries
                            .insert(unit.clone(), (lang, number, entry.clone()));
                        true
                    }
                    _ => false,
                };
                plan.keys.insert(unit, key);
                if !reused {
                    incremental::fill(&mut made, members.iter().copied(), make)?;
                    let records = members
                        .iter()
                        .map(|&i| made[i].take().context("a search record that was not made"))
                        .collect::<Result<_>>()?;
                    plan.to_index.push(search::Part {
                        language: lang.to_string(),
                        number,
                        records,
                    });
                }
            }
        }
        Ok(plan)
    }

    /// Adds the parts indexed now to `out`, and the files of the whole index: the library
    /// and the entry file of each part, listing every language.
    fn add(
        &mut self,
        indexes: Vec<search::PartIndex>,
        library: &search::Library,
        out: &mut Ledger<'_>,
    ) -> Result<()> {
        for index in indexes {
            let unit = UnitId::search(&index.language, index.part);
            for (path, bytes) in index.files {
                out.add_to_unit(&unit, path, bytes)?;
            }
            self.entries
                .insert(unit, (index.language, index.part, index.entry));
        }
        let mut by_part: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
        for (lang, part, entry) in self.entries.values() {
            by_part
                .entry(*part)
                .or_default()
                .insert(lang.clone(), entry.clone());
        }
        for (path, bytes) in library.entry_files(&by_part)? {
            out.add(path, bytes)?;
        }
        Ok(())
    }
}

/// The cache of this build: the key of each unit made or taken, its files (`units`), and
/// what the next build needs of it besides (an advisory's digests, a search part's entry).
fn cache_of(
    units: BTreeMap<UnitId, std::sync::Arc<[incremental::CachedFile]>>,
    keys: &Keys,
    made: incremental::Made,
    search: &SearchUnits,
) -> Cache {
    let (aggregate_keys, mut memos) = (made.keys, made.memos);
    let units = units
        .into_iter()
        .filter_map(|(name, files)| {
            let (key, extra, memo) = match name.advisory_id() {
                Some(id) => (
                    keys.advisory(id)?.to_string(),
                    None,
                    memos.remove(id).unwrap_or_default(),
                ),
                None => match aggregate_keys.get(&name) {
                    Some(key) => (key.clone(), None, BTreeMap::new()),
                    None => {
                        let key = search.keys.get(&name)?.clone();
                        let (_, _, entry) = search.entries.get(&name)?;
                        (key, Some(entry.clone()), BTreeMap::new())
                    }
                },
            };
            let unit = Unit {
                key,
                files,
                extra,
                memo,
            };
            Some((name, unit))
        })
        .collect();
    Cache {
        build_id: BUILD_ID.to_string(),
        units,
    }
}

/// The files of each advisory not taken from the previous build: its page in every
/// language and its API document, rendered together so that each text is rendered and
/// sanitized once ([`Memo`]), and its CSAF and OSV documents. In parallel, added in site
/// order.
fn advisory_files(
    site: &Site,
    aggregates: &Aggregates,
    pages: &render::Pages,
    out: &mut Ledger<'_>,
) -> Result<()> {
    let fresh: Vec<_> = (site.advisories.iter().enumerate())
        .filter(|&(i, _)| !aggregates.is_reused(i))
        .map(|(_, advisory)| advisory)
        .collect();
    crate::util::par_chunked(
        &fresh,
        |(a, texts)| {
            let memo = Memo::new();
            let mut files = pages.advisory(a, texts, &memo)?;
            files.extend(feeds::api::document(site, a, texts, &memo)?);
            files.extend(feeds::osv::file(site, a, texts)?);
            Ok((UnitId::advisory(a.id.as_str()), files))
        },
        |(unit, files)| {
            for (path, bytes) in files {
                out.add_to_unit(&unit, path, bytes)?;
            }
            Ok(())
        },
    )?;
    // The CSAF documents in a pass of their own: made in one pass with the pages, a full
    // build at 10,000 took about 1 s more CPU (bench/RESULTS.md, the build engine).
    crate::util::par_chunked(
        &fresh,
        |(a, texts)| {
            Ok((
                UnitId::advisory(a.id.as_str()),
                feeds::csaf::documents(site, a, texts)?,
            ))
        },
        |(unit, files)| {
            for (path, bytes) in files {
                out.add_to_unit(&unit, path, bytes)?;
            }
            Ok(())
        },
    )
}

/// Loads the site at `root` as `options` allow ([`load::load`]) and runs the rules.
pub fn check(root: &Path, options: &load::Options) -> Result<(load::Project, Findings)> {
    let t = crate::util::Timings::new();
    let mut findings = Findings::default();
    let mut project = load::load(root, &mut findings, options)?;
    t.lap("  load");
    validate::validate_keeping(&mut project, &mut findings);
    t.lap("  validate");
    Ok((project, findings))
}

/// [`check`] for the commands: with the parse cache in `cache_dir` when there is one, which
/// is then brought up to date. A cache that cannot be written costs the next run time, so
/// it is a warning. `shallow` is for `seckb validate`, which needs no model of the
/// advisories ([`load::Options::shallow`]).
pub fn check_cached(
    root: &Path,
    cache_dir: Option<&Path>,
    shallow: bool,
) -> Result<(load::Project, Findings)> {
    let Some(dir) = cache_dir else {
        return check(root, &load::Options::default());
    };
    let t = crate::util::Timings::new();
    crate::memory::fit_pages_to_site(root);
    let cache = ParseCache::open(dir);
    t.lap("  open the parse cache");
    let options = load::Options {
        cache: Some(&cache),
        shallow,
        ..load::Options::default()
    };
    let (project, findings) = check(root, &options)?;
    let t = crate::util::Timings::new();
    if let Err(e) = cache.store(&project) {
        eprintln!("warning: the parse cache was not saved: {e:#}");
    }
    t.lap("  save the parse cache");
    Ok((project, findings))
}
