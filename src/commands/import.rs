//! `seckb import technet`, `seckb import csaf` and `seckb import osv`: read advisories,
//! merge their languages, write seckb's YAML into the site, and report what became of each.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{CsafArgs, ImportArgs, OsvArgs, ReportFormat, TechnetArgs};
use crate::import::sources::{Csaf, Osv, TechNet};
use crate::import::{Options, Report, Source, import};

pub fn technet(root: &Path, args: TechnetArgs) -> Result<ExitCode> {
    let (paths, attribution) = (args.paths, args.attribution);
    run::<TechNet>(root, paths, args.common, attribution, args.vendor)
}

pub fn csaf(root: &Path, args: CsafArgs) -> Result<ExitCode> {
    // CSAF names the vendor of each product.
    run::<Csaf>(root, args.paths, args.common, None, "Unknown vendor".into())
}

pub fn osv(root: &Path, args: OsvArgs) -> Result<ExitCode> {
    // Each package's ecosystem stands for its vendor.
    let (paths, attribution) = (args.paths, args.attribution);
    run::<Osv>(
        root,
        paths,
        args.common,
        attribution,
        "Unknown vendor".into(),
    )
}

/// Imports `paths` with source `S` into the site `--into` (default: `root`), and prints the
/// report; exit code 1 when a file failed.
fn run<S: Source>(
    root: &Path,
    paths: Vec<std::path::PathBuf>,
    common: ImportArgs,
    attribution: Option<String>,
    vendor: String,
) -> Result<ExitCode> {
    let opts = Options {
        paths,
        into: common.into.unwrap_or_else(|| root.to_path_buf()),
        dry_run: common.dry_run,
        force: common.force,
        attribution,
        vendor,
    };
    check_into(&opts.into)?;
    let report = import::<S>(&opts)?;
    finish(&report, common.format)
}

/// Refuses a site to import into that the import could damage beyond the advisories it
/// writes: a file in place of the site folder, or an `advisories/` folder (or an advisory's
/// folder in it) that is a symbolic link, through which the import would write files
/// outside the site.
fn check_into(into: &Path) -> Result<()> {
    if into.exists() && !into.is_dir() {
        bail!(
            "refusing to import into `{}`: it is not a folder\n  = hint: `--into` names the \
             site root, the folder holding `seckb.yaml`",
            into.display()
        );
    }
    let advisories = into.join("advisories");
    let mut links = Vec::new();
    match std::fs::symlink_metadata(&advisories) {
        Ok(m) if m.file_type().is_symlink() => links.push(advisories.clone()),
        Ok(m) if m.is_dir() => {
            for e in fs_err::read_dir(&advisories)? {
                let e = e?;
                if e.file_type()?.is_symlink() {
                    links.push(e.path());
                }
            }
        }
        _ => {}
    }
    if let Some(link) = links.iter().min() {
        bail!(
            "refusing to import into `{}`: `{}` is a symbolic link, and the import would write \
             through it to files outside the site\n  = hint: replace the link with a real \
             folder (seckb reads no linked advisories either)",
            into.display(),
            link.display()
        );
    }
    Ok(())
}

fn finish(report: &Report, format: ReportFormat) -> Result<ExitCode> {
    match format {
        ReportFormat::Json => super::write_stdout(report.to_json().as_bytes())?,
        ReportFormat::Text => eprint!("{}", report.to_text()),
    }
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
