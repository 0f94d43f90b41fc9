//! `seckb import csaf`: seckb's own CSAF export imported into an empty site exports to the
//! same bytes (the repository and the CSAF fixture); the OASIS examples import, validate
//! and build; broken files fail alone; translations merge; `--dry-run` and `--force`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{
    build_valid as build, empty_site_like, fixture, import_options as options, read_tree,
};
use seckb::feeds::csaf::{PROVIDER_DIR, WHITE_DIR};
use seckb::import::{Level, Outcome, Report, import_csaf};
use seckb::model::{Advisory, AdvisoryText, Catalog, Severity};

type Files = BTreeMap<String, Vec<u8>>;

fn seckb() -> Command {
    let mut c = common::seckb_bin();
    c.env("NO_COLOR", "1");
    c
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn oasis_examples() -> PathBuf {
    common::data("csaf-2.0/examples")
}

/// The files of the CSAF provider.
fn provider(files: &Files) -> Files {
    files
        .iter()
        .filter(|(p, _)| p.starts_with(PROVIDER_DIR))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Writes the TLP:WHITE folder of a build (documents, hashes, listings, feed) to disk.
fn write_white(files: &Files, to: &Path) {
    for (p, b) in files {
        if let Some(rel) = p.strip_prefix(WHITE_DIR) {
            let path = to.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b).unwrap();
        }
    }
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn warnings(r: &Report) -> Vec<String> {
    r.advisories
        .iter()
        .flat_map(|a| a.notes.iter().map(move |n| (a, n)))
        .filter(|(_, n)| n.level == Level::Warning)
        .map(|(a, n)| format!("{}: [{}] {}", a.id, n.code, n.message))
        .collect()
}

/// Export -> import into an empty site -> export: the same provider, byte for byte.
fn round_trip(site: &Path) -> (usize, Report) {
    let first = build(site);
    let csaf = tempfile::tempdir().unwrap();
    write_white(&first, csaf.path());
    let into = empty_site_like(site);
    let report = import_csaf(&options(vec![csaf.path().to_path_buf()], into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    assert_eq!(
        warnings(&report),
        Vec::<String>::new(),
        "nothing may be lost"
    );
    let second = build(into.path());
    let (a, b) = (provider(&first), provider(&second));
    let docs = a
        .keys()
        .filter(|p| p.ends_with(".json") && p.matches('/').count() == 4)
        .count();
    assert!(docs > 0);
    for (path, bytes) in &a {
        let other = b
            .get(path)
            .unwrap_or_else(|| panic!("`{path}` is missing after the round trip"));
        assert!(
            bytes == other,
            "`{path}` differs after the round trip:\n{}\n---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(other)
        );
    }
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    (docs, report)
}

#[test]
fn the_repository_survives_export_import_export_byte_for_byte() {
    let (docs, report) = round_trip(&repository());
    assert_eq!(report.advisories.len(), 145);
    assert!(docs >= 145, "{docs} documents");
    assert!(
        report
            .advisories
            .iter()
            .all(|a| a.outcome == Outcome::Created)
    );
}

#[test]
fn the_csaf_fixture_survives_export_import_export_byte_for_byte() {
    let (docs, report) = round_trip(&fixture("csaf"));
    // The draft is not exported, so it does not come back.
    assert_eq!(docs, 4);
    let ids: Vec<&str> = report.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["GA-2025-0002", "SA.2025_07"]);
    // The feed in the folder is not a document.
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(report.skipped[0].message.contains("ROLIE feed"));
}

/// A withdrawn advisory is a note in CSAF (which has no withdrawn state), read back with its
/// date and reason; the translation without a reason of its own shows the original's.
#[test]
fn a_withdrawn_advisory_survives_export_import_export() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture("csaf"), dir.path());
    let adv = dir.path().join("advisories/SA.2025_07/advisory.yaml");
    let facts = std::fs::read_to_string(&adv).unwrap();
    let facts = facts.replace(
        "security_vulnerability: true",
        "withdrawn: {date: 2025-02-01}\nsecurity_vulnerability: true",
    );
    std::fs::write(&adv, facts).unwrap();
    let en = dir.path().join("advisories/SA.2025_07/en-US.yaml");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, format!("{text}withdrawn: Both CVEs were rejected.\n")).unwrap();
    let first = build(dir.path());
    let doc: serde_json::Value =
        serde_json::from_slice(&first[&format!("{WHITE_DIR}2025/sa_2025_07.json")]).unwrap();
    let note = (doc["document"]["notes"].as_array().unwrap().iter())
        .find(|n| n["title"] == "Withdrawn on 2025-02-01")
        .expect("a note says it is withdrawn");
    assert_eq!(note["text"], "Both CVEs were rejected.");
    let (docs, report) = round_trip(dir.path());
    assert_eq!(docs, 4);
    assert_eq!(report.advisories.len(), 2);
}

