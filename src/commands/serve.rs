//! `seckb serve`: build into memory, serve on 127.0.0.1, rebuild on change.

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};

use anyhow::{Result, anyhow};

use crate::serve::{Rebuilder, State, Watch, serve};

pub fn run(root: &Path, cache_dir: Option<&Path>, port: u16) -> Result<ExitCode> {
    // Watching starts before the first build, so that an edit made meanwhile is not lost.
    let watch = Watch::new(root)?;
    let state = Arc::new(RwLock::new(State::default()));
    let mut builder = Rebuilder::new(root).with_parse_cache(cache_dir);
    let first = builder.rebuild(&state)?;
    super::report_findings(&first.findings, root);

    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("in use") {
            anyhow!("port {port} on 127.0.0.1 is in use; pick another with `--port`, or `--port 0` for any free one")
        } else if msg.contains("ermission") {
            anyhow!("not allowed to listen on port {port}; ports below 1024 need privileges, try `--port 8000`")
        } else {
            anyhow!("cannot listen on 127.0.0.1:{port}: {msg}")
        }
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_else(|| format!("127.0.0.1:{port}"));
    eprintln!("serving at http://{addr}/ (Ctrl-C to stop)");

    ctrlc::set_handler(|| {
        eprintln!("\nstopped");
        std::process::exit(0);
    })
    .map_err(|e| anyhow!("cannot handle Ctrl-C: {e}"))?;

    let served = Arc::clone(&state);
    std::thread::spawn(move || serve(server, served));
    let root = root.to_path_buf();
    // After the first build, a rebuild shows its errors and its new warnings: the author
    // has seen the others, and a site with a thousand warnings would repeat them all.
    let mut shown = first.findings;
    watch.run(move |paths| {
        let start = std::time::Instant::now();
        match builder.rebuild_after(&state, paths) {
            Ok(r) => {
                let fresh = r.findings.since(&shown);
                super::report_findings(&fresh, &root);
                let held = r.findings.warnings() - fresh.warnings();
                if held > 0 {
                    eprintln!(
                        "{held} {} as before, not repeated (`seckb validate` lists them all)",
                        crate::diag::plural(held, "warning")
                    );
                }
                shown = r.findings;
                if let Some(done) = r.rendered {
                    eprintln!(
                        "rebuilt in {:.2?}: {} of {} advisories, {} of {} search indexes and \
                         {} of {} listings and feeds rendered",
                        start.elapsed(),
                        done.advisories,
                        done.advisories + done.advisories_reused,
                        done.search_indexed,
                        done.search_parts,
                        done.aggregates_rendered,
                        done.aggregates,
                    );
                }
            }
            Err(e) => eprintln!("error: {e:#}"),
        }
        true
    })?;
    Ok(ExitCode::SUCCESS)
}
