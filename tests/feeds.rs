//! Feeds, API and OSV: stable item ids across revisions, pagination, UTC timestamps, and
//! validity against the official (or published) JSON Schemas.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_fixture, edit, fixture};
use serde_json::Value;

/// Builds the site at `root` in memory: path -> bytes.
fn build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(findings.is_ok(), "{:?}", findings.sorted());
    seckb::engine::build_site(&project).unwrap().contents()
}

/// Adds `n` advisories with one revision each, copies of `ADV-2023-0002`.
fn add_copies(root: &Path, n: usize) {
    for n in 0..n {
        let id = format!("ADV-2022-{n:04}");
        let target = root.join("advisories").join(&id);
        common::copy_tree(&fixture("basic").join("advisories/ADV-2023-0002"), &target);
        edit(
            root,
            &format!("advisories/{id}/advisory.yaml"),
            "id: ADV-2023-0002",
            &format!("id: {id}"),
        );
    }
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("no {path}"))).unwrap()
}

fn item_ids(feed: &Value) -> Vec<String> {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(&std::fs::read(schema).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, name: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

#[test]
fn a_revision_adds_a_feed_item_and_keeps_the_old_ids() {
    let dir = copy_fixture("basic");
    let before = item_ids(&json(&build(dir.path()), "nl-NL/feed.json"));
    let adv = "advisories/ADV-2024-0001/advisory.yaml";
    edit(
        dir.path(),
        adv,
        "updated: 2024-04-02",
        "updated: 2024-05-06",
    );
    edit(dir.path(), adv, "version: \"1.1\"", "version: \"1.2\"");
    edit(
        dir.path(),
        adv,
        "    date: 2024-04-02\n",
        "    date: 2024-04-02\n  - number: \"1.2\"\n    date: 2024-05-06\n",
    );
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "revision: \"1.1\"",
        "revision: \"1.2\"",
    );
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "  \"1.1\": Added Widget Server 3.\n",
        "  \"1.1\": Added Widget Server 3.\n  \"1.2\": Clarified the workaround.\n",
    );
    let files = build(dir.path());
    let after = item_ids(&json(&files, "nl-NL/feed.json"));
    assert_eq!(after.len(), before.len() + 1);
    for id in &before {
        assert!(after.contains(id), "{id} disappeared");
    }
    let new: Vec<&String> = after.iter().filter(|i| !before.contains(i)).collect();
    assert_eq!(
        new,
        ["tag:advisories.example.org,2024-03-12:ADV-2024-0001/1.2/nl-NL"]
    );
    // Newest first, and the Atom feed carries the same ids.
    assert_eq!(&after[0], new[0]);
    let atom = String::from_utf8(files["nl-NL/feed.atom"].clone()).unwrap();
    for id in &after {
        assert!(
            atom.contains(&format!("<id>{id}</id>")),
            "{id} missing from Atom"
        );
    }
    assert!(atom.contains("<updated>2024-05-06T00:00:00Z</updated>"));
}

#[test]
fn json_feed_pages_link_with_next_url() {
    let dir = copy_fixture("basic");
    // 60 more advisories with one revision each: 3 + 60 items, more than 50 per page.
    add_copies(dir.path(), 60);
    let files = build(dir.path());
    let first = json(&files, "en-US/feed.json");
    let second = json(&files, "en-US/feed-2.json");
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    assert_eq!(
        first["next_url"],
        "https://advisories.example.org/en-US/feed-2.json"
    );
    assert_eq!(
        second["feed_url"],
        "https://advisories.example.org/en-US/feed-2.json"
    );
    assert!(second.get("next_url").is_none());
    assert_eq!(second["items"].as_array().unwrap().len(), 63 - 50);
}

