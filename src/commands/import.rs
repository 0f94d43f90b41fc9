//! `seckb import technet` and `seckb import csaf`: read advisories, merge their languages,
//! write seckb's YAML into the site, and report what became of each.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{CsafArgs, ReportFormat, TechnetArgs};
use crate::import::{Options, Report, import_csaf, import_technet};

pub fn technet(root: &Path, args: TechnetArgs) -> Result<ExitCode> {
    let opts = Options {
        paths: args.paths,
        into: args.common.into.unwrap_or_else(|| root.to_path_buf()),
        dry_run: args.common.dry_run,
        force: args.common.force,
        attribution: args.attribution,
        vendor: args.vendor,
    };
    let report = import_technet(&opts)?;
    finish(&report, args.common.format)
}

pub fn csaf(root: &Path, args: CsafArgs) -> Result<ExitCode> {
    let opts = Options {
        paths: args.paths,
        into: args.common.into.unwrap_or_else(|| root.to_path_buf()),
        dry_run: args.common.dry_run,
        force: args.common.force,
        attribution: None,
        vendor: "Unknown vendor".into(),
    };
    let report = import_csaf(&opts)?;
    finish(&report, args.common.format)
}

fn finish(report: &Report, format: ReportFormat) -> Result<ExitCode> {
    match format {
        ReportFormat::Json => crate::write_stdout(report.to_json().as_bytes())?,
        ReportFormat::Text => eprint!("{}", report.to_text()),
    }
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
