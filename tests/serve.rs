//! `seckb serve` as a user runs it: pages served from memory, a rebuild after an edit,
//! errors reported through the status endpoint, a clear message for a busy port.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;
use std::sync::RwLock;

use common::{copy_fixture, edit};
use seckb::serve::{Rebuilder, State};

struct Server {
    child: Child,
    port: u16,
    /// What it printed on stderr after `serving at`, line by line.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("seckb"))
        .env("XDG_CACHE_HOME", common::cache_home())
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .unwrap();
        if let Some(rest) = line.strip_prefix("serving at http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    let log: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    let kept = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    Server { child, port, log }
}

/// A minimal HTTP/1.0 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn wait_for(port: u16, what: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let (_, body) = get(port, "/__seckb/status");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if what(&v) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out; last status {v}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_rebuilds_and_reports_errors() {
    let dir = copy_fixture("basic");
    let server = start(dir.path());
    let (code, page) = get(server.port, "/en-US/advisories/ADV-2024-0001/");
    assert_eq!(code, 200);
    assert!(page.contains("<h1>Widget Server remote code execution</h1>"));
    assert!(
        page.contains(r#"<script src="/__seckb/live.js" defer></script>"#),
        "live reload is injected"
    );
    assert_eq!(get(server.port, "/en-US").0, 301);
    assert_eq!(get(server.port, "/nope/").0, 404);
    assert_eq!(get(server.port, "/__seckb/live.js").0, 200);
    let v1 = wait_for(server.port, |_| true)["version"].as_u64().unwrap();

    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server flaw",
    );
    wait_for(server.port, |v| v["version"].as_u64().unwrap() > v1);
    assert!(
        get(server.port, "/en-US/advisories/ADV-2024-0001/")
            .1
            .contains("<h1>Widget Server flaw</h1>")
    );

    edit(
        dir.path(),
        "advisories/ADV-2024-0001/advisory.yaml",
        "kind: bulletin",
        "kind: bulletn",
    );
    let status = wait_for(server.port, |v| !v["errors"].as_array().unwrap().is_empty());
    let e = &status["errors"][0];
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64(), e["code"].as_str()),
        (
            Some("advisories/ADV-2024-0001/advisory.yaml"),
            Some(2),
            Some("unknown-value")
        )
    );
    // The last good site is still served.
    assert!(
        get(server.port, "/en-US/advisories/ADV-2024-0001/")
            .1
            .contains("<h1>Widget Server flaw</h1>")
    );

    edit(
        dir.path(),
        "advisories/ADV-2024-0001/advisory.yaml",
        "kind: bulletn",
        "kind: bulletin",
    );
    wait_for(server.port, |v| v["errors"].as_array().unwrap().is_empty());
    // Nothing was written to disk.
    assert!(!dir.path().join("site").exists());
}

/// After the first build, a rebuild prints its new warnings and says how many it does not
/// repeat.
#[test]
fn a_rebuild_prints_only_new_warnings() {
    let dir = copy_fixture("basic");
    let server = start(dir.path());
    let v1 = wait_for(server.port, |_| true)["version"].as_u64().unwrap();
    // The first build's two warnings were printed before `serving at`.
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server flaw",
    );
    let v2 = wait_for(server.port, |v| v["version"].as_u64().unwrap() > v1)["version"]
        .as_u64()
        .unwrap();
    let printed = |what: &str| {
        let log = server.log.lock().unwrap();
        log.iter().filter(|l| l.contains(what)).count()
    };
    let wait_printed = |what: &str, n: usize| {
        let start = Instant::now();
        while printed(what) < n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no `{what}` in {:?}",
                server.log
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_printed("2 warnings as before, not repeated", 1);
    assert_eq!(printed("warning["), 0, "{:?}", server.log);

    // Without its outdated translation, the advisory has a new warning: it is printed,
    // the other one is not.
    std::fs::remove_file(dir.path().join("advisories/ADV-2024-0001/nl-NL.yaml")).unwrap();
    wait_for(server.port, |v| v["version"].as_u64().unwrap() > v2);
    wait_printed("1 warning as before, not repeated", 1);
    let new = "ADV-2024-0001/advisory.yaml:1:5: warning[missing-translation]";
    assert_eq!(printed(new), 1, "{:?}", server.log);
    assert_eq!(printed("warning["), 1, "{:?}", server.log);
}

