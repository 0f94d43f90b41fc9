//! The versioned JSON API: `api/v1/index.json` (every advisory in brief, with the URLs of
//! its pages and documents), `api/v1/advisories/<id>.json` (everything: facts and every
//! language's text as markdown and sanitized HTML), and their JSON Schemas under
//! `api/v1/schema/`. Field names are a public contract: add fields, never rename them.

use std::collections::BTreeMap;

use anyhow::Result;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::value::RawValue;

use super::{json, json_sized, timestamp};
use crate::markdown::Memo;
use crate::model::{
    Acknowledgment, Advisory, AdvisoryText, Kind, Package, Reference, Remediation, Severity,
    Status, Vulnerability,
};
use crate::site::{Site, api_path, csaf_path, osv_path};
use crate::unit::{Listed, Spliced, UnitId};

/// The API version in every path and document.
pub const VERSION: &str = "v1";

/// `api/v1/index.json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Index {
    /// Always `v1` for this version of the API.
    pub api_version: &'static str,
    /// The site's base URL.
    pub site: String,
    /// Every advisory, newest first.
    pub advisories: Vec<IndexEntry>,
}

/// One advisory in the index.
#[derive(Debug, Serialize, JsonSchema, Hash)]
pub struct IndexEntry {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    /// RFC 3339 UTC.
    pub published: String,
    /// RFC 3339 UTC.
    pub updated: String,
    pub version: String,
    pub security_vulnerability: bool,
    /// As stated, else computed from the vulnerabilities' CVSS scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Catalog ids of affected products.
    pub products: Vec<String>,
    /// Every CVE id: those listed and those of the vulnerabilities.
    pub cves: Vec<String>,
    /// Ids of the advisory in other databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// RFC 3339 UTC, when the advisory was withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    pub kbs: Vec<String>,
    pub bulletins: Vec<String>,
    /// Title in each language (the source language's where a language has no text).
    pub titles: BTreeMap<String, String>,
    pub urls: Urls,
}

/// Where an advisory is published.
#[derive(Debug, Serialize, JsonSchema, Hash)]
pub struct Urls {
    /// HTML page per language.
    pub pages: BTreeMap<String, String>,
    /// This API's full document.
    pub json: String,
    /// CSAF document per language (absent for drafts and untranslated languages).
    pub csaf: BTreeMap<String, String>,
    /// OSV document.
    pub osv: String,
}

/// Markdown with its rendered, sanitized HTML.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Text {
    pub markdown: String,
    pub html: String,
}

impl Text {
    fn of(md: &str, memo: &Memo) -> Text {
        Text {
            markdown: md.to_string(),
            html: memo.html(md),
        }
    }
}

/// `api/v1/advisories/<id>.json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AdvisoryDoc {
    pub api_version: &'static str,
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub source_language: String,
    pub published: String,
    pub updated: String,
    pub version: String,
    pub revisions: Vec<RevisionDoc>,
    pub security_vulnerability: bool,
    /// As stated, else computed from the vulnerabilities' CVSS scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Every CVE id: those listed and those of the vulnerabilities.
    pub cves: Vec<String>,
    pub kbs: Vec<String>,
    pub bulletins: Vec<String>,
    /// Ids of the advisory in other databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of related advisories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// RFC 3339 UTC, when the advisory was withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// The vulnerabilities, with the scores computed from their vectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<VulnerabilityDoc>,
    pub affected_products: Vec<ProductDoc>,
    pub not_affected_products: Vec<ProductDoc>,
    /// The products the vulnerabilities name that the two lists above do not, so that
    /// every product id of the document is described here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_products: Vec<ProductDoc>,
    pub remediations: Vec<Remediation>,
    pub references: Vec<Reference>,
    pub acknowledgments: Vec<Acknowledgment>,
    pub urls: Urls,
    /// Text per language that has its own.
    pub texts: BTreeMap<String, TextDoc>,
    /// `sha256:<hex>` of the facts as read from `advisory.yaml`; it changes exactly when a
    /// fact does, so a publish guard (`seckb check --against`) can tell an edit without a
    /// new revision.
    pub content_digest: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RevisionDoc {
    pub number: String,
    /// RFC 3339 UTC.
    pub date: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductDoc {
    pub id: String,
    pub name: String,
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// CPE 2.3 name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
}

/// A vulnerability: its facts as in `advisory.yaml`, and what its vectors compute to.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VulnerabilityDoc {
    #[serde(flatten)]
    pub facts: Vulnerability,
    /// The base score and severity of each CVSS vector (v3 first).
    pub computed_scores: Vec<crate::vuln::Score>,
    /// Each of `cwes` with its name in the CWE List.
    pub weaknesses: Vec<Weakness>,
}

