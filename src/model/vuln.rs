//! Vulnerabilities as data: what a scanner, a SIEM or a CSAF aggregator matches on. An
//! advisory lists its vulnerabilities in `advisory.yaml` (identifiers, weaknesses, CVSS
//! vectors, the status of each product, version ranges of package products); their prose is
//! in each `<lang>.yaml` under `vulnerabilities.<id>`, like the rest of the text.
//!
//! Scores are never typed by hand: a vector is given, and its base score and severity are
//! computed from it (`crate::vuln`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Acknowledgment, Date, Faq, Markdown, ProductId, Severity};

/// One vulnerability of an advisory.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vulnerability {
    /// Key of this vulnerability within the advisory, e.g. `cve-2024-1234` or `v1`; each
    /// language describes it under `vulnerabilities.<id>`.
    pub id: String,
    /// Its CVE id, e.g. `CVE-2024-1234`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cve: Option<String>,
    /// Its ids in other databases, e.g. `GHSA-xxxx-xxxx-xxxx`, `RUSTSEC-2021-0003`, `GO-2022-0001`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Weaknesses, as CWE ids, e.g. `CWE-79`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
    /// CVSS vectors; the base score and severity are computed from them.
    #[serde(default, skip_serializing_if = "Scores::is_empty")]
    pub scores: Scores,
    /// The status of each product, by catalog id.
    #[serde(default)]
    pub products: ProductStatus,
    /// Affected versions of package products (those with a `package` in the catalog), as
    /// ranges or lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    /// The vendor's severity rating per product, where it rates products one by one (as
    /// Microsoft's bulletins do); every product named must be known to be affected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<Rating>,
    /// Whether it is known to be exploited, and since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploited: Option<Exploited>,
    /// People and organisations credited for this vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgments: Vec<Acknowledgment>,
}

/// One severity rating of a vulnerability and the products it is given for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// `critical`, `important`, `moderate` or `low`.
    pub severity: Severity,
    /// Catalog ids of the products rated so.
    pub products: Vec<ProductId>,
}

/// CVSS vectors of a vulnerability.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    /// A CVSS v3.0 or v3.1 vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_v3: Option<String>,
    /// A CVSS v4.0 vector, e.g. `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_v4: Option<String>,
}

impl Scores {
    pub fn is_empty(&self) -> bool {
        self.cvss_v3.is_none() && self.cvss_v4.is_none()
    }
}

/// The status of products for one vulnerability, as CSAF `product_status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductStatus {
    /// Products known to be affected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_affected: Vec<ProductId>,
    /// Products (versions) in which it is fixed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<ProductId>,
    /// The first versions in which it is fixed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_fixed: Vec<ProductId>,
    /// The versions the vendor recommends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommended: Vec<ProductId>,
    /// Products still being investigated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub under_investigation: Vec<ProductId>,
    /// Products known not to be affected, each with why (a VEX justification).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_not_affected: Vec<NotAffected>,
}

impl ProductStatus {
    /// Every status with its products, in CSAF's order of the statuses; the products known
    /// not to be affected by id.
    pub fn all(&self) -> [(Status, Vec<&ProductId>); 6] {
        fn ids(v: &[ProductId]) -> Vec<&ProductId> {
            v.iter().collect()
        }
        [
            (Status::FirstFixed, ids(&self.first_fixed)),
            (Status::Fixed, ids(&self.fixed)),
            (Status::KnownAffected, ids(&self.known_affected)),
            (
                Status::KnownNotAffected,
                self.known_not_affected.iter().map(|n| &n.product).collect(),
            ),
            (Status::Recommended, ids(&self.recommended)),
            (Status::UnderInvestigation, ids(&self.under_investigation)),
        ]
    }

    /// Whether no product has a status.
    pub fn is_empty(&self) -> bool {
        self.all().iter().all(|(_, p)| p.is_empty())
    }
}

/// A product status, as CSAF names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    FirstFixed,
    Fixed,
    KnownAffected,
    KnownNotAffected,
    Recommended,
    UnderInvestigation,
}