#[test]
fn a_busy_port_gets_a_clear_message() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let out = common::seckb_bin()
        .arg("--root")
        .arg(common::fixture("basic"))
        .args(["serve", "--port", &port.to_string()])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{err}"
    );
}

/// The files of a clean build of the site at `root`, in memory.
fn clean(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(findings.is_ok());
    let site = seckb::engine::build_site(&project).unwrap();
    site.files()
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

/// Asserts that two sites have the same files, naming those that differ.
fn assert_same(got: &[(String, Vec<u8>)], want: &[(String, Vec<u8>)]) {
    let (got, want): (BTreeMap<_, _>, BTreeMap<_, _>) = (
        got.iter().map(|(p, b)| (p, b)).collect(),
        want.iter().map(|(p, b)| (p, b)).collect(),
    );
    let differ: Vec<&&String> = got
        .keys()
        .chain(want.keys())
        .filter(|p| got.get(**p) != want.get(**p))
        .collect();
    assert!(
        differ.is_empty(),
        "files that differ from a clean build: {differ:?}"
    );
}

/// The files `serve` would serve now.
fn served(state: &RwLock<State>) -> Vec<(String, Vec<u8>)> {
    let s = state.read().unwrap();
    s.site
        .files()
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

/// What `serve` does after each change, without the server: a rebuild in memory renders only
/// the advisories whose files changed, and gives exactly the site a clean build gives, after
/// a text edit, a template change and an error that is then fixed.
#[test]
fn rebuilds_in_memory_render_only_what_changed_and_equal_clean_builds() {
    let dir = copy_fixture("basic");
    let state = RwLock::new(State::default());
    let mut builder = Rebuilder::new(dir.path());
    let first = builder.rebuild(&state).unwrap().rendered.unwrap();
    assert_eq!((first.advisories, first.advisories_reused), (2, 0));

    // Nothing changed.
    let again = builder.rebuild(&state).unwrap().rendered.unwrap();
    assert_eq!((again.advisories, again.advisories_reused), (0, 2));
    assert_eq!((again.search_indexed, again.search_parts), (0, 2));
    assert_eq!(served(&state), clean(dir.path()));

    // One advisory's title.
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server remote code execution (edited)",
    );
    let edited = builder.rebuild(&state).unwrap().rendered.unwrap();
    assert_eq!((edited.advisories, edited.advisories_reused), (1, 1));
    // Only the English index holds the edited title.
    assert_eq!((edited.search_indexed, edited.search_parts), (1, 2));
    assert_eq!(served(&state), clean(dir.path()));

    // An error keeps the last good site; fixing it renders the advisory again.
    let good = served(&state);
    edit(
        dir.path(),
        "advisories/ADV-2023-0002/advisory.yaml",
        "published: 2023",
        "published: 2023-13",
    );
    let broken = builder.rebuild(&state).unwrap();
    assert!(!broken.findings.is_ok() && broken.rendered.is_none());
    assert_eq!(served(&state), good);
    edit(
        dir.path(),
        "advisories/ADV-2023-0002/advisory.yaml",
        "published: 2023-13",
        "published: 2023",
    );
    let fixed = builder.rebuild(&state).unwrap().rendered.unwrap();
    assert_eq!((fixed.advisories, fixed.advisories_reused), (0, 2));
    assert_eq!(served(&state), clean(dir.path()));

    // A template: every advisory.
    common::change_base_template(dir.path());
    let templated = builder.rebuild(&state).unwrap().rendered.unwrap();
    assert_eq!((templated.advisories, templated.advisories_reused), (2, 0));
    assert_eq!(served(&state), clean(dir.path()));
}

/// After the watcher names the paths that changed, `serve` reads only the advisory folders
/// they are in (and the settings, catalog and site texts): the result equals a clean build
/// for an edit, a new folder and a removed one, and an edit in a folder it was not told of
/// is not seen until a change names it (or the watcher cannot tell, and everything is read).
#[test]
fn a_rebuild_told_which_folders_changed_reads_only_those() {
    let dir = copy_fixture("basic");
    let root = dir.path();
    let state = RwLock::new(State::default());
    let mut builder = Rebuilder::new(root);
    builder.rebuild(&state).unwrap();
    let file = |rel: &str| vec![root.join(rel)];

    edit(
        root,
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server remote code execution (edited)",
    );
    let edited = builder
        .rebuild_after(&state, Some(&file("advisories/ADV-2024-0001/en-US.yaml")))
        .unwrap()
        .rendered
        .unwrap();
    assert_eq!((edited.advisories, edited.advisories_reused), (1, 1));
    assert_same(&served(&state), &clean(root));

    // An edit the rebuild is not told of is not read: the folder is taken as it was.
    edit(
        root,
        "advisories/ADV-2023-0002/en-US.yaml",
        "title: Widget Client may stop syncing",
        "title: Widget Client may stop syncing (unseen)",
    );
    let before = served(&state);
    builder
        .rebuild_after(&state, Some(&file("templates")))
        .unwrap();
    assert_eq!(served(&state), before);
    assert_ne!(served(&state), clean(root));
    // The watcher losing events (no paths) reads everything.
    builder.rebuild_after(&state, None).unwrap();
    assert_same(&served(&state), &clean(root));

    // A new folder, named by the watcher, is read; so is the removal of one.
    common::copy_tree(
        &root.join("advisories/ADV-2023-0002"),
        &root.join("advisories/ADV-2023-0003"),
    );
    edit(
        root,
        "advisories/ADV-2023-0003/advisory.yaml",
        "ADV-2023-0002",
        "ADV-2023-0003",
    );
    let added = builder
        .rebuild_after(&state, Some(&file("advisories/ADV-2023-0003")))
        .unwrap();
    assert!(added.findings.is_ok(), "{:?}", added.findings.sorted());
    assert!(
        served(&state)
            .iter()
            .any(|(p, _)| p.contains("ADV-2023-0003"))
    );
    assert_same(&served(&state), &clean(root));
    std::fs::remove_dir_all(root.join("advisories/ADV-2023-0003")).unwrap();
    builder
        .rebuild_after(
            &state,
            Some(&file("advisories/ADV-2023-0003/advisory.yaml")),
        )
        .unwrap();
    assert!(
        !served(&state)
            .iter()
            .any(|(p, _)| p.contains("ADV-2023-0003"))
    );
    assert_same(&served(&state), &clean(root));
}

/// A response read off the wire.
struct Raw {
    status: u16,
    /// Header names in lower case, in the order sent.
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    /// The values of header `name`.
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends `request` as written (request line and headers, without the blank line that ends
/// them) and reads the whole response: the test controls the path and `Host` byte for byte.
fn raw(port: u16, request: &str) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "{request}\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Raw {
        status: status.parse().unwrap(),
        headers,
        body: body.to_string(),
    }
}

/// An HTTP/1.1 GET of `path` for `host`.
fn get_for(port: u16, host: &str, path: &str) -> Raw {
    raw(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close"),
    )
}

const PAGE: &str = "/en-US/advisories/ADV-2024-0001/";

/// A page of another site that points its own name at 127.0.0.1 (DNS rebinding) must not be
/// able to read the dev server: only loopback names are answered.
#[test]
fn only_requests_for_a_loopback_name_are_answered() {
    let dir = copy_fixture("basic");
    let server = start(dir.path());
    let port = server.port;
    for host in [
        "localhost".to_string(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "127.1.2.3".to_string(),
        format!("[::1]:{port}"),
    ] {
        let r = get_for(port, &host, PAGE);
        assert_eq!(r.status, 200, "{host}");
        assert!(
            r.body
                .contains("<h1>Widget Server remote code execution</h1>")
        );
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "localhost.evil.example".to_string(),
        "127.0.0.1.evil.example".to_string(),
    ] {
        for path in [PAGE, "/__seckb/status", "/api/v1/index.json"] {
            let r = get_for(port, &host, path);
            assert_eq!(r.status, 403, "{host} {path}");
            assert!(
                r.body
                    .starts_with(&format!("the request is for `{host}`\n")),
                "{}",
                r.body
            );
            assert!(
                r.body
                    .contains("answers only requests for `localhost`, `127.0.0.1` or `[::1]`")
            );
            assert!(!r.body.contains("Widget"));
        }
    }
    // Browsers always send `Host`: a request without one is no rebinding attack, and HTTP/1.0
    // allows it; HTTP/1.1 does not.
    assert_eq!(raw(port, &format!("GET {PAGE} HTTP/1.0")).status, 200);
    let r = raw(port, &format!("GET {PAGE} HTTP/1.1\r\nConnection: close"));
    assert_eq!(r.status, 400);
    assert!(
        r.body.starts_with("the request has no `Host` header\n"),
        "{}",
        r.body
    );
    let r = raw(
        port,
        &format!(
            "GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close"
        ),
    );
    assert_eq!(r.status, 400);
}

/// Paths are percent-decoded as paths, not as query strings, and nothing decoded climbs out.
#[test]
fn paths_are_percent_decoded_and_cannot_climb_out() {
    let dir = copy_fixture("basic");
    let server = start(dir.path());
    let get = |path: &str| get_for(server.port, "127.0.0.1", path);
    assert_eq!(get("/en-US/%61dvisories/ADV-2024-0001/").status, 200);
    assert_eq!(get(&format!("{PAGE}?q=a+b&c=d")).status, 200);
    // A query-string decoder reads `=` as a separator and `+` as a space.
    assert_eq!(get("/en-U=S/").status, 404);
    assert_eq!(get("/en-U&S/").status, 404);
    assert_eq!(get("/en-US+/").status, 404);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/en-US/%2E%2E/api/v1/index.json",
        "/en-US%2f..%2fapi/v1/index.json",
        "/en-US/..%5capi/v1/index.json",
        "/en-US/..\\api/v1/index.json",
        "/api/v1/index.json%00.html",
        "/./api/v1/index.json",
        "/%c0%ae%c0%ae/etc/passwd",
    ] {
        let r = get(path);
        assert_eq!(r.status, 400, "{path}");
        assert!(
            r.body.starts_with("bad request path: "),
            "{path}: {}",
            r.body
        );
    }
    // A JSON Feed has its own media type; other JSON is JSON.
    let feed = get("/en-US/feed.json");
    assert_eq!(feed.status, 200);
    assert_eq!(feed.header("content-type"), ["application/feed+json"]);
    assert_eq!(
        get("/api/v1/index.json").header("content-type"),
        ["application/json"]
    );
}

/// Every response carries the policy the docs ask production servers to send, and
/// `nosniff`: a page that breaks under them breaks while it is written.
#[test]
fn every_response_carries_the_content_security_policy_and_nosniff() {
    let dir = copy_fixture("basic");
    let server = start(dir.path());
    let policy = seckb::serve::CONTENT_SECURITY_POLICY;
    for (host, path, status) in [
        ("127.0.0.1", PAGE, 200),
        ("127.0.0.1", "/en-US", 301),
        ("127.0.0.1", "/nope/", 404),
        ("127.0.0.1", "/__seckb/live.js", 200),
        ("127.0.0.1", "/__seckb/status", 200),
        ("127.0.0.1", "/style.css", 200),
        ("127.0.0.1", "/en-US/feed.json", 200),
        ("127.0.0.1", "/%2e%2e/", 400),
        ("evil.example", PAGE, 403),
    ] {
        let r = get_for(server.port, host, path);
        assert_eq!(r.status, status, "{path}");
        assert_eq!(r.header("content-security-policy"), [policy], "{path}");
        assert_eq!(r.header("x-content-type-options"), ["nosniff"], "{path}");
    }
}

/// The policy `serve` sends is the one the user guide documents (docs/src/publishing.md),
/// word for word, and neither it nor README.md gives another.
#[test]
fn the_policy_is_the_one_the_docs_document() {
    let docs = [
        include_str!("../docs/src/publishing.md"),
        include_str!("../README.md"),
    ];
    let documented: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.lines())
        .filter_map(|l| l.strip_prefix("Content-Security-Policy: "))
        .collect();
    assert_eq!(documented, [seckb::serve::CONTENT_SECURITY_POLICY]);
}
