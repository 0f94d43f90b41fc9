//! `seckb build`: validate, render pages and feeds in memory, then swap the new site in
//! atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::engine::build_into;
use crate::incremental::Cache;
use crate::output::Output;
use crate::util::Timings;

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
    let (project, findings) = crate::engine::check_cached(root, cache_dir)?;
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
    let previous = crate::util::joined(previous);
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
