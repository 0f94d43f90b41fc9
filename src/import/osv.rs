//! Reading OSV entries (schema 1.x, any ecosystem) into seckb's model (`seckb import osv`).
//!
//! One entry is one advisory with one vulnerability, its text in one language (OSV's is
//! English). Every field has a place, so that exporting the advisory again gives the entry
//! back:
//!
//! - `id` is the advisory's `origin.id` (the export keeps it), the folder name made safe;
//! - `published`, `withdrawn` and `modified` are revisions, with their times; a `modified`
//!   that is no revision (Go's export writes `0001-01-01T00:00:00Z` for some) is kept in
//!   `origin.modified`;
//! - `aliases`: the CVEs as the advisory's CVEs, the rest as the vulnerability's other ids;
//! - `severity` vectors are the vulnerability's scores;
//! - each `affected[].package` is a catalog product with a `package`, found by ecosystem
//!   and name; its ranges, versions, `ecosystem_specific` and `database_specific` are the
//!   vulnerability's `affected`;
//! - references keep their types, credits their types and contacts;
//! - `database_specific` is kept in `origin`, but for seckb's own key, which holds the facts
//!   seckb's export adds (kind, status, version, products) and is read back as facts.
//!
//! What has no place (a severity type other than CVSS v3 and v4, a `limit` event, an
//! `affected` entry without a package, a field of a later schema) is named in a warning.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Note;
use super::write::{Merged, ProductHint, SourceFile};
use crate::model::{
    Acknowledgment, Advisory, AdvisoryId, AdvisoryText, CreditRole, Date, Event, Kind, LangTag,
    Origin, Products, Range, RangeKind, Reference, ReferenceKind, Revision, Scores, Severity,
    Status, Vulnerability, VulnerabilityText, Withdrawn,
};

type Object = Map<String, Value>;

/// One OSV entry read into the model.
#[derive(Debug, Clone)]
pub struct Entry {
    pub file: String,
    /// The advisory id: the OSV id made safe for a folder name.
    pub advisory_id: String,
    pub lang: String,
    pub advisory: Advisory,
    /// Affected and not affected products, by name.
    pub affected: Vec<String>,
    pub not_affected: Vec<String>,
    pub product_hints: BTreeMap<String, ProductHint>,
    pub text: AdvisoryText,
    pub notes: Vec<Note>,
}

/// What a JSON file turned out to be.
pub enum Found {
    Entry(Box<Entry>),
    /// Not an OSV entry (found in a folder): why.
    Skip(String),
}

#[derive(Deserialize)]
struct Osv {
    #[serde(default)]
    schema_version: Option<String>,
    id: String,
    modified: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    affected: Vec<OsvAffected>,
    #[serde(default)]
    references: Vec<OsvReference>,
    #[serde(default)]
    credits: Vec<OsvCredit>,
    #[serde(default)]
    database_specific: Option<Object>,
    #[serde(flatten)]
    other: Object,
}

#[derive(Deserialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct OsvAffected {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    ecosystem_specific: Option<Object>,
    #[serde(default)]
    database_specific: Option<Object>,
    #[serde(flatten)]
    other: Object,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    repo: Option<String>,
    events: Vec<Object>,
    #[serde(default)]
    database_specific: Option<Object>,
}

#[derive(Deserialize)]
struct OsvReference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

