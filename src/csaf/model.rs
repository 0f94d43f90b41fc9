//! The CSAF 2.0 document as seckb writes it (`feeds::csaf`) and reads it (`import::csaf`):
//! one set of types for both directions, so that what is read back is what was written.
//!
//! Writing: fields are declared in alphabetical order, so keys come out sorted (CSAF
//! optional test 6.2.13); what the export leaves out is skipped, never written as `null` or
//! `[]`, except where the export has always written an empty list or object (`notes`,
//! `references`, `product_status`, a remediation's `product_ids`).
//!
//! Reading: unknown fields are allowed (CSAF has many that seckb cannot hold; the import
//! names the ones that matter in warnings), and anything a document may leave out is a
//! default. Fields only the export uses (its publisher's namespace, the TLP URL, the engine
//! version, a threat's products) are `skip_deserializing`: the import has never looked at
//! them, and reading them would turn a stray value there into an error for the whole file.

//! Some types keep the name they had in the import in their errors (`expected struct
//! CsafNote`), which the import reports as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Csaf {
    pub document: Document,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_tree: Option<ProductTree>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<Vulnerability>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgments: Vec<Acknowledgment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate_severity: Option<AggregateSeverity>,
    pub category: String,
    /// Checked before the document is read as a whole (only `2.0` is read).
    pub csaf_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub notes: Vec<Note>,
    pub publisher: Publisher,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_lang: Option<String>,
    pub title: String,
    pub tracking: Tracking,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(expecting = "struct Ack")]
pub struct Acknowledgment {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AggregateSeverity {
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Distribution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlp: Option<Tlp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tlp {
    pub label: String,
    #[serde(skip_deserializing)]
    pub url: &'static str,
}

/// A note. Its category stays text: the import keeps a note of a category CSAF does not
/// know as a section named after it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(expecting = "struct CsafNote")]
pub struct Note {
    pub category: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The CSAF publisher; also the `publisher` of `provider-metadata.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Publisher {
    #[serde(skip_deserializing)]
    pub category: &'static str,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub contact_details: Option<String>,
    pub name: String,
    #[serde(skip_deserializing)]
    pub namespace: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(expecting = "struct CsafReference")]
pub struct Reference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub summary: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tracking {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub current_release_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    pub id: String,
    pub initial_release_date: String,
    pub revision_history: Vec<Revision>,
    pub status: String,
    #[serde(skip_deserializing)]
    pub version: String,
}

/// The export writes the engine only: a generation date would make every build differ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Engine {
    pub name: String,
    #[serde(skip_deserializing)]
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(expecting = "struct CsafRevision")]
pub struct Revision {
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_version: Option<String>,
    pub number: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductTree {
    #[serde(default)]
    pub branches: Vec<Branch>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full_product_names: Vec<FullProductName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_groups: Vec<ProductGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relationships: Vec<Relationship>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Branch {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch>,
    pub category: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<FullProductName>,
}

/// A product. Its identification helper stays JSON: seckb writes only `x_generic_uris`
/// (the product's page in the catalog) and of any other document only counts the helpers
/// it cannot keep (CPE, PURL, hashes, ...), whatever their shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FullProductName {
    pub name: String,
    pub product_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_identification_helper: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductGroup {
    pub group_id: String,
    pub product_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relationship {
    pub full_product_name: FullProductName,
    pub product_reference: String,
}

/// A vulnerability. The fields seckb has no place for are gathered in `other`, so that the
/// import can name them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Vulnerability {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgments: Vec<Acknowledgment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cve: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe: Option<Cwe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<VulnerabilityId>,
    /// Never empty when written (CSAF requires a note, if any, and a status).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// By status (`known_affected`, `fixed`, ...): the export writes only the statuses it
    /// has products for, and a map keeps them in alphabetical order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub product_status: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediations: Vec<Remediation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<Threat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A weakness: its CWE id and name, as the CWE List has it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cwe {
    pub id: String,
    pub name: String,
}

/// A machine-readable flag; seckb writes one per VEX justification of the products known not
/// to be affected.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flag {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<String>,
    pub label: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_ids: Vec<String>,
}

/// An id of the vulnerability in another database (`GHSA-...`, `RUSTSEC-...`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VulnerabilityId {
    pub system_name: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(expecting = "struct CsafRemediation")]
pub struct Remediation {
    pub category: String,
    pub details: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<String>,
    #[serde(default)]
    pub product_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A CVSS score: the CVSS JSON object (written with the computed base score, read for its
/// vector) and the products it applies to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Score {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_v2: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_v3: Option<Value>,
    #[serde(default)]
    pub products: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Threat {
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub details: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_ids: Vec<String>,
}
