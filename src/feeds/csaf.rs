//! CSAF 2.0 provider under `.well-known/csaf/`: one CSAF document per advisory and language,
//! their hashes, the directory listings (`index.txt`, `changes.csv`), a ROLIE feed and
//! `provider-metadata.json`.
//!
//! Documents are made of the CSAF model shared with the import ([`crate::csaf::model`]),
//! whose fields are declared in alphabetical order, so keys come out sorted (CSAF optional
//! test 6.2.13) and the output never depends on a map's order or on the clock: every
//! timestamp comes from the revision history.
//!
//! Mapping choices, so the mandatory tests hold by construction:
//! - The profile follows the content: an advisory with CVEs is a `csaf_security_advisory`
//!   (product tree, one vulnerability per CVE with product status and remediations); any
//!   other is a `csaf_informational_advisory` (no vulnerabilities; its remediations become
//!   notes).
//! - Revision numbers use CSAF integer versioning: revision `i` (from 1) is number `i`, with
//!   the advisory's own number (`1.0`, `1.1`) kept as `legacy_version`; `tracking.version` is
//!   the last number (6.1.14 to 6.1.22).
//! - A translation is a document of its own (conformance clause 9.1.9): tracking id
//!   `<id>-<lang>`, `lang` and `source_lang`, a `translator` publisher, and the original
//!   document as its first reference.
//! - Draft advisories are not published as CSAF: a draft is not meant for consumers, and a
//!   CSAF provider must only serve documents it stands behind. Interim and final map to the
//!   CSAF statuses of the same name.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256, Sha512};

mod tree;
mod vulns;

use super::timestamp;
use crate::csaf::model::{
    Acknowledgment, AggregateSeverity, Csaf, Distribution, Document, Engine, Generator, Note,
    Publisher, Reference, Remediation, Revision, Threat, Tlp, Tracking, Vulnerability,
};
use crate::csaf::{
    document_path, plain, remediation_category, remediation_label, severity_label, status_name,
    symptom_text, tracking_id,
};
// Named here too, where they were before the format had a module of its own.
pub use crate::csaf::{WHITE_DIR, file_name};
use crate::model::{
    Advisory, AdvisoryText, ProductId, PublisherCategory, SiteText, Status, UiStrings,
};
use crate::site::Site;
use crate::unit::{self, Files, Spliced, UnitId};

/// The provider folder, relative to the site root.
pub const PROVIDER_DIR: &str = ".well-known/csaf/";
/// The ROLIE feed's file name inside [`WHITE_DIR`].
pub const FEED_FILE: &str = "csaf-feed-tlp-white.json";

const TLP_URL: &str = "https://www.first.org/tlp/";
const CSAF_SCHEMA_URL: &str = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json";
const ROLIE_INFORMATION_TYPE: &str = "urn:ietf:params:rolie:category:information-type";

/// The CSAF documents of advisory `a`, each with its `.sha256` and `.sha512` files; none
/// for a draft.
pub fn documents(
    site: &Site,
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
) -> Result<Files> {
    let mut files = Files::new();
    if a.status == Status::Draft {
        return Ok(files);
    }
    for lang in document_languages(site, a, texts) {
        let (d, bytes) = document_bytes(site, a, texts, lang)?;
        let sha256 = hash_line(&hex(&Sha256::digest(&bytes)), d.file_name());
        let sha512 = hash_line(&hex(&Sha512::digest(&bytes)), d.file_name());
        let path = format!("{WHITE_DIR}{}", d.path);
        files.push((path.clone(), bytes));
        files.push((format!("{path}.sha256"), sha256.into_bytes()));
        files.push((format!("{path}.sha512"), sha512.into_bytes()));
    }
    Ok(files)
}

/// What the lists say of each document of advisory `i` (an index into the site's), by
/// language: the piece of the lists unit an advisory gives (none for a draft).
pub fn listings<'a>(site: &Site<'a>, i: usize) -> Result<Vec<(&'a str, Built)>> {
    let (a, texts) = &site.advisories[i];
    if a.status == Status::Draft {
        return Ok(Vec::new());
    }
    document_languages(site, a, texts)
        .into_iter()
        .map(|lang| Ok((lang, listing(a, texts, lang)?)))
        .collect()
}

