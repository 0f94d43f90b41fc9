//! OSV per advisory, `osv/<id>.json`. Ids carry the configured registered prefix, or `x_`
//! for an unregistered database as the OSV schema asks. The products are not packages of
//! an OSV ecosystem, so they go to `database_specific` rather than `affected`.

use anyhow::Result;
use serde::Serialize;

use super::{json, timestamp};
use crate::markdown::to_plain;
use crate::model::{Advisory, AdvisoryText, ReferenceKind};
use crate::site::{Site, osv_path};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Osv<'a> {
    id: String,
    modified: String,
    published: String,
    aliases: &'a [String],
    summary: String,
    details: String,
    references: Vec<OsvRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    credits: Vec<Credit<'a>>,
    database_specific: DbSpecific<'a>,
}

#[derive(Serialize)]
struct OsvRef {
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Credit<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
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

/// The OSV id of an advisory.
pub fn osv_id(site: &Site, a: &Advisory) -> String {
    match &site.settings.osv_prefix {
        Some(prefix) => format!("{prefix}{}", a.id),
        None => format!("x_{}", a.id),
    }
}

/// The OSV document of advisory `a` (path and bytes), made from its source-language text;
/// none when it has none.
pub fn file(
    site: &Site,
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
) -> Result<Option<(String, Vec<u8>)>> {
    match texts.get(a.source_language.as_str()) {
        Some(t) => Ok(Some((osv_path(a), json(&document(site, a, t))?))),
        None => Ok(None),
    }
}

/// The OSV document of an advisory, from its source-language text.
fn document<'a>(site: &'a Site, a: &'a Advisory, t: &AdvisoryText) -> Osv<'a> {
    let src = a.source_language.as_str();
    let products = |ids: &'_ [crate::model::ProductId]| -> Vec<Product<'_>> {
        ids.iter()
            .filter_map(|id| site.product(id.as_str()))
            .map(|p| Product {
                id: p.id.as_str(),
                name: &p.name,
                vendor: &p.vendor,
            })
            .collect()
    };
    let mut references = vec![OsvRef {
        kind: "ADVISORY",
        url: site.url(&Site::advisory_path(src, a.id.as_str())),
    }];
    references.extend(a.references.iter().map(|r| OsvRef {
        kind: match r.kind {
            ReferenceKind::KbArticle | ReferenceKind::Blog => "ARTICLE",
            ReferenceKind::Advisory => "ADVISORY",
            ReferenceKind::External => "WEB",
        },
        url: r.url.clone(),
    }));
    references.extend(
        a.remediations
            .iter()
            .filter_map(|r| r.url.as_ref())
            .map(|u| OsvRef {
                kind: "FIX",
                url: u.clone(),
            }),
    );
    Osv {
        id: osv_id(site, a),
        modified: timestamp(a.updated),
        published: timestamp(a.published),
        aliases: &a.cves,
        summary: match &t.subtitle {
            Some(s) => format!("{}: {s}", t.title),
            None => t.title.clone(),
        },
        details: to_plain(&t.summary),
        references,
        credits: a
            .acknowledgments
            .iter()
            .map(|k| Credit {
                name: &k.name,
                kind: "FINDER",
            })
            .collect(),
        database_specific: DbSpecific {
            kind: a.kind,
            status: a.status,
            version: &a.version,
            security_vulnerability: a.security_vulnerability,
            severity: a.severity,
            kbs: &a.kbs,
            affected_products: products(&a.products.affected),
            not_affected_products: products(&a.products.not_affected),
            source_language: src,
        },
    }
}
