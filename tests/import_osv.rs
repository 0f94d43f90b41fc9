//! `seckb import osv`: every entry of the Go vulnerability database sample imports and
//! exports again as the same entry (a difference is listed, and only those the test names
//! are accepted); seckb's own OSV export imported into an empty site exports to the same
//! bytes; what has no place is reported; broken files fail alone.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use common::{build_valid as build, empty_site_like, import_options as options};

use seckb::feeds::osv::{OWN_KEY, SCHEMA_VERSION};
use seckb::import::sources::Osv;
use seckb::import::{Level, Outcome, Report, import};

type Files = BTreeMap<String, Vec<u8>>;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An English site with no advisory and no product.
fn english_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("seckb.yaml"),
        "base_url: https://vulns.example.org/\ndefault_language: en-US\nlanguages: [en-US]\npublisher:\n  name: Example\n  namespace: https://example.org\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("i18n")).unwrap();
    std::fs::copy(
        repository().join("i18n/en-US.yaml"),
        dir.path().join("i18n/en-US.yaml"),
    )
    .unwrap();
    dir
}

fn notes(r: &Report, level: Level) -> Vec<String> {
    r.advisories
        .iter()
        .flat_map(|a| a.notes.iter().map(move |n| (a, n)))
        .filter(|(_, n)| n.level == level)
        .map(|(a, n)| format!("{}: [{}] {}", a.id, n.code, n.message))
        .collect()
}

/// Writes the `osv/` folder of a build to disk.
fn write_osv(files: &Files, to: &Path) -> usize {
    let mut n = 0;
    for (p, b) in files {
        if let Some(rel) = p.strip_prefix("osv/") {
            std::fs::write(to.join(rel), b).unwrap();
            n += 1;
        }
    }
    n
}

fn osv_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_slice(&std::fs::read(common::data("osv/schema.json")).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Every place where `b` differs from `a`, as `path: before -> after`.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<(String, Value, Value)>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (x.get(k), y.get(k));
                let p = format!("{path}.{k}");
                match (va, vb) {
                    (Some(va), Some(vb)) => differences(va, vb, &p, out),
                    _ => out.push((
                        p,
                        va.cloned().unwrap_or(Value::Null),
                        vb.cloned().unwrap_or(Value::Null),
                    )),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push((path.to_string(), a.clone(), b.clone())),
        _ => {}
    }
}

/// What seckb's export adds to an entry, checked and taken away: the schema version it
/// writes, the advisory's own page as the first reference, and its facts under
/// `database_specific.seckb`.
fn without_additions(mut doc: Value, own_page: &str) -> Value {
    assert_eq!(doc["schema_version"], SCHEMA_VERSION);
    let refs = doc["references"].as_array_mut().unwrap();
    assert_eq!(refs[0], json!({"type": "ADVISORY", "url": own_page}));
    refs.remove(0);
    if refs.is_empty() {
        doc.as_object_mut().unwrap().remove("references");
    }
    let db = doc["database_specific"].as_object_mut().unwrap();
    assert!(
        db.remove(OWN_KEY).is_some(),
        "seckb's facts are under `{OWN_KEY}`"
    );
    if db.is_empty() {
        doc.as_object_mut().unwrap().remove("database_specific");
    }
    doc
}

/// The differences an import is allowed, each with why: a URL as the `url` crate writes it
/// (the same address: `https://host` is `https://host/`), and an alias listed twice kept once.
fn explained(path: &str, before: &Value, after: &Value) -> Option<&'static str> {
    if path.ends_with(".url")
        && let (Some(x), Some(y)) = (before.as_str(), after.as_str())
        && url::Url::parse(x).ok() == url::Url::parse(y).ok()
    {
        return Some("the same URL, normalized");
    }
    if path == ".aliases"
        && let (Some(x), Some(y)) = (before.as_array(), after.as_array())
    {
        let mut once: Vec<&Value> = Vec::new();
        for v in x {
            if !once.contains(&v) {
                once.push(v);
            }
        }
        if once.iter().copied().eq(y.iter()) {
            return Some("an alias listed twice, kept once");
        }
    }
    None
}

