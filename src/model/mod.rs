//! The advisory data model: plain serde types for every file seckb reads, with no IO.
//!
//! Language-neutral facts live in `advisory.yaml` ([`Advisory`]), prose per language in
//! `<lang>.yaml` ([`AdvisoryText`]), products in `products.yaml` ([`Catalog`]), site facts in
//! `seckb.yaml` ([`Settings`]) and site-wide text per language in `i18n/<lang>.yaml`
//! ([`SiteText`]). Every struct denies unknown fields so a typo is an error, not lost data.

mod date;
mod site;
mod vuln;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use date::Date;
pub use site::{
    Catalog, Package, Product, Publisher, PublisherCategory, Settings, SiteText, Translator,
    UiStrings, compare_versions,
};
pub use vuln::{
    Affected, Event, Exploited, Justification, NotAffected, ProductStatus, Range, RangeKind,
    Rating, Scores, Status as ProductStatusKind, Vulnerability, VulnerabilityText, Withdrawn,
};

/// Markdown text (CommonMark with tables). Raw HTML in it is sanitized when rendered.
pub type Markdown = String;

/// An advisory id such as `954474` or `ADV-2024-0001`; it becomes part of every URL.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct AdvisoryId(pub String);

/// A BCP 47 language tag such as `nl-NL`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct LangTag(pub String);

/// A product id from the product catalog, such as `sccm-2007`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct ProductId(pub String);

macro_rules! str_newtype {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl $t {
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    )*};
}
str_newtype!(AdvisoryId, LangTag, ProductId);

/// What kind of document an advisory is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A security advisory: guidance that may or may not concern a vulnerability.
    Advisory,
    /// A security bulletin: announces fixes for vulnerabilities.
    Bulletin,
}

/// The publication status, as in CSAF `document.tracking.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not yet published; built but marked as a draft.
    Draft,
    /// Published, but expected to change.
    Interim,
    /// Published and complete.
    Final,
}

/// Severity rating, where the advisory concerns a vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Critical.
    Critical,
    /// Important.
    Important,
    /// Moderate.
    Moderate,
    /// Low.
    Low,
}

/// The language-neutral facts of one advisory: `advisories/<id>/advisory.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// The advisory id; must equal the folder name.
    pub id: AdvisoryId,
    /// `advisory` or `bulletin`.
    pub kind: Kind,
    /// The language the advisory is written in first; its text must be complete.
    pub source_language: LangTag,
    /// `draft`, `interim` or `final`.
    pub status: Status,
    /// Date of first publication; must equal the first revision's date.
    pub published: Date,
    /// Date of the latest revision; must equal the last revision's date.
    pub updated: Date,
    /// The current version; must equal the last revision's number.
    pub version: String,
    /// Revision history, oldest first.
    pub revisions: Vec<Revision>,
    /// Whether the advisory concerns a security vulnerability at all.
    pub security_vulnerability: bool,
    /// Severity, where the advisory concerns a vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// CVE ids such as `CVE-2008-1234`. Those of `vulnerabilities` need not be repeated
    /// here: the advisory's CVEs are both.
    #[serde(default)]
    pub cves: Vec<String>,
    /// Other ids of this advisory in other databases (`GHSA-...`, `RUSTSEC-...`), as OSV
    /// `aliases`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of closely related advisories in other databases, as OSV `related`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Set when the advisory is another database's entry republished (`seckb import osv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Set when the advisory was withdrawn; it stays published, marked withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawn>,
    /// The vulnerabilities it concerns, with scores, weaknesses and product status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<Vulnerability>,
    /// Knowledge Base article numbers such as `954474`.
    #[serde(default)]
    pub kbs: Vec<String>,
    /// Related security bulletins such as `MS08-037`.
    #[serde(default)]
    pub bulletins: Vec<String>,
    /// Affected and explicitly not affected products, by catalog id.
    pub products: Products,
    /// Remediation entries; their text is in each language's `remediations`.
    #[serde(default)]
    pub remediations: Vec<Remediation>,
    /// References; their labels are in each language's `links`.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// People and organisations credited.
    #[serde(default)]
    pub acknowledgments: Vec<Acknowledgment>,
}

/// One entry of the revision history.
impl Advisory {
    /// The products it affects: those it names affected, then those its vulnerabilities
    /// name known to be affected, once each. A product's page and feed list the advisories
    /// that affect it.
    pub fn affected_products(&self) -> Vec<&ProductId> {
        let mut out: Vec<&ProductId> = Vec::new();
        let of_vulns = self
            .vulnerabilities
            .iter()
            .flat_map(|v| &v.products.known_affected);
        for p in self.products.affected.iter().chain(of_vulns) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// Revision number such as `1.0`; numbers must increase.
    pub number: String,
    /// Date of the revision; dates must not decrease.
    pub date: Date,
}

/// Products an advisory concerns.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Products {
    /// Catalog ids of affected products.
    pub affected: Vec<ProductId>,
    /// Catalog ids of products known not to be affected.
    #[serde(default)]
    pub not_affected: Vec<ProductId>,
}

