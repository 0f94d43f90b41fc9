//! Merges the TechNet editions of one advisory, one per language, into one advisory with
//! a text per language (for [`super::super::write::plan`]).
//!
//! Facts come from the edition in the advisory's source language (the site's default
//! language if there is an edition in it, else the first in the site's language order);
//! where other editions disagree the choice is reported, never made silently. Each edition
//! becomes the text of its language.
//!
//! `security_vulnerability` is decided so: true when any edition names a CVE; else false
//! when any edition's own prose says it is not a vulnerability (whole phrases per
//! language: "geen beveiligingslek", "keine Sicherheitsanfälligkeit", "not a security
//! vulnerability"); else true when a title, subtitle or summary speaks of a vulnerability;
//! else false. The decision and its reason are in the report.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Edition, RevisionLine};
use crate::import::write::{
    Merged, ProductHint, SourceFile, comment, placeholder_product, structured,
};
use crate::import::{Note, lexicon};
use crate::model::{
    Advisory, AdvisoryId, AdvisoryText, Date, Kind, LangTag, ProductId, Products, Reference,
    Remediation, RemediationKind, Revision, Section, Severity, Status, UiStrings,
};
use crate::validate::{compare_revision_numbers, parse_revision_number};

/// Where each edition's text came from.
pub fn sources(eds: &[Edition]) -> Vec<SourceFile> {
    eds.iter()
        .map(|e| SourceFile {
            lang: e.lang.clone(),
            file: e.file.clone(),
            comment: format!("Imported by `seckb import technet` from {}", source_name(e)),
            title: e.title.clone(),
        })
        .collect()
}

/// One entry of a normalised revision history.
#[derive(Debug, Clone)]
struct Hist {
    number: String,
    date: Date,
    description: String,
    /// The source gave the number.
    explicit: bool,
}

/// Merges the editions of advisory `id` (sorted in the site's language order).
pub fn merge(id: &str, eds: &[Edition], default: &str, vendor: &str) -> Merged {
    let primary = eds
        .iter()
        .find(|e| e.lang == default)
        .or_else(|| eds.first())
        .expect("an advisory has at least one edition");
    let src = primary.lang.as_str();
    let mut notes: Vec<Note> = Vec::new();
    for e in eds {
        for n in &e.notes {
            notes.push(Note {
                message: format!("{}: {}", e.lang, n.message),
                ..n.clone()
            });
        }
    }
    if eds.len() > 1 {
        notes.push(Note::info(
            "source-language",
            format!("facts taken from the `{src}` edition (the source language)"),
        ));
    }

    let facts_hist = history(primary, &mut notes);
    let dates = Dates::of(primary, &facts_hist);
    dates.check(eds, src, &mut notes);
    let [kbs, cves, bulletins] = id_lists(eds, src, &mut notes);
    let (mut affected, mut not_affected, mut product_hints) =
        products(primary, eds, vendor, &mut notes);
    let (mut vulnerabilities, vuln_texts) = super::vulns::vulnerabilities(primary, eds, &mut notes);
    if let Some(m) = &primary.matrix {
        matrix_products(
            m,
            primary,
            eds,
            &mut affected,
            &mut product_hints,
            &mut notes,
        );
        not_affected.retain(|n| !affected.contains(n));
    }
    // Each product in its family, so that the catalog is a tree (vendor, family, product).
    for name in affected.iter().chain(&not_affected) {
        if let Some(family) = crate::import::lexicon::product_family(name) {
            let hint = product_hints.entry(name.clone()).or_default();
            hint.family.get_or_insert_with(|| family.to_string());
        }
    }
    // A vulnerability the matrix does not rate (reported above) is the bulletin's, so it
    // concerns the bulletin's affected products.
    for v in &mut vulnerabilities {
        if v.products.known_affected.is_empty() {
            v.products.known_affected = affected.iter().map(|n| ProductId(n.clone())).collect();
        }
    }
    let security_vulnerability = if primary.bulletin && !vulnerabilities.is_empty() {
        notes.push(Note::info(
            "security-vulnerability",
            format!(
                "`security_vulnerability: true`: a bulletin with {} vulnerability section(s)",
                vulnerabilities.len()
            ),
        ));
        true
    } else {
        vulnerability(eds, &cves, &mut notes)
    };
    let severity = bulletin_severity(primary, eds, &mut notes);
    let references = references(primary);
    let remediations = remediations(primary);
    let (mut texts, prose, boilerplate) = texts(eds, primary, &facts_hist, &references, &mut notes);
    for (lang, vt) in vuln_texts {
        if let Some(t) = texts.get_mut(&lang) {
            t.vulnerabilities = vt;
        }
    }

    let advisory = Advisory {
        id: AdvisoryId(id.to_string()),
        kind: if primary.bulletin {
            Kind::Bulletin
        } else {
            Kind::Advisory
        },
        source_language: LangTag(src.to_string()),
        status: Status::Final,
        published: dates.published,
        updated: dates.updated,
        version: dates.version,
        revisions: dates.revisions,
        security_vulnerability,
        severity,
        cves,
        aliases: Vec::new(),
        related: Vec::new(),
        origin: None,
        withdrawn: None,
        vulnerabilities,
        kbs,
        bulletins,
        products: Products::default(),
        remediations,
        references,
        acknowledgments: Vec::new(),
    };
    let structured = structured(&advisory, &affected, &not_affected, &texts);
    Merged {
        advisory,
        affected,
        not_affected,
        product_hints,
        texts,
        notes,
        structured,
        prose,
        boilerplate,
    }
}