impl Status {
    /// The name, as in YAML and CSAF.
    pub fn name(self) -> &'static str {
        match self {
            Status::FirstFixed => "first_fixed",
            Status::Fixed => "fixed",
            Status::KnownAffected => "known_affected",
            Status::KnownNotAffected => "known_not_affected",
            Status::Recommended => "recommended",
            Status::UnderInvestigation => "under_investigation",
        }
    }
}

/// A product known not to be affected.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotAffected {
    /// The catalog id of the product.
    pub product: ProductId,
    /// Why it is not affected (required: a VEX statement without one cannot be relied on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
}

/// Why a product is not affected, as the CSAF VEX flags name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeCannotBeControlledByAdversary,
    VulnerableCodeNotInExecutePath,
    InlineMitigationsAlreadyExist,
}

impl Justification {
    /// The name, as in YAML and CSAF.
    pub fn name(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }
}

/// The affected versions of one package product, as OSV `affected[]`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// The catalog id of the product; it must have a `package`.
    pub product: ProductId,
    /// Ranges of affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Affected versions, listed one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// The ecosystem's own data about the affected package, e.g. the Go packages and symbols
    /// that hold the vulnerable code (OSV `ecosystem_specific`), kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<serde_json::Map<String, serde_json::Value>>,
    /// The source database's own data about the affected package (OSV `database_specific`),
    /// kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A range of versions, as OSV `ranges[]`: events in order, each starting or ending a run
/// of affected versions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// How versions compare: `semver` (Semantic Versioning 2.0), `ecosystem` (the
    /// package ecosystem's own order) or `git` (commits of the repository `repo`).
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository whose commits a `git` range names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `introduced`, `fixed` and `last_affected` events, in version order.
    pub events: Vec<Event>,
    /// The source database's own data about the range (OSV `database_specific`), kept as
    /// given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Map<String, serde_json::Value>>,
}

/// How the versions of a range compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RangeKind {
    Semver,
    Ecosystem,
    Git,
}

/// One event of a range: in YAML and OSV a mapping with one key (`introduced: "1.0.0"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "EventFields", into = "EventFields")]
pub enum Event {
    /// The first affected version (`"0"`: all versions before a fix).
    Introduced(String),
    /// The first version no longer affected.
    Fixed(String),
    /// The last affected version, where no fix is known.
    LastAffected(String),
}

/// An event as written: exactly one of its fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventFields {
    /// The first affected version (`"0"`: all versions before a fix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// The first version no longer affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The last affected version, where no fix is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
}

impl TryFrom<EventFields> for Event {
    type Error = &'static str;

    fn try_from(f: EventFields) -> Result<Event, Self::Error> {
        match (f.introduced, f.fixed, f.last_affected) {
            (Some(v), None, None) => Ok(Event::Introduced(v)),
            (None, Some(v), None) => Ok(Event::Fixed(v)),
            (None, None, Some(v)) => Ok(Event::LastAffected(v)),
            _ => Err("an event has exactly one of `introduced`, `fixed` and `last_affected`"),
        }
    }
}

impl From<Event> for EventFields {
    fn from(e: Event) -> EventFields {
        match e {
            Event::Introduced(v) => EventFields {
                introduced: Some(v),
                ..EventFields::default()
            },
            Event::Fixed(v) => EventFields {
                fixed: Some(v),
                ..EventFields::default()
            },
            Event::LastAffected(v) => EventFields {
                last_affected: Some(v),
                ..EventFields::default()
            },
        }
    }
}

impl Event {
    /// The version it names.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) => v,
        }
    }

    /// The name, as in YAML and OSV.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
        }
    }
}

/// That a vulnerability is known to be exploited.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exploited {
    /// Since when it is known to be exploited.
    pub since: Date,
}

/// A withdrawn advisory: kept on the site and in the feeds, marked withdrawn.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawn {
    /// When it was withdrawn; must be a revision's date.
    pub date: Date,
}

/// The prose of one vulnerability in one language: `vulnerabilities.<id>` in `<lang>.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityText {
    /// A title, e.g. `Heap overflow in the URL parser`.
    pub title: String,
    /// What the vulnerability is (markdown).
    pub description: Markdown,
    /// What an attacker can do with it (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Markdown>,
    /// What limits it (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigating_factors: Option<Markdown>,
    /// What to do until a fix is installed (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workarounds: Option<Markdown>,
    /// Questions and answers about it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faq: Vec<Faq>,
}
