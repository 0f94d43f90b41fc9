//! Reading CSAF vulnerabilities into the advisory's `vulnerabilities` (see
//! `feeds::csaf::vulns` for what seckb writes): CVE, ids, CWEs, the CVSS v3 vector, the
//! status of each product with its VEX justification, exploitation, acknowledgments and the
//! text in the document's language.
//!
//! seckb's export writes the CVEs an advisory lists without vulnerabilities of its own as
//! vulnerabilities without a title; those are read as the advisory's CVEs, as before
//! vulnerabilities were data (see `Reader::product_status`). Every other vulnerability,
//! of seckb or anyone else, is read here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Note, Reader, Tree, category_title, escape_markdown};
use crate::csaf::model::Vulnerability as CsafVulnerability;
use crate::model::{
    Exploited, Faq, Justification, NotAffected, ProductId, ProductStatus, Rating, Scores,
    Vulnerability, VulnerabilityText,
};

/// The vulnerabilities read, with their products as names (given catalog ids when the
/// advisory is written), their text, and the affected products of each (a remediation for
/// exactly those is one without products of its own).
#[derive(Default)]
pub(super) struct Read {
    pub vulnerabilities: Vec<Vulnerability>,
    pub texts: BTreeMap<String, VulnerabilityText>,
    /// By index among the document's vulnerabilities: the id given, for those read here.
    pub ids: Vec<Option<String>>,
    /// By id: the names of the products known to be affected.
    pub affected: BTreeMap<String, Vec<String>>,
}

impl<'d> Reader<'d> {
    /// Whether seckb wrote `v` for a CVE the advisory lists (it has no title).
    fn is_legacy(&self, v: &CsafVulnerability) -> bool {
        self.seckb && v.title.is_none()
    }