/// A bulletin's maximum severity: its title's, else the worst rating of its matrix; editions
/// that state another are reported.
fn bulletin_severity(
    primary: &Edition,
    eds: &[Edition],
    notes: &mut Vec<Note>,
) -> Option<Severity> {
    if !primary.bulletin {
        return None;
    }
    let of = |e: &Edition| e.severity.or_else(|| super::vulns::worst(e));
    let s = of(primary);
    for e in eds {
        if e.lang != primary.lang
            && let (Some(theirs), Some(ours)) = (of(e), s)
            && theirs != ours
        {
            notes.push(Note::warning(
                "fact-conflict",
                format!(
                    "{}: severity {theirs:?}, the {} text {ours:?}; {ours:?} was kept",
                    e.lang, primary.lang
                ),
            ));
        }
    }
    s
}

/// A bulletin's affected products are the rows of its severity matrix (its software tables
/// also list group headings, KB columns and "see the row above"); an edition whose matrix
/// has as many rows gives their names in its language, row by row.
fn matrix_products(
    m: &super::bulletin::Matrix,
    primary: &Edition,
    eds: &[Edition],
    affected: &mut Vec<String>,
    hints: &mut BTreeMap<String, ProductHint>,
    notes: &mut Vec<Note>,
) {
    *affected = m.rows.iter().map(|r| r.product.clone()).collect();
    // The placeholder for "no products" is not needed after all.
    notes.retain(|n| n.code != "no-products");
    for e in eds {
        if e.lang == primary.lang {
            continue;
        }
        match &e.matrix {
            Some(theirs) if theirs.rows.len() == m.rows.len() => {
                for (ours, t) in m.rows.iter().zip(&theirs.rows) {
                    if t.product != ours.product {
                        (hints.entry(ours.product.clone()).or_default().names)
                            .entry(e.lang.clone())
                            .or_insert_with(|| t.product.clone());
                    }
                }
            }
            Some(theirs) => notes.push(Note::warning(
                "fact-conflict",
                format!(
                    "{}: the severity matrix has {} products, the {} text {}; product names in {} were not taken",
                    e.lang,
                    theirs.rows.len(),
                    primary.lang,
                    m.rows.len(),
                    e.lang
                ),
            )),
            None => {}
        }
    }
}

