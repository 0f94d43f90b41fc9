//! The example site's package advisories in the machine outputs. Their OSV documents say
//! "affected" for exactly the versions their sources do: RustSec's `patched` and
//! `unaffected` requirements, and the Go database's own ranges (`tests/data/osv-sources/`).
//! Versions are compared by the `semver` crate, as OSV's SEMVER ranges ask.

use semver::{Version, VersionReq};
use serde_json::Value;

/// Whether `v` is in the SEMVER ranges of OSV `affected` entry `entry`, as the OSV schema
/// defines it: the events of a range, in order, switch between affected and not.
fn in_ranges(entry: &Value, v: &Version) -> bool {
    let parse = |s: &str| match s {
        "0" => Version::new(0, 0, 0),
        s => Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")),
    };
    let ranges = entry["ranges"].as_array().expect("ranges");
    ranges.iter().any(|range| {
        assert_eq!(range["type"], "SEMVER");
        let mut affected = false;
        for event in range["events"].as_array().expect("events") {
            let (kind, at) = event
                .as_object()
                .expect("an event")
                .iter()
                .next()
                .expect("a key");
            let at = parse(at.as_str().expect("a version"));
            match kind.as_str() {
                "introduced" if *v >= at => affected = true,
                "fixed" if *v >= at => affected = false,
                "last_affected" if *v > at => affected = false,
                _ => {}
            }
        }
        affected
    })
}

/// The example site, built in memory once for all tests.
fn example() -> &'static seckb::output::Memory {
    static SITE: std::sync::OnceLock<seckb::output::Memory> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
        assert_eq!(findings.errors(), 0);
        seckb::engine::build_site(&project).unwrap()
    })
}

/// The JSON file at `path` of the example site.
fn site_json(path: &str) -> Value {
    let bytes = example()
        .files()
        .get(path)
        .unwrap_or_else(|| panic!("no {path}"));
    serde_json::from_slice(bytes).unwrap()
}

/// The OSV document of advisory `id` of the example site.
fn published(id: &str) -> Value {
    site_json(&format!("osv/{id}.json"))
}

fn source(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv-sources");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const VERSIONS: &[&str] = &[
    "0.1.0", "0.11.9", "0.12.0", "0.12.2", "0.12.3", "0.12.10", "0.13.0", "0.13.1", "0.14.0",
    "1.0.0", "1.16.0", "1.16.14", "1.16.15", "1.17.0-0", "1.17.0", "1.17.7", "1.17.8", "1.18.0",
];

#[test]
fn rustsec_versions_are_affected_exactly_as_rustsec_says() {
    let text = source("RUSTSEC-2020-0019.md");
    let toml_text = text
        .split("```toml")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let front: toml::Table = toml::from_str(toml_text).unwrap();
    let reqs = |key: &str| -> Vec<VersionReq> {
        front["versions"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| VersionReq::parse(r.as_str().unwrap()).unwrap())
            .collect()
    };
    let (patched, unaffected) = (reqs("patched"), reqs("unaffected"));
    let osv = published("RUSTSEC-2020-0019");
    let entry = &osv["affected"][0];
    assert_eq!(entry["package"]["ecosystem"], "crates.io");
    assert_eq!(
        entry["package"]["name"],
        front["advisory"]["package"].as_str().unwrap()
    );
    assert_eq!(entry["package"]["purl"], "pkg:cargo/tokio-rustls");
    let mut affected = 0;
    // Cargo's requirements never match a pre-release unless they name one, so RustSec's
    // ranges say nothing about them.
    let releases = VERSIONS.iter().map(|v| Version::parse(v).unwrap());
    for v in releases.filter(|v| v.pre.is_empty()) {
        let safe = patched.iter().chain(&unaffected).any(|r| r.matches(&v));
        assert_eq!(in_ranges(entry, &v), !safe, "{v}");
        affected += usize::from(!safe);
    }
    assert_eq!(affected, 3, "0.12.0, 0.12.2 and 0.13.0");
    // The score and the ids come through too.
    assert_eq!(osv["severity"][0]["type"], "CVSS_V3");
    assert_eq!(
        osv["severity"][0]["score"],
        front["advisory"]["cvss"].as_str().unwrap()
    );
    let aliases: Vec<&str> = osv["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for alias in front["advisory"]["aliases"].as_array().unwrap() {
        assert!(aliases.contains(&alias.as_str().unwrap()), "{aliases:?}");
    }
}

