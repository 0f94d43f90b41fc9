//! `seckb validate`: load, check, report every finding.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Format;
use crate::diag::Findings;
use crate::load::cache::ParseCache;
use crate::{load, validate};

/// Loads and validates the site at `root`.
pub fn check(root: &Path) -> Result<(load::Project, Findings)> {
    check_after(root, None, None)
}

/// [`check`], reusing what `previous` parsed from files that have not changed since, and
/// what `cache` holds.
pub fn check_after(
    root: &Path,
    previous: Option<&load::Project>,
    cache: Option<&ParseCache>,
) -> Result<(load::Project, Findings)> {
    load_and_check(|findings| load::load_after(root, findings, previous, cache))
}

/// [`check_after`] for `seckb serve` after the watcher named the advisory folders that
/// changed ([`load::load_changed`]): the other folders of `previous` are taken as they were.
pub fn check_changed(
    root: &Path,
    previous: &load::Project,
    changed: &std::collections::BTreeSet<String>,
) -> Result<(load::Project, Findings)> {
    load_and_check(|findings| load::load_changed(root, findings, previous, changed))
}

/// Loads with `load`, then runs the rules.
fn load_and_check(
    load: impl FnOnce(&mut Findings) -> Result<load::Project>,
) -> Result<(load::Project, Findings)> {
    let t = super::build::Timings::new();
    let mut findings = Findings::default();
    let mut project = load(&mut findings)?;
    t.lap("  load");
    validate::validate_keeping(&mut project, &mut findings);
    t.lap("  validate");
    Ok((project, findings))
}

/// [`check`] for the commands: with the parse cache in `cache_dir` when there is one, which
/// is then brought up to date. A cache that cannot be written costs the next run time, so
/// it is a warning.
pub fn check_cached(root: &Path, cache_dir: Option<&Path>) -> Result<(load::Project, Findings)> {
    cached(root, cache_dir, false)
}

/// [`check_cached`] for `seckb validate`, which needs no model of the advisories: a folder
/// whose files have not changed since the cache recorded what the rules found in it is not
/// read ([`load::load_checked`]), and is in [`load::Project::checked`] instead.
pub fn check_only(root: &Path, cache_dir: Option<&Path>) -> Result<(load::Project, Findings)> {
    cached(root, cache_dir, true)
}

fn cached(
    root: &Path,
    cache_dir: Option<&Path>,
    shallow: bool,
) -> Result<(load::Project, Findings)> {
    let Some(dir) = cache_dir else {
        return check(root);
    };
    let t = super::build::Timings::new();
    crate::memory::fit_pages_to_site(root);
    let cache = ParseCache::open(dir);
    t.lap("  open the parse cache");
    let (project, findings) = if shallow {
        let mut findings = Findings::default();
        let mut project = load::load_checked(root, &mut findings, &cache)?;
        t.lap("  load");
        validate::validate_keeping(&mut project, &mut findings);
        t.lap("  validate");
        (project, findings)
    } else {
        check_after(root, None, Some(&cache))?
    };
    let t = super::build::Timings::new();
    if let Err(e) = cache.store(&project) {
        eprintln!("warning: the parse cache was not saved: {e:#}");
    }
    t.lap("  save the parse cache");
    Ok((project, findings))
}

pub fn run(root: &Path, cache: Option<&Path>, format: Format, watch: bool) -> Result<ExitCode> {
    if !watch {
        return once(root, cache, format);
    }
    // Watching starts before the first check, so that an edit made meanwhile is not lost.
    let watcher = crate::serve::Watch::new(root)?;
    let code = once(root, cache, format)?;
    eprintln!("watching for changes (Ctrl-C to stop)");
    watcher.run(|_| {
        eprintln!("\n--- validating again");
        if let Err(e) = once(root, cache, format) {
            eprintln!("error: {e:#}");
        }
        true
    })?;
    Ok(code)
}

fn once(root: &Path, cache: Option<&Path>, format: Format) -> Result<ExitCode> {
    let (project, findings) = check_only(root, cache)?;
    match format {
        Format::Json => crate::write_stdout(findings.to_json().as_bytes())?,
        Format::Text if findings.sorted().is_empty() => {
            let n = project.advisories.len() + project.checked.len();
            let _ = writeln!(
                std::io::stderr(),
                "checked {n} advisor{}: no problems",
                if n == 1 { "y" } else { "ies" }
            );
        }
        Format::Text => super::report(&findings, &project),
    }
    Ok(if findings.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