/// The kind of a remediation, as in CSAF `remediations[].category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemediationKind {
    /// An update or fix from the vendor.
    VendorFix,
    /// A workaround.
    Workaround,
    /// A mitigation.
    Mitigation,
    /// No fix is available (yet).
    NoneAvailable,
    /// No fix is planned: the vendor will not fix it (e.g. the product is out of support).
    NoFixPlanned,
}

/// A remediation entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// Key of this entry; each language describes it under `remediations.<id>`.
    pub id: String,
    /// `vendor_fix`, `workaround`, `mitigation`, `none_available` or `no_fix_planned`.
    pub kind: RemediationKind,
    /// Knowledge Base article of the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb: Option<String>,
    /// Where to get the fix (http, https or mailto).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "normalized_url_opt"
    )]
    pub url: Option<String>,
    /// Products it applies to; all affected products when empty.
    #[serde(default)]
    pub products: Vec<ProductId>,
    /// The vulnerabilities (by id) it remedies; all of them when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<String>,
}

/// The kind of a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// A Knowledge Base article.
    KbArticle,
    /// A blog post.
    Blog,
    /// Another advisory or bulletin.
    Advisory,
    /// Any other page.
    External,
    /// An article or blog post (OSV `ARTICLE`).
    Article,
    /// A tool, script or rule that detects the vulnerability (OSV `DETECTION`).
    Detection,
    /// A discussion of it: a mailing list thread, a forum (OSV `DISCUSSION`).
    Discussion,
    /// Its report: an issue, a bug tracker entry (OSV `REPORT`).
    Report,
    /// The change that fixes it: a commit, a patch, a pull request (OSV `FIX`).
    Fix,
    /// The change that introduced it (OSV `INTRODUCED`).
    Introduced,
    /// A git repository (OSV `GIT`).
    Git,
    /// The package's home page (OSV `PACKAGE`).
    Package,
    /// Evidence that it is exploited or exploitable (OSV `EVIDENCE`).
    Evidence,
}

impl ReferenceKind {
    /// Every kind, with its name as in YAML and its OSV reference type.
    pub const ALL: [(ReferenceKind, &'static str, &'static str); 13] = [
        (ReferenceKind::KbArticle, "kb_article", "ARTICLE"),
        (ReferenceKind::Blog, "blog", "ARTICLE"),
        (ReferenceKind::Advisory, "advisory", "ADVISORY"),
        (ReferenceKind::External, "external", "WEB"),
        (ReferenceKind::Article, "article", "ARTICLE"),
        (ReferenceKind::Detection, "detection", "DETECTION"),
        (ReferenceKind::Discussion, "discussion", "DISCUSSION"),
        (ReferenceKind::Report, "report", "REPORT"),
        (ReferenceKind::Fix, "fix", "FIX"),
        (ReferenceKind::Introduced, "introduced", "INTRODUCED"),
        (ReferenceKind::Git, "git", "GIT"),
        (ReferenceKind::Package, "package", "PACKAGE"),
        (ReferenceKind::Evidence, "evidence", "EVIDENCE"),
    ];

    /// The OSV reference type (`WEB` for any other page).
    pub fn osv_type(self) -> &'static str {
        (Self::ALL.iter())
            .find(|(k, _, _)| *k == self)
            .map_or("WEB", |(_, _, t)| t)
    }

    /// The kind of an OSV reference type; the first kind of `ARTICLE` is a plain article.
    pub fn from_osv(t: &str) -> Option<ReferenceKind> {
        match t {
            "ARTICLE" => Some(ReferenceKind::Article),
            _ => (Self::ALL.iter())
                .find(|(_, _, osv)| *osv == t)
                .map(|(k, _, _)| *k),
        }
    }
}

/// A reference to another document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Key of this reference; each language labels it under `links.<id>`.
    pub id: String,
    /// The address (http, https or mailto).
    #[serde(deserialize_with = "normalized_url")]
    pub url: String,
    /// `kb_article`, `blog`, `advisory`, `external`, or one of OSV's reference types in
    /// lower case: `article`, `detection`, `discussion`, `report`, `fix`, `introduced`, `git`,
    /// `package`, `evidence`.
    pub kind: ReferenceKind,
}