/// The dates and revisions of the facts, from the source edition's revision history.
struct Dates {
    revisions: Vec<Revision>,
    published: Date,
    updated: Date,
    version: String,
}

impl Dates {
    fn of(primary: &Edition, facts_hist: &[Hist]) -> Dates {
        let revisions: Vec<Revision> = facts_hist
            .iter()
            .map(|h| Revision {
                number: h.number.clone(),
                date: h.date,
            })
            .collect();
        let first = facts_hist.first().map(|h| h.date);
        let last = facts_hist.last();
        let (published, updated) = match (first, last) {
            (Some(f), Some(l)) => (f, l.date),
            // `check_dates` made sure every edition has a date.
            _ => {
                let d = primary
                    .published
                    .unwrap_or_else(|| Date::from_ymd(1970, 1, 1).expect("a real day"));
                (d, d)
            }
        };
        let version = last.map_or_else(|| "1.0".to_string(), |h| h.number.clone());
        Dates {
            revisions,
            published,
            updated,
            version,
        }
    }

    /// Notes where an edition's date line disagrees with the dates kept.
    fn check(&self, eds: &[Edition], src: &str, notes: &mut Vec<Note>) {
        for e in eds {
            for (what, theirs, kept) in [
                ("published", e.published, self.published),
                ("updated", e.updated, self.updated),
            ] {
                if let Some(d) = theirs
                    && d != kept
                {
                    notes.push(Note::warning(
                        "date-mismatch",
                        format!(
                            "{}: the date line says {what} {d}, the {src} revision list {kept}; {kept} was kept",
                            e.lang
                        ),
                    ));
                }
            }
        }
    }
}

/// KB articles, CVEs and bulletins: everything any edition names, noting those the source
/// edition does not.
fn id_lists(eds: &[Edition], src: &str, notes: &mut Vec<Note>) -> [Vec<String>; 3] {
    let mut kbs: Vec<String> = Vec::new();
    let mut cves: Vec<String> = Vec::new();
    let mut bulletins: Vec<String> = Vec::new();
    for e in eds {
        for (all, mine, what) in [
            (&mut kbs, &e.kbs, "KB article"),
            (&mut cves, &e.cves, "CVE"),
            (&mut bulletins, &e.bulletins, "bulletin"),
        ] {
            for x in mine {
                if !all.contains(x) {
                    if e.lang != src {
                        notes.push(Note::warning(
                            "fact-conflict",
                            format!(
                                "{}: names {what} {x}, which the {src} text does not; it was kept",
                                e.lang
                            ),
                        ));
                    }
                    all.push(x.clone());
                }
            }
        }
    }
    [kbs, cves, bulletins]
}

