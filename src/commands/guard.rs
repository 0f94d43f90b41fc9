//! `seckb diff` and `seckb check --against`: the publish guard ([`crate::guard`]) between
//! the site now published and a new one, built here or read from a folder.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::Format;
use crate::guard::{self, Comparison};
use crate::output::Output;

/// `seckb diff <OLD> <NEW>`: compares two built sites.
pub fn diff(old: &Path, new: &Path, format: Format) -> Result<ExitCode> {
    let (old_site, new_site) = (read(old, "old")?, read(new, "new")?);
    report(old, &guard::compare(&old_site, &new_site)?, format)
}

/// `seckb check --against <OLD> [--site DIR]`: builds the site at `root` in memory (or
/// reads `site`) and compares it with `old`.
pub fn check(
    root: &Path,
    cache_dir: Option<&Path>,
    against: &Path,
    site: Option<&Path>,
    format: Format,
) -> Result<ExitCode> {
    let old_site = read(against, "old")?;
    let new_site = match site {
        Some(dir) => read(dir, "new")?,
        None => {
            let (project, findings) = super::validate::check_cached(root, cache_dir)?;
            if !findings.is_ok() {
                match format {
                    Format::Json => crate::write_stdout(findings.to_json().as_bytes())?,
                    Format::Text => super::report(&findings, &project),
                }
                eprintln!("check stopped: the site does not validate; fix the errors above");
                return Ok(ExitCode::from(1));
            }
            super::build::build_site(&project).context("rendering failed")?
        }
    };
    report(against, &guard::compare(&old_site, &new_site)?, format)
}

fn read(dir: &Path, which: &str) -> Result<Output> {
    if let Some(journal) = crate::output::unfinished(dir) {
        anyhow::bail!(
            "the {which} site `{}` is part-way through an update: a build was stopped while it \
             moved files in, and `{}` says what is left to do\n  = hint: any `seckb build` \
             into that folder finishes the update first",
            dir.display(),
            journal.display()
        );
    }
    Output::read_dir(dir)
        .with_context(|| format!("cannot read the {which} site `{}`", dir.display()))
}

fn report(old: &Path, c: &Comparison, format: Format) -> Result<ExitCode> {
    match format {
        Format::Json => crate::write_stdout(c.findings.to_json().as_bytes())?,
        Format::Text if c.findings.sorted().is_empty() => {
            let _ = writeln!(
                std::io::stderr(),
                "compared with `{}`: {} advisories kept ({} with a new revision), {} new; \
                 {} pages kept, {} new; nothing to refuse",
                old.display(),
                c.kept,
                c.revised,
                c.added,
                c.pages,
                c.new_pages
            );
        }
        Format::Text => {
            eprint!(
                "{}",
                c.findings
                    .to_text(&Default::default(), super::color_stderr())
            );
            eprintln!(
                "publish refused: the new site would break what `{}` published",
                old.display()
            );
        }
    }
    Ok(if c.findings.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
