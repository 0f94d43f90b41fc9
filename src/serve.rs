//! The development server: builds the site into memory, serves it on 127.0.0.1, watches the
//! sources and rebuilds on change. Open pages reload themselves through a small script
//! (`/__seckb/live.js`, a file, so pages keep working under a strict CSP) that polls
//! `/__seckb/status`; validation errors show as an overlay until they are fixed.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::diag::{Finding, Findings};
use crate::output::Output;

/// What the server shows: the last good site, and the findings of the last build.
#[derive(Default)]
pub struct State {
    /// Bumped on every rebuild; pages reload when it changes.
    pub version: u64,
    /// The last site that built.
    pub site: Arc<Output>,
    /// Errors of the last attempt (empty when it built).
    pub errors: Vec<Finding>,
}

#[derive(Serialize)]
struct Status<'a> {
    version: u64,
    errors: &'a [Finding],
}

const LIVE_JS: &str = include_str!("../templates/__seckb/live.js");
const INJECT: &str = "<script src=\"/__seckb/live.js\" defer></script>";

/// Rebuilds the site at `root` after each change, doing only what the change requires:
/// files that did not change are not parsed again, advisories whose files did not change
/// are not rendered again, and the search index is built again only if what it indexes
/// changed ([`crate::incremental`]). The listings and feeds are rendered again.
pub struct Rebuilder {
    root: PathBuf,
    /// What the last rebuild loaded, valid or not.
    project: Option<crate::load::Project>,
    /// The units of the last site that built.
    cache: crate::incremental::Cache,
    /// The parse cache's folder, read and brought up to date by the first build.
    parse_cache: Option<PathBuf>,
}

/// What one rebuild did.
pub struct Rebuilt {
    /// Every finding of the site.
    pub findings: Findings,
    /// What was rendered, when the site built.
    pub rendered: Option<crate::commands::build::Rendered>,
}

impl Rebuilder {
    pub fn new(root: &Path) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            project: None,
            cache: Default::default(),
            parse_cache: None,
        }
    }

    /// Uses the parse cache in `dir` for the first build, and keeps it up to date.
    pub fn with_parse_cache(mut self, dir: Option<&Path>) -> Rebuilder {
        self.parse_cache = dir.map(Path::to_path_buf);
        self
    }

    /// Builds the site; on content errors keeps the previous site and records them. The
    /// server goes on serving the previous site while the new one is built.
    pub fn rebuild(&mut self, state: &RwLock<State>) -> Result<Rebuilt> {
        self.rebuild_after(state, None)
    }

    /// [`rebuild`](Rebuilder::rebuild) after a change to `paths` ([`Watch::run`]): when they
    /// name advisory folders only (and other sources, which every rebuild reads), the other
    /// advisory folders are taken as the last rebuild loaded them, not listed or read again
    /// ([`crate::load::load_changed`]). `None`, or a path it cannot place, reads everything.
    pub fn rebuild_after(
        &mut self,
        state: &RwLock<State>,
        paths: Option<&[PathBuf]>,
    ) -> Result<Rebuilt> {
        let folders = paths.and_then(|paths| changed_folders(&self.root, paths));
        let (project, findings) = match (&self.project, &self.parse_cache, folders) {
            (None, Some(dir), _) => crate::commands::validate::check_cached(&self.root, Some(dir))?,
            (Some(previous), _, Some(folders)) => {
                crate::commands::validate::check_changed(&self.root, previous, &folders)?
            }
            (previous, _, _) => {
                crate::commands::validate::check_after(&self.root, previous.as_ref(), None)?
            }
        };
        let mut rendered = None;
        let errors = if findings.is_ok() {
            let previous = Arc::clone(&state.read().unwrap_or_else(|e| e.into_inner()).site);
            let (site, cache, r) = crate::commands::build::build_into(
                &project,
                Output::in_memory_after(previous),
                &self.cache,
            )?;
            self.cache = cache;
            rendered = Some(r);
            Some(site)
        } else {
            None
        };
        self.project = Some(project);
        let mut s = state.write().unwrap_or_else(|e| e.into_inner());
        s.version += 1;
        match errors {
            Some(site) => {
                s.site = Arc::new(site);
                s.errors.clear();
            }
            None => {
                s.errors = findings
                    .sorted()
                    .into_iter()
                    .filter(|f| f.severity == crate::diag::Severity::Error)
                    .cloned()
                    .collect();
            }
        }
        Ok(Rebuilt { findings, rendered })
    }
}