/// Affected and not affected products by name, from the source edition (names are
/// translated, so editions are compared by count only); a placeholder when none lists any.
/// An edition that lists as many products gives their names in its language, row by row.
fn products(
    primary: &Edition,
    eds: &[Edition],
    vendor: &str,
    notes: &mut Vec<Note>,
) -> (Vec<String>, Vec<String>, BTreeMap<String, ProductHint>) {
    let src = &primary.lang;
    let mut affected = primary.affected.clone();
    let mut not_affected = primary.not_affected.clone();
    if affected.is_empty()
        && let Some(other) = eds.iter().find(|e| !e.affected.is_empty())
    {
        notes.push(Note::warning(
            "fact-conflict",
            format!(
                "the {src} text lists no affected software; the {} list was used",
                other.lang
            ),
        ));
        affected = other.affected.clone();
        not_affected = other.not_affected.clone();
    }
    for e in eds {
        if &e.lang != src
            && !e.affected.is_empty()
            && (e.affected.len() != affected.len() || e.not_affected.len() != not_affected.len())
        {
            notes.push(Note::warning(
                "fact-conflict",
                format!(
                    "{}: lists {} affected and {} non-affected products, the {src} text {} and {}; the {src} list was kept",
                    e.lang,
                    e.affected.len(),
                    e.not_affected.len(),
                    affected.len(),
                    not_affected.len()
                ),
            ));
        }
    }
    let mut hints: BTreeMap<String, ProductHint> = BTreeMap::new();
    for e in eds {
        let same_rows =
            e.affected.len() == affected.len() && e.not_affected.len() == not_affected.len();
        if e.lang == *src || !same_rows {
            continue;
        }
        let rows =
            (affected.iter().zip(&e.affected)).chain(not_affected.iter().zip(&e.not_affected));
        for (name, theirs) in rows {
            if theirs != name {
                let names = &mut hints.entry(name.clone()).or_default().names;
                names
                    .entry(e.lang.clone())
                    .or_insert_with(|| theirs.clone());
            }
        }
    }
    not_affected.retain(|n| !affected.contains(n));
    if affected.is_empty() {
        let name = placeholder_product(vendor);
        notes.push(Note::warning(
            "no-products",
            format!("no edition lists the affected software; `products.affected` names `{name}` so the advisory validates; replace it by hand"),
        ));
        affected.push(name);
    }
    (affected, not_affected, hints)
}

/// Whether the advisory is about a vulnerability (see the module comment), noted with why.
fn vulnerability(eds: &[Edition], cves: &[String], notes: &mut Vec<Note>) -> bool {
    let denial = eds.iter().find_map(|e| {
        e.not_vulnerability
            .as_ref()
            .map(|p| (e.lang.clone(), p.clone()))
    });
    let mention = eds.iter().find_map(|e| {
        e.vulnerability
            .as_ref()
            .map(|p| (e.lang.clone(), p.clone()))
    });
    let (security_vulnerability, why) = if !cves.is_empty() {
        (true, format!("names {}", cves.join(", ")))
    } else if let Some((l, phrase)) = denial {
        (false, format!("the {l} text says \u{201c}{phrase}\u{201d}"))
    } else if let Some((l, word)) = mention {
        (
            true,
            format!("the {l} title or summary speaks of \u{201c}{word}\u{201d}"),
        )
    } else {
        (false, "no CVE and no word of a vulnerability".to_string())
    };
    notes.push(Note::info(
        "security-vulnerability",
        format!("`security_vulnerability: {security_vulnerability}`: {why}"),
    ));
    security_vulnerability
}

/// The references of the source edition; the other editions label them.
fn references(primary: &Edition) -> Vec<Reference> {
    primary
        .links
        .iter()
        .map(|l| Reference {
            id: l.id.clone(),
            url: l.url.clone(),
            kind: l.kind,
        })
        .collect()
}

/// The remediations of the source edition: its fixes, workarounds and mitigations; the
/// other editions give their texts.
fn remediations(primary: &Edition) -> Vec<Remediation> {
    let mut remediations: Vec<Remediation> = primary
        .fixes
        .iter()
        .map(|f| Remediation {
            id: f.id.clone(),
            kind: RemediationKind::VendorFix,
            kb: f.kb.clone(),
            url: Some(f.url.clone()),
            products: Vec::new(),
            vulnerabilities: Vec::new(),
        })
        .collect();
    for (kind, what, n) in [
        (
            RemediationKind::Workaround,
            "workaround",
            primary.workarounds.len(),
        ),
        (
            RemediationKind::Mitigation,
            "mitigation",
            primary.mitigations.len(),
        ),
    ] {
        for i in 0..n {
            remediations.push(Remediation {
                id: format!("{what}-{}", i + 1),
                kind,
                kb: None,
                url: None,
                products: Vec::new(),
                vulnerabilities: Vec::new(),
            });
        }
    }
    remediations
}

