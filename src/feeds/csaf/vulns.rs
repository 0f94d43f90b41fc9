//! The vulnerabilities an advisory lists (`vulnerabilities:` in `advisory.yaml`) as CSAF
//! vulnerabilities, one each: CVE, the first CWE (CSAF 2.0 has room for one; the others are a
//! note), other ids, the product status, a VEX flag per justification, the CVSS v3 score
//! with the products it is for, the remediations that apply, the exploitation as a threat,
//! and the text of the document's language as title and notes.
//!
//! What the import reads back (`import::csaf`) is what is written here: each note has a
//! category and title of its own, and a remediation without products of its own is for the
//! vulnerability's affected products. CVSS v4.0 has no place in CSAF 2.0 (it has in 2.1):
//! the v4.0 vector is on the pages, in the JSON API and in OSV.

use std::collections::BTreeMap;

use super::{Parts, acknowledgments, push_note, remediation};
use crate::csaf::model::{Cwe, Flag, Remediation, Score, Threat, Vulnerability, VulnerabilityId};
use crate::csaf::{cvss_v3_json, id_system, plain};
use crate::feeds::timestamp;
use crate::model::{self, ProductId};

/// Each vulnerability of the advisory as a CSAF vulnerability.
pub(super) fn vulnerabilities(p: &Parts) -> Vec<Vulnerability> {
    p.a.vulnerabilities
        .iter()
        .map(|v| vulnerability(p, v))
        .collect()
}

fn ids(ps: &[&ProductId]) -> Vec<String> {
    ps.iter().map(|p| p.0.clone()).collect()
}

fn vulnerability(p: &Parts, v: &model::Vulnerability) -> Vulnerability {
    let ui = p.ui();
    // This language's text, else the source language's; its title and description too,
    // where a translation leaves them empty (CSAF requires both to have text).
    let src = p.src.vulnerabilities.get(&v.id);
    let text = (p.text.vulnerabilities.get(&v.id)).or(src).map(|t| {
        let mut t = t.clone();
        if let Some(src) = src {
            if t.title.trim().is_empty() {
                t.title = src.title.clone();
            }
            if t.description.trim().is_empty() {
                t.description = src.description.clone();
            }
        }
        t
    });
    let text = text.as_ref();
    let statuses = v.products.all();
    let affected: Vec<String> = statuses
        .iter()
        .find(|(s, _)| *s == model::ProductStatusKind::KnownAffected)
        .map(|(_, ps)| ids(ps))
        .unwrap_or_default();
    let product_status: BTreeMap<String, Vec<String>> = statuses
        .iter()
        .filter(|(_, ps)| !ps.is_empty())
        .map(|(s, ps)| (s.name().to_string(), ids(ps)))
        .collect();

    // One flag per justification, in the order the products are listed.
    let mut flags: Vec<Flag> = Vec::new();
    for n in &v.products.known_not_affected {
        let Some(j) = n.justification else { continue };
        match flags.iter_mut().find(|f| f.label == j.name()) {
            Some(f) => f.product_ids.push(n.product.0.clone()),
            None => flags.push(Flag {
                group_ids: Vec::new(),
                label: j.name().to_string(),
                product_ids: vec![n.product.0.clone()],
            }),
        }
    }

    // The v3 score, for the affected products (never for fixed ones: optional test 6.2.19).
    let scores: Vec<Score> = (v.scores.cvss_v3.as_deref())
        .and_then(|vector| crate::vuln::score(vector, crate::vuln::Version::V3).ok())
        .filter(|_| !affected.is_empty())
        .map(|s| Score {
            cvss_v2: None,
            cvss_v3: Some(cvss_v3_json(&s)),
            products: affected.clone(),
        })
        .into_iter()
        .collect();

    let mut notes = Vec::new();
    let mut cwes = v.cwes.iter().map(|id| Cwe {
        id: id.clone(),
        name: crate::cwe::name(id).unwrap_or_default().to_string(),
    });
    let cwe = cwes.next();
    if let Some(t) = text {
        push_note(&mut notes, "description", None, plain(&t.description));
        if let Some(impact) = &t.impact {
            push_note(&mut notes, "details", None, plain(impact));
        }
        let titled = [
            (&ui.remediation_mitigation, &t.mitigating_factors),
            (&ui.remediation_workaround, &t.workarounds),
        ];
        for (title, body) in titled {
            if let Some(body) = body {
                push_note(&mut notes, "general", Some(title.clone()), plain(body));
            }
        }
        for f in &t.faq {
            push_note(
                &mut notes,
                "faq",
                Some(f.question.clone()),
                plain(&f.answer),
            );
        }
    }
    let more_cwes: Vec<String> = cwes.map(|c| format!("{}: {}", c.id, c.name)).collect();
    if !more_cwes.is_empty() {
        push_note(
            &mut notes,
            "other",
            Some(ui.weakness.clone()),
            more_cwes.join("\n"),
        );
    }

    let mut threats: Vec<Threat> = (v.exploited.iter())
        .map(|e| Threat {
            category: "exploit_status".to_string(),
            date: Some(timestamp(e.since)),
            details: ui.exploited_since.replace("{date}", &e.since.to_string()),
            product_ids: Vec::new(),
        })
        .collect();
    // The vendor's rating per product, as Microsoft's own CSAF writes it: an impact threat
    // whose details are the rating, for the products rated so.
    threats.extend(v.ratings.iter().map(|r| Threat {
        category: "impact".to_string(),
        date: None,
        details: crate::csaf::severity_label(r.severity, ui).to_string(),
        product_ids: ids(&r.products.iter().collect::<Vec<_>>()),
    }));

    Vulnerability {
        acknowledgments: acknowledgments(&v.acknowledgments),
        cve: v.cve.clone(),
        cwe,
        flags,
        ids: (v.ids.iter())
            .map(|id| VulnerabilityId {
                system_name: id_system(id),
                text: id.clone(),
            })
            .collect(),
        notes,
        product_status,
        references: Vec::new(),
        remediations: remediations(p, v, &affected),
        scores,
        threats,
        title: Some(match text.filter(|t| !t.title.trim().is_empty()) {
            Some(t) => t.title.clone(),
            None => v.cve.clone().unwrap_or_else(|| v.id.clone()),
        }),
        other: BTreeMap::new(),
    }
}

