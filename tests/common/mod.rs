//! Shared test helpers: copy a fixture site into a temp folder and edit it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The fixture sites under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Third-party data the tests read (official schemas, real documents), vendored under
/// `tests/data/` so that the tests need nothing beside the repository; each folder's
/// `SOURCES.md` says where its files come from and under which licence.
pub fn data(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    assert!(path.exists(), "`{}` is missing", path.display());
    path
}

/// Copies `from` into a new temp folder; the folder lives as long as the returned guard.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture(name), dir.path());
    dir
}

/// The user cache folder (`XDG_CACHE_HOME`) of the tests' runs of seckb, inside `target/`,
/// so that their parse caches stay out of the home folder.
pub fn cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache-home")
}

/// The seckb binary, with its parse caches under [`cache_home`].
pub fn seckb_bin() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("seckb").unwrap();
    c.env("XDG_CACHE_HOME", cache_home());
    c
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the repository's own site (its advisories, catalog, settings and site texts),
/// with `settings` appended to its `seckb.yaml`.
pub fn copy_repository(settings: &str) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["advisories", "i18n"] {
        copy_tree(&repo.join(folder), &dir.path().join(folder));
    }
    std::fs::copy(repo.join("products.yaml"), dir.path().join("products.yaml")).unwrap();
    let mut yaml = std::fs::read_to_string(repo.join("seckb.yaml")).unwrap();
    yaml.push_str(settings);
    std::fs::write(dir.path().join("seckb.yaml"), yaml).unwrap();
    dir
}

/// Replaces the one occurrence of `from` in `root/file` by `to`; fails the test if `from`
/// is not there exactly once, so an edit can never silently do nothing.
pub fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` should occur once in {file}"
    );
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every file under `root`, as sorted relative paths with their bytes.
pub fn read_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Every HTML fragment of a site: its pages, and the `content_html`/`html` fields of its
/// JSON documents (feeds, API), as (name, html).
pub fn html_fragments<'a>(
    files: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>,
) -> Vec<(String, String)> {
    fn walk(name: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("content_html" | "html", serde_json::Value::String(s)) => {
                            out.push((format!("{name}#{k}"), s.clone()))
                        }
                        _ => walk(name, v, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(name, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (name, bytes) in files {
        let text = String::from_utf8_lossy(bytes).to_string();
        if name.ends_with(".html") {
            out.push((name.clone(), text));
        } else if name.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            walk(name, &v, &mut out);
        }
    }
    out
}

/// Overrides the default `base.html` in `root/templates/` with a copy that differs by a
/// comment: a template change that reaches every page.
pub fn change_base_template(root: &Path) {
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = seckb::render::TEMPLATE_DEFAULTS
        .iter()
        .find(|(name, _)| *name == "base.html")
        .unwrap()
        .1
        .replace("</body>", "<!-- changed --></body>");
    std::fs::write(root.join("templates/base.html"), base).unwrap();
}

/// A site with nothing but the settings and site texts of `from`.
pub fn empty_site_like(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(from.join("seckb.yaml"), dir.path().join("seckb.yaml")).unwrap();
    copy_tree(&from.join("i18n"), &dir.path().join("i18n"));
    dir
}

/// What `seckb import csaf` and `seckb import osv` are given by default: `paths` into the
/// site `into`, written, nothing overwritten.
pub fn import_options(paths: Vec<PathBuf>, into: &Path) -> seckb::import::Options {
    seckb::import::Options {
        paths,
        into: into.to_path_buf(),
        dry_run: false,
        force: false,
        attribution: None,
        vendor: "Unknown vendor".into(),
    }
}

/// Validates a site (no errors) and builds it in memory: its files by path.
pub fn build_valid(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(
        findings.is_ok(),
        "{} does not validate: {:?}",
        root.display(),
        findings.sorted()
    );
    seckb::engine::build_site(&project).unwrap().contents()
}