#[test]
fn translations_merge_into_one_advisory_with_a_text_per_language() {
    let built = build(&fixture("csaf"));
    let csaf = tempfile::tempdir().unwrap();
    write_white(&built, csaf.path());
    let into = empty_site_like(&fixture("csaf"));
    // The translation first on the command line: the original still gives the facts.
    let paths = vec![
        csaf.path().join("2025/sa_2025_07-de-de.json"),
        csaf.path().join("2025/sa_2025_07.json"),
    ];
    let report = import_csaf(&options(paths, into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    assert_eq!(report.advisories.len(), 1);
    assert_eq!(report.advisories[0].languages, ["en-US", "de-DE"]);
    let dir = into.path().join("advisories/SA.2025_07");
    let a: Advisory = read(&dir.join("advisory.yaml"));
    assert_eq!(a.source_language.as_str(), "en-US");
    assert_eq!(a.version, "2.0");
    assert_eq!(
        a.revisions
            .iter()
            .map(|r| r.number.as_str())
            .collect::<Vec<_>>(),
        ["1.0", "1.1", "2.0"]
    );
    assert_eq!(a.cves, ["CVE-2025-1111", "CVE-2025-22222"]);
    assert_eq!(a.severity, Some(Severity::Critical));
    let en: AdvisoryText = read(&dir.join("en-US.yaml"));
    let de: AdvisoryText = read(&dir.join("de-DE.yaml"));
    assert_eq!(en.title, "Gadget firmware flaws");
    assert_eq!(de.title, "Schwachstellen in der Gadget-Firmware");
    // The German remediation texts are keyed to the facts' remediations.
    let fix = a
        .remediations
        .iter()
        .find(|r| r.url.as_deref() == Some("https://acme.example.com/fix"))
        .unwrap();
    assert_eq!(
        de.remediations.get(&fix.id).map(String::as_str),
        Some("Firmware 1.2 installieren.")
    );
    assert_eq!(
        en.remediations.get(&fix.id).map(String::as_str),
        Some("Install firmware 1.2.")
    );
    assert_eq!(de.revisions["2.0"], "Firmware 1.2 veröffentlicht.");

    // A translation alone becomes the advisory's source, and the report says so.
    let into = empty_site_like(&fixture("csaf"));
    let paths = vec![csaf.path().join("2025/sa_2025_07-de-de.json")];
    let report = import_csaf(&options(paths, into.path())).unwrap();
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("[no-original]")),
        "{}",
        report.to_text()
    );
    let a: Advisory = read(&into.path().join("advisories/SA.2025_07/advisory.yaml"));
    assert_eq!(a.source_language.as_str(), "de-DE");
}