/// The folders and files whose changes trigger a rebuild.
pub fn watched(root: &Path) -> Vec<PathBuf> {
    [
        "advisories",
        "templates",
        "i18n",
        "seckb.yaml",
        "products.yaml",
    ]
    .iter()
    .map(|p| root.join(p))
    .filter(|p| p.exists())
    .collect()
}

/// The advisory folders that `paths` (below the watched sources of the site at `root`)
/// are in, by name; `None` if a path is the `advisories/` folder itself or outside the
/// sources, so that the caller reads everything. Paths of the settings, the catalog, the
/// site texts and the templates name no folder: a rebuild reads those anyway. The watcher
/// may report paths below `root` as given or made absolute (inotify's are absolute for a
/// relative root), so both are tried, and the canonical path.
pub fn changed_folders(
    root: &Path,
    paths: &[PathBuf],
) -> Option<std::collections::BTreeSet<String>> {
    let mut roots = vec![root.to_path_buf()];
    roots.extend(std::path::absolute(root).ok());
    roots.extend(std::fs::canonicalize(root).ok());
    let others = [
        "templates",
        "i18n",
        crate::load::SETTINGS_FILE,
        crate::load::CATALOG_FILE,
    ];
    let mut folders = std::collections::BTreeSet::new();
    for path in paths {
        let rel = roots.iter().find_map(|r| path.strip_prefix(r).ok())?;
        if let Ok(rel) = rel.strip_prefix("advisories") {
            match rel.components().next() {
                Some(std::path::Component::Normal(name)) => {
                    folders.insert(name.to_str()?.to_string());
                }
                _ => return None,
            }
        } else if !others.iter().any(|o| rel.starts_with(o)) {
            return None;
        }
    }
    Some(folders)
}

/// Whether an event changes content (reads and metadata-only changes do not: a rebuild
/// reads every file, and must not trigger itself). A rescan, which the watcher sends when
/// the kernel's event queue overflowed and events were lost, counts as a change: one of
/// the lost events may have been an edit. (The queue holds 16,384 events by default, and
/// the watcher is told of every file opened: a first build of 10,000 advisories opens
/// more than that.)
fn is_change(e: &notify::Event) -> bool {
    use notify::EventKind::{Create, Modify, Remove};
    use notify::event::ModifyKind;
    e.need_rescan()
        || matches!(
            e.kind,
            Create(_)
                | Remove(_)
                | Modify(
                    ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any | ModifyKind::Other
                )
        )
}

/// Calls `on_change` after every burst of changes below the watched paths (changes within
/// 150 ms count as one), until it returns false.
/// The site's sources, watched from the moment this is made: a change made while the first
/// build runs is seen, not lost.
pub struct Watch {
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
}

impl Watch {
    pub fn new(root: &Path) -> Result<Watch> {
        use notify::{RecursiveMode, Watcher};
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher =
            notify::recommended_watcher(tx).context("cannot watch the site's files")?;
        for p in watched(root) {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch `{}`", p.display()))?;
        }
        Ok(Watch {
            rx,
            _watcher: watcher,
        })
    }

    /// Calls `on_change` after each burst of changes, until it returns false, with the paths
    /// the burst changed; `None` when the watcher cannot tell (events were lost, or it
    /// reported an error).
    pub fn run(self, mut on_change: impl FnMut(Option<&[PathBuf]>) -> bool) -> Result<()> {
        while let Ok(ev) = self.rx.recv() {
            let mut paths = Some(Vec::new());
            if !note(&ev, &mut paths) {
                continue;
            }
            // Let a burst (an editor's save, a checkout) settle.
            while let Ok(ev) = self.rx.recv_timeout(Duration::from_millis(150)) {
                note(&ev, &mut paths);
            }
            if !on_change(paths.as_deref()) {
                break;
            }
        }
        Ok(())
    }
}