/// The provider's lists (index, changes, ROLIE feed and provider metadata) as a spliced
/// unit whose members are the published documents: keyed by what the lists say of each
/// document, through its digest, so that an edit that changes no title, summary, date or
/// file name does not make them again. When they are made again, the feed entries of
/// documents of advisories reused from the previous build are taken as they are from the
/// previous feed: at 10,000 advisories the feed is 46 MB, and listing every document (its
/// summary as plain text) and serialising its entry was most of a rebuild's CSAF time.
/// None when no advisory is published: a provider without documents has no
/// `last_updated` to give.
#[allow(clippy::type_complexity)]
pub fn lists<'a>(site: &'a Site<'a>) -> Result<Option<Spliced<'a, Vec<(&'a str, Built)>>>> {
    let published: Vec<(usize, &'a str)> = (site.advisories.iter().enumerate())
        .filter(|(_, (a, _))| a.status != Status::Draft)
        .flat_map(|(i, (a, texts))| {
            let langs = document_languages(site, a, texts);
            langs.into_iter().map(move |lang| (i, lang))
        })
        .collect();
    if published.is_empty() {
        return Ok(None);
    }
    check_file_names(
        published
            .iter()
            .map(|&(i, lang)| (site.advisories[i].0, lang)),
    )?;
    Ok(Some(Spliced {
        id: UnitId::CsafLists,
        members: published,
        file: format!("{WHITE_DIR}{FEED_FILE}"),
        entries: feed_entries,
        entry_id: Box::new(|i, lang| tracking_id(site.advisories[i].0, lang).into()),
        render: Box::new(move |listed, size| lists_files(site, listed, size)),
    }))
}

/// The lists of the documents `listed`, each made now or kept from the previous feed.
#[allow(clippy::type_complexity)]
fn lists_files(
    site: &Site,
    listed: &[(unit::Listed<Vec<(&str, Built)>>, (usize, &str))],
    size: usize,
) -> Result<Files> {
    let docs = listed
        .iter()
        .map(|(listed, (i, lang))| match listed {
            unit::Listed::Made(made) => made
                .iter()
                .find(|(l, _)| l == lang)
                .map(|(_, d)| Listed::Built(d))
                .context("a CSAF listing that was not made"),
            unit::Listed::Kept(raw) => {
                let a = site.advisories[*i].0;
                let current = a.revisions.last().context("no revisions")?.date;
                Ok(Listed::Kept(document_path(a, lang)?, current, raw))
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let paths: BTreeSet<&str> = docs.iter().map(Listed::path).collect();
    let index: String = paths.iter().map(|p| format!("{p}\n")).collect();

    // Newest first; ties by path, so the order is total.
    let mut newest: Vec<&Listed> = docs.iter().collect();
    newest.sort_by(|x, y| y.current().cmp(&x.current()).then(x.path().cmp(y.path())));
    let changes: String = newest
        .iter()
        .map(|d| format!("\"{}\",\"{}\"\n", d.path(), timestamp(d.current())))
        .collect();
    let last_updated = timestamp(newest[0].current());
    // About the size of the previous feed, when there is one.
    let feed = safe_json_sized(
        &feed(site, &newest, &last_updated),
        size + newest.len() * 64,
    )?;
    Ok(vec![
        (format!("{WHITE_DIR}index.txt"), index.into_bytes()),
        (format!("{WHITE_DIR}changes.csv"), changes.into_bytes()),
        (format!("{WHITE_DIR}{FEED_FILE}"), feed),
        (
            format!("{PROVIDER_DIR}provider-metadata.json"),
            safe_json(&provider_metadata(site, last_updated))?,
        ),
    ])
}

/// Distinct ids can share a CSAF file name (`A.1` and `a_1`, or an advisory `X-nl-NL`
/// beside the Dutch translation of `X`); says which, rather than a bare path clash.
fn check_file_names<'a>(docs: impl Iterator<Item = (&'a Advisory, &'a str)>) -> Result<()> {
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for (a, lang) in docs {
        let (path, id) = (document_path(a, lang)?, tracking_id(a, lang));
        if let Some(other) = claimed.insert(path.clone(), id.clone()) {
            bail!(
                "the CSAF documents `{other}` and `{id}` would both be `{WHITE_DIR}{path}` (CSAF \
                 file names are lower case with other characters as `_`); rename one of the \
                 advisories"
            );
        }
    }
    Ok(())
}

/// The languages an advisory gets a document in: its source language, then every other site
/// language that has its own text, in the order of `seckb.yaml`. A language without text
/// gets no document: it would only repeat the original under another label.
fn document_languages<'a>(
    site: &Site<'a>,
    a: &'a Advisory,
    texts: &BTreeMap<&'a str, &'a AdvisoryText>,
) -> Vec<&'a str> {
    let source = a.source_language.as_str();
    let mut langs = vec![source];
    langs.extend(
        site.settings
            .languages
            .iter()
            .map(|l| l.as_str())
            .filter(|l| *l != source && texts.contains_key(l)),
    );
    langs
}

/// One document, serialised, with what the listings need.
#[derive(Hash)]
pub struct Built {
    /// Below [`WHITE_DIR`].
    path: String,
    tracking_id: String,
    title: String,
    summary: String,
    initial: crate::model::Date,
    current: crate::model::Date,
}

/// What the index, changes list and ROLIE feed say of a document, worked out without
/// building it (for documents reused from the previous build).
fn listing(a: &Advisory, texts: &BTreeMap<&str, &AdvisoryText>, lang: &str) -> Result<Built> {
    let text = texts
        .get(lang)
        .or_else(|| texts.get(a.source_language.as_str()))
        .with_context(|| format!("advisory `{}` has no text in `{lang}`", a.id))?;
    let first = a.revisions.first().context("no revisions")?;
    let last = a.revisions.last().context("no revisions")?;
    Ok(Built {
        path: document_path(a, lang)?,
        tracking_id: tracking_id(a, lang),
        title: text.title.clone(),
        summary: plain(&text.summary).trim().to_string(),
        initial: first.date,
        current: last.date,
    })
}

/// A document as JSON, with its listing.
fn document_bytes(
    site: &Site,
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
    lang: &str,
) -> Result<(Built, Vec<u8>)> {
    let doc = document(site, a, texts, lang)?;
    let listed = listing(a, texts, lang)?;
    // The listing of a reused document must be what its document says.
    debug_assert_eq!(listed.tracking_id, doc.document.tracking.id);
    debug_assert_eq!(listed.title, doc.document.title);
    debug_assert_eq!(
        listed.summary,
        doc.document
            .notes
            .iter()
            .find(|n| n.category == "summary")
            .map(|n| n.text.clone())
            .unwrap_or_default()
    );
    Ok((listed, safe_json(&doc)?))
}

impl Built {
    fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A document as the lists name it: built or listed now, or kept from the previous build
/// (its path, its current release date and its entry in the previous ROLIE feed).
enum Listed<'p> {
    Built(&'p Built),
    Kept(String, crate::model::Date, &'p RawValue),
}

impl Listed<'_> {
    /// Below [`WHITE_DIR`].
    fn path(&self) -> &str {
        match self {
            Listed::Built(d) => &d.path,
            Listed::Kept(path, ..) => path,
        }
    }

    fn current(&self) -> crate::model::Date {
        match self {
            Listed::Built(d) => d.current,
            Listed::Kept(_, current, _) => *current,
        }
    }
}

/// The entries of a ROLIE feed that seckb wrote, by their `id` (the document's tracking id),
/// as the exact text they have in it; empty when `bytes` is not such a feed.
fn feed_entries(bytes: &[u8]) -> HashMap<&str, &RawValue> {
    #[derive(Deserialize)]
    struct Rolie<'a> {
        #[serde(borrow)]
        feed: Entries<'a>,
    }
    #[derive(Deserialize)]
    struct Entries<'a> {
        #[serde(borrow)]
        entry: Vec<&'a RawValue>,
    }
    match serde_json::from_slice::<Rolie>(bytes) {
        // Tracking ids need no escapes in JSON, so they are borrowed from the text.
        Ok(feed) => super::entries_by_id(feed.feed.entry),
        Err(_) => HashMap::default(),
    }
}

