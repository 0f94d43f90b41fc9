//! The CSAF 2.0 provider: documents valid against the official schemas, file names and
//! folders, hashes, listings, the ROLIE feed, provider metadata, profiles, translations and
//! the revision mapping. Sites are built in memory (no disk writes, no subprocess).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

use common::fixture;
use seckb::feeds::csaf::{FEED_FILE, PROVIDER_DIR, WHITE_DIR, file_name};

const BASE: &str = "https://advisories.example.org/";

/// Every file a build writes, by path.
type Files = BTreeMap<String, Vec<u8>>;

fn build(root: &Path) -> Files {
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(findings.is_ok(), "{} does not validate", root.display());
    seckb::engine::build_site(&project).unwrap().contents()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each site built once for all tests.
static BASIC: LazyLock<Files> = LazyLock::new(|| build(&fixture("basic")));
static CASES: LazyLock<Files> = LazyLock::new(|| build(&fixture("csaf")));
static REPO: LazyLock<Files> = LazyLock::new(|| build(&repository()));

fn sites() -> [(&'static str, &'static Files); 3] {
    [
        ("basic", &*BASIC),
        ("csaf", &*CASES),
        ("repository", &*REPO),
    ]
}

/// The CSAF documents of a site: path below the TLP:WHITE folder -> parsed JSON.
fn documents(files: &Files) -> BTreeMap<String, Value> {
    files
        .iter()
        .filter_map(|(path, bytes)| {
            let rel = path.strip_prefix(WHITE_DIR)?;
            (rel.ends_with(".json") && rel.contains('/'))
                .then(|| (rel.to_string(), serde_json::from_slice(bytes).unwrap()))
        })
        .collect()
}

fn doc(files: &Files, rel: &str) -> Value {
    let bytes = files
        .get(&format!("{WHITE_DIR}{rel}"))
        .unwrap_or_else(|| panic!("no CSAF document `{rel}`"));
    serde_json::from_slice(bytes).unwrap()
}

fn text<'a>(files: &'a Files, path: &str) -> &'a str {
    std::str::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no file `{path}`")),
    )
    .unwrap()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// The official schemas, offline.

fn schema_dir() -> PathBuf {
    common::data("csaf-2.0")
}

fn read_json(path: &Path) -> Value {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap()
}

/// Serves the schemas the CSAF schemas refer to from `tests/data/csaf-2.0` under their public
/// URLs (the FIRST CVSS schemas, and the CSAF schema for the provider schema).
struct LocalSchemas(HashMap<String, Value>);

impl LocalSchemas {
    fn new() -> LocalSchemas {
        let dir = schema_dir();
        let mut map = HashMap::new();
        map.insert(
            "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json".to_string(),
            read_json(&dir.join("csaf_json_schema.json")),
        );
        for name in ["cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json"] {
            map.insert(
                format!("https://www.first.org/cvss/{name}"),
                read_json(&dir.join("referenced_schema/first").join(name)),
            );
        }
        LocalSchemas(map)
    }
}

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().split(['#', '?']).next().unwrap_or_default();
        self.0
            .get(key)
            .cloned()
            .ok_or_else(|| format!("no local copy of `{key}`").into())
    }
}

fn validator(schema_file: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(LocalSchemas::new())
        .should_validate_formats(true)
        .build(&read_json(&schema_dir().join(schema_file)))
        .unwrap()
}

static CSAF_SCHEMA: LazyLock<jsonschema::Validator> =
    LazyLock::new(|| validator("csaf_json_schema.json"));
static PROVIDER_SCHEMA: LazyLock<jsonschema::Validator> =
    LazyLock::new(|| validator("provider_json_schema.json"));