#[test]
fn every_go_entry_imports_and_exports_as_the_same_entry() {
    let corpus = common::data("osv-go");
    let site = english_site();
    let report = import::<Osv>(&options(vec![corpus.clone()], site.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    assert_eq!(report.advisories.len(), 306);
    assert!(
        report
            .advisories
            .iter()
            .all(|a| a.outcome == Outcome::Created)
    );
    assert_eq!(
        notes(&report, Level::Warning),
        Vec::<String>::new(),
        "nothing lost"
    );
    // SOURCES.md is no JSON; nothing else is skipped.
    assert_eq!(report.skipped.len(), 0, "{:?}", report.skipped);

    let files = build(site.path());
    let validator = osv_validator();
    let mut unexplained = Vec::new();
    let mut accepted = Vec::new();
    let mut entries = 0;
    for e in std::fs::read_dir(&corpus).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        entries += 1;
        let source: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let id = source["id"].as_str().unwrap();
        let bytes = files
            .get(&format!("osv/{id}.json"))
            .unwrap_or_else(|| panic!("no export of {id}"));
        let export: Value = serde_json::from_slice(bytes).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&export)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{id}: {errors:#?}");
        let own_page = format!("https://vulns.example.org/en-US/advisories/{id}/");
        let mut source = source.clone();
        source["schema_version"] = json!(SCHEMA_VERSION);
        let mut diffs = Vec::new();
        differences(
            &source,
            &without_additions(export, &own_page),
            "",
            &mut diffs,
        );
        for (p, before, after) in diffs {
            let line = format!("{id}{p}: {before} -> {after}");
            match explained(&p, &before, &after) {
                Some(why) => accepted.push(format!("{line} ({why})")),
                None => unexplained.push(line),
            }
        }
    }
    assert_eq!(entries, 306);
    assert_eq!(
        unexplained,
        Vec::<String>::new(),
        "fields that did not survive"
    );
    // The sample holds both kinds of accepted difference; printed for the record.
    eprintln!("accepted differences:\n{}", accepted.join("\n"));
    assert!(accepted.iter().any(|l| l.contains("normalized")));
    assert!(accepted.iter().any(|l| l.contains("kept once")));
}

/// Export -> import into an empty site -> export: the same OSV files, byte for byte.
fn round_trip(site: &Path) -> usize {
    let first = build(site);
    let osv = tempfile::tempdir().unwrap();
    let n = write_osv(&first, osv.path());
    let into = empty_site_like(site);
    let report = import::<Osv>(&options(vec![osv.path().to_path_buf()], into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    assert_eq!(
        notes(&report, Level::Warning),
        Vec::<String>::new(),
        "nothing lost"
    );
    let second = build(into.path());
    let of = |f: &Files| -> Files {
        f.iter()
            .filter(|(p, _)| p.starts_with("osv/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let (a, b) = (of(&first), of(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "`{path}` differs after the round trip:\n{}\n---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
    n
}

#[test]
fn the_repository_survives_osv_export_import_export_byte_for_byte() {
    // Microsoft's advisories and bulletins (vendor products, ratings per product), RustSec,
    // Go and Log4j (packages, ranges, CVSS, CWEs, several vulnerabilities).
    assert_eq!(round_trip(&repository()), 145);
}

#[test]
fn imported_go_entries_survive_a_second_export_import_export() {
    let site = english_site();
    let report = import::<Osv>(&options(vec![common::data("osv-go")], site.path())).unwrap();
    assert!(!report.failed());
    assert_eq!(round_trip(site.path()), 306);
}

#[test]
fn a_package_the_catalog_has_is_that_product() {
    // The repository's catalog has the Go standard library as `go-stdlib`, named otherwise.
    let dir = common::copy_repository("");
    let entry = common::data("osv-go/GO-2021-0142.json");
    let report = import::<Osv>(&options(vec![entry], dir.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    assert!(
        !report.site.iter().any(|n| n.code == "products-added"),
        "{:?}",
        report.site
    );
    let facts =
        std::fs::read_to_string(dir.path().join("advisories/GO-2021-0142/advisory.yaml")).unwrap();
    assert!(facts.contains("- product: go-stdlib"), "{facts}");
    assert!(facts.contains("origin:\n  id: GO-2021-0142\n"), "{facts}");
}

/// An entry with every field OSV 1.6 has, some of which seckb cannot hold.
fn full_entry() -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": "EX-2025-0001",
        "modified": "2025-03-04T05:06:07Z",
        "published": "2025-01-02T03:04:05Z",
        "withdrawn": "2025-02-03T00:00:00Z",
        "aliases": ["CVE-2025-0001", "GHSA-aaaa-bbbb-cccc"],
        "related": ["EX-2024-0009"],
        "upstream": ["CVE-2024-9999"],
        "summary": "Heap overflow in `parse`",
        "details": "A *crafted* input overflows the heap.\n\nUpgrade.",
        "severity": [
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
            {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}
        ],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "example-lib", "purl": "pkg:pypi/example-lib"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}], "database_specific": {"note": "from the changelog"}},
                    {"type": "GIT", "repo": "https://github.com/example/lib", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
                    {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"limit": "3.0"}]}
                ],
                "versions": ["1.0", "1.1"],
                "ecosystem_specific": {"affected_functions": ["example.parse"]},
                "database_specific": {"source": "https://example.org/x.json"}
            },
            {"ranges": [{"type": "GIT", "repo": "https://github.com/example/other", "events": [{"introduced": "0"}]}]}
        ],
        "references": [
            {"type": "REPORT", "url": "https://github.com/example/lib/issues/1"},
            {"type": "FIX", "url": "https://github.com/example/lib/commit/abc123"},
            {"type": "ARTICLE", "url": "https://blog.example.org/heap"},
            {"type": "PACKAGE", "url": "https://pypi.org/project/example-lib/"},
            {"type": "EVIDENCE", "url": "https://example.org/poc"}
        ],
        "credits": [
            {"name": "Ada", "contact": ["mailto:ada@example.org"], "type": "FINDER"},
            {"name": "Example Security Team", "type": "COORDINATOR"},
            {"name": "Someone"}
        ],
        "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-122"]}
    })
}

