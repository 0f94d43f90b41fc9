//! One module per subcommand; each orchestrates load, validate, render and output.

pub mod build;
pub mod guard;
pub mod import;
pub mod new;
pub mod schema;
pub mod serve;
pub mod validate;

use std::io::{IsTerminal, Write};

use crate::diag::Findings;
use crate::load::Project;

use anyhow::Result;

/// Whether to colour output on stderr: only on a terminal, and never with `NO_COLOR`.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Prints findings as text on stderr, reading sources again for the snippets.
pub fn report_findings(findings: &Findings, root: &std::path::Path) {
    let mut sources = std::collections::BTreeMap::new();
    for f in findings.sorted() {
        if sources.contains_key(&f.file) {
            continue;
        }
        // Read as the loader reads: never through a link nor from a pipe, device or file
        // over the size limit (those were refused, and get no snippet).
        if let Some(text) = crate::load::source_in(root, &f.file) {
            sources.insert(f.file.clone(), text);
        }
    }
    if !findings.sorted().is_empty() {
        eprint!("{}", findings.to_text(&sources, color_stderr()));
    }
}

/// Prints findings as text on stderr.
pub fn report(findings: &Findings, project: &Project) {
    report_findings(findings, &project.root);
}

/// Writes data to stdout; a closed pipe (`seckb schema | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