#[test]
fn the_oasis_examples_import_validate_and_build() {
    let into = empty_site_like(&fixture("csaf"));
    let report = import_csaf(&options(vec![oasis_examples()], into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    let ids: Vec<&str> = report.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["BSI-2022-0001", "RHSA-2021_5186", "cisco-sa-20180328-smi2"]
    );
    // The feed and the provider metadata beside them are skipped, not errors.
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "a ROLIE feed, not a CSAF document",
            "CSAF provider metadata, not a CSAF document"
        ]
    );
    // What the model cannot hold is reported, not dropped silently.
    let w = warnings(&report);
    for expected in [
        "RHSA-2021_5186: [id] the id `RHSA-2021:5186` cannot be a folder name or URL part",
        "BSI-2022-0001: [not-kept] vulnerability fields remediations.date",
        "RHSA-2021_5186: [not-kept] CVE-2021-4104: the threat `impact` has no place",
        "RHSA-2021_5186: [disclaimer] the legal disclaimer differs from the site's",
    ] {
        assert!(
            w.iter().any(|x| x.starts_with(expected)),
            "no warning `{expected}` in {w:#?}"
        );
    }

    let files = build(into.path());
    let docs: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with(WHITE_DIR) && p.ends_with(".json") && p.contains("/20"))
        .collect();
    assert_eq!(docs.len(), 3, "{docs:?}");

    let root = into.path();
    // Nothing a scanner matches on is lost: identifiers, scores, weaknesses, the status of
    // each product, product identifiers and versions.
    assert!(
        !w.iter().any(|x| x.contains("identification helpers")
            || x.contains("scores (CVSS)")
            || x.contains("fields ids")),
        "{w:#?}"
    );
    let rhsa: Advisory = read(&root.join("advisories/RHSA-2021_5186/advisory.yaml"));
    assert!(rhsa.cves.is_empty());
    let cves: Vec<_> = rhsa
        .vulnerabilities
        .iter()
        .map(|v| v.cve.clone().unwrap())
        .collect();
    assert_eq!(cves, ["CVE-2021-4104", "CVE-2021-4125"]);
    assert_eq!(rhsa.vulnerabilities[0].cwes, ["CWE-20"]);
    assert!(
        !rhsa.vulnerabilities[0]
            .products
            .known_not_affected
            .is_empty()
    );
    assert!(!rhsa.vulnerabilities[0].products.fixed.is_empty());
    let bsi: Advisory = read(&root.join("advisories/BSI-2022-0001/advisory.yaml"));
    let v = &bsi.vulnerabilities[0];
    // Its only id is an issue, `csaf-tools/CVRF-CSAF-Converter#78`: no id (a warning).
    assert!(v.ids.is_empty());
    assert_eq!(v.cwes, ["CWE-611"]);
    assert_eq!(
        v.scores.cvss_v3.as_deref(),
        Some("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C")
    );
    assert!(!v.products.first_fixed.is_empty() && !v.products.known_affected.is_empty());
    assert_eq!(v.acknowledgments.len(), 1);
    let text: AdvisoryText = read(&root.join("advisories/BSI-2022-0001/en-US.yaml"));
    assert!(!text.vulnerabilities[&v.id].description.is_empty());
    let cisco_v: Advisory = read(&root.join("advisories/cisco-sa-20180328-smi2/advisory.yaml"));
    assert_eq!(cisco_v.vulnerabilities[0].ids, ["CSCvg76186"]);
    assert!(cisco_v.vulnerabilities[0].scores.cvss_v3.is_some());
    assert_eq!(rhsa.severity, Some(Severity::Critical));
    assert!(rhsa.security_vulnerability);
    let cisco: Advisory = read(&root.join("advisories/cisco-sa-20180328-smi2/advisory.yaml"));
    assert_eq!(cisco.revisions.len(), 7);
    assert_eq!(cisco.version, "3.0.0");
    assert_eq!(cisco.products.affected.len(), 259);
    // No aggregate severity: the highest CVSS base severity stands in.
    assert_eq!(cisco.severity, Some(Severity::Critical));
    let text: AdvisoryText = read(&root.join("advisories/cisco-sa-20180328-smi2/en-US.yaml"));
    let titles: Vec<&str> = text.sections.iter().map(|s| s.title.as_str()).collect();
    assert!(titles.contains(&"Workarounds"), "{titles:?}");
    let cat: Catalog = read(&root.join("products.yaml"));
    assert!(cat.products.iter().any(|p| p.vendor == "Cisco"));
    // The tree's versions and the products' identifiers are in the catalog.
    let alpha = (cat.products.iter())
        .find(|p| p.name == "CSAF Tools CVRF-CSAF-Converter 1.0.0-alpha")
        .unwrap();
    assert_eq!(alpha.version.as_deref(), Some("1.0.0-alpha"));
    assert_eq!(
        alpha.cpe.as_deref(),
        Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha")
    );
    // Products are deduplicated: each catalog id once.
    let mut ids: Vec<&str> = cat.products.iter().map(|p| p.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

const GOOD: &str = "2025/sa_2025_07.json";

/// A folder with one good document and broken files beside it.
fn broken_inputs() -> (tempfile::TempDir, tempfile::TempDir) {
    let built = build(&fixture("csaf"));
    let white = tempfile::tempdir().unwrap();
    write_white(&built, white.path());
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(white.path().join(GOOD)).unwrap();
    std::fs::write(dir.path().join("good.json"), &good).unwrap();
    std::fs::write(dir.path().join("good.json.sha256"), "not json").unwrap();
    std::fs::write(dir.path().join("syntax.json"), "{\n  \"document\": {\n}\n").unwrap();
    std::fs::write(
        dir.path().join("other.json"),
        "{\"name\": \"package.json\"}",
    )
    .unwrap();
    std::fs::write(dir.path().join("array.json"), "[1, 2]").unwrap();
    let text = String::from_utf8(good).unwrap();
    std::fs::write(
        dir.path().join("old.json"),
        text.replace("\"csaf_version\": \"2.0\"", "\"csaf_version\": \"1.2\""),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("no-title.json"),
        text.replace("\"title\": \"Gadget firmware flaws\",", ""),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad-status.json"),
        text.replace("\"status\": \"interim\"", "\"status\": \"done\""),
    )
    .unwrap();
    (white, dir)
}

#[test]
fn broken_files_fail_alone_naming_the_file_and_place() {
    let (_white, dir) = broken_inputs();
    let into = empty_site_like(&fixture("csaf"));
    let report = import_csaf(&options(vec![dir.path().to_path_buf()], into.path())).unwrap();
    let fail: BTreeMap<String, String> = report
        .failures
        .iter()
        .map(|f| {
            let name = Path::new(&f.file).file_name().unwrap().to_string_lossy();
            (name.into_owned(), f.message.clone())
        })
        .collect();
    assert_eq!(
        fail["syntax.json"],
        "not valid JSON at 4:1: EOF while parsing an object"
    );
    assert_eq!(
        fail["other.json"],
        "not a CSAF document: it has no `document` object"
    );
    assert_eq!(
        fail["array.json"],
        "not a CSAF document: the file is JSON, but not an object"
    );
    assert_eq!(
        fail["old.json"],
        "CSAF version `1.2` is not supported; only `2.0` is"
    );
    assert!(
        fail["no-title.json"].starts_with("not a valid CSAF 2.0 document at ")
            && fail["no-title.json"].ends_with("missing field `title`"),
        "{}",
        fail["no-title.json"]
    );
    assert_eq!(
        fail["bad-status.json"],
        "`tracking.status` is `done`; CSAF knows draft, interim and final"
    );
    assert_eq!(fail.len(), 6, "{fail:?}");
    // The hash file is not read; the good document is imported all the same.
    assert_eq!(report.files_read, 7);
    assert_eq!(report.advisories.len(), 1);
    assert!(
        into.path()
            .join("advisories/SA.2025_07/en-US.yaml")
            .is_file()
    );

    // The command says which file and exits 1.
    let out = seckb()
        .args(["import", "csaf", "--into"])
        .arg(into.path())
        .arg(dir.path().join("syntax.json"))
        .arg(dir.path().join("good.json"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "error: `{}`: not valid JSON at 4:1: EOF while parsing an object\n",
            dir.path().join("syntax.json").display()
        )),
        "{stderr}"
    );
    assert!(stderr.ends_with("1 failed\n"), "{stderr}");
}