/// Pretty JSON with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`: the same
/// strings to any JSON reader, but markup in advisory text can never become live HTML if a
/// document is ever shown or sniffed as a web page. Those bytes only occur inside JSON
/// strings and never inside a multi-byte UTF-8 sequence, so replacing them bytewise is exact.
fn safe_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    safe_json_sized(value, 16 * 1024)
}

/// [`safe_json`] into a buffer of `capacity` bytes to begin with. The bytes are escaped as
/// serde_json writes them, into that one buffer: fresh memory is costly (the kernel zeroes
/// each page first), and the ROLIE feed of 20,000 documents is tens of megabytes, which a
/// growing buffer and a second, escaped copy touched three times over.
fn safe_json_sized<T: Serialize>(value: &T, capacity: usize) -> Result<Vec<u8>> {
    let mut out = Escaping(Vec::with_capacity(capacity));
    serde_json::to_writer_pretty(&mut out, value)?;
    out.0.push(b'\n');
    Ok(out.0)
}

/// Appends what is written to it with `<`, `>` and `&` as JSON escapes (see [`safe_json`]).
struct Escaping(Vec<u8>);

impl std::io::Write for Escaping {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut from = 0;
        // Copies the runs between the three bytes whole.
        for at in memchr::memchr3_iter(b'<', b'>', b'&', buf) {
            self.0.extend_from_slice(&buf[from..at]);
            self.0.extend_from_slice(match buf[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            });
            from = at + 1;
        }
        self.0.extend_from_slice(&buf[from..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

use crate::util::hex;

/// A line in the format of `sha256sum`: digest, two spaces, file name.
fn hash_line(hex: &str, name: &str) -> String {
    format!("{hex}  {name}\n")
}

// ---------------------------------------------------------------------------------------
// The CSAF document (its model is `crate::csaf::model`), built part by part.

/// What the parts of a document are made of: the advisory, its text in the document's
/// language (the source language's where that has none) and the site's words in it.
struct Parts<'s> {
    site: &'s Site<'s>,
    a: &'s Advisory,
    lang: &'s str,
    /// The text in the source language, and the one in `lang`.
    src: &'s AdvisoryText,
    text: &'s AdvisoryText,
    site_text: &'s SiteText,
    /// The summary as plain text: the first note, and the note of every vulnerability.
    summary: String,
    translation: bool,
    /// A security advisory (it has CVEs), else an informational one.
    security: bool,
}

impl<'s> Parts<'s> {
    fn new(
        site: &'s Site<'s>,
        a: &'s Advisory,
        texts: &BTreeMap<&str, &'s AdvisoryText>,
        lang: &'s str,
    ) -> Result<Parts<'s>> {
        let source_lang = a.source_language.as_str();
        let src = texts
            .get(source_lang)
            .copied()
            .with_context(|| format!("advisory `{}` has no text in `{source_lang}`", a.id))?;
        let text = texts.get(lang).copied().unwrap_or(src);
        Ok(Parts {
            site,
            a,
            lang,
            src,
            text,
            site_text: site.site_text(lang)?,
            summary: plain(&text.summary),
            translation: lang != source_lang,
            security: !a.cves.is_empty() || !a.vulnerabilities.is_empty(),
        })
    }

    fn ui(&self) -> &'s UiStrings {
        &self.site_text.ui
    }

