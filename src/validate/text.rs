//! Text per language: the source language must be complete (`missing-text`); translations
//! may lag (`outdated-translation`) or be absent (`missing-translation`), which are
//! warnings because the page falls back to the source language; keys must name things
//! that exist (`unknown-key`).

use std::cmp::Ordering;

use crate::diag::{Finding, Findings};
use crate::load::spans::Pos;
use crate::load::{Parsed, Project, did_you_mean};
use crate::model::{Advisory, AdvisoryText};

use super::revisions::compare;
use super::site_languages;

pub fn check(p: &Project, findings: &mut Findings) {
    let langs = site_languages(p);
    super::per_advisory(p, findings, |adv, findings| {
        let Some(facts) = &adv.facts else { return };
        let a = &facts.value;
        let src = a.source_language.as_str();
        if !adv.text_files.contains(src) {
            findings.push(
                Finding::error(&facts.file, facts.spans.value("source_language"), "missing-text", format!("the source language `{src}` has no text"))
                    .hint(format!("write `advisories/{}/{src}.yaml` with at least `revision`, `title` and `summary`", adv.dir)),
            );
        }
        for lang in &langs {
            if *lang != src && !adv.text_files.contains(*lang) {
                findings.push(
                    Finding::warning(
                        &facts.file,
                        facts.spans.value("id"),
                        "missing-translation",
                        format!("no `{lang}` text; pages in `{lang}` show the `{src}` text"),
                    )
                    .hint(format!(
                        "translate it into `advisories/{}/{lang}.yaml`",
                        adv.dir
                    )),
                );
            }
        }
        for (lang, text) in &adv.texts {
            check_text(a, lang == src, text, findings);
        }
    });
}

fn check_text(a: &Advisory, is_source: bool, text: &Parsed<AdvisoryText>, findings: &mut Findings) {
    let (t, file, spans) = (&text.value, text.file.as_str(), &text.spans);
    let numbers: Vec<String> = a.revisions.iter().map(|r| r.number.clone()).collect();

    for (field, value) in [("title", &t.title), ("summary", &t.summary)] {
        if value.trim().is_empty() {
            findings.push(
                Finding::error(
                    file,
                    spans.value(field),
                    "missing-text",
                    format!("`{field}` is empty"),
                )
                .hint(format!("write the {field}")),
            );
        }
    }

    if !numbers.contains(&t.revision) {
        findings.push(
            Finding::error(
                file,
                spans.value("revision"),
                "unknown-key",
                format!("revision `{}` is not in the revision history", t.revision),
            )
            .hint(did_you_mean(&t.revision, &numbers, "revision")),
        );
    } else if compare(&t.revision, &a.version) == Some(Ordering::Less) {
        let who = if is_source {
            "the source text"
        } else {
            "this translation"
        };
        findings.push(
            Finding::warning(
                file,
                spans.value("revision"),
                "outdated-translation",
                format!(
                    "{who} is at revision `{}`, the advisory at `{}`",
                    t.revision, a.version
                ),
            )
            .hint(format!(
                "bring the text up to date, then set `revision: \"{}\"`",
                a.version
            )),
        );
    }

    keyed_texts(a, is_source, text, &numbers, findings);
    for (i, faq) in t.faq.iter().enumerate() {
        if let Some(s) = faq.symptom
            && s >= t.symptoms.len()
        {
            findings.push(
                Finding::error(
                    file,
                    spans.value(&format!("faq[{i}].symptom")),
                    "unknown-key",
                    format!("symptom {s} does not exist; there are {}", t.symptoms.len()),
                )
                .hint("symptoms are counted from 0 in the order of `symptoms`"),
            );
        }
    }
}

/// The texts keyed by what `advisory.yaml` lists (revision notes, reference labels,
/// remediation texts): each key is one it has, and each it has has a text (in a
/// translation, a missing one is shown in the source language).
fn keyed_texts(
    a: &Advisory,
    is_source: bool,
    text: &Parsed<AdvisoryText>,
    numbers: &Vec<String>,
    findings: &mut Findings,
) {
    let (t, file, spans) = (&text.value, text.file.as_str(), &text.spans);
    let refs: Vec<String> = a.references.iter().map(|r| r.id.clone()).collect();
    let rems: Vec<String> = a.remediations.iter().map(|r| r.id.clone()).collect();
    let vulns: Vec<String> = a.vulnerabilities.iter().map(|v| v.id.clone()).collect();
    let groups: [(&str, Vec<&String>, &Vec<String>, &str); 4] = [
        (
            "revisions",
            t.revisions.keys().collect(),
            numbers,
            "revision",
        ),
        ("links", t.links.keys().collect(), &refs, "reference"),
        (
            "remediations",
            t.remediations.keys().collect(),
            &rems,
            "remediation",
        ),
        (
            "vulnerabilities",
            t.vulnerabilities.keys().collect(),
            &vulns,
            "vulnerability",
        ),
    ];
    for (section, keys, known, what) in &groups {
        for key in keys {
            if !known.contains(key) {
                findings.push(
                    Finding::error(
                        file,
                        spans.key(&format!("{section}.{key}")),
                        "unknown-key",
                        format!(
                            "`{section}` names {what} `{key}`, which `advisory.yaml` does not have"
                        ),
                    )
                    .hint(did_you_mean(key, known, "entry")),
                );
            }
        }
        for key in known.iter() {
            if t.get(section, key) {
                continue;
            }
            // Point at the section's key, or at the title when the section is absent.
            let pos = spans.key(section);
            let pos = if pos == Pos::default_start() {
                spans.key("title")
            } else {
                pos
            };
            let f = if is_source {
                Finding::error(
                    file,
                    pos,
                    "missing-text",
                    format!("no text in `{section}` for {what} `{key}`"),
                )
            } else {
                Finding::warning(
                    file,
                    pos,
                    "missing-translation",
                    format!(
                        "no text in `{section}` for {what} `{key}`; the source language's is shown"
                    ),
                )
            };
            findings.push(f.hint(format!("add `{key}: ...` under `{section}`")));
        }
    }
}

trait HasKey {
    fn get(&self, section: &str, key: &str) -> bool;
}

impl HasKey for AdvisoryText {
    fn get(&self, section: &str, key: &str) -> bool {
        if section == "vulnerabilities" {
            return (self.vulnerabilities.get(key))
                .is_some_and(|v| !v.title.trim().is_empty() && !v.description.trim().is_empty());
        }
        let map = match section {
            "revisions" => &self.revisions,
            "links" => &self.links,
            _ => &self.remediations,
        };
        map.get(key).is_some_and(|v| !v.trim().is_empty())
    }
}