    /// The vulnerabilities seckb wrote for the CVEs the advisory lists.
    pub(super) fn legacy(&self) -> Vec<&'d CsafVulnerability> {
        let vulnerabilities: &'d [CsafVulnerability] = self.vulnerabilities;
        vulnerabilities
            .iter()
            .filter(|v| self.is_legacy(v))
            .collect()
    }

    /// Reads every vulnerability that is not one of [`Reader::legacy`].
    pub(super) fn structured(&mut self, tree: &Tree) -> Read {
        let mut read = Read::default();
        let mut unknown = BTreeSet::new();
        let vulnerabilities: &'d [CsafVulnerability] = self.vulnerabilities;
        for (i, v) in vulnerabilities.iter().enumerate() {
            if self.is_legacy(v) {
                read.ids.push(None);
                continue;
            }
            let id = vulnerability_id(v, i, &read.vulnerabilities);
            let (vulnerability, text) = self.vulnerability(tree, v, &id, &mut unknown);
            read.affected.insert(
                id.clone(),
                (vulnerability.products.known_affected.iter())
                    .map(|p| p.0.clone())
                    .collect(),
            );
            read.texts.insert(id.clone(), text);
            read.vulnerabilities.push(vulnerability);
            read.ids.push(Some(id));
        }
        if !unknown.is_empty() {
            self.notes.push(Note::warning(
                "unknown-product",
                format!(
                    "product ids {} of vulnerabilities are not in the product tree and were left out",
                    unknown.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        read
    }

    fn vulnerability(
        &mut self,
        tree: &Tree,
        v: &CsafVulnerability,
        id: &str,
        unknown: &mut BTreeSet<String>,
    ) -> (Vulnerability, VulnerabilityText) {
        let what = v.cve.clone().unwrap_or_else(|| id.to_string());
        let mut name_of = |pid: &String| match tree.name_of(pid) {
            Some(n) => Some(ProductId(n)),
            None => {
                unknown.insert(pid.clone());
                None
            }
        };

        // Justifications by product id, from the flags.
        let mut justification: BTreeMap<&str, Justification> = BTreeMap::new();
        for f in &v.flags {
            let Ok(j) = serde_json::from_value::<Justification>(Value::from(f.label.as_str()))
            else {
                self.notes.push(Note::warning(
                    "not-kept",
                    format!("{what}: the flag `{}` is no VEX justification", f.label),
                ));
                continue;
            };
            let groups = (f.group_ids.iter())
                .filter_map(|g| tree.groups.get(g.as_str()))
                .flat_map(|ids| ids.iter());
            for pid in f.product_ids.iter().chain(groups) {
                justification.insert(pid, j);
            }
        }

        let mut products = ProductStatus::default();
        for (status, pids) in &v.product_status {
            let list = match status.as_str() {
                "known_affected" | "first_affected" | "last_affected" => {
                    &mut products.known_affected
                }
                "fixed" => &mut products.fixed,
                "first_fixed" => &mut products.first_fixed,
                "recommended" => &mut products.recommended,
                "under_investigation" => &mut products.under_investigation,
                "known_not_affected" => {
                    for pid in pids {
                        if let Some(product) = name_of(pid)
                            && !products
                                .known_not_affected
                                .iter()
                                .any(|n| n.product == product)
                        {
                            products.known_not_affected.push(NotAffected {
                                product,
                                justification: justification.get(pid.as_str()).copied(),
                            });
                        }
                    }
                    continue;
                }
                other => {
                    self.notes.push(Note::warning(
                        "not-kept",
                        format!("{what}: the product status `{other}` is not one seckb knows"),
                    ));
                    continue;
                }
            };
            for pid in pids {
                if let Some(p) = name_of(pid)
                    && !list.contains(&p)
                {
                    list.push(p);
                }
            }
        }

        let mut text = VulnerabilityText {
            title: v.title.clone().unwrap_or_else(|| what.clone()),
            ..VulnerabilityText::default()
        };
        let mut cwes: Vec<String> = v.cwe.iter().map(|c| c.id.clone()).collect();
        let mut extra: Vec<String> = Vec::new();
        let ui = &self.site_text.ui;
        for n in &v.notes {
            let title = n.title.as_deref().filter(|t| !t.trim().is_empty());
            let body = escape_markdown(&n.text);
            match (n.category.as_str(), title) {
                ("description", None) if text.description.is_empty() => text.description = body,
                ("details", None) if text.impact.is_none() => text.impact = Some(body),
                ("general", Some(t))
                    if t == ui.remediation_mitigation && text.mitigating_factors.is_none() =>
                {
                    text.mitigating_factors = Some(body)
                }
                ("general", Some(t))
                    if t == ui.remediation_workaround && text.workarounds.is_none() =>
                {
                    text.workarounds = Some(body)
                }
                ("faq", Some(q)) => text.faq.push(Faq {
                    question: q.to_string(),
                    answer: body,
                    symptom: None,
                }),
                ("other", Some(t)) if t == ui.weakness => {
                    let listed = n.text.lines().filter_map(|l| l.split(':').next());
                    cwes.extend(listed.map(|c| c.trim().to_string()));
                }
                ("description" | "summary", _) if text.description.is_empty() => {
                    text.description = body
                }
                (category, title) => {
                    let heading = title.map_or_else(|| category_title(category), str::to_string);
                    extra.push(format!("{}\n\n{body}", escape_markdown(&heading)));
                }
            }
        }
        // Notes with no place of their own follow the description, under their titles.
        if !extra.is_empty() {
            let mut parts: Vec<String> = Vec::new();
            if !text.description.is_empty() {
                parts.push(std::mem::take(&mut text.description));
            }
            parts.extend(extra);
            text.description = parts.join("\n\n");
        }

        // The CVSS v3 vector; CSAF gives a score per set of products, seckb one per
        // vulnerability.
        let vectors: Vec<&str> = (v.scores.iter())
            .filter_map(|s| s.cvss_v3.as_ref()?.get("vectorString")?.as_str())
            .collect();
        let cvss_v3 = vectors.first().map(|s| s.to_string());
        if vectors.iter().any(|x| Some(*x) != cvss_v3.as_deref()) {
            self.notes.push(Note::warning(
                "not-kept",
                format!("{what}: the products have different CVSS v3 scores; only the first, `{}`, was kept", vectors[0]),
            ));
        }
        if v.scores.iter().any(|s| s.cvss_v2.is_some()) {
            self.notes.push(Note::warning(
                "not-kept",
                format!("{what}: CVSS v2 scores have no place in seckb"),
            ));
        }

        let mut exploited = None;
        let mut ratings: Vec<Rating> = Vec::new();
        for t in &v.threats {
            let since = (t.category == "exploit_status")
                .then(|| t.date.as_deref().and_then(super::date_of))
                .flatten();
            // A vendor's rating for some products: an impact threat whose details are a
            // severity, as seckb and Microsoft write them.
            let rating = (t.category == "impact" && !t.product_ids.is_empty())
                .then(|| self.severity_of(&t.details))
                .flatten();
            match (since, rating) {
                (Some((since, _)), _) if exploited.is_none() => {
                    exploited = Some(Exploited { since })
                }
                (_, Some(severity)) => {
                    let products: Vec<ProductId> =
                        t.product_ids.iter().filter_map(&mut name_of).collect();
                    match ratings.iter_mut().find(|r| r.severity == severity) {
                        Some(r) => r.products.extend(products),
                        None => ratings.push(Rating { severity, products }),
                    }
                }
                _ => self.notes.push(Note::warning(
                    "not-kept",
                    format!(
                        "{what}: the threat `{}` has no place in seckb (only when it was first exploited, and a severity rating per product)",
                        t.category
                    ),
                )),
            }
        }

        // Ids name files and URLs of other databases (OSV aliases); free text is no id.
        let (ids, not_ids): (Vec<String>, Vec<String>) = (v.ids.iter())
            .map(|x| x.text.trim().to_string())
            .partition(|t| crate::validate::ids::name_problem(t).is_none());
        if !not_ids.is_empty() {
            self.notes.push(Note::warning(
                "not-kept",
                format!(
                    "{what}: {} cannot be ids in seckb (letters, digits, `.`, `_` and `-`)",
                    not_ids
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let acknowledgments = self.acknowledgments_of(v.acknowledgments.iter().collect());
        let vulnerability = Vulnerability {
            id: id.to_string(),
            cve: v.cve.as_ref().map(|c| c.trim().to_string()),
            ids,
            cwes,
            scores: Scores {
                cvss_v3,
                cvss_v4: None,
            },
            products,
            affected: Vec::new(),
            ratings,
            exploited,
            acknowledgments,
        };
        (vulnerability, text)
    }
}

/// An id for the vulnerability at `index`, unique among `taken`: its CVE, else its first
/// id, in lower case with other characters as `-`; else `v<n>`.
fn vulnerability_id(v: &CsafVulnerability, index: usize, taken: &[Vulnerability]) -> String {
    let slug = |s: &str| -> String {
        let s: String = (s.trim().chars())
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        s.trim_matches('-').chars().take(56).collect()
    };
    let base = (v.cve.as_deref().map(slug))
        .or_else(|| v.ids.first().map(|x| slug(&x.text)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("v{}", index + 1));
    let mut id = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}