/// The text of each edition by language, with the sections kept as prose and the
/// boilerplate left to the site texts, each as `<lang>: <title>`.
fn texts(
    eds: &[Edition],
    primary: &Edition,
    facts_hist: &[Hist],
    references: &[Reference],
    notes: &mut Vec<Note>,
) -> (BTreeMap<String, AdvisoryText>, Vec<String>, Vec<String>) {
    let mut texts = BTreeMap::new();
    let mut prose = Vec::new();
    let mut boilerplate = Vec::new();
    for e in eds {
        let text = text_of(e, primary, facts_hist, references, notes);
        for s in &text.sections {
            prose.push(format!("{}: {}", e.lang, s.title));
        }
        if !e.boilerplate.found.is_empty() {
            boilerplate.push(format!("{}: {}", e.lang, e.boilerplate.found.join(", ")));
        }
        texts.insert(e.lang.clone(), text);
    }
    (texts, prose, boilerplate)
}

/// The revision history of an edition: numbered, in date order, checked.
fn history(e: &Edition, notes: &mut Vec<Note>) -> Vec<Hist> {
    let lines = revision_lines(e, notes);
    let numbered = lines.iter().any(|l| l.number.is_some());
    let mut out = numbered_history(&e.lang, &lines, notes);
    if let Some(v) = &e.version {
        check_version(&e.lang, v, numbered, &mut out, notes);
    }
    out
}

/// The edition's revision lines in date order: its revision list, else lines made from
/// its date line.
fn revision_lines(e: &Edition, notes: &mut Vec<Note>) -> Vec<RevisionLine> {
    let lang = &e.lang;
    let mut lines: Vec<RevisionLine> = e.revisions.clone();
    if lines.is_empty()
        && let Some(p) = e.published
    {
        lines.push(RevisionLine {
            number: Some("1.0".into()),
            date: p,
            description: e.published_label.clone().unwrap_or_default(),
        });
        if let Some(u) = e.updated.filter(|u| *u > p) {
            let n = e
                .version
                .clone()
                .filter(|v| compare_revision_numbers(v, "1.0") == Some(Ordering::Greater))
                .unwrap_or_else(|| "1.1".into());
            lines.push(RevisionLine {
                number: Some(n),
                date: u,
                description: e.updated_label.clone().unwrap_or_default(),
            });
        }
        notes.push(Note::warning(
            "no-revisions",
            format!("{lang}: no revision list; the revisions were made from the date line"),
        ));
    }
    if lines.len() > 1
        && lines.windows(2).all(|w| w[0].date >= w[1].date)
        && lines.first().map(|l| l.date) != lines.last().map(|l| l.date)
    {
        lines.reverse();
        notes.push(Note::info(
            "revision-order",
            format!("{lang}: the revisions are listed newest first; they were put oldest first"),
        ));
    }
    if lines.windows(2).any(|w| w[1].date < w[0].date) {
        lines.sort_by_key(|l| l.date);
        notes.push(Note::warning(
            "revision-order",
            format!(
                "{lang}: the revision dates are not in order; the revisions were sorted by date"
            ),
        ));
    }
    lines
}

/// The revision lines, each with a number that comes after the one before it.
fn numbered_history(lang: &str, lines: &[RevisionLine], notes: &mut Vec<Note>) -> Vec<Hist> {
    let mut out: Vec<Hist> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let number = match (&l.number, out.last()) {
            (Some(n), _) => n.clone(),
            (None, Some(prev)) => next_number(&prev.number),
            (None, None) => "1.0".to_string(),
        };
        let number = match out.last() {
            Some(prev)
                if compare_revision_numbers(&prev.number, &number) != Some(Ordering::Less) =>
            {
                let n = next_number(&prev.number);
                notes.push(Note::warning(
                    "revision-order",
                    format!(
                        "{lang}: revision `{number}` does not come after `{}`; numbered `{n}`",
                        prev.number
                    ),
                ));
                n
            }
            _ if parse_revision_number(&number).is_none() => {
                let n = format!("{}.0", i + 1);
                notes.push(Note::warning(
                    "revision-order",
                    format!("{lang}: revision number `{number}` is not of the form `1.0`; numbered `{n}`"),
                ));
                n
            }
            _ => number,
        };
        let description = if l.description.trim().is_empty() {
            notes.push(Note::warning(
                "revision-text",
                format!("{lang}: revision `{number}` has no description; its date stands in"),
            ));
            l.date.to_string()
        } else {
            l.description.clone()
        };
        out.push(Hist {
            number,
            date: l.date,
            description,
            explicit: l.number.is_some(),
        });
    }
    out
}

