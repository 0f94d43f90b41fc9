//! The publish guard: compares a new build with the site now published and refuses what a
//! reader, a mirror or a feed consumer must never see happen to a security advisory. A
//! published advisory never disappears, its publication date and revision history are
//! never rewritten, a page address never stops working, and neither facts nor text change
//! without a new revision. New advisories, new revisions, new languages and new pages
//! are fine.
//!
//! Pure: two sites as [`Memory`]s in, findings out. The facts come from the JSON API
//! (`api/v1/index.json` and `api/v1/advisories/<id>.json`, whose `content_digest` fields
//! tell an edit), the pages from the file list.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::diag::{Finding, Findings};
use crate::load::spans::Pos;
use crate::output::Memory;

/// The API index, where a comparison starts.
pub const INDEX: &str = "api/v1/index.json";

/// The outcome of a comparison.
#[derive(Debug, Default)]
pub struct Comparison {
    /// What the new site must not do; each is an error.
    pub findings: Findings,
    /// Advisories of the old site still in the new one.
    pub kept: usize,
    /// Advisories only in the new site.
    pub added: usize,
    /// Advisories with a new revision.
    pub revised: usize,
    /// HTML pages of the old site, and pages only in the new one.
    pub pages: usize,
    pub new_pages: usize,
}

#[derive(Deserialize)]
struct Index {
    site: String,
    advisories: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
}

#[derive(Deserialize)]
struct Doc {
    status: String,
    published: String,
    version: String,
    revisions: Vec<Revision>,
    /// Absent in sites built before the digest existed; then edits cannot be told.
    content_digest: Option<String>,
    texts: BTreeMap<String, Text>,
}

#[derive(Deserialize, PartialEq, Eq)]
struct Revision {
    number: String,
    date: String,
}

#[derive(Deserialize)]
struct Text {
    revision: String,
    content_digest: Option<String>,
}

fn read<T: serde::de::DeserializeOwned>(site: &Memory, which: &str, path: &str) -> Result<T> {
    let bytes = site.files().get(path).with_context(|| {
        format!("the {which} site has no `{path}`; is it a site built by seckb?")
    })?;
    serde_json::from_slice(bytes)
        .with_context(|| format!("cannot read `{path}` of the {which} site"))
}

/// `2008-06-13T00:00:00Z` as `2008-06-13`, as the advisory files write it.
fn day(ts: &str) -> &str {
    ts.strip_suffix("T00:00:00Z").unwrap_or(ts)
}

fn error(file: &str, code: &'static str, message: String, hint: &str) -> Finding {
    Finding::error(file, Pos { line: 1, column: 1 }, code, message).hint(hint)
}

/// Compares `new` with the `old` site now published.
pub fn compare(old: &Memory, new: &Memory) -> Result<Comparison> {
    let old_index: Index = read(old, "old", INDEX)?;
    let new_index: Index = read(new, "new", INDEX)?;
    let new_ids: BTreeSet<&str> = new_index.advisories.iter().map(|e| e.id.as_str()).collect();
    let old_ids: BTreeSet<&str> = old_index.advisories.iter().map(|e| e.id.as_str()).collect();
    let mut c = Comparison {
        added: new_ids.difference(&old_ids).count(),
        ..Comparison::default()
    };

    for id in &old_ids {
        let path = format!("api/v1/advisories/{id}.json");
        if !new_ids.contains(id) {
            c.findings.push(error(
                INDEX,
                "advisory-removed",
                format!("advisory `{id}` was published and is missing from the new site"),
                "a published advisory stays; to withdraw it, publish a new revision that says so",
            ));
            continue;
        }
        c.kept += 1;
        let (o, n): (Doc, Doc) = (read(old, "old", &path)?, read(new, "new", &path)?);
        if advisory(&mut c.findings, &path, id, &o, &n) {
            c.revised += 1;
        }
    }

    for p in old.files().keys().filter(|p| p.ends_with(".html")) {
        c.pages += 1;
        if !new.files().contains_key(p) {
            let url = format!(
                "{}{}",
                old_index.site,
                p.strip_suffix("index.html").unwrap_or(p)
            );
            c.findings.push(error(
                p,
                "page-removed",
                format!("page `{p}` was published and is missing from the new site: `{url}` would stop working"),
                "published addresses stay; keep the page (or the language or product it belongs to)",
            ));
        }
    }
    c.new_pages = new
        .files()
        .keys()
        .filter(|p| p.ends_with(".html") && !old.files().contains_key(*p))
        .count();
    Ok(c)
}

