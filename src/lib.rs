//! seckb: security advisories as structured YAML, validated with precise findings and
//! rendered into a static multilingual site.
//!
//! Data flows one way: [`load`] (files to typed model with positions) -> [`validate`]
//! (all findings) -> [`site`] (the read-only view every output is made from) -> [`search`],
//! [`feeds`] and [`render`] (the outputs) -> [`output`] (the sinks: a staging folder committed
//! atomically, or memory). [`engine`] runs that pipeline for `build`, `serve` and `check`:
//! its ledger records which unit made which file, and [`engine::incremental`] decides what a
//! rebuild may take from the previous build. A module uses
//! only the modules below it; `tests/layering.rs` holds the order and enforces it.
//!
//! The outputs are functions of the [`site::Site`]: they give files, and describe the files
//! that gather many advisories as units ([`unit::Gathered`], [`unit::Spliced`]) which the
//! engine makes or takes from the previous build. They never see the sink or the previous
//! build; the layering test enforces that too.

pub mod cli;
pub mod commands;
pub mod csaf;
pub mod cwe;
pub mod diag;
pub mod engine;
pub mod feeds;
pub mod guard;
pub mod i18n;
pub mod import;
pub mod load;
pub mod markdown;
pub mod memory;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod unit;
pub mod util;
pub mod validate;
pub mod vuln;

use std::process::ExitCode;

use anyhow::Result;

/// Runs a parsed command line.
pub fn run(cli: cli::Cli) -> Result<ExitCode> {
    let cache = cli.cache_dir();
    let cache = cache.as_deref();
    match cli.command {
        cli::Command::Validate { format, watch } => {
            commands::validate::run(&cli.root, cache, format, watch)
        }
        cli::Command::Build { out, force, format } => {
            commands::build::run(&cli.root, cache, out, force, format)
        }
        cli::Command::Schema { kind, write } => commands::schema::run(kind, write.as_deref()),
        cli::Command::Serve { port } => commands::serve::run(&cli.root, cache, port),
        cli::Command::New { id, langs, date } => {
            commands::new::run(&cli.root, &id, &langs, date.as_deref())
        }
        cli::Command::Diff { old, new, format } => commands::guard::diff(&old, &new, format),
        cli::Command::Check {
            against,
            site,
            format,
        } => commands::guard::check(&cli.root, cache, &against, site.as_deref(), format),
        cli::Command::Import {
            source: cli::ImportSource::Technet(args),
        } => commands::import::technet(&cli.root, args),
        cli::Command::Import {
            source: cli::ImportSource::Csaf(args),
        } => commands::import::csaf(&cli.root, args),
        cli::Command::Import {
            source: cli::ImportSource::Osv(args),
        } => commands::import::osv(&cli.root, args),
    }
}
