//! `seckb build`: validate, render pages and feeds in memory, then swap the new site in
//! atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use std::collections::BTreeMap;

use crate::incremental::{
    Aggregates, BUILD_ID, Cache, Keys, Unit, advisory_unit, key_of, search_unit,
};
use crate::output::Output;
use crate::site::Site;
use crate::{feeds, render, search};

/// Renders every output of a validated project, in memory.
pub fn build_site(project: &crate::load::Project) -> Result<Output> {
    Ok(build_into(project, Output::default(), &Cache::default())?.0)
}

/// What a build did besides writing files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Advisories rendered, and advisories whose files were taken from the previous build.
    pub advisories: usize,
    pub advisories_reused: usize,
    /// Parts of the search index that were built, and parts in all (one or more per
    /// language).
    pub search_indexed: usize,
    pub search_parts: usize,
    /// Files that gather many advisories (listings, pages of the JSON Feed, Atom feeds)
    /// that were rendered, and such files in all.
    pub aggregates_rendered: usize,
    pub aggregates: usize,
}

/// Renders every output of a validated project into `out`, which may be in memory or a
/// staging folder ([`Output::to_dir`]). Units of `previous` (the cache of the previous
/// build, see [`crate::incremental`]) made from the same inputs are reused rather than
/// rendered. Returns the site, the cache of this build, and what was rendered.
pub fn build_into(
    project: &crate::load::Project,
    mut out: Output,
    previous: &Cache,
) -> Result<(Output, Cache, Rendered)> {
    let t = Timings::new();
    let keys = Keys::new(project)?;
    let mut site = Site::from_project(project)?;
    let hits: Vec<(String, &std::sync::Arc<[_]>)> = site
        .advisories
        .iter()
        .filter_map(|(a, _)| {
            let unit = advisory_unit(a.id.as_str());
            let hit = previous.hit(&unit, keys.advisory(a.id.as_str())?)?;
            Some((unit, &hit.files))
        })
        .collect();
    t.lap("keys, model");
    let aggregates = Aggregates::new(previous, &keys);
    // The search index: one unit per part of a language's index, reused when its records
    // are unchanged, which their digests tell: an advisory whose key is unchanged keeps
    // the digest of its record, so only the records of the parts to index are made.
    // Entries are by unit: (language, part, its entry).
    let library = search::Library::new()?;
    t.lap("search library");
    let mut search_entries: BTreeMap<String, (String, usize, String)> = BTreeMap::new();
    let mut search_keys = BTreeMap::new();
    let mut to_index = Vec::new();
    let parts = search::parts(&site);
    // The advisories of each part, in site order.
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); parts];
    for (i, (a, _)) in site.advisories.iter().enumerate() {
        members_of[search::part_of(a.id.as_str(), parts)].push(i);
    }
    for lang in site.languages() {
        let ui = &site.site_text(lang)?.ui;
        let name = format!("search/{lang}");
        let make = |a: &crate::model::Advisory, texts: &BTreeMap<&str, &_>| {
            search::record(&site, lang, ui, a, texts)
        };
        let (digests, mut made) = aggregates.digests(&site, &name, make)?;
        for (number, members) in members_of.iter().enumerate() {
            if members.is_empty() {
                continue;
            }
            let unit = search_unit(lang, number);
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
                    search_entries.insert(unit.clone(), (lang, number, entry.clone()));
                    true
                }
                _ => false,
            };
            search_keys.insert(unit, key);
            if !reused {
                crate::incremental::fill(&mut made, members.iter().copied(), |i| {
                    let (a, texts) = &site.advisories[i];
                    make(a, texts)
                })?;
                let records = members
                    .iter()
                    .map(|&i| made[i].take().context("a search record that was not made"))
                    .collect::<Result<_>>()?;
                to_index.push(search::Part {
                    language: lang.to_string(),
                    number,
                    records,
                });
            }
        }
    }
    t.lap("search records");
    let (search_indexed, search_parts) = (to_index.len(), search_keys.len());
    // The search indexes are built on a thread of their own, beside the pages and feeds
    // (Pagefind indexes one record at a time), one part after the other so that memory holds
    // one part's index at a time. They are started first, as soon as their records are
    // made: after an edit, indexing its part is the longest of the work. The search page
    // carries the integrity hash of the search library, which is the same for every index.
    let (indexes, out) = std::thread::scope(|s| {
        let indexes = s.spawn(|| {
            to_index
                .into_iter()
                .map(search::index_part)
                .collect::<Result<Vec<_>>>()
        });
        let out = (|| {
            let reused = out.reuse_all(&hits)?;
            t.lap("link reused");
            for ((unit, _), reused) in hits.iter().zip(reused) {
                if reused && let Some(id) = unit.strip_prefix("advisory/") {
                    site.reused.insert(id.to_string());
                }
            }
            render::render_after(
                &site,
                &project.root,
                &library.integrity,
                &mut out,
                Some(&aggregates),
            )?;
            t.lap("pages");
            feeds::render_after(&site, &mut out, Some(&aggregates))?;
            t.lap("feeds");
            anyhow::Ok(out)
        })();
        let indexes = indexes
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (indexes, out)
    });
    let (indexes, mut out) = (indexes?, out?);
    t.lap("search index (waited)");
    let mut rendered = Rendered {
        advisories: site.advisories.len() - site.reused.len(),
        advisories_reused: site.reused.len(),
        search_indexed,
        search_parts,
        ..Rendered::default()
    };
    for index in indexes {
        let unit = search_unit(&index.language, index.part);
        for (path, bytes) in index.files {
            out.add_to_unit(&unit, path, bytes)?;
        }
        search_entries.insert(unit, (index.language, index.part, index.entry));
    }
    let mut by_part: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for (lang, part, entry) in search_entries.values() {
        by_part
            .entry(*part)
            .or_default()
            .insert(lang.clone(), entry.clone());
    }
    library.add_entries(&by_part, &mut out)?;
    let made = aggregates.into_keys();
    let (aggregate_keys, mut memos) = (made.keys, made.memos);
    rendered.aggregates = aggregate_keys.len();
    rendered.aggregates_rendered = aggregate_keys.len() - made.reused;
    let units = out
        .take_units()?
        .into_iter()
        .filter_map(|(name, files)| {
            let (key, extra, memo) = match name.strip_prefix("advisory/") {
                Some(id) => (
                    keys.advisory(id)?.to_string(),
                    None,
                    memos.remove(id).unwrap_or_default(),
                ),
                None => match aggregate_keys.get(&name) {
                    Some(key) => (key.clone(), None, BTreeMap::new()),
                    None => {
                        let key = search_keys.get(&name)?.clone();
                        let (_, _, entry) = search_entries.get(&name)?;
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
    let cache = Cache {
        build_id: BUILD_ID.to_string(),
        units,
    };
    out.add_manifest()?;
    t.lap("manifest");
    Ok((out, cache, rendered))
}

pub fn run(
    root: &Path,
    cache_dir: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
) -> Result<ExitCode> {
    let shown = out.unwrap_or_else(|| root.join("site"));
    // Where the site goes, refused before anything is read or written if a build there
    // could delete what seckb did not write; a link to a folder is followed and kept.
    let out = crate::output::target::resolve(root, &shown, force)?;
    let progress = Progress::new();
    progress.step("validating");
    let t = Timings::new();
    // The site now there is listed beside the validation, for the incremental build.
    let listing = crate::output::Listing::start(&out)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    // So is the build cache read (24 MB of JSON at 10,000 advisories).
    let previous = {
        let out = out.clone();
        std::thread::spawn(move || Cache::read(&out))
    };
    let (project, findings) = super::validate::check_cached(root, cache_dir)?;
    t.lap("load and validate");
    progress.0.suspend(|| super::report(&findings, &project));
    if !findings.is_ok() {
        progress.finish();
        eprintln!("build stopped: fix the errors above; the previous site was left as it was");
        return Ok(ExitCode::from(1));
    }
    progress.step("rendering and writing pages and feeds");
    let staged = Output::to_dir_listed(&out, listing, force)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    t.lap("stage, previous manifest");
    let previous = crate::joined(previous);
    t.lap("read the build cache (waited)");
    let (site, cache, rendered) = build_into(&project, staged, &previous)
        .context("rendering failed; the previous site was left as it was")?;
    let files = site.len();
    t.lap("render and write");
    let stats = site
        .commit()
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    t.lap("swap in");
    // Without its cache the next build renders everything, which is slower, not wrong.
    if let Err(e) = cache.write(&out) {
        eprintln!("warning: {e:#}");
    }
    t.lap("cache");
    progress.finish();
    eprintln!(
        "built {files} files into `{}` ({} written, {} unchanged; {} of {} advisories, {} of {} \
         search indexes and {} of {} listings and feeds rendered)",
        shown.display(),
        stats.written,
        stats.unchanged,
        rendered.advisories,
        rendered.advisories + rendered.advisories_reused,
        rendered.search_indexed,
        rendered.search_parts,
        rendered.aggregates_rendered,
        rendered.aggregates,
    );
    // Freeing the model and the previous build's cache takes a tenth of a second at 10,000
    // advisories, 5 % of a rebuild; the process that called this may end next, and need
    // not wait for it.
    std::thread::spawn(move || drop((project, previous)));
    Ok(ExitCode::SUCCESS)
}

/// A spinner with the current step, on a terminal only (indicatif hides it otherwise).
struct Progress(indicatif::ProgressBar);

impl Progress {
    fn new() -> Progress {
        let pb = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            indicatif::ProgressBar::new_spinner()
        } else {
            indicatif::ProgressBar::hidden()
        };
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(pb)
    }

    fn step(&self, what: &'static str) {
        self.0.set_message(what);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Phase timings on stderr when `SECKB_TIMINGS` is set: where a build spends its time.
pub struct Timings(Option<std::cell::Cell<std::time::Instant>>);

impl Timings {
    pub fn new() -> Timings {
        Timings(
            std::env::var_os("SECKB_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    pub fn lap(&self, what: &str) {
        if let Some(start) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {what:<24} {:>8.3} s",
                (now - start.get()).as_secs_f64()
            );
            start.set(now);
        }
    }
}

impl Default for Timings {
    fn default() -> Timings {
        Timings::new()
    }
}
