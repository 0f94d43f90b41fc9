//! The development server: builds the site into memory, serves it on 127.0.0.1, watches the
//! sources and rebuilds on change. Open pages reload themselves through a small script
//! (`/__seckb/live.js`, a file, so pages keep working under a strict CSP) that polls
//! `/__seckb/status`; validation errors show as an overlay until they are fixed.
//!
//! Only this machine's browser may read it: requests for a name other than a loopback one
//! are refused (DNS rebinding), paths are decoded as paths and may not climb out of the
//! site, and every response carries the Content-Security-Policy of a published site.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::diag::{Finding, Findings};
use crate::output::Memory;

/// What the server shows: the last good site, and the findings of the last build.
#[derive(Default)]
pub struct State {
    /// Bumped on every rebuild; pages reload when it changes.
    pub version: u64,
    /// The last site that built.
    pub site: Arc<Memory>,
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
/// changed ([`crate::engine::incremental`]). The listings and feeds are rendered again.
pub struct Rebuilder {
    root: PathBuf,
    /// What the last rebuild loaded, valid or not.
    project: Option<crate::load::Project>,
    /// The units of the last site that built.
    cache: crate::engine::Cache,
    /// The parse cache's folder, read and brought up to date by the first build.
    parse_cache: Option<PathBuf>,
}

/// What one rebuild did.
pub struct Rebuilt {
    /// Every finding of the site.
    pub findings: Findings,
    /// What was rendered, when the site built.
    pub rendered: Option<crate::engine::Rendered>,
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
    /// ([`crate::load::Options::changed`]). `None`, or a path it cannot place, reads everything.
    pub fn rebuild_after(
        &mut self,
        state: &RwLock<State>,
        paths: Option<&[PathBuf]>,
    ) -> Result<Rebuilt> {
        let folders = paths.and_then(|paths| changed_folders(&self.root, paths));
        let (project, findings) = match (&self.project, &self.parse_cache) {
            (None, Some(dir)) => crate::engine::check_cached(&self.root, Some(dir), false)?,
            (previous, _) => {
                let options = crate::load::Options {
                    previous: previous.as_ref(),
                    changed: folders.as_ref(),
                    ..crate::load::Options::default()
                };
                crate::engine::check(&self.root, &options)?
            }
        };
        let mut rendered = None;
        let errors = if findings.is_ok() {
            let previous = Arc::clone(&state.read().unwrap_or_else(|e| e.into_inner()).site);
            let (site, cache, r) =
                crate::engine::build_into(&project, Memory::after(previous), &self.cache)?;
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

/// The Content-Security-Policy that `docs/src/publishing.md` asks the servers of a published site to send.
/// `serve` sends it too, so that what would break in production breaks while writing; the
/// live-reload script (a file, polling with `fetch`, styling its overlay through the CSSOM)
/// needs nothing more.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' \
    'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What `serve` answers to one request, before the headers every response carries.
#[derive(Debug)]
struct Reply {
    code: u16,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn text(code: u16, body: String) -> Reply {
        Reply {
            code,
            body: body.into_bytes(),
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
        }
    }

    fn file(content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            code: 200,
            body,
            headers: vec![
                ("Content-Type", content_type.into()),
                ("Cache-Control", "no-store".into()),
            ],
        }
    }
}

/// What a request says about itself, as far as [`answer`] needs it.
struct Asked<'a> {
    /// The request target, as sent.
    target: &'a str,
    /// The values of its `Host` headers.
    hosts: Vec<&'a str>,
    /// Whether it is HTTP/1.0, which may leave `Host` out.
    http10: bool,
}

/// Answers one request from `state`.
fn answer(asked: &Asked, state: &RwLock<State>) -> Reply {
    if let Some(refused) = check_host(asked) {
        return refused;
    }
    let Some(path) = site_path(asked.target) else {
        return Reply::text(
            400,
            "bad request path: seckb serve refuses a path that is not percent-encoded UTF-8, \
             or that has a `.` or `..` segment, an encoded `/`, a backslash or a NUL\n"
                .into(),
        );
    };
    match path.as_str() {
        "__seckb/live.js" => Reply::file(
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        ),
        "__seckb/status" => {
            let s = state.read().unwrap_or_else(|e| e.into_inner());
            let body = serde_json::to_vec(&Status {
                version: s.version,
                errors: &s.errors,
            })
            .unwrap_or_default();
            Reply::file("application/json", body)
        }
        _ => {
            let s = state.read().unwrap_or_else(|e| e.into_inner());
            match lookup(&s.site, &path) {
                Lookup::File(key, bytes) if key.ends_with(".html") => {
                    Reply::file(content_type(&key), inject(bytes))
                }
                Lookup::File(key, bytes) => Reply::file(content_type(&key), bytes.clone()),
                Lookup::Redirect(to) => Reply {
                    code: 301,
                    body: Vec::new(),
                    headers: vec![("Location", to)],
                },
                Lookup::NotFound => Reply::text(404, "not found\n".into()),
            }
        }
    }
}

/// Refuses a request that is not for a loopback name. A page of another site can point its
/// own name at 127.0.0.1 (DNS rebinding) and then read this server as if it were its own;
/// its requests still carry its name in `Host`. Browsers always send `Host`, so an HTTP/1.0
/// request without one (`curl -0`, old tools) is answered; HTTP/1.1 requires it.
fn check_host(asked: &Asked) -> Option<Reply> {
    let refuse = |code, why: String| {
        Some(Reply::text(
            code,
            format!(
                "{why}\nseckb serve answers only requests for `localhost`, `127.0.0.1` or \
                 `[::1]`, so that a page of another site cannot read it; open the address \
                 it printed, http://127.0.0.1:<port>/\n"
            ),
        ))
    };
    match asked.hosts.as_slice() {
        [] if asked.http10 => None,
        [] => refuse(400, "the request has no `Host` header".into()),
        [host] if is_loopback_host(host) => None,
        [host] => refuse(403, format!("the request is for `{host}`")),
        _ => refuse(400, "the request has more than one `Host` header".into()),
    }
}

/// Whether `host`, the value of a `Host` header (a name or address, with or without a
/// port), names the loopback interface.
fn is_loopback_host(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((addr, "")) => (addr, None),
            Some((addr, after)) => match after.strip_prefix(':') {
                Some(port) => (addr, Some(port)),
                None => return false,
            },
            None => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let bad_port = |p: &str| !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err();
    if port.is_some_and(bad_port) {
        return false;
    }
    if host.starts_with('[') {
        return name
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_loopback());
    }
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// The path of the site a request target asks for (`/en-US/` -> `en-US/`), percent-decoded
/// one segment at a time: a path is not a query string, so `+` and `=` stand for themselves.
/// `None` for a target that is not a path, is not UTF-8 once decoded, or has a segment that
/// could climb out of the site or name something else than it seems: `.`, `..`, an encoded
/// `/`, a backslash (a separator on Windows), a NUL.
fn site_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/')?;
    let mut segments = Vec::new();
    for raw in path.split('/') {
        let seg = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .ok()?;
        if seg == "." || seg == ".." || seg.contains(['/', '\\', '\0']) {
            return None;
        }
        segments.push(seg);
    }
    Some(segments.join("/"))
}

/// What a `Location` header must percent-encode of a path of the site: controls, space,
/// and what would end or change the meaning of the path.
const LOCATION: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Maps a decoded path of the site ([`site_path`]) to a file: `a/` -> `a/index.html`.
fn lookup<'a>(site: &'a Memory, rel: &str) -> Lookup<'a> {
    // `site_path` refuses these already; the map is in memory, but a lookup that may one day
    // read a folder must not depend on its caller for this.
    if rel.split('/').any(|seg| seg == ".." || seg == ".") {
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
    if !rel.is_empty() && files.contains_key(format!("{rel}/index.html").as_str()) {
        let to = percent_encoding::utf8_percent_encode(rel, LOCATION);
        return Lookup::Redirect(format!("/{to}/"));
    }
    Lookup::NotFound
}