    /// Text of a keyed entry (remediation, link, revision): this language's, else the
    /// source language's.
    fn lookup(
        &self,
        pick: fn(&AdvisoryText) -> &BTreeMap<String, String>,
        key: &str,
    ) -> Option<String> {
        pick(self.text)
            .get(key)
            .or_else(|| pick(self.src).get(key))
            .cloned()
    }

    /// The names of products, as notes and threats list them.
    fn product_names(&self, ids: &[ProductId]) -> Result<Vec<String>> {
        ids.iter()
            .map(|id| {
                self.site
                    .product(id.as_str())
                    .map(|p| p.name.clone())
                    .with_context(|| format!("unknown product `{id}`"))
            })
            .collect()
    }
}

/// Builds the document of advisory `a` in `lang` (the source language or a translation).
fn document<'s>(
    site: &'s Site<'s>,
    a: &'s Advisory,
    texts: &BTreeMap<&str, &'s AdvisoryText>,
    lang: &'s str,
) -> Result<Csaf> {
    let p = Parts::new(site, a, texts, lang)?;
    // In the order of the old single function, so the first error stays the first.
    let tracking = tracking(&p)?;
    let references = references(&p)?;
    let publisher = if p.translation {
        translator(site)
    } else {
        publisher(site)
    };
    let notes = notes(&p)?;
    let product_tree = tree::product_tree(site, a)?;
    let vulnerabilities = if p.security {
        let mut all = vulns::vulnerabilities(&p);
        all.extend(vulnerabilities(&p)?);
        all
    } else {
        Vec::new()
    };
    Ok(Csaf {
        document: Document {
            acknowledgments: acknowledgments(&a.acknowledgments),
            aggregate_severity: crate::vuln::severity(a).map(|s| AggregateSeverity {
                text: severity_label(s, p.ui()).to_string(),
            }),
            category: if p.security && vulns::is_vex(a) {
                "csaf_vex"
            } else if p.security {
                "csaf_security_advisory"
            } else {
                "csaf_informational_advisory"
            }
            .to_string(),
            csaf_version: "2.0".to_string(),
            distribution: Some(Distribution {
                tlp: Some(Tlp {
                    label: "WHITE".to_string(),
                    url: TLP_URL,
                }),
            }),
            lang: Some(lang.to_string()),
            notes,
            publisher,
            references,
            source_lang: p.translation.then(|| a.source_language.0.clone()),
            title: p.text.title.clone(),
            tracking,
        },
        product_tree,
        vulnerabilities,
    })
}

/// The tracking: CSAF integer versions, with the advisory's own numbers kept as
/// `legacy_version` (see the module comment).
fn tracking(p: &Parts) -> Result<Tracking> {
    let a = p.a;
    let first = a
        .revisions
        .first()
        .with_context(|| format!("advisory `{}` has no revisions", a.id))?;
    let revision_history: Vec<Revision> = a
        .revisions
        .iter()
        .enumerate()
        .map(|(i, r)| Revision {
            date: timestamp(r.date),
            legacy_version: Some(r.number.clone()),
            number: (i + 1).to_string(),
            summary: p
                .lookup(|t| &t.revisions, &r.number)
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| format!("{} {}", p.ui().version, r.number)),
        })
        .collect();
    Ok(Tracking {
        aliases: Vec::new(),
        current_release_date: timestamp(a.revisions.last().unwrap_or(first).date),
        generator: Some(Generator {
            engine: Some(Engine {
                name: "seckb".to_string(),
                version: env!("CARGO_PKG_VERSION"),
            }),
        }),
        id: tracking_id(a, p.lang),
        initial_release_date: timestamp(first.date),
        version: revision_history.len().to_string(),
        revision_history,
        // Drafts never get here (see `render`); they would be `draft`.
        status: status_name(a.status).to_string(),
    })
}