/// Adds the paths of event `ev` to `paths` if it is a change ([`is_change`]); sets `paths` to
/// `None` when the event cannot tell which paths changed. Whether it is a change.
fn note(ev: &notify::Result<notify::Event>, paths: &mut Option<Vec<PathBuf>>) -> bool {
    match ev {
        Ok(e) if !is_change(e) => false,
        Ok(e) if !e.need_rescan() && !e.paths.is_empty() => {
            if let Some(paths) = paths {
                paths.extend(e.paths.iter().cloned());
            }
            true
        }
        _ => {
            *paths = None;
            true
        }
    }
}

/// Maps a request path to a file of the site: `/a/` -> `a/index.html`.
fn lookup<'a>(site: &'a Output, url_path: &str) -> Lookup<'a> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let rel = decoded.trim_start_matches('/');
    if rel.split('/').any(|seg| seg == "..") {
        return Lookup::NotFound;
    }
    let files = site.files();
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = files.get(key.as_str()) {
        return Lookup::File(key, bytes);
    }
    if files.contains_key(format!("{rel}/index.html").as_str()) {
        return Lookup::Redirect(format!("/{rel}/"));
    }
    Lookup::NotFound
}

enum Lookup<'a> {
    File(String, &'a Vec<u8>),
    Redirect(String),
    NotFound,
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(s.replace('+', "%2B").as_bytes())
        .map(|(k, v)| format!("{k}{v}"))
        .collect()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "atom" => "application/atom+xml",
        "xml" => "application/xml",
        "txt" | "csv" | "sha256" | "sha512" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "pf_meta" | "pf_index" | "pf_fragment" | "pagefind" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

/// A response with the headers that are valid (a header built from a bad request path is
/// dropped, not a panic).
fn response(
    code: u16,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut r = tiny_http::Response::from_data(body).with_status_code(code);
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

/// Serves `state` on `server` until the process ends.
pub fn serve(server: tiny_http::Server, state: Arc<RwLock<State>>) {
    for request in server.incoming_requests() {
        let url = request.url().to_string();
        let r = if url == "/__seckb/live.js" {
            response(
                200,
                LIVE_JS.as_bytes().to_vec(),
                &[("Content-Type", "text/javascript; charset=utf-8")],
            )
        } else if url.starts_with("/__seckb/status") {
            let s = state.read().unwrap_or_else(|e| e.into_inner());
            let body = serde_json::to_vec(&Status {
                version: s.version,
                errors: &s.errors,
            })
            .unwrap_or_default();
            response(
                200,
                body,
                &[
                    ("Content-Type", "application/json"),
                    ("Cache-Control", "no-store"),
                ],
            )
        } else {
            let s = state.read().unwrap_or_else(|e| e.into_inner());
            match lookup(&s.site, &url) {
                Lookup::File(key, bytes) => {
                    let body = if key.ends_with(".html") {
                        inject(bytes)
                    } else {
                        bytes.clone()
                    };
                    response(
                        200,
                        body,
                        &[
                            ("Content-Type", content_type(&key)),
                            ("Cache-Control", "no-store"),
                        ],
                    )
                }
                Lookup::Redirect(to) => response(301, Vec::new(), &[("Location", &to)]),
                Lookup::NotFound => response(
                    404,
                    b"not found\n".to_vec(),
                    &[("Content-Type", "text/plain; charset=utf-8")],
                ),
            }
        };
        let _ = request.respond(r);
    }
}

/// Adds the live-reload script before `</body>`.
fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{INJECT}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => html.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_and_lost_events_are_changes_and_reads_are_not() {
        use notify::event::{AccessKind, DataChange, Flag, ModifyKind};
        use notify::{Event, EventKind};
        let edit = Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Content)));
        assert!(is_change(&edit));
        let read = Event::new(EventKind::Access(AccessKind::Read));
        assert!(!is_change(&read));
        // What notify sends for an overflowed inotify queue.
        let lost = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert!(is_change(&lost));
        assert!(!is_change(&Event::new(EventKind::Other)));
    }

    #[test]
    fn changed_paths_name_advisory_folders_or_nothing_to_trust() {
        let root = Path::new("/site");
        let paths = |ps: &[&str]| ps.iter().map(PathBuf::from).collect::<Vec<_>>();
        let names = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            changed_folders(
                root,
                &paths(&[
                    "/site/advisories/A/en-US.yaml",
                    "/site/advisories/B",
                    "/site/advisories/A/nl-NL.yaml.swp",
                ])
            ),
            names(&["A", "B"])
        );
        // The other sources are read by every rebuild: they name no folder.
        assert_eq!(
            changed_folders(
                root,
                &paths(&[
                    "/site/templates/base.html",
                    "/site/i18n/en-US.yaml",
                    "/site/seckb.yaml"
                ])
            ),
            names(&[])
        );
        // The folder of all advisories, or a path the rebuild cannot place: read everything.
        assert_eq!(changed_folders(root, &paths(&["/site/advisories"])), None);
        assert_eq!(changed_folders(root, &paths(&["/elsewhere/x.yaml"])), None);
        // A relative root: the watcher's paths may be absolute.
        let cwd = std::env::current_dir().unwrap();
        let absolute = cwd.join("site/advisories/A/en-US.yaml");
        assert_eq!(
            changed_folders(Path::new("site"), &[absolute]),
            names(&["A"])
        );
        assert_eq!(
            changed_folders(Path::new("site"), &paths(&["site/advisories/B/x.yaml"])),
            names(&["B"])
        );
        assert_eq!(
            changed_folders(root, &paths(&["/site/advisories/A/x", "/site/templatesX"])),
            None
        );
    }

    #[test]
    fn a_burst_collects_its_paths_unless_an_event_cannot_tell_them() {
        use notify::event::{AccessKind, DataChange, Flag, ModifyKind};
        use notify::{Event, EventKind};
        let edit = |p: &str| {
            Ok(
                Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Content)))
                    .add_path(PathBuf::from(p)),
            )
        };
        let mut paths = Some(Vec::new());
        assert!(note(&edit("/a"), &mut paths));
        let read = Ok(Event::new(EventKind::Access(AccessKind::Read)).add_path("/c".into()));
        assert!(!note(&read, &mut paths));
        assert!(note(&edit("/b"), &mut paths));
        assert_eq!(paths, Some(vec![PathBuf::from("/a"), PathBuf::from("/b")]));
        let lost = Ok(Event::new(EventKind::Other).set_flag(Flag::Rescan));
        assert!(note(&lost, &mut paths));
        assert_eq!(paths, None);
        // Once unknown, it stays unknown for the burst.
        assert!(note(&edit("/d"), &mut paths));
        assert_eq!(paths, None);
        let mut paths = Some(Vec::new());
        assert!(note(&Err(notify::Error::generic("queue")), &mut paths));
        assert_eq!(paths, None);
    }

    #[test]
    fn maps_paths_and_refuses_traversal() {
        let mut site = Output::default();
        site.add("index.html", "root").unwrap();
        site.add("en-US/index.html", "en").unwrap();
        site.add("style.css", "x").unwrap();
        assert!(matches!(lookup(&site, "/"), Lookup::File(k, _) if k == "index.html"));
        assert!(
            matches!(lookup(&site, "/en-US/?q=1"), Lookup::File(k, _) if k == "en-US/index.html")
        );
        assert!(matches!(lookup(&site, "/en-US"), Lookup::Redirect(to) if to == "/en-US/"));
        assert!(matches!(lookup(&site, "/%73tyle.css"), Lookup::File(k, _) if k == "style.css"));
        assert!(matches!(lookup(&site, "/../etc/passwd"), Lookup::NotFound));
        assert!(matches!(lookup(&site, "/nope"), Lookup::NotFound));
    }

    #[test]
    fn injects_the_live_reload_script() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script src=\"/__seckb/live.js\" defer></script>\n</body>"));
    }
}