#[derive(Deserialize)]
struct OsvCredit {
    name: String,
    #[serde(default)]
    contact: Vec<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// The facts seckb's own export keeps under `database_specific.seckb`.
#[derive(Deserialize, Default)]
struct Own {
    kind: Option<Kind>,
    status: Option<Status>,
    version: Option<String>,
    security_vulnerability: Option<bool>,
    severity: Option<Severity>,
    #[serde(default)]
    kbs: Vec<String>,
    #[serde(default)]
    cwe_ids: Vec<String>,
    #[serde(default)]
    affected_products: Vec<OwnProduct>,
    #[serde(default)]
    not_affected_products: Vec<OwnProduct>,
    source_language: Option<String>,
}

#[derive(Deserialize)]
struct OwnProduct {
    id: String,
    name: String,
    vendor: String,
}

/// Reads one file: an OSV entry, a JSON file to skip (found in a folder and no OSV entry),
/// or what is wrong with it, with line and column where the JSON is broken.
/// What reading needs to know of the site imported into.
pub struct Site<'a> {
    /// The language of the texts.
    pub lang: &'a str,
    /// The site's address, to know its pages.
    pub base_url: &'a str,
    /// What its OSV export puts before an advisory id.
    pub prefix: &'a str,
}

pub fn read(file: &str, text: &str, explicit: bool, site: &Site) -> Result<Found, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| super::csaf::json_error("not valid JSON", &e))?;
    let looks_like_osv = value
        .as_object()
        .is_some_and(|o| o.contains_key("id") && o.contains_key("modified"));
    if !looks_like_osv {
        let why = "not an OSV entry: it has no `id` and `modified`";
        return if explicit {
            Err(format!(
                "{why}\n  = hint: an OSV entry is one JSON object per vulnerability, as in https://ossf.github.io/osv-schema/"
            ))
        } else {
            Ok(Found::Skip(why.into()))
        };
    }
    let osv: Osv = serde_json::from_str(text)
        .map_err(|e| super::csaf::json_error("not a valid OSV entry", &e))?;
    if let Some(v) = &osv.schema_version
        && !v.starts_with("1.")
    {
        return Err(format!("OSV schema version `{v}` is not supported; 1.x is"));
    }
    entry(file, osv, site).map(|e| Found::Entry(Box::new(e)))
}

fn timestamp(field: &str, s: &str) -> Result<Date, String> {
    Date::parse_any(s).map_err(|e| format!("`{field}`: {e}"))
}