/// The references: in a translation the original first (clause 9.1.9), then the document
/// itself, its page, and the advisory's own.
fn references(p: &Parts) -> Result<Vec<Reference>> {
    let (site, a) = (p.site, p.a);
    let source_lang = a.source_language.as_str();
    let doc_url = |l: &str| -> Result<String> {
        Ok(site.url(&format!("{WHITE_DIR}{}", document_path(a, l)?)))
    };
    let reference = |category: &str, summary: String, url: String| Reference {
        category: Some(category.to_string()),
        summary,
        url,
    };
    let mut references = Vec::new();
    if p.translation {
        references.push(reference(
            "external",
            format!("Original ({source_lang}): {}", p.src.title),
            doc_url(source_lang)?,
        ));
    }
    let title = &p.text.title;
    references.push(reference(
        "self",
        format!("{title} (CSAF)"),
        doc_url(p.lang)?,
    ));
    references.push(reference(
        "external",
        format!("{title} (HTML)"),
        site.url(&Site::advisory_path(p.lang, a.id.as_str())),
    ));
    for r in &a.references {
        let summary = p
            .lookup(|t| &t.links, &r.id)
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| r.url.clone());
        references.push(reference("external", summary, r.url.clone()));
    }
    Ok(references)
}

/// The document's notes, in the order the import expects them (`import::csaf::Stage`):
/// summary and general notes, the overview, in an informational document its products and
/// remediations, the suggested actions, symptoms, FAQ and the disclaimer.
fn notes(p: &Parts) -> Result<Vec<Note>> {
    let (a, text, ui) = (p.a, p.text, p.ui());
    let mut notes = Vec::new();
    push_note(
        &mut notes,
        "summary",
        text.subtitle.clone(),
        p.summary.clone(),
    );
    if !a.security_vulnerability {
        push_note(&mut notes, "general", None, ui.not_a_vulnerability.clone());
    }
    if let Some(w) = &a.withdrawn {
        // CSAF 2.0 has no withdrawn state: a note says it, with why (its revision in the
        // history is the withdrawal).
        let title = crate::csaf::withdrawn_title(w.date, ui);
        let why = (text.withdrawn.as_ref().or(p.src.withdrawn.as_ref()))
            .map(|m| plain(m))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| title.clone());
        push_note(&mut notes, "general", Some(title), why);
    }
    if p.translation && text.revision != a.version {
        let outdated = ui.outdated_note.replace("{version}", &a.version);
        push_note(&mut notes, "general", None, outdated);
    }
    let overview = [
        ("description", &ui.purpose, &text.overview.purpose),
        ("general", &ui.advisory_status, &text.overview.status),
        ("general", &ui.recommendation, &text.overview.recommendation),
    ];
    for (category, title, body) in overview {
        if let Some(body) = body {
            push_note(&mut notes, category, Some(title.clone()), plain(body));
        }
    }
    if !p.security {
        informational_notes(p, &mut notes)?;
    }
    for action in &text.suggested_actions {
        let title = Some(action.title.clone());
        push_note(&mut notes, "general", title, plain(&action.body));
    }
    // A symptom an answer points to is shown with that answer, as on the page.
    let in_faq: BTreeSet<usize> = text.faq.iter().filter_map(|f| f.symptom).collect();
    for (i, s) in text.symptoms.iter().enumerate() {
        if !in_faq.contains(&i) {
            let body = symptom_text(&plain(&s.description), s, ui);
            push_note(&mut notes, "details", Some(ui.symptoms.clone()), body);
        }
    }
    for f in &text.faq {
        let mut body = plain(&f.answer);
        if let Some(s) = f.symptom.and_then(|i| text.symptoms.get(i)) {
            body = symptom_text(&body, s, ui);
        }
        push_note(&mut notes, "faq", Some(f.question.clone()), body);
    }
    let disclaimer = plain(&p.site_text.disclaimer);
    push_note(
        &mut notes,
        "legal_disclaimer",
        Some(ui.disclaimer.clone()),
        disclaimer,
    );
    Ok(notes)
}

