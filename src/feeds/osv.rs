//! OSV per advisory, `osv/<id>.json`. Ids carry the configured registered prefix, or `x_`
//! for an unregistered database as the OSV schema asks. Products that are packages of an
//! ecosystem (a `package` in the catalog) with versions given by a vulnerability go to
//! `affected`, which is what OSV consumers match; vendor products have no place there, so
//! they go to `database_specific`. Drafts are not published.

use anyhow::Result;
use serde::Serialize;

use super::{json, timestamp};
use crate::model::{Advisory, AdvisoryText};
use crate::site::{Site, osv_path};
use std::collections::BTreeMap;

/// The version of the OSV schema the documents follow.
pub const SCHEMA_VERSION: &str = "1.6.0";

#[derive(Serialize)]
struct Osv<'a> {
    schema_version: &'static str,
    id: String,
    modified: String,
    published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<String>,
    summary: String,
    details: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    severity: Vec<OsvSeverity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affected: Vec<OsvAffected<'a>>,
    references: Vec<OsvRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    credits: Vec<Credit<'a>>,
    database_specific: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: &'static str,
    score: String,
}

#[derive(Serialize)]
struct OsvAffected<'a> {
    package: OsvPackage<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ranges: Vec<OsvRange<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    versions: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    ecosystem_specific: Option<&'a serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_specific: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize)]
struct OsvPackage<'a> {
    ecosystem: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
}

#[derive(Serialize)]
struct OsvRange<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    repo: Option<&'a str>,
    events: &'a [crate::model::Event],
    #[serde(skip_serializing_if = "Option::is_none")]
    database_specific: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize, PartialEq)]
struct OsvRef {
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Credit<'a> {
    name: &'a str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    contact: &'a [String],
}

#[derive(Serialize)]
struct DbSpecific<'a> {
    kind: crate::model::Kind,
    status: crate::model::Status,
    version: &'a str,
    security_vulnerability: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<crate::model::Severity>,
    kbs: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cwe_ids: Vec<&'a str>,
    affected_products: Vec<Product<'a>>,
    not_affected_products: Vec<Product<'a>>,
    source_language: &'a str,
}

#[derive(Serialize)]
struct Product<'a> {
    id: &'a str,
    name: &'a str,
    vendor: &'a str,
}

/// The OSV id of an advisory: its id in the database it was republished from, else its
/// id with the site's prefix.
pub fn osv_id(site: &Site, a: &Advisory) -> String {
    if let Some(origin) = &a.origin {
        return origin.id.clone();
    }
    match &site.settings.osv_prefix {
        Some(prefix) => format!("{prefix}{}", a.id),
        None => format!("x_{}", a.id),
    }
}

/// The OSV document of advisory `a` (path and bytes), made from its source-language text;
/// none when it has none, or is a draft (not meant for consumers).
pub fn file(
    site: &Site,
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
) -> Result<Option<(String, Vec<u8>)>> {
    if a.status == crate::model::Status::Draft {
        return Ok(None);
    }
    match texts.get(a.source_language.as_str()) {
        Some(t) => Ok(Some((osv_path(a), json(&document(site, a, t))?))),
        None => Ok(None),
    }
}

/// The OSV document of an advisory, from its source-language text.
fn document<'a>(site: &'a Site, a: &'a Advisory, t: &AdvisoryText) -> Osv<'a> {
    let src = a.source_language.as_str();
    // Products that are no package: `affected` holds the packages.
    let products = |ids: &'_ [crate::model::ProductId]| -> Vec<Product<'_>> {
        ids.iter()
            .filter_map(|id| site.product(id.as_str()))
            .filter(|p| p.package.is_none())
            .map(|p| Product {
                id: p.id.as_str(),
                name: &p.name,
                vendor: &p.vendor,
            })
            .collect()
    };
    // The advisory's page, its references, and where each fix is; a page named twice (a
    // fix that is a reference too, the page of an advisory imported from this site's own
    // OSV) once.
    let own_page = OsvRef {
        kind: "ADVISORY",
        url: site.url(&Site::advisory_path(src, a.id.as_str())),
    };
    let listed = a.references.iter().map(|r| OsvRef {
        kind: r.kind.osv_type(),
        url: r.url.clone(),
    });
    let fixes = (a.remediations.iter())
        .filter_map(|r| r.url.as_ref())
        .map(|u| OsvRef {
            kind: "FIX",
            url: u.clone(),
        });
    let mut references: Vec<OsvRef> = Vec::new();
    for r in std::iter::once(own_page).chain(listed).chain(fixes) {
        if !references.contains(&r) {
            references.push(r);
        }
    }
    Osv {
        schema_version: SCHEMA_VERSION,
        id: osv_id(site, a),
        modified: timestamp(
            a.origin
                .as_ref()
                .and_then(|o| o.modified)
                .unwrap_or(a.updated),
        ),
        published: timestamp(a.published),
        withdrawn: a.withdrawn.as_ref().map(|w| timestamp(w.date)),
        aliases: aliases(a),
        related: related(site, a),
        summary: match &t.subtitle {
            Some(s) => format!("{}: {s}", t.title),
            None => t.title.clone(),
        },
        // OSV's `details` is CommonMark, as the summary is.
        details: t.summary.clone(),
        severity: severity(a),
        affected: affected(site, a),
        references,
        credits: credits(a),
        database_specific: database_specific(
            a,
            DbSpecific {
                kind: a.kind,
                status: a.status,
                version: &a.version,
                security_vulnerability: a.security_vulnerability,
                severity: crate::vuln::severity(a),
                kbs: &a.kbs,
                cwe_ids: cwes(a),
                affected_products: products(&a.products.affected),
                not_affected_products: products(&a.products.not_affected),
                source_language: src,
            },
        ),
    }
}