fn entry(file: &str, osv: Osv, site: &Site) -> Result<Entry, String> {
    let mut notes = Vec::new();
    // What has no place in the model, named in one warning each.
    let mut lost: Vec<String> = Vec::new();
    let mut not_kept = |what: String| lost.push(what);
    for key in osv.other.keys() {
        not_kept(format!("the field `{key}`"));
    }
    let mut db = osv.database_specific.clone().unwrap_or_default();
    let own: Own = match db.remove(crate::feeds::osv::OWN_KEY) {
        Some(v) => serde_json::from_value(v).map_err(|e| {
            format!(
                "`database_specific.{}` is not what seckb's export writes: {e}",
                crate::feeds::osv::OWN_KEY
            )
        })?,
        None => Own::default(),
    };
    let lang = (own.source_language.clone()).unwrap_or_else(|| site.lang.into());
    // This site's own export of one of its advisories is that advisory again.
    let own_id = (osv.database_specific.as_ref())
        .is_some_and(|d| d.contains_key(crate::feeds::osv::OWN_KEY))
        .then(|| osv.id.strip_prefix(site.prefix))
        .flatten()
        .filter(|id| crate::validate::unsafe_reason(id).is_none());
    let advisory_id = own_id.map_or_else(|| super::csaf::advisory_id(&osv.id), str::to_string);

    // Revisions: publication, withdrawal and last change, in time order.
    let modified = timestamp("modified", &osv.modified)?;
    let published = match &osv.published {
        Some(p) => timestamp("published", p)?,
        None => {
            notes.push(Note::warning(
                "no-publication-date",
                "the entry has no `published`; its `modified` is the publication date",
            ));
            modified
        }
    };
    if published.year() == 1 {
        // Go's database, for one, leaves the dates of its repository's files at zero and
        // gives them on publication; the entry says no more.
        notes.push(Note::info(
            "placeholder-date",
            format!(
                "`published` is {}, a placeholder rather than a date; it is kept as given",
                published.rfc3339()
            ),
        ));
    }
    let withdrawn = (osv.withdrawn.as_deref())
        .map(|w| timestamp("withdrawn", w))
        .transpose()?;
    let mut dates = vec![(published, "Published.")];
    if let Some(w) = withdrawn.filter(|w| *w > published) {
        dates.push((w, "Withdrawn."));
    }
    if dates.iter().all(|(d, _)| modified > *d) {
        dates.push((modified, "Modified."));
    }
    // Numbered 1.0, 1.1, ...; the last takes the version seckb's export gave, where that
    // comes after the one before it.
    let mut revisions: Vec<Revision> = (dates.iter().enumerate())
        .map(|(i, (date, _))| Revision {
            number: format!("1.{i}"),
            date: *date,
        })
        .collect();
    if let Some(v) = &own.version {
        let n = revisions.len();
        let follows = n == 1
            || crate::validate::compare_revision_numbers(&revisions[n - 2].number, v)
                == Some(std::cmp::Ordering::Less);
        if follows {
            revisions[n - 1].number = v.clone();
        }
    }
    let last = revisions.last().map_or(published, |r| r.date);
    let origin_modified = (modified != last).then_some(modified);

    // Ids: CVEs are the advisory's; other aliases the vulnerability's; each once.
    let mut ids: Vec<String> = Vec::new();
    for a in &osv.aliases {
        if ids.contains(a) {
            notes.push(Note::info(
                "repeated-alias",
                format!("the alias `{a}` is listed twice; it is kept once"),
            ));
        } else {
            ids.push(a.clone());
        }
    }
    let (cves, others): (Vec<String>, Vec<String>) =
        ids.into_iter().partition(|a| a.starts_with("CVE-"));

    let mut scores = Scores::default();
    for s in &osv.severity {
        match s.kind.as_str() {
            "CVSS_V3" if scores.cvss_v3.is_none() => scores.cvss_v3 = Some(s.score.clone()),
            "CVSS_V4" if scores.cvss_v4.is_none() => scores.cvss_v4 = Some(s.score.clone()),
            other => not_kept(format!("the severity `{other}` ({})", s.score)),
        }
    }

    let mut affected_names: Vec<String> = Vec::new();
    let mut hints: BTreeMap<String, ProductHint> = BTreeMap::new();
    let mut affected = Vec::new();
    for (i, a) in osv.affected.iter().enumerate() {
        let Some(pkg) = &a.package else {
            not_kept(format!(
                "`affected[{i}]`, which names no package (only ranges of a repository)"
            ));
            continue;
        };
        for key in a.other.keys() {
            not_kept(format!("the field `affected[{i}].{key}`"));
        }
        for s in &a.severity {
            not_kept(format!(
                "the severity `{}` of `affected[{i}]` ({})",
                s.kind, s.score
            ));
        }
        let name = pkg.name.clone();
        hints.entry(name.clone()).or_insert_with(|| ProductHint {
            vendor: Some(pkg.ecosystem.clone()),
            purl: pkg.purl.clone(),
            package: Some(crate::model::Package {
                ecosystem: pkg.ecosystem.clone(),
                name: pkg.name.clone(),
            }),
            ..ProductHint::default()
        });
        if !affected_names.contains(&name) {
            affected_names.push(name.clone());
        }
        let mut ranges = Vec::new();
        for (k, r) in a.ranges.iter().enumerate() {
            let kind = match r.kind.as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                other => {
                    not_kept(format!("`affected[{i}].ranges[{k}]` of type `{other}`"));
                    continue;
                }
            };
            let mut events = Vec::new();
            for e in &r.events {
                let one = |key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
                match (
                    e.len(),
                    one("introduced"),
                    one("fixed"),
                    one("last_affected"),
                ) {
                    (1, Some(v), _, _) => events.push(Event::Introduced(v)),
                    (1, _, Some(v), _) => events.push(Event::Fixed(v)),
                    (1, _, _, Some(v)) => events.push(Event::LastAffected(v)),
                    _ => not_kept(format!(
                        "the event {} of `affected[{i}].ranges[{k}]`",
                        Value::Object(e.clone())
                    )),
                }
            }
            ranges.push(Range {
                kind,
                repo: r.repo.clone(),
                events,
                database_specific: r.database_specific.clone(),
            });
        }
        affected.push(crate::model::Affected {
            product: crate::model::ProductId(name),
            ranges,
            versions: a.versions.clone(),
            ecosystem_specific: a.ecosystem_specific.clone(),
            database_specific: a.database_specific.clone(),
        });
    }

    // The advisory's page on this site is not a reference: the export links it anyway
    // (it is there when the entry is this site's own export).
    let own_page = format!(
        "{}{}",
        site.base_url,
        crate::site::Site::advisory_path(&lang, &advisory_id)
    );
    let mut references = Vec::new();
    let mut links = BTreeMap::new();
    for r in (osv.references.iter()).filter(|r| crate::model::normalize_url(&r.url) != own_page) {
        let kind = ReferenceKind::from_osv(&r.kind).unwrap_or_else(|| {
            not_kept(format!(
                "the reference type `{}` (of {}; it is kept as `external`)",
                r.kind, r.url
            ));
            ReferenceKind::External
        });
        let base = r.kind.to_lowercase();
        let mut id = base.clone();
        let mut n = 2;
        while references.iter().any(|x: &Reference| x.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        links.insert(id.clone(), label(&r.url));
        references.push(Reference {
            id,
            // As seckb reads it back: a bare host gains its `/`.
            url: crate::model::normalize_url(&r.url),
            kind,
        });
    }

    let acknowledgments = (osv.credits.iter())
        .map(|c| Acknowledgment {
            name: c.name.clone(),
            organization: None,
            url: None,
            role: c.kind.as_deref().and_then(|k| {
                let role = serde_json::from_value::<CreditRole>(Value::String(k.to_lowercase()));
                if role.is_err() {
                    not_kept(format!("the credit type `{k}` of {}", c.name));
                }
                role.ok()
            }),
            contact: c.contact.clone(),
        })
        .collect();

    let vuln_id = "vulnerability".to_string();
    let title = match &osv.summary {
        Some(s) if !s.trim().is_empty() => s.clone(),
        _ => {
            notes.push(Note::warning(
                "no-summary",
                format!(
                    "the entry has no `summary`; its id `{}` is the title",
                    osv.id
                ),
            ));
            osv.id.clone()
        }
    };
    let details = match &osv.details {
        Some(d) if !d.trim().is_empty() => d.clone(),
        _ => {
            notes.push(Note::warning(
                "no-details",
                "the entry has no `details`; its summary is the text",
            ));
            super::csaf::escape_markdown(&title)
        }
    };
    // Products seckb's export lists for itself (vendor products, which OSV's `affected`
    // has no place for).
    let mut affected_all = affected_names.clone();
    let mut not_affected = Vec::new();
    for (list, products) in [
        (&mut affected_all, &own.affected_products),
        (&mut not_affected, &own.not_affected_products),
    ] {
        for p in products {
            if !list.contains(&p.name) {
                list.push(p.name.clone());
            }
            hints.entry(p.name.clone()).or_insert_with(|| ProductHint {
                vendor: Some(p.vendor.clone()),
                id: Some(p.id.clone()),
                ..ProductHint::default()
            });
        }
    }

    // The entry's vulnerability, where it names a product: a vulnerability concerns
    // products. Without one (seckb's export of an advisory that is guidance), the ids are
    // the advisory's.
    let mut aliases = Vec::new();
    let vulnerability = if affected_all.is_empty() {
        aliases = others;
        if !scores.is_empty() || !own.cwe_ids.is_empty() {
            not_kept(
                "the severity vectors and weaknesses of an entry that names no product".into(),
            );
        }
        None
    } else {
        Some(Vulnerability {
            id: vuln_id.clone(),
            cve: cves.first().cloned(),
            ids: others,
            cwes: own.cwe_ids.clone(),
            scores,
            products: crate::model::ProductStatus {
                known_affected: (affected_all.iter())
                    .map(|n| crate::model::ProductId(n.clone()))
                    .collect(),
                ..Default::default()
            },
            affected,
            ratings: Vec::new(),
            exploited: None,
            acknowledgments: Vec::new(),
        })
    };

    notes.extend(
        lost.into_iter()
            .map(|what| Note::warning("not-kept", format!("{what}: seckb has no place for it"))),
    );
    let mut revision_texts = BTreeMap::new();
    for (r, (_, what)) in revisions.iter().zip(&dates) {
        revision_texts.insert(r.number.clone(), (*what).to_string());
    }
    let version = revisions
        .last()
        .map_or_else(|| "1.0".into(), |r| r.number.clone());
    let advisory = Advisory {
        id: AdvisoryId(advisory_id.clone()),
        kind: own.kind.unwrap_or(Kind::Advisory),
        source_language: LangTag(lang.clone()),
        status: own.status.unwrap_or(Status::Final),
        published,
        updated: last,
        version: version.clone(),
        revisions,
        security_vulnerability: own.security_vulnerability.unwrap_or(true),
        severity: own.severity,
        cves,
        aliases,
        related: osv.related.clone(),
        origin: (own_id.is_none() || origin_modified.is_some() || !db.is_empty()).then(|| Origin {
            id: osv.id.clone(),
            modified: origin_modified,
            database_specific: osv.database_specific.as_ref().map(|_| db),
        }),
        withdrawn: withdrawn.map(|date| Withdrawn {
            date: date.max(published),
        }),
        vulnerabilities: vulnerability.iter().cloned().collect(),
        kbs: own.kbs.clone(),
        bulletins: Vec::new(),
        products: Products::default(),
        remediations: Vec::new(),
        references,
        acknowledgments,
    };
    let text = AdvisoryText {
        revision: version,
        title: title.clone(),
        subtitle: None,
        summary: details.clone(),
        overview: Default::default(),
        faq: Vec::new(),
        symptoms: Vec::new(),
        suggested_actions: Vec::new(),
        remediations: BTreeMap::new(),
        revisions: revision_texts,
        links,
        sections: Vec::new(),
        vulnerabilities: (vulnerability.iter())
            .map(|v| {
                let text = VulnerabilityText {
                    title: title.clone(),
                    description: details.clone(),
                    ..VulnerabilityText::default()
                };
                (v.id.clone(), text)
            })
            .collect(),
        withdrawn: None,
    };
    Ok(Entry {
        file: file.to_string(),
        advisory_id,
        lang,
        advisory,
        affected: affected_all,
        not_affected,
        product_hints: hints,
        text,
        notes,
    })
}

/// A link's label: the address without its scheme.
fn label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.trim_end_matches('/').to_string()
}

/// The merged advisory of one entry, and where its text came from.
pub fn merge(e: &Entry) -> (Merged, Vec<SourceFile>) {
    let name = std::path::Path::new(&e.file)
        .file_name()
        .map_or_else(|| e.file.clone(), |n| n.to_string_lossy().into_owned());
    let texts = BTreeMap::from([(e.lang.clone(), e.text.clone())]);
    let structured = super::write::structured(&e.advisory, &e.affected, &e.not_affected, &texts);
    let origin = e.advisory.origin.as_ref().map_or("", |o| o.id.as_str());
    (
        Merged {
            advisory: e.advisory.clone(),
            affected: e.affected.clone(),
            not_affected: e.not_affected.clone(),
            product_hints: e.product_hints.clone(),
            texts,
            notes: e.notes.clone(),
            structured,
            prose: Vec::new(),
            boilerplate: Vec::new(),
        },
        vec![SourceFile {
            lang: e.lang.clone(),
            file: e.file.clone(),
            comment: format!("Imported by `seckb import osv` from {name} ({origin})"),
            title: e.text.title.clone(),
        }],
    )
}