#[test]
fn a_dry_run_writes_nothing() {
    let built = build(&fixture("csaf"));
    let white = tempfile::tempdir().unwrap();
    write_white(&built, white.path());
    let into = empty_site_like(&fixture("csaf"));
    let before = read_tree(into.path());
    let mut opts = options(vec![white.path().to_path_buf()], into.path());
    opts.dry_run = true;
    let report = import_csaf(&opts).unwrap();
    assert!(report.written.len() > 3, "{:?}", report.written);
    assert!(report.to_text().ends_with("dry run: nothing was written\n"));
    assert_eq!(read_tree(into.path()), before);

    // The same through the command, with the JSON report on stdout.
    let out = seckb()
        .args(["import", "csaf", "--dry-run", "--format", "json", "--into"])
        .arg(into.path())
        .arg(white.path())
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["advisories"].as_array().unwrap().len(), 2);
    assert_eq!(read_tree(into.path()), before);
}

#[test]
fn existing_advisories_are_kept_unless_forced() {
    let built = build(&fixture("csaf"));
    let white = tempfile::tempdir().unwrap();
    write_white(&built, white.path());
    let into = empty_site_like(&fixture("csaf"));
    let opts = options(vec![white.path().to_path_buf()], into.path());
    import_csaf(&opts).unwrap();
    let text = into.path().join("advisories/SA.2025_07/en-US.yaml");
    let imported = std::fs::read_to_string(&text).unwrap();

    // A second run finds everything as it would write it.
    let again = import_csaf(&opts).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert!(
        again
            .advisories
            .iter()
            .all(|a| a.outcome == Outcome::Unchanged)
    );

    // An edited advisory is kept, and the report says where it differs.
    common::edit(
        into.path(),
        "advisories/SA.2025_07/en-US.yaml",
        "title: Gadget firmware flaws",
        "title: Edited by hand",
    );
    let facts = "advisories/SA.2025_07/advisory.yaml";
    common::edit(into.path(), facts, "date: 2025-01-20", "date: 2025-01-21");
    let kept = import_csaf(&opts).unwrap();
    let sa = kept
        .advisories
        .iter()
        .find(|a| a.id == "SA.2025_07")
        .unwrap();
    assert_eq!(sa.outcome, Outcome::Kept);
    assert!(
        sa.notes
            .iter()
            .any(|n| n.code == "differs-from-existing" && n.message.contains("revisions are")),
        "{:?}",
        sa.notes
    );
    assert!(
        std::fs::read_to_string(&text)
            .unwrap()
            .contains("title: Edited by hand")
    );

    // --force puts the imported files back.
    let mut forced = opts.clone();
    forced.force = true;
    let report = import_csaf(&forced).unwrap();
    let sa = report
        .advisories
        .iter()
        .find(|a| a.id == "SA.2025_07")
        .unwrap();
    assert_eq!(sa.outcome, Outcome::Updated);
    assert_eq!(std::fs::read_to_string(&text).unwrap(), imported);
}