/// Holds the header's version `v` against the last revision of `out`: it numbers the last
/// revision of a list without numbers, and is noted where it disagrees.
fn check_version(lang: &str, v: &str, numbered: bool, out: &mut [Hist], notes: &mut Vec<Note>) {
    let Some(last) = out.last_mut() else {
        return;
    };
    match compare_revision_numbers(v, &last.number) {
        Some(Ordering::Equal) | None => {}
        Some(Ordering::Greater) if !numbered => {
            notes.push(Note::info(
                "version",
                format!(
                    "{lang}: the revisions have no numbers and were numbered from 1.0; the last takes the header's version `{v}` (instead of `{}`)",
                    last.number
                ),
            ));
            last.number = v.to_string();
        }
        _ => notes.push(Note::warning(
            "version-mismatch",
            format!(
                "{lang}: the header says version `{v}`, the revision list ends at `{}`; the revision list was kept",
                last.number
            ),
        )),
    }
}

/// `1.2` after `1.1`, `2.1` after `2`.
fn next_number(n: &str) -> String {
    match parse_revision_number(n) {
        Some(mut parts) if parts.len() >= 2 => {
            if let Some(last) = parts.last_mut() {
                *last += 1;
            }
            parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        }
        Some(parts) => format!("{}.1", parts[0]),
        None => "1.0".into(),
    }
}

/// Which facts revision each line of another edition's history stands for.
fn match_history(facts: &[Hist], other: &[Hist]) -> Vec<Option<usize>> {
    if facts.iter().all(|h| h.explicit) && other.iter().all(|h| h.explicit) {
        return facts
            .iter()
            .map(|f| other.iter().position(|o| o.number == f.number))
            .collect();
    }
    if facts.len() == other.len() {
        return (0..facts.len()).map(Some).collect();
    }
    let mut used = vec![false; other.len()];
    facts
        .iter()
        .map(|f| {
            let j = other
                .iter()
                .enumerate()
                .position(|(j, o)| !used[j] && o.date == f.date)?;
            used[j] = true;
            Some(j)
        })
        .collect()
}

/// The text of one edition, keyed to the merged facts.
fn text_of(
    e: &Edition,
    primary: &Edition,
    facts_hist: &[Hist],
    references: &[Reference],
    notes: &mut Vec<Note>,
) -> AdvisoryText {
    let mut sections = e.sections.clone();
    let (revision, revisions) = revision_texts(e, primary, facts_hist, notes, &mut sections);
    let links = link_labels(e, primary, references, notes);
    let remediations = remediation_texts(e, primary, notes, &mut sections);
    let summary = summary(e, notes);
    AdvisoryText {
        revision,
        title: e.title.clone(),
        subtitle: e.subtitle.clone(),
        summary,
        overview: e.overview.clone(),
        faq: e.faq.clone(),
        symptoms: e.symptoms.clone(),
        suggested_actions: e.actions.clone(),
        remediations,
        revisions,
        links,
        sections,
        vulnerabilities: BTreeMap::new(),
        withdrawn: None,
    }
}