#[test]
fn atom_feeds_hold_the_newest_entries_and_json_feed_the_whole_history() {
    let dir = copy_fixture("basic");
    // 120 more advisories: 123 items in all, more than an Atom feed carries.
    add_copies(dir.path(), 120);
    let files = build(dir.path());
    let atom = String::from_utf8(files["en-US/feed.atom"].clone()).unwrap();
    let atom_ids: Vec<&str> = atom
        .split("<entry")
        .skip(1)
        .map(|e| {
            e.split("<id>")
                .nth(1)
                .unwrap()
                .split("</id>")
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(atom_ids.len(), seckb::feeds::atom::LIMIT);
    // The whole history is in the JSON Feed pages, newest first; Atom is its head.
    let mut json_ids = Vec::new();
    let mut page = Some("en-US/feed.json".to_string());
    while let Some(p) = page {
        let feed = json(&files, &p);
        json_ids.extend(item_ids(&feed));
        page = feed["next_url"].as_str().map(|u| {
            u.trim_start_matches("https://advisories.example.org/")
                .to_string()
        });
    }
    assert_eq!(json_ids.len(), 123);
    assert_eq!(atom_ids, json_ids[..seckb::feeds::atom::LIMIT]);
    // A product feed is capped the same way.
    let product =
        String::from_utf8(files["en-US/products/widget-client/feed.atom"].clone()).unwrap();
    assert_eq!(product.matches("<entry").count(), seckb::feeds::atom::LIMIT);
}

#[test]
fn json_feeds_pass_the_json_feed_schema() {
    let v = validator(&common::data("jsonfeed/jsonfeed-1.1.schema.json"));
    for root in [
        fixture("basic"),
        Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
    ] {
        let files = build(&root);
        for path in files.keys().filter(|p| p.ends_with("feed.json")) {
            assert_valid(&v, &json(&files, path), path);
        }
    }
}

#[test]
fn osv_documents_pass_the_osv_schema() {
    let v = validator(&common::data("osv/schema.json"));
    let files = build(&fixture("basic"));
    let doc = json(&files, "osv/ADV-2024-0001.json");
    assert_valid(&v, &doc, "ADV-2024-0001");
    assert_eq!(doc["id"], "x_ADV-2024-0001");
    assert_eq!(doc["aliases"], serde_json::json!(["CVE-2024-0001"]));
    assert_eq!(doc["modified"], "2024-04-02T00:00:00Z");
    assert_eq!(
        doc["database_specific"]["seckb"]["affected_products"][0]["id"],
        "widget-server-2"
    );
    assert_valid(&v, &json(&files, "osv/ADV-2023-0002.json"), "ADV-2023-0002");
}

#[test]
fn api_documents_match_their_published_schemas() {
    let files = build(&fixture("basic"));
    let index_schema = json(&files, "api/v1/schema/index.schema.json");
    let adv_schema = json(&files, "api/v1/schema/advisory.schema.json");
    let index = json(&files, "api/v1/index.json");
    assert_valid(
        &jsonschema::validator_for(&index_schema).unwrap(),
        &index,
        "index",
    );
    let entries = index["advisories"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let v = jsonschema::validator_for(&adv_schema).unwrap();
    for e in entries {
        let url = e["urls"]["json"].as_str().unwrap();
        let path = url.strip_prefix("https://advisories.example.org/").unwrap();
        let doc = json(&files, path);
        assert_valid(&v, &doc, path);
        assert_eq!(doc["id"], e["id"]);
    }
    let doc = json(&files, "api/v1/advisories/ADV-2024-0001.json");
    assert_eq!(doc["texts"]["nl-NL"]["outdated"], true);
    assert!(
        doc["texts"]["en-US"]["summary"]["html"]
            .as_str()
            .unwrap()
            .contains("<strong>Widget Server</strong>")
    );
    assert_eq!(
        entries[0]["titles"]["nl-NL"],
        "Externe uitvoering van code in Widget Server"
    );
    assert_eq!(
        entries[1]["titles"]["nl-NL"], "Widget Client may stop syncing",
        "falls back to the source language"
    );
}

#[test]
fn every_timestamp_is_utc_with_z() {
    let files = build(&fixture("basic"));
    let mut seen = 0;
    for (path, bytes) in &files {
        if !(path.ends_with(".json") || path.ends_with(".atom") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for (i, _) in text.match_indices("T00:00:00") {
            seen += 1;
            assert!(
                text[i + 9..].starts_with('Z'),
                "{path}: timestamp without Z near {}",
                &text[i.saturating_sub(10)..(i + 15).min(text.len())]
            );
        }
    }
    assert!(seen > 20, "only {seen} timestamps found");
}

#[test]
fn product_feeds_hold_only_their_products() {
    let files = build(&fixture("basic"));
    let client =
        String::from_utf8(files["en-US/products/widget-client/feed.atom"].clone()).unwrap();
    assert!(client.contains("ADV-2023-0002/1.0/en-US"));
    assert!(!client.contains("ADV-2024-0001"));
    let server =
        String::from_utf8(files["en-US/products/widget-server-3/feed.atom"].clone()).unwrap();
    assert!(server.contains("ADV-2024-0001/1.1/en-US") && !server.contains("ADV-2023-0002"));
}

#[test]
fn pages_advertise_their_feeds() {
    let files = build(&fixture("basic"));
    let page =
        String::from_utf8(files["nl-NL/advisories/ADV-2024-0001/index.html"].clone()).unwrap();
    assert!(page.contains(r#"<link rel="alternate" type="application/atom+xml" title="Microsoft-beveiligingsadviezen (Atom)" href="../../../nl-NL/feed.atom">"#), "{page}");
    let product =
        String::from_utf8(files["nl-NL/products/widget-client/index.html"].clone()).unwrap();
    assert!(product.contains(r#"<link rel="alternate" type="application/atom+xml" title="Adviezen voor Widget Client (Atom)" href="feed.atom">"#), "{product}");
    let home = String::from_utf8(files["nl-NL/index.html"].clone()).unwrap();
    assert!(home.contains(r#"<a href="feed.atom" type="application/atom+xml">Atom</a>"#));
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="nl-NL" href="https://advisories.example.org/nl-NL/advisories/ADV-2024-0001/"/>"#), "{sitemap}");
}

/// The stubs that place items in the feeds without making them are those of the items, in
/// the same order, in every language of the repository's site (drafts, fallback texts and
/// several revisions included).
#[test]
fn feed_stubs_are_the_items_in_their_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(findings.is_ok());
    let site = seckb::site::Site::from_project(&project).unwrap();
    for lang in site.languages() {
        let stubs = seckb::feeds::items::stubs(&site, lang);
        let items = seckb::feeds::items::items(&site, lang);
        assert!(items.len() > 50, "{lang}: {} items", items.len());
        let placed: Vec<(&str, &str)> = stubs.iter().map(|s| (s.advisory_id, s.revision)).collect();
        let made: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.advisory_id.as_str(), i.revision.as_str()))
            .collect();
        assert_eq!(placed, made, "{lang}");
    }
}

/// A withdrawn advisory stays published, marked withdrawn: a badge and the reason on its
/// pages, `withdrawn` in OSV and in the API; its date must be a revision's.
#[test]
fn a_withdrawn_advisory_is_marked_in_every_output() {
    let dir = copy_fixture("basic");
    let adv = "advisories/ADV-2024-0001/advisory.yaml";
    edit(
        dir.path(),
        adv,
        "security_vulnerability: true",
        "withdrawn: {date: 2024-04-02}\nsecurity_vulnerability: true",
    );
    let en = "advisories/ADV-2024-0001/en-US.yaml";
    let text = std::fs::read_to_string(dir.path().join(en)).unwrap();
    std::fs::write(
        dir.path().join(en),
        format!("{text}withdrawn: It described a configuration no release had.\n"),
    )
    .unwrap();
    let files = build(dir.path());
    let osv = json(&files, "osv/ADV-2024-0001.json");
    assert_eq!(osv["withdrawn"], "2024-04-02T00:00:00Z");
    let api = json(&files, "api/v1/advisories/ADV-2024-0001.json");
    assert_eq!(api["withdrawn"], "2024-04-02T00:00:00Z");
    let page =
        String::from_utf8(files["en-US/advisories/ADV-2024-0001/index.html"].clone()).unwrap();
    assert!(
        page.contains("<strong>Withdrawn on Tuesday, April 2, 2024</strong>"),
        "{page}"
    );
    assert!(page.contains("It described a configuration no release had."));
    let nl = String::from_utf8(files["nl-NL/advisories/ADV-2024-0001/index.html"].clone()).unwrap();
    assert!(
        nl.contains("<strong>Ingetrokken op "),
        "the label in the page's language"
    );

    // A withdrawal on a day without a revision is an error.
    edit(
        dir.path(),
        adv,
        "withdrawn: {date: 2024-04-02}",
        "withdrawn: {date: 2024-04-03}",
    );
    let (_, findings) = seckb::engine::check(dir.path(), &Default::default()).unwrap();
    let errors: Vec<String> = (findings.sorted().into_iter())
        .filter(|f| f.severity == seckb::diag::Severity::Error)
        .map(|f| f.headline())
        .collect();
    assert_eq!(
        errors,
        [
            "advisories/ADV-2024-0001/advisory.yaml:13:19: error[revision-mismatch]: the advisory was withdrawn on 2024-04-03 but no revision has that date"
        ]
    );
}
