//! `seckb validate`: load, check, report every finding.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Format;
use crate::engine::check_cached;

pub fn run(root: &Path, cache: Option<&Path>, format: Format, watch: bool) -> Result<ExitCode> {
    if !watch {
        return once(root, cache, format);
    }
    // Watching starts before the first check, so that an edit made meanwhile is not lost.
    let watcher = crate::serve::Watch::new(root)?;
    let code = once(root, cache, format)?;
    eprintln!("watching for changes (Ctrl-C to stop)");
    watcher.run(|_| {
        eprintln!("\n--- validating again");
        if let Err(e) = once(root, cache, format) {
            eprintln!("error: {e:#}");
        }
        true
    })?;
    Ok(code)
}

fn once(root: &Path, cache: Option<&Path>, format: Format) -> Result<ExitCode> {
    let (project, findings) = check_cached(root, cache, true)?;
    match format {
        Format::Json => super::write_stdout(findings.to_json().as_bytes())?,
        Format::Text if findings.sorted().is_empty() => {
            let n = project.advisories.len() + project.checked.len();
            let _ = writeln!(
                std::io::stderr(),
                "checked {n} advisor{}: no problems",
                if n == 1 { "y" } else { "ies" }
            );
        }
        Format::Text => super::report(&findings, &project),
    }
    Ok(if findings.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