fn schema_errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_schema_check_rejects_a_broken_document() {
    let mut d = doc(&BASIC, "2024/adv-2024-0001.json");
    assert!(schema_errors(&CSAF_SCHEMA, &d).is_empty());
    d["document"]["tracking"]["version"] = Value::from("1.0");
    d["vulnerabilities"][0]["cve"] = Value::from("CVE-24-1");
    d["document"]["tracking"]["current_release_date"] = Value::from("2024-04-02");
    let errors = schema_errors(&CSAF_SCHEMA, &d);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn every_document_validates_against_the_official_csaf_schema() {
    for (site, files) in sites() {
        let docs = documents(files);
        assert!(!docs.is_empty(), "{site}: no CSAF documents");
        for (path, d) in &docs {
            let errors = schema_errors(&CSAF_SCHEMA, d);
            assert!(errors.is_empty(), "{site}: {path}: {errors:#?}");
        }
    }
}

#[test]
fn provider_metadata_validates_and_points_at_the_feed() {
    for (site, files) in sites() {
        let path = format!("{PROVIDER_DIR}provider-metadata.json");
        let pm: Value = serde_json::from_str(text(files, &path)).unwrap();
        let errors = schema_errors(&PROVIDER_SCHEMA, &pm);
        assert!(errors.is_empty(), "{site}: {errors:#?}");
        assert_eq!(pm["canonical_url"], format!("{BASE}{path}"));
        assert_eq!(pm["role"], "csaf_provider");
        assert_eq!(pm["metadata_version"], "2.0");
        let dist = &pm["distributions"][0];
        assert_eq!(dist["directory_url"], format!("{BASE}{WHITE_DIR}"));
        let feed = &dist["rolie"]["feeds"][0];
        assert_eq!(feed["tlp_label"], "WHITE");
        assert_eq!(feed["url"], format!("{BASE}{WHITE_DIR}{FEED_FILE}"));
        // The newest document's current release date.
        let newest = documents(files)
            .values()
            .map(|d| {
                d["document"]["tracking"]["current_release_date"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .max()
            .unwrap();
        assert_eq!(pm["last_updated"], newest, "{site}");
    }
    let pm: Value = serde_json::from_str(text(
        &REPO,
        &format!("{PROVIDER_DIR}provider-metadata.json"),
    ))
    .unwrap();
    assert_eq!(
        pm["publisher"],
        serde_json::json!({
            "category": "vendor",
            "contact_details": "secure@microsoft.com",
            "name": "Microsoft Security Response Center",
            "namespace": "https://www.microsoft.com/msrc"
        })
    );
}

// ---------------------------------------------------------------------------------------
// Files, folders, hashes, listings.

#[test]
fn file_names_and_folders_come_from_the_tracking_id_and_first_release() {
    for (site, files) in sites() {
        for (path, d) in documents(files) {
            let tracking = &d["document"]["tracking"];
            let year = &tracking["initial_release_date"].as_str().unwrap()[..4];
            let want = format!("{year}/{}", file_name(tracking["id"].as_str().unwrap()));
            assert_eq!(path, want, "{site}");
        }
    }
    let names = |f: &Files| documents(f).into_keys().collect::<Vec<_>>();
    let of_954474: Vec<String> = names(&REPO)
        .into_iter()
        .filter(|n| n.contains("954474"))
        .collect();
    assert_eq!(
        of_954474,
        [
            "2008/954474-de-de.json",
            "2008/954474-nl-nl.json",
            "2008/954474.json"
        ]
    );
    // No Dutch text for ADV-2023-0002, so no Dutch document.
    assert_eq!(
        names(&BASIC),
        [
            "2023/adv-2023-0002.json",
            "2024/adv-2024-0001-nl-nl.json",
            "2024/adv-2024-0001.json"
        ]
    );
    // `.` and `_` in an id become `_`; the draft is missing.
    assert_eq!(
        names(&CASES),
        [
            "2025/ga-2025-0002-en-us.json",
            "2025/ga-2025-0002.json",
            "2025/sa_2025_07-de-de.json",
            "2025/sa_2025_07.json"
        ]
    );
}

#[test]
fn drafts_are_not_published() {
    for (path, bytes) in CASES.iter().filter(|(p, _)| p.starts_with(PROVIDER_DIR)) {
        let t = String::from_utf8_lossy(bytes).to_lowercase();
        assert!(!t.contains("draft-2025-0003"), "{path} mentions the draft");
    }
    // The draft still gets its page.
    assert!(CASES.contains_key("en-US/advisories/DRAFT-2025-0003/index.html"));
}

/// No machine output carries a draft (OSV, the JSON API's index and documents, the
/// sitemap, the feeds, the CSAF provider), and its page, built for review, asks not to be
/// indexed and links no document.
#[test]
fn drafts_stay_out_of_every_machine_output() {
    let machine = [".json", ".xml", ".txt", ".csv"];
    let mut checked = 0;
    for (path, bytes) in CASES.iter() {
        if machine.iter().any(|ext| path.ends_with(ext)) && !path.starts_with("pagefind") {
            let t = String::from_utf8_lossy(bytes).to_lowercase();
            assert!(!t.contains("draft-2025-0003"), "{path} mentions the draft");
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked}");
    for lang in ["en-US", "de-DE"] {
        let page = CASES
            .get(format!("{lang}/advisories/DRAFT-2025-0003/index.html").as_str())
            .map(|b| String::from_utf8_lossy(b).to_string())
            .expect("the page");
        assert!(
            page.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{lang}"
        );
        assert!(!page.contains("id=\"documents\""), "{lang}");
    }
    // A published advisory's page has neither.
    let page =
        String::from_utf8_lossy(&CASES["en-US/advisories/SA.2025_07/index.html"]).to_string();
    assert!(!page.contains("noindex") && page.contains("id=\"documents\""));
}

#[test]
fn every_document_has_matching_sha256_and_sha512_files() {
    for (site, files) in sites() {
        for path in documents(files).keys() {
            let full = format!("{WHITE_DIR}{path}");
            let bytes = &files[&full];
            let name = path.rsplit('/').next().unwrap();
            let sha256: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let sha512: String = Sha512::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                text(files, &format!("{full}.sha256")),
                format!("{sha256}  {name}\n"),
                "{site}"
            );
            assert_eq!(
                text(files, &format!("{full}.sha512")),
                format!("{sha512}  {name}\n"),
                "{site}"
            );
        }
    }
}

#[test]
fn index_lists_every_document_sorted() {
    for (site, files) in sites() {
        let index = text(files, &format!("{WHITE_DIR}index.txt"));
        let want: String = documents(files).keys().map(|p| format!("{p}\n")).collect();
        assert_eq!(index, want, "{site}");
    }
}

#[test]
fn changes_csv_lists_every_document_newest_first() {
    for (site, files) in sites() {
        let docs = documents(files);
        let csv = text(files, &format!("{WHITE_DIR}changes.csv"));
        let rows: Vec<(&str, &str)> = csv
            .lines()
            .map(|l| {
                let (p, d) = l.split_once(',').unwrap();
                (
                    p.strip_prefix('"').unwrap().strip_suffix('"').unwrap(),
                    d.strip_prefix('"').unwrap().strip_suffix('"').unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<BTreeSet<_>>(),
            docs.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            "{site}"
        );
        for (path, date) in &rows {
            assert_eq!(
                docs[*path]["document"]["tracking"]["current_release_date"], *date,
                "{site}: {path}"
            );
        }
        // Newest first; ties by path.
        for pair in rows.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(
                a.1 > b.1 || (a.1 == b.1 && a.0 < b.0),
                "{site}: {a:?} before {b:?}"
            );
        }
    }
    assert_eq!(
        text(&BASIC, &format!("{WHITE_DIR}changes.csv")),
        "\"2024/adv-2024-0001-nl-nl.json\",\"2024-04-02T00:00:00Z\"\n\
         \"2024/adv-2024-0001.json\",\"2024-04-02T00:00:00Z\"\n\
         \"2023/adv-2023-0002.json\",\"2023-11-30T00:00:00Z\"\n"
    );
}

#[test]
fn rolie_feed_links_each_document_and_its_hashes() {
    for (site, files) in sites() {
        let docs = documents(files);
        let feed: Value =
            serde_json::from_str(text(files, &format!("{WHITE_DIR}{FEED_FILE}"))).unwrap();
        let feed = &feed["feed"];
        assert_eq!(feed["link"][0]["rel"], "self");
        assert_eq!(
            feed["link"][0]["href"],
            format!("{BASE}{WHITE_DIR}{FEED_FILE}")
        );
        assert_eq!(
            feed["category"][0],
            serde_json::json!({
                "scheme": "urn:ietf:params:rolie:category:information-type",
                "term": "csaf"
            })
        );
        let entries = feed["entry"].as_array().unwrap();
        assert_eq!(entries.len(), docs.len(), "{site}");
        for e in entries {
            let links: Vec<(&str, &str)> = e["link"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["rel"].as_str().unwrap(), l["href"].as_str().unwrap()))
                .collect();
            let url = links[0].1;
            assert_eq!(links[0].0, "self");
            let rel = url
                .strip_prefix(&format!("{BASE}{WHITE_DIR}"))
                .unwrap_or_else(|| panic!("{url} is not in the provider folder"));
            let d = &docs[rel];
            assert_eq!(e["id"], d["document"]["tracking"]["id"]);
            assert_eq!(e["title"], d["document"]["title"]);
            assert_eq!(
                e["updated"],
                d["document"]["tracking"]["current_release_date"]
            );
            assert_eq!(
                e["published"],
                d["document"]["tracking"]["initial_release_date"]
            );
            assert_eq!(e["content"]["src"], url);
            assert_eq!(e["content"]["type"], "application/json");
            assert_eq!(e["format"]["version"], "2.0");
            assert_eq!(
                links[1..],
                [
                    ("hash", &*format!("{url}.sha256")),
                    ("hash", &*format!("{url}.sha512"))
                ]
            );
            for (_, href) in &links {
                let path = href.strip_prefix(BASE).unwrap();
                assert!(files.contains_key(path), "{site}: {href} is not built");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Content.

/// `document.category` and whether `vulnerabilities` is there.
fn profile(d: &Value) -> (&str, bool) {
    (
        d["document"]["category"].as_str().unwrap(),
        d.get("vulnerabilities").is_some(),
    )
}

fn note_categories(notes: &Value) -> Vec<&str> {
    notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["category"].as_str().unwrap())
        .collect()
}

#[test]
fn the_profile_follows_the_content() {
    // 954474 is not a vulnerability: informational, in every language.
    for (path, d) in documents(&REPO)
        .into_iter()
        .filter(|(p, _)| p.contains("954474"))
    {
        assert_eq!(
            profile(&d),
            ("csaf_informational_advisory", false),
            "{path}"
        );
        // 6.1.27.1 and 6.1.27.2.
        let cats = note_categories(&d["document"]["notes"]);
        assert!(
            cats.iter()
                .any(|c| ["description", "details", "general", "summary"].contains(c)),
            "{path}: {cats:?}"
        );
        let refs = d["document"]["references"].as_array().unwrap();
        assert!(refs.iter().any(|r| r["category"] == "external"), "{path}");
    }
    let informational = doc(&BASIC, "2023/adv-2023-0002.json");
    assert_eq!(
        profile(&informational),
        ("csaf_informational_advisory", false)
    );
    assert_eq!(informational["document"]["tracking"]["status"], "interim");

    let d = doc(&BASIC, "2024/adv-2024-0001.json");
    assert_eq!(profile(&d), ("csaf_security_advisory", true));
    assert_eq!(d["document"]["aggregate_severity"]["text"], "Important");
    let vendor = &d["product_tree"]["branches"][0];
    assert_eq!(
        (&vendor["category"], &vendor["name"]),
        (&"vendor".into(), &"Example".into())
    );
    let branches = vendor["branches"].as_array().unwrap();
    let mut ids: Vec<&str> = (branches.iter())
        .map(|b| b["product"]["product_id"].as_str().unwrap())
        .collect();
    // Sorted by name, whatever order the advisory names them in.
    let names: Vec<&str> = branches
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(names.is_sorted(), "{names:?}");
    ids.sort();
    assert_eq!(ids, ["widget-client", "widget-server-2", "widget-server-3"]);

    let vulns = d["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 1);
    let v = &vulns[0];
    assert_eq!(v["cve"], "CVE-2024-0001");
    assert!(!v["notes"].as_array().unwrap().is_empty());
    assert_eq!(
        strs(&v["product_status"]["known_affected"]),
        ["widget-server-2", "widget-server-3"]
    );
    assert_eq!(
        strs(&v["product_status"]["known_not_affected"]),
        ["widget-client"]
    );
    let rem = v["remediations"].as_array().unwrap();
    assert_eq!(
        rem.iter()
            .map(|r| r["category"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["vendor_fix", "workaround"]
    );
    assert_eq!(rem[0]["details"], "Install update 5001234.");
    assert_eq!(rem[0]["url"], "https://support.example.org/kb/5001234");
    // No products named: every affected product.
    for r in rem {
        assert_eq!(
            strs(&r["product_ids"]),
            ["widget-server-2", "widget-server-3"]
        );
    }
    assert_eq!(v["threats"][0]["category"], "impact");
    assert_eq!(strs(&v["threats"][0]["product_ids"]), ["widget-client"]);
}

#[test]
fn several_cves_remediation_kinds_and_products() {
    let d = doc(&CASES, "2025/sa_2025_07.json");
    assert_eq!(d["document"]["publisher"]["category"], "coordinator");
    assert_eq!(d["document"]["aggregate_severity"]["text"], "Critical");
    let vulns = d["vulnerabilities"].as_array().unwrap();
    assert_eq!(
        vulns
            .iter()
            .map(|v| v["cve"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["CVE-2025-1111", "CVE-2025-22222"]
    );
    for v in vulns {
        let rem: Vec<(&str, Vec<&str>)> = v["remediations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["category"].as_str().unwrap(), strs(&r["product_ids"])))
            .collect();
        assert_eq!(
            rem,
            [
                ("mitigation", vec!["gadget-1"]),
                ("none_available", vec!["gadget-2"]),
                ("vendor_fix", vec!["gadget-1"])
            ]
        );
    }
    // Vendors sorted by name, each with its products.
    let vendors: Vec<(&str, usize)> = d["product_tree"]["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap(),
                b["branches"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(vendors, [("Acme", 2), ("Beta Corp", 1)]);
    // A summary of two paragraphs keeps them apart.
    assert_eq!(
        d["document"]["notes"][0]["text"],
        "Two flaws in Gadget firmware let an attacker on the local network take control.\n\n\
         A fix is available for Gadget 1."
    );
}

#[test]
fn translations_are_documents_of_their_own() {
    let original = doc(&BASIC, "2024/adv-2024-0001.json");
    let od = &original["document"];
    assert_eq!(od["lang"], "en-US");
    assert!(od.get("source_lang").is_none());
    assert_eq!(od["publisher"]["category"], "vendor");
    assert_eq!(od["tracking"]["id"], "ADV-2024-0001");
    let self_url = format!("{BASE}{WHITE_DIR}2024/adv-2024-0001.json");
    assert_eq!(
        (
            &od["references"][0]["category"],
            &od["references"][0]["url"]
        ),
        (&"self".into(), &self_url.clone().into())
    );

    let nl = doc(&BASIC, "2024/adv-2024-0001-nl-nl.json");
    let d = &nl["document"];
    assert_eq!(d["tracking"]["id"], "ADV-2024-0001-nl-NL");
    assert_eq!(d["lang"], "nl-NL");
    assert_eq!(d["source_lang"], "en-US");
    assert_eq!(d["title"], "Externe uitvoering van code in Widget Server");
    // No translator in the settings: the publisher translates, as `translator`.
    assert_eq!(
        d["publisher"],
        serde_json::json!({
            "category": "translator",
            "name": "Example Security Response",
            "namespace": "https://example.org"
        })
    );
    // The original first (clause 9.1.9), then the translation's own canonical URL.
    let first = &d["references"][0];
    assert_eq!(first["category"], "external");
    assert_eq!(first["url"], self_url);
    assert!(first["summary"].as_str().unwrap().contains("Original"));
    assert_eq!(d["references"][1]["category"], "self");
    assert_eq!(
        d["references"][1]["url"],
        format!("{BASE}{WHITE_DIR}2024/adv-2024-0001-nl-nl.json")
    );
    // Facts are the same, text is Dutch (or the source's where Dutch has none).
    assert_eq!(
        nl["vulnerabilities"][0]["product_status"],
        original["vulnerabilities"][0]["product_status"]
    );
    assert_eq!(
        nl["vulnerabilities"][0]["remediations"][0]["details"],
        "Installeer update 5001234."
    );
    // The Dutch text is at revision 1.0 of 1.1: the document says so.
    assert!(
        d["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"] == "Deze vertaling is ouder dan versie 1.1 van het advies."),
        "{}",
        d["notes"]
    );

    // A translator from the settings; a source language other than the default.
    let de = doc(&CASES, "2025/sa_2025_07-de-de.json");
    assert_eq!(
        de["document"]["publisher"],
        serde_json::json!({
            "category": "translator",
            "name": "Example Translations",
            "namespace": "https://translations.example.org"
        })
    );
    // A remediation without German text falls back to the source's.
    assert_eq!(
        de["vulnerabilities"][0]["remediations"][1]["details"],
        "No fix is available for Gadget 2 yet."
    );
    let ga = doc(&CASES, "2025/ga-2025-0002.json");
    assert_eq!(ga["document"]["lang"], "de-DE");
    assert!(ga["document"].get("source_lang").is_none());
    assert_eq!(ga["document"]["publisher"]["category"], "coordinator");
    let ga_en = doc(&CASES, "2025/ga-2025-0002-en-us.json");
    assert_eq!(ga_en["document"]["lang"], "en-US");
    assert_eq!(ga_en["document"]["source_lang"], "de-DE");
    assert_eq!(
        ga_en["document"]["references"][0]["url"],
        format!("{BASE}{WHITE_DIR}2025/ga-2025-0002.json")
    );
}

/// (number, legacy_version, date, summary) of each revision.
fn revisions(d: &Value) -> Vec<(String, String, String, String)> {
    d["document"]["tracking"]["revision_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("number"), s("legacy_version"), s("date"), s("summary"))
        })
        .collect()
}

fn rev(n: &str, legacy: &str, date: &str, summary: &str) -> (String, String, String, String) {
    (n.into(), legacy.into(), date.into(), summary.into())
}

#[test]
fn revision_history_uses_integer_versions_and_keeps_the_original_numbers() {
    let d = doc(&REPO, "2008/954474.json");
    let t = &d["document"]["tracking"];
    assert_eq!(
        revisions(&d),
        [
            rev("1", "1.0", "2008-06-13T00:00:00Z", "Advisory published."),
            rev(
                "2",
                "1.1",
                "2008-06-17T00:00:00Z",
                "Advisory updated to reflect availability of fix."
            )
        ]
    );
    assert_eq!(t["version"], "2");
    assert_eq!(t["status"], "final");
    assert_eq!(t["initial_release_date"], "2008-06-13T00:00:00Z");
    assert_eq!(t["current_release_date"], "2008-06-17T00:00:00Z");
    assert!(
        t["generator"].get("date").is_none(),
        "no clock in the output"
    );

    // Three revisions; German lacks the text of 1.1 and gets the English one.
    let de = doc(&CASES, "2025/sa_2025_07-de-de.json");
    assert_eq!(
        revisions(&de),
        [
            rev(
                "1",
                "1.0",
                "2025-01-10T00:00:00Z",
                "Bulletin veröffentlicht."
            ),
            rev("2", "1.1", "2025-01-20T00:00:00Z", "Added the second CVE."),
            rev(
                "3",
                "2.0",
                "2025-02-01T00:00:00Z",
                "Firmware 1.2 veröffentlicht."
            )
        ]
    );
    assert_eq!(de["document"]["tracking"]["version"], "3");
    assert_eq!(de["document"]["tracking"]["status"], "interim");

    // Everywhere: numbers 1..n in order, version = the last (6.1.14 to 6.1.22).
    for (site, files) in sites() {
        for (path, d) in documents(files) {
            let revs = revisions(&d);
            let numbers: Vec<String> = revs.iter().map(|r| r.0.clone()).collect();
            let want: Vec<String> = (1..=revs.len()).map(|i| i.to_string()).collect();
            assert_eq!(numbers, want, "{site}: {path}");
            assert_eq!(
                d["document"]["tracking"]["version"],
                *numbers.last().unwrap()
            );
            assert_eq!(
                d["document"]["tracking"]["current_release_date"],
                revs.last().unwrap().2,
                "{site}: {path}"
            );
        }
    }
}

#[test]
fn markup_in_text_is_kept_as_text_but_never_written_raw() {
    let bytes = &BASIC[&format!("{WHITE_DIR}2024/adv-2024-0001.json")];
    assert!(!bytes.contains(&b'<'));
    let d: Value = serde_json::from_slice(bytes).unwrap();
    let faq = d["document"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["category"] == "faq")
        .unwrap();
    // The symptom's log lines, verbatim, with the answer that points at them.
    assert_eq!(
        faq["text"],
        "Look for these lines in the server log.\nLog file: widget.log\n\
         ERROR 0x80070057 <request> rejected: header too long\n\
         WARN retrying & giving up\nError codes: 0x80070057"
    );
}

// ---------------------------------------------------------------------------------------
// Determinism and key order.

/// JSON keeping the order of object keys, which `serde_json::Value` (without the
/// `preserve_order` feature) does not.
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar,
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element()? {
                    items.push(x);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Ordered, M::Error> {
                let mut entries = Vec::new();
                while let Some(e) = m.next_entry()? {
                    entries.push(e);
                }
                Ok(Ordered::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// JSON pointers of objects whose keys are not in alphabetical order.
fn unsorted(v: &Ordered, at: &str, out: &mut Vec<String>) {
    match v {
        Ordered::Object(entries) => {
            if entries.windows(2).any(|w| w[0].0 > w[1].0) {
                out.push(at.to_string());
            }
            for (k, x) in entries {
                unsorted(x, &format!("{at}/{k}"), out);
            }
        }
        Ordered::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                unsorted(x, &format!("{at}/{i}"), out);
            }
        }
        Ordered::Scalar => {}
    }
}

#[test]
fn keys_are_sorted_alphabetically() {
    // CSAF optional test 6.2.13; also checks that the check can see disorder.
    let mut found = Vec::new();
    unsorted(
        &serde_json::from_str(r#"{"a": {"z": 1, "b": 2}, "c": [{"y": 0, "x": 0}]}"#).unwrap(),
        "",
        &mut found,
    );
    assert_eq!(found, ["/a", "/c/0"]);
    for (site, files) in sites() {
        for path in documents(files).keys() {
            let v: Ordered = serde_json::from_slice(&files[&format!("{WHITE_DIR}{path}")]).unwrap();
            let mut bad = Vec::new();
            unsorted(&v, "", &mut bad);
            assert!(bad.is_empty(), "{site}: {path}: {bad:?}");
        }
    }
}

#[test]
fn two_builds_write_the_same_provider_bytes() {
    let csaf = |f: &Files| -> Files {
        f.iter()
            .filter(|(p, _)| p.starts_with(PROVIDER_DIR))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let again = build(&fixture("csaf"));
    let first = csaf(&CASES);
    assert!(first.len() > 10);
    assert_eq!(first, csaf(&again));
}

#[test]
fn ids_that_share_a_file_name_are_refused() {
    let dir = common::copy_fixture("basic");
    let adv = dir.path().join("advisories");
    for id in ["X_1", "X.1"] {
        common::copy_tree(&adv.join("ADV-2023-0002"), &adv.join(id));
        common::edit(
            dir.path(),
            &format!("advisories/{id}/advisory.yaml"),
            "id: ADV-2023-0002",
            &format!("id: {id}"),
        );
    }
    // Validation catches it before anything is rendered (the writer also refuses it).
    let (_, findings) = seckb::engine::check(dir.path(), &Default::default()).unwrap();
    assert!(!findings.is_ok());
    let errors: Vec<String> = findings.sorted().iter().map(|f| f.headline()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("error[duplicate-id]") && e.contains("`x_1.json`")),
        "{errors:#?}"
    );
}