/// The key under `database_specific` that holds seckb's own facts; the rest is the data of
/// the database an advisory was republished from, as it was.
pub const OWN_KEY: &str = "seckb";

/// `database_specific`: the origin database's data, and seckb's facts under [`OWN_KEY`] (so
/// that a key of the origin, such as GitHub's `severity`, is never overwritten).
fn database_specific(
    a: &Advisory,
    own: DbSpecific<'_>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = (a.origin.as_ref())
        .and_then(|o| o.database_specific.clone())
        .unwrap_or_default();
    out.insert(
        OWN_KEY.into(),
        serde_json::to_value(own).unwrap_or_default(),
    );
    out
}

/// Other ids of the advisory: its CVEs, its aliases and its vulnerabilities' other ids, once
/// each.
fn aliases(a: &Advisory) -> Vec<&str> {
    let mut out = crate::vuln::cves(a);
    let others = (a.aliases.iter())
        .chain(a.vulnerabilities.iter().flat_map(|v| &v.ids))
        .map(String::as_str);
    for id in others {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The CWE ids of the vulnerabilities, once each, in order.
/// Everyone the advisory or one of its vulnerabilities credits, once each.
fn credits(a: &Advisory) -> Vec<Credit<'_>> {
    let of_vulns = a.vulnerabilities.iter().flat_map(|v| &v.acknowledgments);
    let mut out: Vec<Credit> = Vec::new();
    for k in a.acknowledgments.iter().chain(of_vulns) {
        if !out.iter().any(|c| c.name == k.name) {
            out.push(Credit {
                name: &k.name,
                // OSV's names are seckb's in capitals (`remediation_developer`).
                kind: (k.role)
                    .and_then(|r| serde_json::to_value(r).ok())
                    .and_then(|v| v.as_str().map(str::to_uppercase)),
                contact: &k.contact,
            });
        }
    }
    out
}

fn cwes(a: &Advisory) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for cwe in a.vulnerabilities.iter().flat_map(|v| &v.cwes) {
        if !out.contains(&cwe.as_str()) {
            out.push(cwe);
        }
    }
    out
}

/// The CVSS vectors of the most severe vulnerability (an OSV entry has one severity per
/// type): the one with the highest v3 base score, else the highest v4 score.
fn severity(a: &Advisory) -> Vec<OsvSeverity> {
    let scores = crate::vuln::scores(a);
    let Some((i, _)) = crate::vuln::most_severe(&scores) else {
        return Vec::new();
    };
    (scores[i].iter())
        .map(|s| OsvSeverity {
            kind: if s.version.starts_with('3') {
                "CVSS_V3"
            } else {
                "CVSS_V4"
            },
            score: s.vector.clone(),
        })
        .collect()
}

/// The affected versions of every package product, by vulnerability.
fn affected<'a>(site: &'a Site, a: &'a Advisory) -> Vec<OsvAffected<'a>> {
    (a.vulnerabilities.iter().flat_map(|v| &v.affected))
        .filter_map(|aff| {
            let product = site.product(aff.product.as_str())?;
            let package = product.package.as_ref()?;
            Some(OsvAffected {
                package: OsvPackage {
                    ecosystem: &package.ecosystem,
                    name: &package.name,
                    purl: product.purl.as_deref(),
                },
                ranges: (aff.ranges.iter())
                    .map(|r| OsvRange {
                        kind: match r.kind {
                            crate::model::RangeKind::Semver => "SEMVER",
                            crate::model::RangeKind::Ecosystem => "ECOSYSTEM",
                            crate::model::RangeKind::Git => "GIT",
                        },
                        repo: r.repo.as_deref(),
                        events: &r.events,
                        database_specific: r.database_specific.as_ref(),
                    })
                    .collect(),
                versions: &aff.versions,
                ecosystem_specific: aff.ecosystem_specific.as_ref(),
                database_specific: aff.database_specific.as_ref(),
            })
        })
        .collect()
}

/// The related ids, an advisory of this site named by its OSV id.
fn related(site: &Site, a: &Advisory) -> Vec<String> {
    (a.related.iter())
        .map(|id| {
            match site
                .advisories
                .iter()
                .find(|(other, _)| other.id.as_str() == id)
            {
                Some((other, _)) => osv_id(site, other),
                None => id.clone(),
            }
        })
        .collect()
}