/// Without vulnerabilities there is no product status or remediation object to carry the
/// products and remediations, so they become notes.
fn informational_notes(p: &Parts, notes: &mut Vec<Note>) -> Result<()> {
    let (a, ui) = (p.a, p.ui());
    let lists = [
        (&ui.affected_software, &a.products.affected),
        (&ui.not_affected_software, &a.products.not_affected),
    ];
    for (title, ids) in lists {
        if !ids.is_empty() {
            let names = p.product_names(ids)?.join("\n");
            push_note(notes, "general", Some(title.clone()), names);
        }
    }
    for r in &a.remediations {
        let mut body = p
            .lookup(|t| &t.remediations, &r.id)
            .map(|m| plain(&m))
            .unwrap_or_default();
        if let Some(url) = &r.url {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(url);
        }
        let title = remediation_label(r.kind, ui).to_string();
        push_note(notes, "general", Some(title), body);
    }
    Ok(())
}

/// Adds a note unless its text is empty (CSAF requires text).
fn push_note(notes: &mut Vec<Note>, category: &str, title: Option<String>, text: String) {
    let text = text.trim().to_string();
    if text.is_empty() {
        return;
    }
    notes.push(Note {
        category: category.to_string(),
        text,
        title: title.filter(|t| !t.trim().is_empty()),
    });
}

/// One acknowledgment per person.
fn acknowledgments(list: &[crate::model::Acknowledgment]) -> Vec<Acknowledgment> {
    list.iter()
        .map(|k| Acknowledgment {
            names: vec![k.name.clone()],
            organization: k.organization.clone(),
            summary: None,
            urls: k.url.iter().cloned().collect(),
        })
        .collect()
}

/// The vulnerabilities of a security advisory for the CVEs it lists that none of its
/// vulnerabilities has: one per CVE, each with the summary, the product status, the
/// remediations and the threats of the whole advisory.
fn vulnerabilities(p: &Parts) -> Result<Vec<Vulnerability>> {
    let (a, text, ui) = (p.a, p.text, p.ui());
    let ids = |ps: &[ProductId]| -> Vec<String> { ps.iter().map(|p| p.0.clone()).collect() };
    let (affected, not_affected) = (ids(&a.products.affected), ids(&a.products.not_affected));
    let remediations = remediations(p, &affected);
    let threats: Vec<Threat> = if not_affected.is_empty() {
        Vec::new()
    } else {
        // An impact statement for every product known not to be affected (6.1.27.9).
        vec![Threat {
            category: "impact".to_string(),
            date: None,
            details: format!(
                "{}: {}",
                ui.not_affected_software,
                p.product_names(&a.products.not_affected)?.join(", ")
            ),
            product_ids: not_affected.clone(),
        }]
    };
    let mut product_status = BTreeMap::new();
    for (status, ids) in [
        ("known_affected", affected),
        ("known_not_affected", not_affected),
    ] {
        if !ids.is_empty() {
            product_status.insert(status.to_string(), ids);
        }
    }
    let note = Note {
        category: "description".to_string(),
        text: if p.summary.is_empty() {
            text.title.clone()
        } else {
            p.summary.clone()
        },
        title: Some(text.subtitle.clone().unwrap_or_else(|| text.title.clone())),
    };
    let mut seen: BTreeSet<&str> = (a.vulnerabilities.iter())
        .filter_map(|v| v.cve.as_deref())
        .collect();
    Ok(a.cves
        .iter()
        .filter(|c| seen.insert(c.as_str()))
        .map(|cve| Vulnerability {
            cve: Some(cve.clone()),
            notes: vec![note.clone()],
            product_status: product_status.clone(),
            remediations: remediations.clone(),
            threats: threats.clone(),
            ..Vulnerability::default()
        })
        .collect())
}

/// The remediations of a security advisory that are for all its vulnerabilities; one without
/// products of its own is for every affected product.
fn remediations(p: &Parts, affected: &[String]) -> Vec<Remediation> {
    (p.a.remediations.iter())
        .filter(|r| r.vulnerabilities.is_empty())
        .filter_map(|r| remediation(p, r, affected))
        .collect()
}

/// Remediation `r` in CSAF; one without products of its own is for `affected`. None when it
/// would name no product (a remediation must name products, 6.1.29).
fn remediation(
    p: &Parts,
    r: &crate::model::Remediation,
    affected: &[String],
) -> Option<Remediation> {
    let product_ids: Vec<String> = if r.products.is_empty() {
        affected.to_vec()
    } else {
        r.products.iter().map(|p| p.0.clone()).collect()
    };
    (!product_ids.is_empty()).then(|| Remediation {
        category: remediation_category(r.kind).to_string(),
        details: p
            .lookup(|t| &t.remediations, &r.id)
            .map(|m| plain(&m))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| remediation_label(r.kind, p.ui()).to_string()),
        group_ids: Vec::new(),
        product_ids,
        url: r.url.clone(),
        other: BTreeMap::new(),
    })
}

