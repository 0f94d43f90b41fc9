//! seckb: security advisories as structured YAML, validated with precise findings and
//! rendered into a static multilingual site.
//!
//! Data flows one way: [`load`] (files to typed model with positions) -> [`validate`]
//! (all findings) -> [`render`] (model to pages, pure), [`search`] (the search index) and
//! [`feeds`] -> [`output`] (atomic write).

pub mod cli;
pub mod commands;
pub mod csaf;
pub mod diag;
pub mod feeds;
pub mod guard;
pub mod i18n;
pub mod import;
pub mod incremental;
pub mod load;
pub mod markdown;
pub mod memory;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod validate;

use std::io::Write;
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
        cli::Command::Build { out, force } => commands::build::run(&cli.root, cache, out, force),
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
    }
}

/// Writes data to stdout; a closed pipe (`seckb schema | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The value of the thread `handle`, once it has ended; a panic in it goes on in the caller.
pub fn joined<T>(handle: std::thread::JoinHandle<T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// FNV-1a: a hash that is the same in every build and on every machine (std's hashers are
/// seeded), for choosing where a file or record goes.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}