#[test]
fn go_versions_are_affected_exactly_as_the_go_database_says() {
    let go: Value = serde_json::from_str(&source("GO-2021-0347.json")).unwrap();
    let osv = published("GO-2021-0347");
    let (theirs, ours) = (&go["affected"][0], &osv["affected"][0]);
    assert_eq!(ours["package"]["ecosystem"], theirs["package"]["ecosystem"]);
    assert_eq!(ours["package"]["name"], theirs["package"]["name"]);
    let mut affected = 0;
    for v in VERSIONS.iter().map(|v| Version::parse(v).unwrap()) {
        assert_eq!(in_ranges(ours, &v), in_ranges(theirs, &v), "{v}");
        affected += usize::from(in_ranges(theirs, &v));
    }
    assert!(affected >= 8, "{affected}");
    assert_eq!(osv["aliases"][0], go["aliases"][0]);
}

/// The API document carries the vulnerability with its computed score, and is valid
/// against the schema the site publishes.
#[test]
fn the_api_document_carries_the_vulnerability_and_matches_its_schema() {
    let doc = site_json("api/v1/advisories/RUSTSEC-2020-0019.json");
    let schema = site_json("api/v1/schema/advisory.schema.json");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let v = &doc["vulnerabilities"][0];
    assert_eq!(v["cve"], "CVE-2020-35875");
    // A:H alone over the network without privileges: 7.5, as NVD scores CVE-2020-35875.
    assert_eq!(v["computed_scores"][0]["base_score"], 7.5);
    assert_eq!(v["computed_scores"][0]["base_severity"], "HIGH");
    assert_eq!(doc["severity"], "important", "computed from the score");
    assert_eq!(
        doc["affected_products"][0]["purl"],
        "pkg:cargo/tokio-rustls"
    );
    let index = site_json("api/v1/index.json");
    let entry = (index["advisories"].as_array().unwrap().iter())
        .find(|e| e["id"] == "RUSTSEC-2020-0019")
        .unwrap();
    assert_eq!(entry["cves"][0], "CVE-2020-35875");
    assert_eq!(entry["severity"], "important");

    // The vendor-style advisory: CWEs with their names, per-vulnerability remediations,
    // product versions with their identifiers; valid against the same schema.
    let doc = site_json("api/v1/advisories/LOG4J-2021-12.json");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let v = &doc["vulnerabilities"][0];
    assert_eq!(v["cwes"][0], "CWE-502");
    assert_eq!(
        v["weaknesses"][0]["name"],
        "Deserialization of Untrusted Data"
    );
    assert_eq!(v["weaknesses"].as_array().unwrap().len(), 3);
    assert_eq!(v["computed_scores"][0]["base_score"], 10.0);
    assert_eq!(v["exploited"]["since"], "2021-12-10");
    assert_eq!(doc["remediations"][0]["vulnerabilities"][0], "jndi-lookup");
    let version = (doc["other_products"].as_array().unwrap().iter())
        .find(|p| p["id"] == "log4j-core-2-15-0")
        .unwrap();
    assert_eq!(version["version"], "2.15.0");
    assert_eq!(
        version["cpe"],
        "cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*"
    );
}