/// A weakness: its CWE id and name.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Weakness {
    /// E.g. `CWE-79`.
    pub id: String,
    /// As the CWE List names it, e.g. `Improper Neutralization of Input During Web Page
    /// Generation ('Cross-site Scripting')`.
    pub name: String,
}

/// A vulnerability's text in one language.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VulnerabilityTextDoc {
    pub title: String,
    pub description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigating_factors: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workarounds: Option<Text>,
    pub faq: Vec<FaqDoc>,
}

/// One language's text.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TextDoc {
    /// The revision the text is up to date with.
    pub revision: String,
    /// Whether it is older than the advisory's latest revision.
    pub outdated: bool,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    pub summary: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory_status: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Text>,
    pub faq: Vec<FaqDoc>,
    pub symptoms: Vec<SymptomDoc>,
    pub suggested_actions: Vec<ActionDoc>,
    /// Further sections, in order.
    pub sections: Vec<ActionDoc>,
    /// Text per remediation id.
    pub remediations: BTreeMap<String, Text>,
    /// Description per revision number.
    pub revisions: BTreeMap<String, String>,
    /// Label per reference id.
    pub links: BTreeMap<String, String>,
    /// Text per vulnerability id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vulnerabilities: BTreeMap<String, VulnerabilityTextDoc>,
    /// Why the advisory was withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Text>,
    /// `sha256:<hex>` of this text as read from `<lang>.yaml`.
    pub content_digest: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FaqDoc {
    pub question: String,
    pub answer: Text,
    /// Index of the symptom illustrating the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symptom: Option<usize>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SymptomDoc {
    pub description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_file: Option<String>,
    pub log_lines: Vec<String>,
    pub error_codes: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ActionDoc {
    pub title: String,
    pub body: Text,
}

fn urls(site: &Site, a: &Advisory, texts: &BTreeMap<&str, &AdvisoryText>) -> Urls {
    let langs = site.languages();
    Urls {
        pages: langs
            .iter()
            .map(|l| {
                (
                    l.to_string(),
                    site.url(&Site::advisory_path(l, a.id.as_str())),
                )
            })
            .collect(),
        json: site.url(&api_path(a)),
        csaf: langs
            .iter()
            .filter_map(|l| csaf_path(a, texts, l).map(|p| (l.to_string(), site.url(&p))))
            .collect(),
        osv: site.url(&osv_path(a)),
    }
}

fn text_doc(a: &Advisory, t: &AdvisoryText, memo: &Memo) -> TextDoc {
    TextDoc {
        revision: t.revision.clone(),
        outdated: t.revision != a.version,
        title: t.title.clone(),
        subtitle: t.subtitle.clone(),
        summary: Text::of(&t.summary, memo),
        purpose: t.overview.purpose.as_deref().map(|m| Text::of(m, memo)),
        advisory_status: t.overview.status.as_deref().map(|m| Text::of(m, memo)),
        recommendation: t
            .overview
            .recommendation
            .as_deref()
            .map(|m| Text::of(m, memo)),
        faq: t.faq.iter().map(|f| faq_doc(f, memo)).collect(),
        symptoms: t
            .symptoms
            .iter()
            .map(|s| SymptomDoc {
                description: Text::of(&s.description, memo),
                log_file: s.log_file.clone(),
                log_lines: s.log_lines.clone(),
                error_codes: s.error_codes.clone(),
            })
            .collect(),
        suggested_actions: t
            .suggested_actions
            .iter()
            .map(|x| ActionDoc {
                title: x.title.clone(),
                body: Text::of(&x.body, memo),
            })
            .collect(),
        sections: t
            .sections
            .iter()
            .map(|x| ActionDoc {
                title: x.title.clone(),
                body: Text::of(&x.body, memo),
            })
            .collect(),
        remediations: t
            .remediations
            .iter()
            .map(|(k, v)| (k.clone(), Text::of(v, memo)))
            .collect(),
        revisions: t.revisions.clone(),
        links: t.links.clone(),
        vulnerabilities: (t.vulnerabilities.iter())
            .map(|(k, v)| {
                let text = |m: &Option<String>| m.as_deref().map(|m| Text::of(m, memo));
                let doc = VulnerabilityTextDoc {
                    title: v.title.clone(),
                    description: Text::of(&v.description, memo),
                    impact: text(&v.impact),
                    mitigating_factors: text(&v.mitigating_factors),
                    workarounds: text(&v.workarounds),
                    faq: v.faq.iter().map(|f| faq_doc(f, memo)).collect(),
                };
                (k.clone(), doc)
            })
            .collect(),
        withdrawn: t.withdrawn.as_deref().map(|m| Text::of(m, memo)),
        content_digest: content_digest(t),
    }
}

fn faq_doc(f: &crate::model::Faq, memo: &Memo) -> FaqDoc {
    FaqDoc {
        question: f.question.clone(),
        answer: Text::of(&f.answer, memo),
        symptom: f.symptom,
    }
}

/// The products `a`'s vulnerabilities name besides its affected and not affected ones, in
/// the order they are named.
fn other_products(a: &Advisory) -> Vec<&crate::model::ProductId> {
    let listed = |id: &crate::model::ProductId| {
        a.products.affected.contains(id) || a.products.not_affected.contains(id)
    };
    let mut out: Vec<&crate::model::ProductId> = Vec::new();
    for v in &a.vulnerabilities {
        let named = (v.products.all().into_iter().flat_map(|(_, ids)| ids))
            .chain(v.affected.iter().map(|aff| &aff.product));
        for id in named {
            if !listed(id) && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// Every CVE id of `a`, as the API lists them.
fn cves(a: &Advisory) -> Vec<String> {
    crate::vuln::cves(a).into_iter().map(String::from).collect()
}

/// `sha256:<hex>` of a value's canonical JSON (struct fields in declaration order, maps
/// sorted), so the digest is the same in every build and changes only with the content.
pub fn content_digest<T: Serialize>(value: &T) -> String {
    use sha2::Digest;
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    format!("sha256:{}", crate::util::hex(&sha2::Sha256::digest(&bytes)))
}

/// The index entry of advisory `a`.
fn entry(site: &Site, a: &Advisory, texts: &BTreeMap<&str, &AdvisoryText>) -> IndexEntry {
    let src = a.source_language.as_str();
    let titles = site
        .languages()
        .into_iter()
        .filter_map(|l| {
            texts
                .get(l)
                .or_else(|| texts.get(src))
                .map(|t| (l.to_string(), t.title.clone()))
        })
        .collect();
    IndexEntry {
        id: a.id.0.clone(),
        kind: a.kind,
        status: a.status,
        published: timestamp(a.published),
        updated: timestamp(a.updated),
        version: a.version.clone(),
        security_vulnerability: a.security_vulnerability,
        severity: crate::vuln::severity(a),
        products: a.products.affected.iter().map(|p| p.0.clone()).collect(),
        cves: cves(a),
        aliases: a.aliases.clone(),
        withdrawn: a.withdrawn.as_ref().map(|w| timestamp(w.date)),
        kbs: a.kbs.clone(),
        bulletins: a.bulletins.clone(),
        titles,
        urls: urls(site, a, texts),
    }
}

/// `api/v1/advisories/<id>.json` of advisory `a`: its path and bytes, its texts rendered
/// through `memo`; none for a draft, which is not meant for consumers.
pub fn document(
    site: &Site,
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
    memo: &Memo,
) -> Result<Option<(String, Vec<u8>)>> {
    if a.status == Status::Draft {
        return Ok(None);
    }
    let product = |id: &crate::model::ProductId| {
        let p = site.product(id.as_str());
        ProductDoc {
            id: id.0.clone(),
            name: p.map(|p| p.name.clone()).unwrap_or_default(),
            vendor: p.map(|p| p.vendor.clone()).unwrap_or_default(),
            family: p.and_then(|p| p.family.clone()),
            version: p.and_then(|p| p.version.clone()),
            cpe: p.and_then(|p| p.cpe.clone()),
            purl: p.and_then(|p| p.purl.clone()),
            package: p.and_then(|p| p.package.clone()),
        }
    };
    let doc = AdvisoryDoc {
        api_version: VERSION,
        id: a.id.0.clone(),
        kind: a.kind,
        status: a.status,
        source_language: a.source_language.as_str().to_string(),
        published: timestamp(a.published),
        updated: timestamp(a.updated),
        version: a.version.clone(),
        revisions: a
            .revisions
            .iter()
            .map(|r| RevisionDoc {
                number: r.number.clone(),
                date: timestamp(r.date),
            })
            .collect(),
        security_vulnerability: a.security_vulnerability,
        severity: crate::vuln::severity(a),
        cves: cves(a),
        kbs: a.kbs.clone(),
        bulletins: a.bulletins.clone(),
        aliases: a.aliases.clone(),
        related: a.related.clone(),
        withdrawn: a.withdrawn.as_ref().map(|w| timestamp(w.date)),
        vulnerabilities: (a.vulnerabilities.iter().zip(crate::vuln::scores(a)))
            .map(|(v, computed_scores)| VulnerabilityDoc {
                facts: v.clone(),
                computed_scores,
                weaknesses: (v.cwes.iter())
                    .map(|id| Weakness {
                        id: id.clone(),
                        name: crate::cwe::name(id).unwrap_or_default().to_string(),
                    })
                    .collect(),
            })
            .collect(),
        affected_products: a.products.affected.iter().map(product).collect(),
        not_affected_products: a.products.not_affected.iter().map(product).collect(),
        other_products: other_products(a).into_iter().map(product).collect(),
        remediations: a.remediations.clone(),
        references: a.references.clone(),
        acknowledgments: a.acknowledgments.clone(),
        urls: urls(site, a, texts),
        texts: texts
            .iter()
            .map(|(l, t)| (l.to_string(), text_doc(a, t, memo)))
            .collect(),
        content_digest: content_digest(a),
    };
    Ok(Some((api_path(a), json(&doc)?)))
}

/// [`Index`] as it is written: each entry made now or kept from the previous index.
#[derive(Serialize)]
struct IndexFile<'p> {
    api_version: &'static str,
    site: String,
    advisories: Vec<Listed<'p, IndexEntry>>,
}

/// The entries of an API index that seckb wrote, by advisory id, as the exact text they
/// have in it; empty when `bytes` is not such an index.
fn index_entries(bytes: &[u8]) -> rustc_hash::FxHashMap<&str, &RawValue> {
    #[derive(serde::Deserialize)]
    struct Entries<'a> {
        #[serde(borrow)]
        advisories: Vec<&'a RawValue>,
    }
    match serde_json::from_slice::<Entries>(bytes) {
        Ok(index) => super::entries_by_id(index.advisories),
        Err(_) => Default::default(),
    }
}

/// The entry of advisory `i` (an index into the site's) in the API index.
pub fn index_entry(site: &Site, i: usize) -> IndexEntry {
    let (a, texts) = &site.advisories[i];
    entry(site, a, texts)
}

/// The API index and its schemas as a unit, keyed by its entries (through their digests:
/// an edit that changes no entry, a revision note, say, does not make it again). When it is
/// made again (a title edit) the entries of advisories reused from the previous build are
/// taken as they are from the previous index: at 10,000 advisories it is 13 MB, and making
/// and serialising every entry was most of the API's part of such a rebuild. The documents
/// of the advisories are not made here but with their pages ([`document`]), which show the
/// same texts.
pub fn index<'a>(site: &'a Site<'a>) -> Spliced<'a, IndexEntry> {
    let index_path = format!("api/{VERSION}/index.json");
    Spliced {
        id: UnitId::ApiIndex,
        // Drafts are not meant for consumers.
        members: (0..site.advisories.len())
            .filter(|&i| site.advisories[i].0.status != Status::Draft)
            .map(|i| (i, ""))
            .collect(),
        file: index_path.clone(),
        entries: index_entries,
        entry_id: Box::new(|i, _| site.advisories[i].0.id.as_str().into()),
        render: Box::new(move |advisories, size| {
            let index = IndexFile {
                api_version: VERSION,
                site: site.settings.base_url.clone(),
                advisories: advisories.iter().map(|(entry, _)| *entry).collect(),
            };
            Ok(vec![
                (index_path.clone(), json_sized(&index, size)?),
                (
                    format!("api/{VERSION}/schema/index.schema.json"),
                    json(&schemars::schema_for!(Index))?,
                ),
                (
                    format!("api/{VERSION}/schema/advisory.schema.json"),
                    json(&schemars::schema_for!(AdvisoryDoc))?,
                ),
            ])
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_of(id: &str, title: &str) -> IndexEntry {
        IndexEntry {
            id: id.to_string(),
            kind: Kind::Advisory,
            status: Status::Final,
            published: "2024-01-02T00:00:00Z".into(),
            updated: "2024-03-01T00:00:00Z".into(),
            version: "1.1".into(),
            security_vulnerability: true,
            severity: Some(Severity::Important),
            products: vec!["widget-server".into()],
            cves: vec!["CVE-2024-0001".into()],
            aliases: vec![],
            withdrawn: None,
            kbs: vec![],
            bulletins: vec![],
            titles: BTreeMap::from([
                ("en-US".into(), title.to_string()),
                ("nl-NL".into(), format!("{title} \"nl\" <b>ünï</b>")),
            ]),
            urls: Urls {
                pages: BTreeMap::from([("en-US".into(), format!("https://x/en-US/{id}/"))]),
                json: format!("https://x/api/v1/advisories/{id}.json"),
                csaf: BTreeMap::new(),
                osv: format!("https://x/osv/{id}.json"),
            },
        }
    }

    /// An index written with some entries kept from the previous index is, byte for byte,
    /// the index made afresh (the schema's [`Index`]): kept entries keep their indentation
    /// and escapes.
    #[test]
    fn kept_index_entries_give_the_index_made_afresh() {
        let ids = ["ADV-1", "ADV-2", "ADV-3"];
        let fresh = json(&Index {
            api_version: VERSION,
            site: "https://x/".into(),
            advisories: ids.iter().map(|id| entry_of(id, "Title")).collect(),
        })
        .unwrap();
        let previous = index_entries(&fresh);
        assert_eq!(previous.len(), 3);
        assert!(previous["ADV-2"].get().contains(r#"\"nl\""#));

        // The first and last kept, the middle one made again.
        let made = entry_of("ADV-2", "Title");
        let advisories = vec![
            Listed::Kept(previous["ADV-1"]),
            Listed::Made(&made),
            Listed::Kept(previous["ADV-3"]),
        ];
        let again = json(&IndexFile {
            api_version: VERSION,
            site: "https://x/".into(),
            advisories,
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(fresh).unwrap()
        );

        // Anything else is no index: nothing is kept.
        assert!(index_entries(b"{\"advisories\": 3}").is_empty());
        assert!(index_entries(b"not json").is_empty());
    }
}