// --- Hostile sources ---------------------------------------------------------------------

/// A small CSAF 2.0 document; `s` gives its strings, which `hostile_strings` fills with
/// line breaks, quotes, `#`, `: `, NUL and `---`.
fn document(id: &str, lang: &str, s: &[String]) -> serde_json::Value {
    let pid = s[9].clone();
    serde_json::json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "lang": lang,
            "title": s[0],
            "publisher": {"category": "vendor", "name": s[1], "namespace": "https://v.example"},
            "notes": [
                {"category": "summary", "text": s[2], "title": s[3]},
                {"category": "details", "text": s[4]},
                {"category": "legal_disclaimer", "text": s[5]}
            ],
            "references": [
                {"category": "external", "summary": s[6], "url": "https://a.example/ref"}
            ],
            "acknowledgments": [{"names": [s[7]], "organization": s[8]}],
            "tracking": {
                "id": id,
                "status": "final",
                "version": "1",
                "initial_release_date": "2024-01-02T00:00:00Z",
                "current_release_date": "2024-01-02T00:00:00Z",
                "revision_history": [
                    {"date": "2024-01-02T00:00:00Z", "number": "1", "summary": s[10]}
                ]
            }
        },
        "product_tree": {"full_product_names": [{"product_id": pid, "name": s[11]}]},
        "vulnerabilities": [{
            "cve": "CVE-2024-1234",
            "title": s[12],
            "notes": [{"category": "description", "text": s[13]}],
            "product_status": {"known_affected": [pid]},
            "remediations": [{"category": "vendor_fix", "details": s[14], "product_ids": [pid], "url": "https://a.example/fix"}]
        }]
    })
}