/// Every language's page shows the vulnerability table (CVE linked, the computed score
/// with its severity), the vector, the status of each product and the affected versions,
/// with the labels in the page's language.
#[test]
fn the_pages_show_the_vulnerability_in_every_language() {
    let page = |lang: &str| {
        let path = format!("{lang}/advisories/RUSTSEC-2020-0019/index.html");
        let bytes = example().files().get(path.as_str()).expect("the page");
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    for (lang, heading, versions) in [
        ("en-US", "Vulnerabilities", "Affected versions"),
        ("nl-NL", "Kwetsbaarheden", "Getroffen versies"),
        ("de-DE", "Sicherheitsanfälligkeiten", "Betroffene Versionen"),
    ] {
        let html = page(lang);
        assert!(html.contains(&format!(">{heading}</h2>")), "{lang}");
        assert!(html.contains(&format!(">{versions}</h4>")), "{lang}");
        assert!(
            html.contains(
                "<a href=\"https://www.cve.org/CVERecord?id=CVE-2020-35875\">CVE-2020-35875</a>"
            ),
            "{lang}"
        );
        assert!(
            html.contains("<span class=\"score score-high\">7.5 "),
            "{lang}"
        );
        assert!(
            html.contains("<code>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H</code>"),
            "{lang}"
        );
        assert!(
            html.contains("<code>&gt;= 0.12.0, &lt; 0.12.3; &gt;= 0.13.0, &lt; 0.13.1</code>"),
            "{lang}"
        );
    }
}

/// Feed items carry the severity (computed from the score) and the CVE ids as tags, and
/// Atom entries as categories.
#[test]
fn feed_items_carry_the_severity_and_the_cves() {
    let feed = site_json("en-US/feed.json");
    let item = (feed["items"].as_array().unwrap().iter())
        .find(|i| i["url"].as_str().unwrap().contains("RUSTSEC-2020-0019"))
        .expect("an item");
    let tags: Vec<&str> = item["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(tags.contains(&"CVE-2020-35875"), "{tags:?}");
    assert!(tags.contains(&"Important"), "{tags:?}");
    let atom = example().files().get("en-US/feed.atom").expect("atom");
    let atom = String::from_utf8_lossy(atom);
    assert!(atom.contains("<category term=\"CVE-2020-35875\"/>"));
}

/// A severity computed from the scores files the advisory under that severity's listing,
/// and is the OSV `database_specific` severity and the CSAF aggregate severity.
#[test]
fn the_computed_severity_is_used_everywhere_a_stated_one_is() {
    let listing = example()
        .files()
        .get("en-US/severities/important/index.html")
        .expect("the listing");
    assert!(String::from_utf8_lossy(listing).contains("advisories/RUSTSEC-2020-0019/"));
    let osv = published("RUSTSEC-2020-0019");
    assert_eq!(osv["database_specific"]["seckb"]["severity"], "important");
    let csaf = (example().files().iter())
        .find(|(p, _)| p.ends_with("/rustsec-2020-0019.json") && p.starts_with(".well-known/csaf/"))
        .map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap())
        .expect("the CSAF document");
    assert_eq!(csaf["document"]["aggregate_severity"]["text"], "Important");
}

/// The product index is a tree of vendors and product families, as the catalog gives them.
#[test]
fn the_product_index_is_a_tree_of_vendors_and_families() {
    let page = example()
        .files()
        .get("en-US/products/index.html")
        .expect("the index");
    let html = String::from_utf8_lossy(page);
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    // Vendors in order of name, the Go standard library under its family.
    assert!(at(">Microsoft</h2>") < at(">The Go Authors</h2>"));
    assert!(at(">The Go Authors</h2>") < at("<h3>Go</h3>"));
    assert!(at("<h3>Go</h3>") < at("products/go-stdlib/"));
    assert!(at(">tokio-rs</h2>") < at("products/tokio-rustls/"));
    assert!(at("products/go-stdlib/") < at(">tokio-rs</h2>"));
    // Versions under their product, in version order (2.3.1 before 2.12.2).
    assert!(at(">Apache Log4j 2</h3>") < at(">Apache Log4j Core</a>"));
    assert!(at(">Apache Log4j Core</a>") < at("products/log4j-core-2-3-1/\">2.3.1</a>"));
    assert!(
        at("products/log4j-core-2-3-1/\">2.3.1</a>")
            < at("products/log4j-core-2-12-2/\">2.12.2</a>")
    );
    assert!(!html.contains(">Apache Log4j Core 2.15.0</a>"));
    // Product names in the page's language, where the catalog has one.
    let index = |lang: &str| {
        let page = example().files()[format!("{lang}/products/index.html").as_str()].clone();
        String::from_utf8_lossy(&page).into_owned()
    };
    assert!(index("de-DE").contains(">Windows Server 2008 für 32-Bit-Systeme</a>"));
    assert!(!index("de-DE").contains(">Windows Server 2008 voor 32-bits systemen</a>"));
    assert!(index("nl-NL").contains(">Windows Server 2008 voor 32-bits systemen</a>"));
}

/// A product's page lists every vulnerability that names it, with the product's status
/// (and why it is not affected) and the score; a release that fixes one shows it too.
#[test]
fn product_pages_list_the_vulnerabilities_that_name_them() {
    let files = example().files();
    let page = |id: &str| {
        let html = files
            .get(format!("en-US/products/{id}/index.html").as_str())
            .unwrap_or_else(|| panic!("no page of {id}"));
        String::from_utf8_lossy(html).into_owned()
    };
    let api = page("log4j-api");
    assert_eq!(
        api.matches("Not affected (the vulnerable code is not present)")
            .count(),
        3,
        "{api}"
    );
    for cve in ["CVE-2021-44228", "CVE-2021-45046", "CVE-2021-45105"] {
        assert!(api.contains(&format!("<td>{cve}</td>")), "{cve}");
    }
    assert!(
        api.contains("href=\"../../../en-US/advisories/LOG4J-2021-12/#vulnerability-jndi-lookup\"")
    );
    let fixed = page("log4j-core-2-15-0");
    assert!(
        fixed.contains("<td>CVE-2021-44228</td><td>Fixed</td>"),
        "{fixed}"
    );
    assert!(!fixed.contains("CVE-2021-45105"));
    let core = page("log4j-core");
    assert_eq!(core.matches("<td>Affected</td>").count(), 3);
    assert!(core.contains("10.0 Critical"));
    // The archive's products have no vulnerabilities as data: no table.
    assert!(!page("sccm-2007").contains("id=\"vulnerabilities\""));
}

/// The vendor-style advisory in OSV: every CVE and GHSA id as an alias, the most severe
/// vector, the Maven package with its ranges for each vulnerability, the CWEs, and the
/// people credited for a vulnerability.
#[test]
fn the_vendor_style_advisory_in_osv() {
    let d = site_json("osv/LOG4J-2021-12.json");
    let aliases: Vec<&str> = (d["aliases"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap())
        .collect();
    for id in [
        "CVE-2021-44228",
        "CVE-2021-45046",
        "CVE-2021-45105",
        "GHSA-jfh8-c2jp-5v3q",
    ] {
        assert!(aliases.contains(&id), "{id} in {aliases:?}");
    }
    assert_eq!(
        d["severity"][0]["score"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    );
    let affected = d["affected"].as_array().unwrap();
    assert_eq!(affected.len(), 3, "one entry per vulnerability");
    for a in affected {
        assert_eq!(a["package"]["ecosystem"], "Maven");
        assert_eq!(a["package"]["name"], "org.apache.logging.log4j:log4j-core");
        assert_eq!(a["ranges"][0]["type"], "ECOSYSTEM");
    }
    assert_eq!(affected[0]["ranges"][0]["events"][5]["fixed"], "2.15.0");
    assert_eq!(d["credits"][0]["name"], "Chen Zhaojun");
    assert_eq!(d["database_specific"]["seckb"]["severity"], "critical");
    assert_eq!(d["database_specific"]["seckb"]["cwe_ids"][0], "CWE-502");
}
