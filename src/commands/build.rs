//! `seckb build`: validate, render pages and feeds in memory, then swap the new site in
//! atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use serde::Serialize;

use crate::cli::Format;
use crate::diag::Findings;
use crate::engine::Cache;
use crate::engine::{Rendered, build_into};
use crate::output::{Sink, Staging};
use crate::util::Timings;

pub fn run(
    root: &Path,
    cache_dir: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
    format: Format,
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
    let (project, findings) = crate::engine::check_cached(root, cache_dir, false)?;
    t.lap("load and validate");
    // Findings are shown on stderr in either format: a build is watched by people too.
    progress.0.suspend(|| super::report(&findings, &project));
    if !findings.is_ok() {
        progress.finish();
        eprintln!("build stopped: fix the errors above; the previous site was left as it was");
        if format == Format::Json {
            super::write_stdout(&Report::of(&findings, None)?)?;
        }
        return Ok(ExitCode::from(1));
    }
    progress.step("rendering and writing pages and feeds");
    let staged = Staging::new(&out, listing, force)
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
    let built = Built {
        out: shown.display().to_string(),
        files,
        written: stats.written,
        unchanged: stats.unchanged,
        rendered,
    };
    match format {
        Format::Json => super::write_stdout(&Report::of(&findings, Some(built))?)?,
        Format::Text => eprintln!("{}", built.summary()),
    }
    // Freeing the model and the previous build's cache takes a tenth of a second at 10,000
    // advisories, 5 % of a rebuild; the process that called this may end next, and need
    // not wait for it.
    std::thread::spawn(move || drop((project, previous)));
    Ok(ExitCode::SUCCESS)
}

/// What a build that succeeded did.
#[derive(Debug, Serialize)]
struct Built {
    /// The output folder, as given.
    out: String,
    /// Files in the site, those written because they are new or changed, and those kept.
    files: usize,
    written: usize,
    unchanged: usize,
    /// Units rendered and taken from the previous build.
    rendered: Rendered,
}

impl Built {
    /// The last line of a build's text output.
    fn summary(&self) -> String {
        let r = &self.rendered;
        format!(
            "built {} files into `{}` ({} written, {} unchanged; {} of {} advisories, {} of {} \
             search indexes and {} of {} listings and feeds rendered)",
            self.files,
            self.out,
            self.written,
            self.unchanged,
            r.advisories,
            r.advisories + r.advisories_reused,
            r.search_indexed,
            r.search_parts,
            r.aggregates_rendered,
            r.aggregates,
        )
    }
}

/// `build --format json`: whether the site was built, what the build did, and the findings.
#[derive(Serialize)]
struct Report<'a> {
    built: bool,
    #[serde(flatten)]
    done: Option<Built>,
    findings: &'a serde_json::value::RawValue,
}

impl Report<'_> {
    /// The report as JSON text, ending in a newline.
    fn of(findings: &Findings, done: Option<Built>) -> Result<Vec<u8>> {
        let json = findings.to_json();
        let findings = serde_json::value::RawValue::from_string(json.trim_end().to_string())?;
        let report = Report {
            built: done.is_some(),
            done,
            findings: &findings,
        };
        let mut bytes = serde_json::to_vec_pretty(&report)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
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
