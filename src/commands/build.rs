//! `seckb build`: validate, render in memory, then swap the new site in atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::render;

pub fn run(root: &Path, out: Option<PathBuf>) -> Result<ExitCode> {
    let (project, findings) = super::validate::check(root)?;
    super::report(&findings, &project);
    if !findings.is_ok() {
        eprintln!("build stopped: fix the errors above; the previous site was left as it was");
        return Ok(ExitCode::from(1));
    }
    let site = render::render(&project)
        .context("rendering failed; the previous site was left as it was")?;
    let out = out.unwrap_or_else(|| root.join("site"));
    site.write_atomic(&out)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    eprintln!(
        "built {} files into `{}`",
        site.files().len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
