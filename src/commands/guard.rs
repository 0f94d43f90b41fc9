//! `seckb diff` and `seckb check --against`: the publish guard ([`crate::guard`]) between
//! the site now published and a new one, built here or read from a folder.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::Format;
use crate::guard::{self, Comparison, INDEX};
use crate::output::{MANIFEST, Memory};

/// `seckb diff <OLD> <NEW>`: compares two built sites.
pub fn diff(old: &Path, new: &Path, format: Format) -> Result<ExitCode> {
    check_site(old, "old", "`OLD`, the first argument")?;
    check_site(new, "new", "`NEW`, the second argument")?;
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
    // Both folders are checked before the site is built: a mistyped path is told at once.
    check_site(against, "old", "`--against`")?;
    if let Some(dir) = site {
        check_site(dir, "new", "`--site`")?;
    }
    let old_site = read(against, "old")?;
    let new_site = match site {
        Some(dir) => read(dir, "new")?,
        None => {
            let (project, findings) = crate::engine::check_cached(root, cache_dir, false)?;
            if !findings.is_ok() {
                match format {
                    Format::Json => super::write_stdout(findings.to_json().as_bytes())?,
                    Format::Text => super::report(&findings, &project),
                }
                eprintln!("check stopped: the site does not validate; fix the errors above");
                return Ok(ExitCode::from(1));
            }
            crate::engine::build_site(&project).context("rendering failed")?
        }
    };
    report(against, &guard::compare(&old_site, &new_site)?, format)
}

/// Refuses, before anything in it is read, a folder that is not a site seckb built, saying
/// which argument named it (`arg`): comparing reads every file of both folders, which for
/// `/etc` or a home folder is slow only to end in an error. A site that seckb built has its
/// manifest and the API index the comparison starts from at its root.
fn check_site(dir: &Path, which: &str, arg: &str) -> Result<()> {
    let hint = format!(
        "\n  = hint: give the folder `seckb build` writes (`site/` by default); a site built by \
         seckb has `{MANIFEST}` and `{INDEX}` at its root"
    );
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => bail!("`{shown}` ({arg}) is a file, not the folder of a site{hint}"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("`{shown}` ({arg}) does not exist{hint}")
        }
        Err(e) => bail!("cannot read the {which} site `{shown}` ({arg}): {e}"),
    }
    if let Some(journal) = crate::output::unfinished(dir) {
        bail!(
            "the {which} site `{shown}` is part-way through an update: a build was stopped while \
             it moved files in, and `{}` says what is left to do\n  = hint: any `seckb build` \
             into that folder finishes the update first",
            journal.display()
        );
    }
    for marker in [MANIFEST, INDEX] {
        // Not followed: reading the site does not follow symbolic links either.
        let found = dir
            .join(marker)
            .symlink_metadata()
            .is_ok_and(|m| m.is_file());
        if !found {
            bail!(
                "`{shown}` ({arg}) is not a site built by seckb: it has no `{marker}` at its \
                 root{hint}"
            );
        }
    }
    Ok(())
}

/// Reads the site in `dir`, which [`check_site`] accepted.
fn read(dir: &Path, which: &str) -> Result<Memory> {
    Memory::read_dir(dir)
        .with_context(|| format!("cannot read the {which} site `{}`", dir.display()))
}

fn report(old: &Path, c: &Comparison, format: Format) -> Result<ExitCode> {
    match format {
        Format::Json => super::write_stdout(c.findings.to_json().as_bytes())?,
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