/// Text made of the pieces that could break YAML out of a value or a comment.
fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("\""),
        Just("'"),
        Just("#"),
        Just(": "),
        Just("\0"),
        Just("---"),
        Just("..."),
        Just("- "),
        Just("|"),
        Just(">"),
        Just("&a *a !!str %YAML"),
        Just("{["),
        Just(" "),
        Just("\t"),
        Just("\u{85}"),
        Just("\u{2028}"),
        Just("\u{feff}"),
        Just("severity: critical"),
        Just("é"),
        Just("true"),
        Just("1.0"),
        Just("`*_\\"),
        Just("word"),
    ];
    proptest::collection::vec(piece, 1..10).prop_map(|v| v.concat())
}

/// The model has no `PartialEq`; its JSON form compares every value exactly.
fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

/// Every file a plan writes parses with seckb's loader, with no finding, into values equal
/// to what the import read; a comment it writes stays one line.
fn check_written(plan: &seckb::import::write::Plan, reading: &seckb::import::csaf::Reading) {
    use seckb::model::{Catalog, Settings, SiteText};
    let lang_file = format!("advisories/{}/{}.yaml", reading.advisory_id, reading.lang);
    let facts_file = format!("advisories/{}/advisory.yaml", reading.advisory_id);
    for (rel, bytes) in &plan.files {
        let text = std::str::from_utf8(bytes).unwrap();
        // The header: `#` lines, then the values, which the emitter wrote without comments.
        let values_at = text.lines().position(|l| !l.starts_with('#')).unwrap_or(0);
        let header: Vec<&str> = text.lines().take(values_at).collect();
        for line in &header {
            assert!(
                !line.contains(['\r', '\0', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']),
                "{rel}: {line:?}"
            );
        }
        let mut findings = seckb::diag::Findings::default();
        macro_rules! parsed {
            ($t:ty) => {{
                let p = seckb::load::parse::<$t>(rel, text, &mut findings);
                assert!(
                    findings.is_empty(),
                    "{rel}: {:?}\n{text}",
                    findings.sorted()
                );
                (*p.unwrap().value).clone()
            }};
        }
        if *rel == lang_file {
            let got: AdvisoryText = parsed!(AdvisoryText);
            assert_eq!(json(&got), json(&reading.text), "{rel}:\n{text}");
        } else if *rel == facts_file {
            let got: Advisory = parsed!(Advisory);
            // Product names become catalog ids when the facts are written.
            let mut want = reading.advisory.clone();
            want.products = got.products.clone();
            for (w, g) in want.remediations.iter_mut().zip(&got.remediations) {
                w.products = g.products.clone();
            }
            for (w, g) in want.vulnerabilities.iter_mut().zip(&got.vulnerabilities) {
                w.products = g.products.clone();
                w.affected = g.affected.clone();
            }
            assert_eq!(json(&got), json(&want), "{rel}:\n{text}");
        } else if rel == "products.yaml" {
            let got: Catalog = parsed!(Catalog);
            let names: Vec<&str> = got.products.iter().map(|p| p.name.as_str()).collect();
            for name in &reading.affected {
                assert!(names.contains(&name.as_str()), "{name:?} in {names:?}");
            }
        } else if rel == "seckb.yaml" {
            let _: Settings = parsed!(Settings);
        } else if rel.starts_with("i18n/") {
            let _: SiteText = parsed!(SiteText);
        } else {
            panic!("unexpected file {rel}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Every string of the source, the tracking id and the file name included, may hold
    /// line breaks, quotes, `#`, `: `, NUL and `---`: what is written reads back as exactly
    /// what was imported, and adds no key.
    #[test]
    fn hostile_strings_read_back_as_imported(
        strings in proptest::collection::vec(hostile_text(), 15),
        id in hostile_text(),
        name in hostile_text(),
    ) {
        use seckb::import::{csaf, write};
        let into = empty_site_like(&fixture("csaf"));
        let site = write::Site::load(into.path()).unwrap();
        let ctx = csaf::Context::load(&site);
        // The id must not be blank, or the document is refused before anything is written.
        let id = format!("X{id}");
        let doc = serde_json::to_string_pretty(&document(&id, "en-US", &strings)).unwrap();
        let file = format!("/in/{name}.json");
        let reading = match csaf::read(&ctx, &file, &doc) {
            Ok(csaf::Found::Document(r)) => *r,
            Ok(csaf::Found::Skip(why)) => panic!("skipped: {why}"),
            Err(e) => panic!("refused: {e}\n{doc}"),
        };
        let opts = options(vec![], into.path());
        let plan = csaf::plan(&site, vec![reading.clone()], &opts);
        check_written(&plan, &reading);
    }
}

/// The case of issue 28: a newline in the tracking id or the file name wrote real keys.
#[test]
fn a_newline_in_the_id_or_file_name_writes_no_key() {
    let src = tempfile::tempdir().unwrap();
    let strings: Vec<String> = (0..15).map(|i| format!("text {i}")).collect();
    let id = "X\nseverity: critical\n#\0";
    let doc = document(id, "en-US", &strings);
    let name = "a\nseverity: critical\n#\r.json";
    std::fs::write(src.path().join(name), doc.to_string()).unwrap();
    let into = empty_site_like(&fixture("csaf"));
    let report = import_csaf(&options(vec![src.path().join(name)], into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    let dir = into
        .path()
        .join("advisories")
        .join(&report.advisories[0].id);
    let facts = std::fs::read_to_string(dir.join("advisory.yaml")).unwrap();
    let a: Advisory = read(&dir.join("advisory.yaml"));
    assert_eq!(a.severity, None, "{facts}");
    assert!(!facts.contains('\0'), "{facts:?}");
    assert!(
        facts.contains(r"from a\nseverity: critical\n#\r.json (X\nseverity: critical\n#\0)"),
        "{facts}"
    );
    let en: AdvisoryText = read(&dir.join("en-US.yaml"));
    assert_eq!(en.title, "text 0");
}

/// `document.lang` names the file written: one that is not a language tag is refused.
#[test]
fn a_lang_that_is_no_language_tag_is_refused() {
    let src = tempfile::tempdir().unwrap();
    let strings: Vec<String> = (0..15).map(|i| format!("text {i}")).collect();
    let doc = document("X-1", "../../../outside", &strings);
    std::fs::write(src.path().join("a.json"), doc.to_string()).unwrap();
    // The site one folder down, so that the file the lang names is in a fresh folder too.
    let base = empty_site_like(&fixture("csaf"));
    let into = base.path().join("site");
    std::fs::create_dir(&into).unwrap();
    for name in ["seckb.yaml", "i18n"] {
        std::fs::rename(base.path().join(name), into.join(name)).unwrap();
    }
    let report = import_csaf(&options(vec![src.path().to_path_buf()], &into)).unwrap();
    assert!(report.failed());
    assert_eq!(
        report.failures[0].message,
        "`document.lang` is not a language tag: `../../../outside`"
    );
    assert!(!base.path().join("outside.yaml").exists());
    assert!(!into.join("advisories").exists());
}

/// Some tools write a byte order mark before JSON.
#[test]
fn a_byte_order_mark_is_accepted() {
    let src = tempfile::tempdir().unwrap();
    let strings: Vec<String> = (0..15).map(|i| format!("text {i}")).collect();
    let doc = document("X-1", "en-US", &strings);
    std::fs::write(src.path().join("a.json"), format!("\u{feff}{doc}")).unwrap();
    let into = empty_site_like(&fixture("csaf"));
    let report = import_csaf(&options(vec![src.path().to_path_buf()], into.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    let a: Advisory = read(&into.path().join("advisories/X-1/advisory.yaml"));
    assert_eq!(a.id.0, "X-1");
}