fn publisher(site: &Site) -> Publisher {
    let p = &site.settings.publisher;
    Publisher {
        category: match p.category {
            PublisherCategory::Coordinator => "coordinator",
            PublisherCategory::Discoverer => "discoverer",
            PublisherCategory::Other => "other",
            PublisherCategory::User => "user",
            PublisherCategory::Vendor => "vendor",
        },
        contact_details: p.contact_details.clone(),
        name: p.name.clone(),
        namespace: p.namespace.clone(),
    }
}

/// The publisher of a translation: the site's translator, else the publisher itself, as a
/// `translator`.
fn translator(site: &Site) -> Publisher {
    match &site.settings.translator {
        Some(t) => Publisher {
            category: "translator",
            contact_details: None,
            name: t.name.clone(),
            namespace: t.namespace.clone(),
        },
        None => Publisher {
            category: "translator",
            ..publisher(site)
        },
    }
}

// ---------------------------------------------------------------------------------------
// ROLIE feed (CSAF 2.0 section 7.1.15, RFC 8322 in JSON) and provider metadata (7.1.7).

#[derive(Serialize)]
struct RolieFeed<'p> {
    feed: Feed<'p>,
}

#[derive(Serialize)]
struct Feed<'p> {
    id: &'static str,
    title: String,
    link: Vec<Link>,
    category: Vec<Category>,
    updated: String,
    entry: Vec<FeedEntry<'p>>,
}

/// An entry as built now, or as the previous feed has it: written as it was there (the same
/// pretty-printed text at the same depth, with `<`, `>` and `&` already escaped).
#[derive(Serialize)]
#[serde(untagged)]
enum FeedEntry<'p> {
    Built(Entry),
    Kept(&'p RawValue),
}

#[derive(Serialize)]
struct Link {
    rel: &'static str,
    href: String,
}

#[derive(Serialize)]
struct Category {
    scheme: &'static str,
    term: &'static str,
}

#[derive(Serialize)]
struct Entry {
    id: String,
    title: String,
    link: Vec<Link>,
    published: String,
    updated: String,
    summary: Content,
    content: Src,
    format: Format,
}

#[derive(Serialize)]
struct Content {
    content: String,
}

#[derive(Serialize)]
struct Src {
    #[serde(rename = "type")]
    kind: &'static str,
    src: String,
}

#[derive(Serialize)]
struct Format {
    schema: &'static str,
    version: &'static str,
}

/// The TLP:WHITE feed; `docs` newest first.
fn feed<'p>(site: &Site, docs: &[&Listed<'p>], updated: &str) -> RolieFeed<'p> {
    let url = |rel: &str| site.url(&format!("{WHITE_DIR}{rel}"));
    feed_of(&site.settings.publisher.name, &url, docs, updated)
}

/// [`feed`], of the publisher `publisher` whose URL of a path below [`WHITE_DIR`] is `url`.
fn feed_of<'p>(
    publisher: &str,
    url: &impl Fn(&str) -> String,
    docs: &[&Listed<'p>],
    updated: &str,
) -> RolieFeed<'p> {
    RolieFeed {
        feed: Feed {
            id: "csaf-feed-tlp-white",
            title: format!("{publisher} CSAF feed (TLP:WHITE)"),
            link: vec![Link {
                rel: "self",
                href: url(FEED_FILE),
            }],
            category: vec![Category {
                scheme: ROLIE_INFORMATION_TYPE,
                term: "csaf",
            }],
            updated: updated.to_string(),
            entry: docs
                .iter()
                .map(|d| match d {
                    Listed::Kept(_, _, raw) => FeedEntry::Kept(raw),
                    Listed::Built(d) => FeedEntry::Built(entry(d, url)),
                })
                .collect(),
        },
    }
}

/// The feed entry of a document.
fn entry(d: &Built, url: &impl Fn(&str) -> String) -> Entry {
    Entry {
        id: d.tracking_id.clone(),
        title: d.title.clone(),
        link: vec![
            Link {
                rel: "self",
                href: url(&d.path),
            },
            Link {
                rel: "hash",
                href: url(&format!("{}.sha256", d.path)),
            },
            Link {
                rel: "hash",
                href: url(&format!("{}.sha512", d.path)),
            },
        ],
        published: timestamp(d.initial),
        updated: timestamp(d.current),
        summary: Content {
            content: if d.summary.is_empty() {
                d.title.clone()
            } else {
                d.summary.clone()
            },
        },
        content: Src {
            kind: "application/json",
            src: url(&d.path),
        },
        format: Format {
            schema: CSAF_SCHEMA_URL,
            version: "2.0",
        },
    }
}