enum Lookup<'a> {
    File(String, &'a Vec<u8>),
    Redirect(String),
    NotFound,
}

fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        // The pages of a JSON Feed: `feed.json`, `feed-2.json`, ...
        "json" if name == "feed.json" || name.starts_with("feed-") => "application/feed+json",
        "json" => "application/json",
        "atom" => "application/atom+xml",
        "xml" => "application/xml",
        "txt" | "csv" | "sha256" | "sha512" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The response to send for `reply`, with the headers every response carries. A header that
/// is not valid (built from a bad request) is dropped, not a panic.
fn response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut r = tiny_http::Response::from_data(reply.body).with_status_code(reply.code);
    let always = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
    ];
    let headers = reply.headers.iter().map(|(k, v)| (*k, v.as_str()));
    for (k, v) in always.into_iter().chain(headers) {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

/// Serves `state` on `server` until the process ends.
pub fn serve(server: tiny_http::Server, state: Arc<RwLock<State>>) {
    for request in server.incoming_requests() {
        let asked = Asked {
            target: request.url(),
            hosts: request
                .headers()
                .iter()
                .filter(|h| h.field.equiv("Host"))
                .map(|h| h.value.as_str())
                .collect(),
            http10: *request.http_version() == tiny_http::HTTPVersion(1, 0),
        };
        let reply = answer(&asked, &state);
        let _ = request.respond(response(reply));
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

    /// What `serve` answers to a GET of `target` for `host` over HTTP/1.1: (status, body).
    fn get(site: Memory, host: &str, target: &str) -> (u16, String) {
        let state = RwLock::new(State {
            site: Arc::new(site),
            ..State::default()
        });
        let asked = Asked {
            target,
            hosts: vec![host],
            http10: false,
        };
        let r = answer(&asked, &state);
        (r.code, String::from_utf8_lossy(&r.body).into_owned())
    }

    #[test]
    fn maps_paths_and_refuses_traversal() {
        let mut site = Memory::default();
        site.add("index.html", "root").unwrap();
        site.add("en-US/index.html", "en").unwrap();
        site.add("style.css", "x").unwrap();
        site.add("a b/index.html", "space").unwrap();
        site.add("a+b.txt", "plus").unwrap();
        let path = |t: &str| site_path(t).unwrap();
        assert!(matches!(lookup(&site, &path("/")), Lookup::File(k, _) if k == "index.html"));
        assert!(
            matches!(lookup(&site, &path("/en-US/?q=1")), Lookup::File(k, _) if k == "en-US/index.html")
        );
        assert!(matches!(lookup(&site, &path("/en-US")), Lookup::Redirect(to) if to == "/en-US/"));
        assert!(matches!(lookup(&site, &path("/a%20b")), Lookup::Redirect(to) if to == "/a%20b/"));
        assert!(
            matches!(lookup(&site, &path("/%73tyle.css")), Lookup::File(k, _) if k == "style.css")
        );
        // A path is not a query string: `+` is a plus, `=` and `&` are themselves.
        assert!(matches!(lookup(&site, &path("/a+b.txt")), Lookup::File(k, _) if k == "a+b.txt"));
        assert!(matches!(
            lookup(&site, &path("/a%2Bb.txt")),
            Lookup::File(..)
        ));
        assert!(matches!(lookup(&site, &path("/a+b/")), Lookup::NotFound));
        assert!(matches!(lookup(&site, &path("/en-U=S/")), Lookup::NotFound));
        assert!(matches!(lookup(&site, &path("/en-U&S/")), Lookup::NotFound));
        assert!(matches!(lookup(&site, &path("/nope")), Lookup::NotFound));
        assert!(matches!(lookup(&site, "../etc/passwd"), Lookup::NotFound));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E./etc",
            "/en-US/%2e%2e%2fstyle.css",
            "/en-US%2findex.html",
            "/en-US/..%5cstyle.css",
            "/en-US\\..\\style.css",
            "/style.css%00.html",
            "/./style.css",
            "/%ff",
            "style.css",
            "http://evil.example/style.css",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
        let (code, body) = get(site, "127.0.0.1", "/%2e%2e/x");
        assert_eq!(code, 400);
        assert!(body.starts_with("bad request path"), "{body}");
    }

    #[test]
    fn answers_loopback_hosts_only() {
        for ok in [
            "localhost",
            "LocalHost:8000",
            "127.0.0.1",
            "127.0.0.1:65535",
            "127.8.9.10:1",
            "[::1]",
            "[::1]:8000",
            "[0:0:0:0:0:0:0:1]:80",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "localhost:80:80",
            "localhost:",
            "localhost:+80",
            "localhost:65536",
            "128.0.0.1",
            "0.0.0.0",
            "127.1",
            "[::1",
            "[::1]8000",
            "[::2]",
            "[::ffff:127.0.0.1]",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        let site = || {
            let mut site = Memory::default();
            site.add("index.html", "root").unwrap();
            site
        };
        let (code, body) = get(site(), "evil.example:8000", "/");
        assert_eq!(code, 403);
        assert!(
            body.starts_with("the request is for `evil.example:8000`\n"),
            "{body}"
        );
        let state = RwLock::new(State {
            site: Arc::new(site()),
            ..State::default()
        });
        let asked = |hosts: Vec<&'static str>, http10| Asked {
            target: "/",
            hosts,
            http10,
        };
        assert_eq!(answer(&asked(vec![], true), &state).code, 200);
        assert_eq!(answer(&asked(vec![], false), &state).code, 400);
        let two = asked(vec!["127.0.0.1", "evil.example"], false);
        assert_eq!(answer(&two, &state).code, 400);
    }

    #[test]
    fn json_feeds_have_their_own_type() {
        assert_eq!(content_type("en-US/feed.json"), "application/feed+json");
        assert_eq!(content_type("en-US/feed-2.json"), "application/feed+json");
        assert_eq!(content_type("api/v1/index.json"), "application/json");
        assert_eq!(content_type("csaf-feed-tlp-white.json"), "application/json");
        assert_eq!(content_type("feed-2.json/x"), "application/octet-stream");
    }

    #[test]
    fn injects_the_live_reload_script() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script src=\"/__seckb/live.js\" defer></script>\n</body>"));
    }
}
