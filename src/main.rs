//! The `seckb` binary: parse arguments, run, print the error chain, map to an exit code
//! (0 clean, 1 content errors, 2 usage or internal failure).

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a build allocates and frees millions of small strings from several threads;
/// glibc's allocator spent a fifth of a 10,000-advisory build in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    small_pages();
    let cli = seckb::cli::Cli::parse();
    match seckb::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for them
/// (`madvise`), and the kernel then zeroes a whole 2 MiB page at its first touch, also when
/// mimalloc touches a few KiB of it, and again after each purge: on a 2-core VM that zeroing
/// was 45 % of the CPU samples of a 10,000-advisory rebuild. Without huge pages, a rebuild's
/// system time fell from 2.6-3.0 s to 1.0 s and its wall time by a quarter; a full build was
/// unchanged (bench/RESULTS.md, ninth session). Best effort: a kernel without the setting
/// keeps its default.
#[cfg(target_os = "linux")]
fn small_pages() {
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
fn small_pages() {}