#[test]
fn every_field_with_a_place_survives_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("EX-2025-0001.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&full_entry()).unwrap()).unwrap();
    let site = english_site();
    let report = import::<Osv>(&options(vec![file], site.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    let warnings = notes(&report, Level::Warning);
    for lost in [
        "the field `upstream`",
        "the severity `CVSS_V2` (AV:N/AC:L/Au:N/C:P/I:P/A:P)",
        "the event {\"limit\":\"3.0\"} of `affected[0].ranges[2]`",
        "`affected[1]`, which names no package",
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("[not-kept]") && w.contains(lost)),
            "`{lost}` is not reported: {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), 4, "{warnings:#?}");

    let files = build(site.path());
    let export: Value = serde_json::from_slice(&files["osv/EX-2025-0001.json"]).unwrap();
    let mut expected = full_entry();
    // What was reported lost is not there.
    let o = expected.as_object_mut().unwrap();
    o.remove("upstream");
    o["severity"].as_array_mut().unwrap().pop();
    o["affected"].as_array_mut().unwrap().pop();
    o["affected"][0]["ranges"][2]["events"]
        .as_array_mut()
        .unwrap()
        .pop();
    let own = "https://vulns.example.org/en-US/advisories/EX-2025-0001/";
    let mut diffs = Vec::new();
    differences(&expected, &without_additions(export, own), "", &mut diffs);
    assert_eq!(diffs, Vec::new());
}

#[test]
fn broken_and_foreign_files_fail_alone_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a-broken.json",
        "{\n  \"id\": \"X-1\",\n  \"modified\": \n}",
    );
    write(
        "b-feed.json",
        "{\"version\": \"https://jsonfeed.org/version/1.1\"}",
    );
    write(
        "c-bad-date.json",
        "{\"id\": \"X-3\", \"modified\": \"2025-13-01T00:00:00Z\"}",
    );
    write(
        "d-future.json",
        "{\"schema_version\": \"2.0.0\", \"id\": \"X-4\", \"modified\": \"2025-01-01T00:00:00Z\"}",
    );
    write(
        "e-type.json",
        "{\"id\": \"X-5\", \"modified\": \"2025-01-01T00:00:00Z\", \"aliases\": \"CVE-1\"}",
    );
    write(
        "f-good.json",
        &serde_json::to_string(&full_entry()).unwrap(),
    );
    let site = english_site();
    let report = import::<Osv>(&options(vec![dir.path().to_path_buf()], site.path())).unwrap();
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                Path::new(&f.file).file_name().unwrap().to_string_lossy(),
                f.message
            )
        })
        .collect();
    assert_eq!(failures.len(), 4, "{failures:#?}");
    assert!(
        failures[0].starts_with("a-broken.json: not valid JSON at 4:1: "),
        "{}",
        failures[0]
    );
    assert!(
        failures[1]
            .contains("c-bad-date.json: `modified`: invalid timestamp `2025-13-01T00:00:00Z`"),
        "{}",
        failures[1]
    );
    assert!(
        failures[2].contains("d-future.json: OSV schema version `2.0.0` is not supported"),
        "{}",
        failures[2]
    );
    assert!(
        failures[3].starts_with("e-type.json: not a valid OSV entry at 1:"),
        "{}",
        failures[3]
    );
    assert!(
        failures[3].contains("expected a sequence"),
        "{}",
        failures[3]
    );
    // Found in a folder, a JSON file that is no OSV entry is skipped, not failed.
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].message.contains("not an OSV entry"));
    // The good entry was imported all the same; the exit code says a file failed.
    assert_eq!(report.advisories.len(), 1);
    assert!(report.failed());
    let out = common::seckb_bin()
        .args(["import", "osv", "--into"])
        .arg(site.path())
        .arg(dir.path().join("b-feed.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not an OSV entry: it has no `id` and `modified`"),
        "{stderr}"
    );
}