#[derive(Serialize)]
struct ProviderMetadata {
    canonical_url: String,
    distributions: Vec<DistributionEntry>,
    last_updated: String,
    #[serde(rename = "list_on_CSAF_aggregators")]
    list_on_csaf_aggregators: bool,
    metadata_version: &'static str,
    #[serde(rename = "mirror_on_CSAF_aggregators")]
    mirror_on_csaf_aggregators: bool,
    publisher: Publisher,
    role: &'static str,
}

#[derive(Serialize)]
struct DistributionEntry {
    directory_url: String,
    rolie: Rolie,
}

#[derive(Serialize)]
struct Rolie {
    feeds: Vec<RolieFeedRef>,
}

#[derive(Serialize)]
struct RolieFeedRef {
    summary: String,
    tlp_label: &'static str,
    url: String,
}

fn provider_metadata(site: &Site, last_updated: String) -> ProviderMetadata {
    ProviderMetadata {
        canonical_url: site.url(&format!("{PROVIDER_DIR}provider-metadata.json")),
        distributions: vec![DistributionEntry {
            directory_url: site.url(WHITE_DIR),
            rolie: Rolie {
                feeds: vec![RolieFeedRef {
                    summary: format!(
                        "All TLP:WHITE advisories of {}.",
                        site.settings.publisher.name
                    ),
                    tlp_label: "WHITE",
                    url: site.url(&format!("{WHITE_DIR}{FEED_FILE}")),
                }],
            },
        }],
        last_updated,
        list_on_csaf_aggregators: true,
        metadata_version: "2.0",
        mirror_on_csaf_aggregators: true,
        publisher: publisher(site),
        role: "csaf_provider",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_lines_are_in_sha256sum_format() {
        let h = hex(&Sha256::digest(b"abc"));
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hash_line(&h, "a.json"), format!("{h}  a.json\n"));
    }

    /// A feed made with some entries kept from the previous feed is, byte for byte, the feed
    /// made afresh: kept entries keep their indentation and escapes.
    #[test]
    fn kept_feed_entries_give_the_feed_made_afresh() {
        let url = |rel: &str| format!("https://example.org/{WHITE_DIR}{rel}");
        let date = |s: &str| crate::model::Date::parse(s).unwrap();
        let built = |id: &str, title: &str, current: &str| Built {
            path: format!("2024/{}", file_name(id)),
            tracking_id: id.to_string(),
            title: title.to_string(),
            summary: format!("Summary of {title}\n\nwith <b>markup</b> & ünïcode."),
            initial: date("2024-01-02"),
            current: date(current),
        };
        let documents = [
            built("A-1", "First <script>", "2024-03-01"),
            built("A-2", "Second \"quoted\"", "2024-02-01"),
            built("A-3-nl-NL", "Derde", "2024-01-05"),
        ];
        let make = || documents.iter().map(Listed::Built).collect::<Vec<_>>();
        let serialise = |docs: &[Listed]| {
            let docs: Vec<&Listed> = docs.iter().collect();
            safe_json(&feed_of("Example", &url, &docs, "2024-03-01T00:00:00Z")).unwrap()
        };
        let fresh = serialise(&make());
        let previous = feed_entries(&fresh);
        assert_eq!(previous.len(), 3);
        assert!(previous["A-1"].get().contains("First \\u003cscript\\u003e"));

        // The first and last kept, the middle one built again.
        let mut mixed = make();
        for (i, id) in [(0, "A-1"), (2, "A-3-nl-NL")] {
            mixed[i] = Listed::Kept(
                mixed[i].path().to_string(),
                mixed[i].current(),
                previous[id],
            );
        }
        assert!(matches!(mixed[1], Listed::Built(_)));
        let again = serialise(&mixed);
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(fresh).unwrap()
        );

        // Anything else is no feed: nothing is kept.
        assert!(feed_entries(b"{\"feed\": {\"entry\": 3}}").is_empty());
        assert!(feed_entries(b"not json").is_empty());
        // An id written with escapes is not looked up (tracking ids never need them).
        let escaped = br#"{"feed": {"entry": [{"id": "a\u0041"}, {"id": "b"}]}}"#;
        let kept = feed_entries(escaped);
        assert_eq!(kept.keys().collect::<Vec<_>>(), [&"b"]);
    }

    #[test]
    fn json_never_carries_raw_markup() {
        let v = serde_json::json!({"t": "<script>a & b</script> ünï"});
        let bytes = safe_json(&v).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        assert!(text.contains(r"\u003cscript\u003ea \u0026 b"), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, v);
        // Otherwise it is the feeds' pretty JSON, final newline included, whatever the
        // capacity it starts with.
        let pretty = String::from_utf8(crate::feeds::json(&v).unwrap()).unwrap();
        let escaped = pretty
            .replace('<', r"\u003c")
            .replace('>', r"\u003e")
            .replace('&', r"\u0026");
        assert_eq!(text, escaped);
        assert_eq!(safe_json_sized(&v, 0).unwrap(), bytes);
    }
}