/// The revision the text is up to date with, and its descriptions of the facts' revisions;
/// revisions the facts do not have become a prose section.
fn revision_texts(
    e: &Edition,
    primary: &Edition,
    facts_hist: &[Hist],
    notes: &mut Vec<Note>,
    sections: &mut Vec<Section>,
) -> (String, BTreeMap<String, String>) {
    let is_primary = std::ptr::eq(e, primary);
    let mut scratch = Vec::new();
    let own = if is_primary {
        facts_hist.to_vec()
    } else {
        history(e, &mut scratch)
    };
    let matched = if is_primary {
        (0..own.len()).map(Some).collect()
    } else {
        match_history(facts_hist, &own)
    };
    let mut revisions = BTreeMap::new();
    let mut latest: Option<usize> = None;
    for (i, m) in matched.iter().enumerate() {
        if let Some(j) = m {
            let o = &own[*j];
            if o.date != facts_hist[i].date {
                notes.push(Note::warning(
                    "fact-conflict",
                    format!(
                        "{}: dates revision {} {}, the {} text {}; {} was kept",
                        e.lang,
                        facts_hist[i].number,
                        o.date,
                        primary.lang,
                        facts_hist[i].date,
                        facts_hist[i].date
                    ),
                ));
            }
            revisions.insert(facts_hist[i].number.clone(), o.description.clone());
            latest = Some(i);
        }
    }
    let unmatched: Vec<&Hist> = own
        .iter()
        .enumerate()
        .filter(|(j, _)| !matched.contains(&Some(*j)))
        .map(|(_, h)| h)
        .collect();
    if !unmatched.is_empty() {
        notes.push(Note::warning(
            "fact-conflict",
            format!(
                "{}: {} revision(s) that the {} history does not have were kept as prose",
                e.lang,
                unmatched.len(),
                primary.lang
            ),
        ));
        sections.push(Section {
            title: e
                .boilerplate
                .labels
                .get("revisions")
                .cloned()
                .unwrap_or_else(|| "Revisions".into()),
            body: unmatched
                .iter()
                .map(|h| format!("- {} ({}): {}", h.number, h.date, h.description))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    // The text is up to date with the newest revision it describes, or else with the
    // newest one at its own date.
    let own_last = own.last().map(|h| h.date).or(e.updated).or(e.published);
    let revision = latest
        .or_else(|| {
            facts_hist
                .iter()
                .rposition(|h| own_last.is_some_and(|d| h.date <= d))
        })
        .unwrap_or(0);
    let revision = facts_hist
        .get(revision)
        .map_or_else(|| "1.0".to_string(), |h| h.number.clone());
    (revision, revisions)
}

/// The edition's labels of the facts' references; links the source edition lacks stay in
/// the prose.
fn link_labels(
    e: &Edition,
    primary: &Edition,
    references: &[Reference],
    notes: &mut Vec<Note>,
) -> BTreeMap<String, String> {
    let mut links = BTreeMap::new();
    for r in references {
        if let Some(l) = e.links.iter().find(|l| l.id == r.id) {
            links.insert(r.id.clone(), l.label.clone());
        }
    }
    let extra: Vec<&str> = e
        .links
        .iter()
        .filter(|l| !references.iter().any(|r| r.id == l.id))
        .map(|l| l.id.as_str())
        .collect();
    if !extra.is_empty() {
        notes.push(Note::info(
            "fact-conflict",
            format!(
                "{}: links {} that the {} text does not; they stay in its prose",
                e.lang,
                extra.join(", "),
                primary.lang
            ),
        ));
    }
    links
}

/// The edition's texts of the facts' remediations; workarounds and mitigations beyond the
/// source edition's become prose sections.
fn remediation_texts(
    e: &Edition,
    primary: &Edition,
    notes: &mut Vec<Note>,
    sections: &mut Vec<Section>,
) -> BTreeMap<String, String> {
    let mut remediations = BTreeMap::new();
    for f in &primary.fixes {
        if let Some(mine) = e.fixes.iter().find(|x| x.id == f.id) {
            remediations.insert(f.id.clone(), mine.text.clone());
        }
    }
    for (kind, mine, theirs) in [
        ("workaround", &e.workarounds, &primary.workarounds),
        ("mitigation", &e.mitigations, &primary.mitigations),
    ] {
        for (i, md) in mine.iter().enumerate() {
            if i < theirs.len() {
                remediations.insert(format!("{kind}-{}", i + 1), md.clone());
            } else {
                sections.push(Section {
                    title: e
                        .boilerplate
                        .labels
                        .get(if kind == "workaround" {
                            "remediation_workaround"
                        } else {
                            "remediation_mitigation"
                        })
                        .cloned()
                        .unwrap_or_else(|| kind.to_string()),
                    body: md.clone(),
                });
            }
        }
        if mine.len() != theirs.len() {
            notes.push(Note::warning(
                "fact-conflict",
                format!(
                    "{}: {} {kind}s, the {} text {}; extra ones were kept as prose",
                    e.lang,
                    mine.len(),
                    primary.lang,
                    theirs.len()
                ),
            ));
        }
    }
    remediations
}

/// The edition's summary, or what stands in for it.
fn summary(e: &Edition, notes: &mut Vec<Note>) -> String {
    let mut summary = e.summary.clone();
    if summary.trim().is_empty() {
        let (text, what) = match (&e.overview.purpose, &e.subtitle) {
            (Some(p), _) => (p.clone(), "purpose"),
            (None, Some(s)) => (s.clone(), "subtitle"),
            (None, None) => (e.title.clone(), "title"),
        };
        notes.push(Note::warning(
            "no-summary",
            format!("{}: no summary; the {what} stands in for it", e.lang),
        ));
        summary = text;
    }
    summary
}

fn source_name(e: &Edition) -> String {
    e.source_url.clone().unwrap_or_else(|| {
        Path::new(&e.file)
            .file_name()
            .map_or_else(|| e.file.clone(), |n| n.to_string_lossy().into_owned())
    })
}

/// `i18n/<lang>.yaml` for a new language: its name, and the support text, disclaimer and
/// labels its editions wrote (the first one that has each). The rest falls back to the
/// default language.
pub fn site_text(eds: &[&Edition]) -> String {
    use serde_yaml::{Mapping, Value};
    let Some(first) = eds.first() else {
        return String::new();
    };
    let lang = &first.lang;
    let mut m = Mapping::new();
    m.insert("language_name".into(), lexicon::language_name(lang).into());
    if let Some(e) = eds.iter().find(|e| !e.boilerplate.support.is_empty()) {
        m.insert("support".into(), e.boilerplate.support.join("\n\n").into());
    }
    if let Some(d) = eds.iter().find_map(|e| e.boilerplate.disclaimer.clone()) {
        m.insert("disclaimer".into(), d.into());
    }
    let known: BTreeSet<&str> = UiStrings::default()
        .entries()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut labels: BTreeMap<&str, String> = BTreeMap::new();
    for e in eds {
        for (k, v) in &e.boilerplate.labels {
            if known.contains(k) && !v.trim().is_empty() {
                labels.entry(k).or_insert_with(|| v.clone());
            }
        }
    }
    if !labels.is_empty() {
        let ui: Mapping = labels
            .into_iter()
            .map(|(k, v)| (Value::from(k), Value::from(v)))
            .collect();
        m.insert("ui".into(), Value::Mapping(ui));
    }
    format!(
        "# yaml-language-server: $schema=../schemas/site-text.schema.json\n# Site-wide text in {} ({}), written by `seckb import technet` from the labels,\n# support text and disclaimer of the advisories. Anything missing falls back to the\n# default language.\n{}",
        comment(&lexicon::language_name(lang)),
        comment(lang),
        serde_yaml::to_string(&Value::Mapping(m)).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_numbers_step_the_last_part() {
        assert_eq!(next_number("1.1"), "1.2");
        assert_eq!(next_number("1.9"), "1.10");
        assert_eq!(next_number("2"), "2.1");
    }
}
