//! `seckb build`: validate, render pages and feeds in memory, then swap the new site in
//! atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::output::Output;
use crate::site::Site;
use crate::{feeds, render, search};

/// Renders every output of a validated project, in memory.
pub fn build_site(project: &crate::load::Project) -> Result<Output> {
    build_into(project, Output::default())
}

/// Renders every output of a validated project into `out`, which may be in memory or a
/// staging folder ([`Output::to_dir`]).
pub fn build_into(project: &crate::load::Project, out: Output) -> Result<Output> {
    let t = Timings::new();
    let site = Site::from_project(project)?;
    t.lap("model");
    // The search index is built on a thread of its own, beside the pages and feeds (Pagefind
    // indexes one record at a time). The search page carries the integrity hash of the
    // search library, which is the same for every index.
    let library_integrity = search::library_integrity()?;
    let (index, out) = std::thread::scope(|s| {
        let index = s.spawn(|| search::build(&site));
        let out = (|| {
            let mut out = out;
            render::render(&site, &project.root, &library_integrity, &mut out)?;
            t.lap("pages");
            feeds::render(&site, &mut out)?;
            t.lap("feeds");
            anyhow::Ok(out)
        })();
        let index = index
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (index, out)
    });
    let (index, mut out) = (index?, out?);
    t.lap("search index (waited)");
    anyhow::ensure!(
        index.library_integrity == library_integrity,
        "the search library differs between two Pagefind indexes; report this as a bug"
    );
    index.add_to(&mut out)?;
    out.add_manifest()?;
    t.lap("manifest");
    Ok(out)
}

pub fn run(root: &Path, out: Option<PathBuf>) -> Result<ExitCode> {
    let progress = Progress::new();
    progress.step("validating");
    let t = Timings::new();
    let (project, findings) = super::validate::check(root)?;
    t.lap("load and validate");
    progress.0.suspend(|| super::report(&findings, &project));
    if !findings.is_ok() {
        progress.finish();
        eprintln!("build stopped: fix the errors above; the previous site was left as it was");
        return Ok(ExitCode::from(1));
    }
    progress.step("rendering and writing pages and feeds");
    let out = out.unwrap_or_else(|| root.join("site"));
    let staged = Output::to_dir(&out)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    let site = build_into(&project, staged)
        .context("rendering failed; the previous site was left as it was")?;
    let files = site.len();
    t.lap("render and write");
    let stats = site
        .commit()
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    t.lap("swap in");
    progress.finish();
    eprintln!(
        "built {files} files into `{}` ({} written, {} unchanged)",
        out.display(),
        stats.written,
        stats.unchanged
    );
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