/// The advisory's remediations for vulnerability `v`: those for all vulnerabilities and
/// those naming it; one without products of its own is for `v`'s affected products.
fn remediations(p: &Parts, v: &model::Vulnerability, affected: &[String]) -> Vec<Remediation> {
    (p.a.remediations.iter())
        .filter(|r| r.vulnerabilities.is_empty() || r.vulnerabilities.contains(&v.id))
        .filter_map(|r| remediation(p, r, affected))
        .collect()
}

/// Whether the advisory is a VEX statement, published with the `csaf_vex` profile: it lists
/// vulnerabilities, says of at least one product that it is not affected, and meets what the
/// profile requires (CSAF 6.1.27.7 to 6.1.27.10): each vulnerability has an id, a product
/// status (only `fixed`, `known_affected`, `known_not_affected` and `under_investigation`),
/// a justification for every product not affected, and a remediation for every affected
/// product.
pub(super) fn is_vex(a: &model::Advisory) -> bool {
    let vs = &a.vulnerabilities;
    if vs.is_empty()
        || !a
            .cves
            .iter()
            .all(|c| vs.iter().any(|v| v.cve.as_ref() == Some(c)))
    {
        return false;
    }
    let says_not_affected = vs.iter().any(|v| !v.products.known_not_affected.is_empty());
    says_not_affected
        && vs.iter().all(|v| {
            let s = &v.products;
            let has_status = !(s.known_affected.is_empty()
                && s.fixed.is_empty()
                && s.known_not_affected.is_empty()
                && s.under_investigation.is_empty());
            let remedied = |product: &ProductId| {
                a.remediations.iter().any(|r| {
                    (r.vulnerabilities.is_empty() || r.vulnerabilities.contains(&v.id))
                        && (r.products.is_empty() || r.products.contains(product))
                })
            };
            // The csaf validator of PyPI reads 6.1.27.7 as allowing these four statuses
            // only; a document with `first_fixed` or `recommended` is a security advisory.
            let vex_statuses = s.first_fixed.is_empty() && s.recommended.is_empty();
            (v.cve.is_some() || !v.ids.is_empty())
                && has_status
                && vex_statuses
                && s.known_not_affected
                    .iter()
                    .all(|n| n.justification.is_some())
                && s.known_affected.iter().all(remedied)
        })
}