/// Checks one advisory published in both sites; true when it has a new revision.
fn advisory(findings: &mut Findings, path: &str, id: &str, o: &Doc, n: &Doc) -> bool {
    let revised = n.revisions.len() > o.revisions.len();
    // A draft is work in progress: its dates, history and text may still change.
    if o.status == "draft" {
        return revised;
    }
    if o.published != n.published {
        findings.push(error(
            path,
            "published-changed",
            format!(
                "advisory `{id}`: the publication date changed from `{}` to `{}`",
                day(&o.published),
                day(&n.published)
            ),
            "the date of first publication never changes; record a correction as a new revision",
        ));
    }
    for (i, old_rev) in o.revisions.iter().enumerate() {
        match n.revisions.get(i) {
            None => {
                findings.push(error(
                    path,
                    "revision-went-back",
                    format!(
                        "advisory `{id}`: the version went back from `{}` to `{}`; revision `{}` of {} is gone",
                        o.version,
                        n.version,
                        old_rev.number,
                        day(&old_rev.date)
                    ),
                    "revisions are only ever added; restore the revisions already published",
                ));
                return false;
            }
            Some(new_rev) if new_rev != old_rev => {
                findings.push(error(
                    path,
                    "revision-rewritten",
                    format!(
                        "advisory `{id}`: published revision `{}` of {} is now `{}` of {}",
                        old_rev.number,
                        day(&old_rev.date),
                        new_rev.number,
                        day(&new_rev.date)
                    ),
                    "the published revision history is kept as it was; add a new revision at the end",
                ));
                return false;
            }
            Some(_) => {}
        }
    }
    for (lang, t) in &o.texts {
        let Some(nt) = n.texts.get(lang) else {
            findings.push(error(
                path,
                "text-removed",
                format!("advisory `{id}`: its `{lang}` text was published and is missing"),
                "keep the text; an outdated translation stays, marked outdated",
            ));
            continue;
        };
        if !revised && t.revision == nt.revision && differs(&t.content_digest, &nt.content_digest) {
            findings.push(error(
                path,
                "content-changed",
                format!(
                    "advisory `{id}`: the `{lang}` text changed without a new revision (still `{}`)",
                    n.version
                ),
                "add a revision to `advisory.yaml` and describe it in each text, or undo the change",
            ));
        }
    }
    if !revised && differs(&o.content_digest, &n.content_digest) {
        findings.push(error(
            path,
            "content-changed",
            format!(
                "advisory `{id}`: its facts changed without a new revision (still `{}`)",
                n.version
            ),
            "add a revision to `advisory.yaml` and describe it in each text, or undo the change",
        ));
    }
    revised
}

/// Whether two digests are known and differ.
fn differs(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(version: &str, digest: Option<&str>, pages: &[&str]) -> Memory {
        let mut o = Memory::default();
        o.add(
            INDEX,
            r#"{"site": "https://x.example/", "advisories": [{"id": "A-1"}]}"#,
        )
        .unwrap();
        let revisions: Vec<_> = ["1.0", "1.1"]
            .iter()
            .take_while(|n| **n <= version)
            .map(|n| serde_json::json!({"number": n, "date": "2024-01-01T00:00:00Z"}))
            .collect();
        let mut doc = serde_json::json!({
            "status": "final",
            "published": "2024-01-01T00:00:00Z",
            "version": version,
            "revisions": revisions,
            "texts": {"en-US": {"revision": version}},
        });
        if let Some(d) = digest {
            doc["content_digest"] = d.into();
        }
        o.add("api/v1/advisories/A-1.json", doc.to_string())
            .unwrap();
        for p in pages {
            o.add(*p, "<html>").unwrap();
        }
        o
    }

    fn codes(c: &Comparison) -> Vec<&str> {
        c.findings
            .sorted()
            .iter()
            .map(|f| f.code.as_ref())
            .collect()
    }

    #[test]
    fn edits_are_told_by_the_digest_only_when_both_sites_have_one() {
        let old = site("1.0", Some("sha256:a"), &[]);
        let edited = site("1.0", Some("sha256:b"), &[]);
        assert_eq!(codes(&compare(&old, &edited).unwrap()), ["content-changed"]);
        // A site built before the digest existed cannot tell an edit.
        let older = site("1.0", None, &[]);
        assert!(codes(&compare(&older, &edited).unwrap()).is_empty());
        // With a new revision the content may change.
        let revised = site("1.1", Some("sha256:b"), &[]);
        let c = compare(&old, &revised).unwrap();
        assert!(codes(&c).is_empty());
        assert_eq!((c.kept, c.revised, c.added), (1, 1, 0));
        // And going back to the old one is refused.
        assert_eq!(
            codes(&compare(&revised, &old).unwrap()),
            ["revision-went-back"]
        );
    }

    #[test]
    fn page_urls_drop_index_html() {
        let old = site("1.0", None, &["en-US/index.html", "en-US/about.html"]);
        let new = site("1.0", None, &["en-US/about.html", "en-US/new/index.html"]);
        let c = compare(&old, &new).unwrap();
        let f = c.findings.sorted();
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .ends_with("`https://x.example/en-US/` would stop working")
        );
        assert_eq!((c.pages, c.new_pages), (2, 1));
    }
}
