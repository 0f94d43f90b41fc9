//! The `seckb` binary: parse arguments, run, print the error chain, map to an exit code
//! (0 clean, 1 content errors, 2 usage or internal failure).

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a build allocates and frees millions of small strings from several threads;
/// glibc's allocator spent a fifth of a 10,000-advisory build in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = seckb::cli::Cli::parse();
    match seckb::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
