//! A bulletin's vulnerabilities, merged from its editions: one per CVE with a section of its
//! own, its affected products and their ratings from the source edition's severity matrix,
//! and its prose (title, description, impact, mitigating factors, workarounds, FAQ) from
//! each edition in its language.

use std::collections::BTreeMap;

use super::{Edition, VulnSection};
use crate::import::Note;
use crate::model::{
    Markdown, ProductId, ProductStatus, Rating, Scores, Severity, Vulnerability, VulnerabilityText,
};

/// The vulnerabilities of the source edition, with each edition's text by language.
pub fn vulnerabilities(
    primary: &Edition,
    eds: &[Edition],
    notes: &mut Vec<Note>,
) -> (
    Vec<Vulnerability>,
    BTreeMap<String, BTreeMap<String, VulnerabilityText>>,
) {
    let mut out: Vec<Vulnerability> = Vec::new();
    let mut texts: BTreeMap<String, BTreeMap<String, VulnerabilityText>> = BTreeMap::new();
    let matrix = primary.matrix.as_ref();
    let mut unrated: Vec<&str> = Vec::new();
    for section in &primary.vulns {
        for cve in &section.cves {
            if out.iter().any(|v| v.cve.as_deref() == Some(cve)) {
                continue;
            }
            let id = cve.to_lowercase();
            let rows = matrix
                .into_iter()
                .flat_map(|m| &m.rows)
                .filter_map(|r| Some((r, r.ratings.iter().find(|(c, _, _)| c == cve)?)));
            let mut known_affected: Vec<ProductId> = Vec::new();
            let mut ratings: Vec<Rating> = Vec::new();
            for (row, (_, severity, _)) in rows {
                let p = ProductId(row.product.clone());
                if known_affected.contains(&p) {
                    continue;
                }
                known_affected.push(p.clone());
                if let Some(s) = severity {
                    match ratings.iter_mut().find(|r| r.severity == *s) {
                        Some(r) => r.products.push(p),
                        None => ratings.push(Rating {
                            severity: *s,
                            products: vec![p],
                        }),
                    }
                }
            }
            ratings.sort_by_key(|r| rank(r.severity));
            if known_affected.is_empty() {
                unrated.push(cve);
            }
            for e in eds {
                if let Some(s) = e.vulns.iter().find(|s| s.cves.contains(cve)) {
                    let text = text(e, s, cve);
                    texts
                        .entry(e.lang.clone())
                        .or_default()
                        .insert(id.clone(), text);
                }
            }
            out.push(Vulnerability {
                id,
                cve: Some(cve.clone()),
                ids: Vec::new(),
                cwes: Vec::new(),
                scores: Scores::default(),
                products: ProductStatus {
                    known_affected,
                    ..ProductStatus::default()
                },
                affected: Vec::new(),
                ratings,
                exploited: None,
                acknowledgments: Vec::new(),
            });
        }
    }
    if !unrated.is_empty() {
        notes.push(Note::warning(
            "unrated-vulnerability",
            format!(
                "the severity matrix of the {} text rates no product for {}, which have sections of their own; they were given every affected product of the bulletin: check them",
                primary.lang,
                unrated.join(", ")
            ),
        ));
    }
    for e in eds {
        if e.lang == primary.lang {
            continue;
        }
        let theirs: Vec<&String> = e.vulns.iter().flat_map(|s| &s.cves).collect();
        let missing: Vec<&str> = (out.iter().filter_map(|v| v.cve.as_deref()))
            .filter(|c| !theirs.iter().any(|t| t == c))
            .collect();
        let extra: Vec<&str> = (theirs.iter().map(|s| s.as_str()))
            .filter(|t| !out.iter().any(|v| v.cve.as_deref() == Some(t)))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            notes.push(Note::warning(
                "fact-conflict",
                format!(
                    "{}: the vulnerability sections differ from the {} text (missing: {}; extra: {}); the {} sections were kept",
                    e.lang,
                    primary.lang,
                    list(&missing),
                    list(&extra),
                    primary.lang
                ),
            ));
        }
    }
    (out, texts)
}

fn list(v: &[&str]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The worst rating first.
fn rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::Important => 1,
        Severity::Moderate => 2,
        Severity::Low => 3,
    }
}

/// The highest rating the matrix gives any product for any CVE.
pub fn worst(e: &Edition) -> Option<Severity> {
    let m = e.matrix.as_ref()?;
    (m.rows.iter())
        .flat_map(|r| r.ratings.iter().filter_map(|(_, s, _)| *s))
        .min_by_key(|s| rank(*s))
}

/// One vulnerability's text in the edition's language; its impact is the matrix's when every
/// product's cell names the same one.
fn text(e: &Edition, s: &VulnSection, cve: &str) -> VulnerabilityText {
    let impacts: Vec<&str> = (e.matrix.iter())
        .flat_map(|m| &m.rows)
        .flat_map(|r| &r.ratings)
        .filter(|(c, _, i)| c == cve && !i.is_empty())
        .map(|(_, _, i)| i.as_str())
        .collect();
    let impact = impacts
        .first()
        .filter(|first| impacts.iter().all(|i| i == *first))
        .map(|i| i.to_string());
    VulnerabilityText {
        title: s.title.clone(),
        description: s.description.clone(),
        impact,
        mitigating_factors: bullets(&s.mitigations),
        workarounds: bullets(&s.workarounds),
        faq: s.faq.clone(),
    }
}

/// Items as one markdown list; one item stays a paragraph.
fn bullets(items: &[Markdown]) -> Option<Markdown> {
    match items {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(
            many.iter()
                .map(|i| {
                    let mut lines = i.lines();
                    let first = lines.next().unwrap_or_default();
                    let rest: Vec<String> = lines
                        .map(|l| {
                            if l.is_empty() {
                                String::new()
                            } else {
                                format!("  {l}")
                            }
                        })
                        .collect();
                    if rest.is_empty() {
                        format!("- {first}")
                    } else {
                        format!("- {first}\n{}", rest.join("\n"))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}