/// A credit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgment {
    /// Name of the person or team.
    pub name: String,
    /// Their organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// A page about them (http, https or mailto).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "normalized_url_opt"
    )]
    pub url: Option<String>,
    /// What they did, as OSV's credit types name it in lower case: `finder`, `reporter`,
    /// `analyst`, `coordinator`, `remediation_developer`, `remediation_reviewer`,
    /// `remediation_verifier`, `tool`, `sponsor` or `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<CreditRole>,
    /// How to reach them (addresses, pages, handles), as the source gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<String>,
}

/// What a credited person or organisation did, as OSV `credits[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditRole {
    Finder,
    Reporter,
    Analyst,
    Coordinator,
    RemediationDeveloper,
    RemediationReviewer,
    RemediationVerifier,
    Tool,
    Sponsor,
    Other,
}

/// Where an advisory comes from, when it is another database's entry republished: its id
/// there, which the OSV export keeps, and the data that database gave it for itself.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The entry's id in its database, e.g. `GO-2021-0347`.
    pub id: String,
    /// The entry's `modified` timestamp, where it is no revision of the advisory (Go's export
    /// gives `0001-01-01T00:00:00Z` to some entries, before their publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Date>,
    /// The database's own data about the entry (OSV `database_specific`), kept as it was
    /// and exported again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The prose of one advisory in one language: `advisories/<id>/<lang>.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryText {
    /// The revision number this text is up to date with; older than the latest revision
    /// makes it an outdated translation.
    pub revision: String,
    /// Title, e.g. `Microsoft Security Advisory 954474`.
    pub title: String,
    /// Subtitle: one line saying what the advisory is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Opening summary (markdown).
    pub summary: Markdown,
    /// Overview: purpose, status and recommendation.
    #[serde(default)]
    pub overview: Overview,
    /// Frequently asked questions.
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// Symptoms: what an affected administrator sees.
    #[serde(default)]
    pub symptoms: Vec<Symptom>,
    /// Suggested actions.
    #[serde(default)]
    pub suggested_actions: Vec<Action>,
    /// Text of each remediation entry, by its id.
    #[serde(default, deserialize_with = "unique_keys")]
    pub remediations: BTreeMap<String, Markdown>,
    /// Description of each revision, by revision number.
    #[serde(default, deserialize_with = "unique_keys")]
    pub revisions: BTreeMap<String, String>,
    /// Label of each reference, by reference id.
    #[serde(default, deserialize_with = "unique_keys")]
    pub links: BTreeMap<String, String>,
    /// Further sections, in order: text that fits no field above (kept by `import`).
    #[serde(default)]
    pub sections: Vec<Section>,
    /// The text of each vulnerability, by its id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub vulnerabilities: BTreeMap<String, VulnerabilityText>,
    /// Why the advisory was withdrawn, where it was (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Markdown>,
}

/// A titled section of markdown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The heading.
    pub title: String,
    /// The text (markdown).
    pub body: Markdown,
}

/// The overview section.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// Purpose of the advisory (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Markdown>,
    /// Status of the advisory (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Markdown>,
    /// Recommendation (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Markdown>,
}

/// A question and its answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    /// The question (plain text).
    pub question: String,
    /// The answer (markdown).
    pub answer: Markdown,
    /// Index (from 0) of a symptom whose log lines illustrate this answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom: Option<usize>,
}

/// A symptom: a description plus verbatim log lines and error codes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    /// What is seen (markdown).
    pub description: Markdown,
    /// The log file the lines come from, e.g. `Wsyncmgr.log`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_file: Option<String>,
    /// Log lines, verbatim; shown as code.
    #[serde(default)]
    pub log_lines: Vec<String>,
    /// Error codes such as `0x80004005`.
    #[serde(default)]
    pub error_codes: Vec<String>,
}

/// A suggested action.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What to do, in a line.
    pub title: String,
    /// Details (markdown).
    pub body: Markdown,
}

/// `url` as the `url` crate writes it (`HTTPS://Example.org/a b` as
/// `https://example.org/a%20b`), so that CSAF, OSV and every page carry a valid URI; text
/// that does not parse, or holds what the parser would silently drop or encode (spaces,
/// control characters), is kept as written for validation to report.
pub fn normalize_url(url: &str) -> String {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return url.to_string();
    }
    match url::Url::parse(url) {
        Ok(u) => u.into(),
        Err(_) => url.to_string(),
    }
}

/// Deserializes a URL field, normalized ([`normalize_url`]).
fn normalized_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(|u| normalize_url(&u))
}

/// [`normalized_url`] of an optional field.
fn normalized_url_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d).map(|u| u.map(|u| normalize_url(&u)))
}

/// Deserializes a map, refusing a key that appears twice (YAML parsers keep the last one
/// silently; structs already refuse a duplicate field).
fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate key `{k}`"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}
