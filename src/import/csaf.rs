//! Reading CSAF 2.0 documents into seckb's model (`seckb import csaf`).
//!
//! Documents are read into the model the export writes ([`crate::csaf::model`]). Each
//! document is read on its own into a [`Reading`]: facts, product references and the
//! text of its language. The readings of one advisory (the original and its translations,
//! which seckb's own export names `<id>-<lang>` with a `source_lang`) are then merged into
//! one advisory with a text per language and planned through [`super::write`].
//!
//! seckb's own export (see `feeds::csaf`) is read back exactly: notes are recognised by
//! their category, their place and the site's labels (`i18n/<lang>.yaml` of the site
//! imported into), revision numbers come from `legacy_version`, plain text is escaped so
//! that it renders to the same plain text, and the boilerplate the export adds (the self
//! and HTML references, the link to the original, the disclaimer) is left to the site.
//! So an export, imported into a site with the same settings and site texts, exports to
//! the same bytes. What CSAF does not carry at all (the kind, KB articles, bulletins,
//! reference kinds, markdown formatting) cannot come back; the report says so.
//!
//! Any other CSAF document is read as well as the model allows; whatever has no place in it
//! is kept as a text section or named in a warning, never dropped silently.

mod vulns;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::write::{self, Merged, Plan, ProductHint, SourceFile};
use super::{AdvisoryReport, Note, Options};
use crate::csaf::model::{
    Branch, Csaf, Document, FullProductName, Note as CsafNote, ProductTree,
    Remediation as CsafRemediation, Vulnerability,
};
use crate::csaf::{
    REMEDIATION_KINDS, STATUSES, plain, remediation_category, remediation_label, severity_label,
    split_symptom, status_name,
};
use crate::model::{
    Acknowledgment, Action, Advisory, AdvisoryId, AdvisoryText, Date, Faq, Kind, LangTag, Overview,
    Products, Reference, ReferenceKind, Remediation, RemediationKind, Revision, Section, Severity,
    SiteText, Status, Symptom,
};
use crate::validate::{compare_revision_numbers, parse_revision_number, unsafe_reason};

// ---------------------------------------------------------------------------------------
// The site's side: what the export would have written, to recognise it.

/// What reading needs to know of the site imported into.
#[derive(Debug, Clone)]
pub struct Context {
    base_url: String,
    default: String,
    languages: Vec<String>,
    /// Site text per language, filled from the default language as the build does.
    texts: BTreeMap<String, SiteText>,
}

impl Context {
    /// Reads the site texts of `site`; one that does not read is left out (the import then
    /// recognises less, and `seckb validate` says why).
    pub fn load(site: &write::Site) -> Context {
        let mut raw = BTreeMap::new();
        for lang in &site.site_texts {
            // Read as the loader reads: not through a link, only from a regular file.
            if let Some(t) = crate::load::source_in(&site.root, &format!("i18n/{lang}.yaml"))
                .and_then(|s| serde_yaml::from_str::<SiteText>(&s).ok())
            {
                raw.insert(lang.clone(), t);
            }
        }
        let default = site.settings.default_language.0.clone();
        let fallback = raw.get(&default).cloned().unwrap_or_default();
        let texts = raw
            .iter()
            .map(|(k, v)| (k.clone(), v.filled_from(&fallback)))
            .collect();
        Context {
            base_url: site.settings.base_url.clone(),
            default,
            languages: site
                .settings
                .languages
                .iter()
                .map(|l| l.0.clone())
                .collect(),
            texts,
        }
    }

    fn text(&self, lang: &str) -> SiteText {
        self.texts
            .get(lang)
            .or_else(|| self.texts.get(&self.default))
            .cloned()
            .unwrap_or_default()
    }

    /// The site language a document's `lang` stands for: itself, else the one site language
    /// of the same primary language (`en` for `en-US`), else itself (it is added).
    fn language(&self, lang: Option<&str>, notes: &mut Vec<Note>) -> String {
        let Some(lang) = lang.map(str::trim).filter(|l| !l.is_empty()) else {
            notes.push(Note::info(
                "language",
                format!(
                    "the document gives no `lang`; read as `{}`, the site's default language",
                    self.default
                ),
            ));
            return self.default.clone();
        };
        if let Some(l) = self.languages.iter().find(|l| l.eq_ignore_ascii_case(lang)) {
            return l.clone();
        }
        let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
        let same: Vec<&String> = self
            .languages
            .iter()
            .filter(|l| primary(l) == primary(lang))
            .collect();
        if let [one] = same.as_slice() {
            notes.push(Note::info(
                "language",
                format!("`lang` is `{lang}`; read as the site language `{one}`"),
            ));
            return (*one).clone();
        }
        lang.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Reading one file.

/// What a JSON file found in a folder turned out to be.
pub enum Found {
    Document(Box<Reading>),
    /// A file of a CSAF provider that is not a document (feed, provider metadata); why.
    Skip(String),
}

/// One CSAF document read into the model.
#[derive(Debug, Clone)]
pub struct Reading {
    pub file: String,
    pub tracking_id: String,
    /// The advisory it belongs to: the tracking id, without `-<lang>` for a translation.
    pub advisory_id: String,
    /// The site language of its text.
    pub lang: String,
    /// The source language, when this document is a translation.
    pub translation_of: Option<String>,
    pub advisory: Advisory,
    /// Affected and not affected products, by name.
    pub affected: Vec<String>,
    pub not_affected: Vec<String>,
    pub product_hints: BTreeMap<String, ProductHint>,
    pub text: AdvisoryText,
    /// The translation says it is behind the current version.
    pub outdated: bool,
    pub notes: Vec<Note>,
    pub boilerplate: Vec<String>,
}

/// Reads one file: a CSAF document, a provider file to skip, or an error naming what is
/// wrong (with line and column where the JSON is broken).
pub fn read(ctx: &Context, file: &str, text: &str) -> Result<Found, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| json_error("not valid JSON", &e))?;
    let Some(obj) = value.as_object() else {
        return Err("not a CSAF document: the file is JSON, but not an object".into());
    };
    if !obj.contains_key("document") {
        if obj.contains_key("feed") {
            return Ok(Found::Skip("a ROLIE feed, not a CSAF document".into()));
        }
        if obj.contains_key("canonical_url") && obj.contains_key("metadata_version") {
            return Ok(Found::Skip(
                "CSAF provider metadata, not a CSAF document".into(),
            ));
        }
        if obj.contains_key("service") || obj.contains_key("aggregator") {
            return Ok(Found::Skip(
                "a ROLIE service or aggregator document, not a CSAF document".into(),
            ));
        }
        return Err("not a CSAF document: it has no `document` object".into());
    }
    let version = obj
        .get("document")
        .and_then(|d| d.get("csaf_version"))
        .and_then(Value::as_str);
    if version != Some("2.0") {
        return Err(match version {
            Some(v) => format!("CSAF version `{v}` is not supported; only `2.0` is"),
            None => "not a CSAF document: `document.csaf_version` is missing".into(),
        });
    }
    let doc: Csaf =
        serde_json::from_str(text).map_err(|e| json_error("not a valid CSAF 2.0 document", &e))?;
    reading(ctx, file, doc).map(|r| Found::Document(Box::new(r)))
}

/// Whether `tag` is a BCP 47 language tag (`en`, `de-DE`, `zh-Hant-TW`), written with
/// letters, digits and `-` only.
fn is_language_tag(tag: &str) -> bool {
    tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && tag.parse::<icu_locale_core::Locale>().is_ok()
}

/// `what at line:col: message`, without serde_json's own position suffix.
pub(crate) fn json_error(what: &str, e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m)
        .to_string();
    // serde_json says column 0 at the start of a line (at the end of the file); editors
    // count from 1.
    format!("{what} at {}:{}: {msg}", e.line(), e.column().max(1))
}

/// A CSAF timestamp as a date in UTC, and whether it had a time of day.
fn date_of(s: &str) -> Option<(Date, bool)> {
    use chrono::{Datelike, Timelike};
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        let utc = t.with_timezone(&chrono::Utc);
        let d = Date::from_ymd(utc.year(), utc.month(), utc.day())?;
        let timed =
            utc.hour() != 0 || utc.minute() != 0 || utc.second() != 0 || utc.nanosecond() != 0;
        return Some((d, timed));
    }
    Date::parse(s.get(..10)?).ok().map(|d| (d, s.len() > 10))
}

/// A tracking id as an advisory id (a folder name and URL part): itself when safe, else
/// with every run of other characters as `_`, trimmed to 64 characters.
pub(crate) fn advisory_id(tracking_id: &str) -> String {
    if unsafe_reason(tracking_id).is_none() {
        return tracking_id.to_string();
    }
    let mut id = String::new();
    for c in tracking_id.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
            id.push(c);
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    let mut id: String = id
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(64)
        .collect();
    while id.ends_with('.') {
        id.pop();
    }
    if unsafe_reason(&id).is_some() {
        id = format!("csaf-{}", slug::slugify(tracking_id));
        id.truncate(64);
    }
    id
}

/// Markdown whose plain text, as the CSAF export makes it, is `text` again: every
/// character markdown would read as markup is escaped, paragraphs stay paragraphs and a
/// single line break becomes a hard break.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(p) = paragraphs.last_mut() {
            p.push(escape_line(line));
        }
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\\\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, c) in line.chars().enumerate() {
        let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '&' | '~')
            || (i == 0 && matches!(c, '#' | '>' | '+' | '-' | '=' | '|' | ':'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    // `1.` or `1)` at the start would begin an ordered list.
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')')) {
        out.insert(digits, '\\');
    }
    out
}

/// Where the export is in its list of notes (see `feeds::csaf::notes`); a note of an
/// earlier stage after a later one is not the export's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    #[default]
    Start,
    Overview,
    Products,
    Remediations,
    Actions,
    Symptoms,
    Faq,
    Disclaimer,
}

/// A document as it is read: what every phase needs, and the notes, boilerplate and
/// sections they all add to, in the order the phases run.
struct Reader<'d> {
    ctx: &'d Context,
    d: &'d Document,
    vulnerabilities: &'d [Vulnerability],
    /// Written by seckb's export: its notes are recognised by their place and labels.
    seckb: bool,
    /// The site language of the text, and the document's own `lang` for it.
    lang: String,
    raw_lang: String,
    site_text: SiteText,
    notes: Vec<Note>,
    boilerplate: Vec<String>,
    sections: Vec<Section>,
}

/// The revision history, oldest first: number (seckb's own), date and summary.
type History = Vec<(String, Date, String)>;

/// The products of the tree: name and hint by product id, and the groups.
struct Tree<'t> {
    by_id: BTreeMap<String, (String, ProductHint)>,
    groups: BTreeMap<&'t str, &'t Vec<String>>,
}

impl Tree<'_> {
    fn name_of(&self, pid: &str) -> Option<String> {
        self.by_id.get(pid).map(|(n, _)| n.clone())
    }
}

/// What the vulnerabilities say: CVEs, products by status (as names), the fields that have
/// no place in seckb, and the worst CVSS base severity.
#[derive(Default)]
struct Affects {
    cves: Vec<String>,
    affected: Vec<String>,
    not_affected: Vec<String>,
    fixed: Vec<String>,
    dropped_fields: BTreeSet<String>,
    worst_cvss: Option<Severity>,
}

/// What the document's notes hold, read in the order the export writes them.
#[derive(Default)]
struct NotesRead {
    summary: String,
    summary_seen: bool,
    subtitle: Option<String>,
    not_vulnerability: bool,
    /// When it was withdrawn, and why (the note's text).
    withdrawn: Option<(Date, String)>,
    outdated: bool,
    overview: Overview,
    /// Affected and not affected products of an informational document.
    informational_products: Option<(Vec<String>, Vec<String>)>,
    /// Kind, text and URL of an informational document's remediations.
    remediations: Vec<(RemediationKind, Option<String>, Option<String>)>,
    actions: Vec<Action>,
    symptoms: Vec<Symptom>,
    faq: Vec<Faq>,
    /// The symptoms shown with an answer, numbered from 0 until the others are counted.
    faq_symptoms: Vec<Symptom>,
    stage: Stage,
}

/// Remediations as they are read, with their texts, numbered per kind.
#[derive(Default)]
struct Remediations {
    list: Vec<Remediation>,
    texts: BTreeMap<String, String>,
    counters: BTreeMap<&'static str, usize>,
}

impl Remediations {
    fn push(
        &mut self,
        kind: RemediationKind,
        body: Option<String>,
        url: Option<String>,
        products: Vec<crate::model::ProductId>,
        vulnerabilities: Vec<String>,
    ) {
        let stem = match kind {
            RemediationKind::VendorFix => "vendor-fix",
            RemediationKind::Workaround => "workaround",
            RemediationKind::Mitigation => "mitigation",
            RemediationKind::NoneAvailable => "none-available",
            RemediationKind::NoFixPlanned => "no-fix-planned",
        };
        let n = self.counters.entry(stem).or_default();
        *n += 1;
        let rid = format!("{stem}-{n}");
        if let Some(b) = body.filter(|b| !b.trim().is_empty()) {
            self.texts.insert(rid.clone(), b);
        }
        self.list.push(Remediation {
            id: rid,
            kind,
            kb: None,
            url,
            products,
            vulnerabilities,
        });
    }
}

/// Reads a document, phase by phase; the order of the phases is the order of the notes
/// in the report.
fn reading(ctx: &Context, file: &str, doc: Csaf) -> Result<Reading, String> {
    let mut r = Reader::new(ctx, &doc.document, &doc.vulnerabilities)?;
    let (tracking_id, id, translation_of) = r.identity()?;
    let hist = r.revisions()?;
    let (first, (version, updated, _)) = (hist[0].1, hist[hist.len() - 1].clone());
    let revision_texts = r.revision_texts(&hist);
    let status = r.status()?;
    let tree = doc.product_tree.unwrap_or_default();
    let (tree, mut product_hints) = r.products(&tree);
    let mut affects = r.product_status(&tree);
    let structured = r.structured(&tree);
    let mut read = r.document_notes(translation_of.is_some(), &version);
    r.settle_products(&mut affects, &mut read, &mut product_hints);
    let remediations = r.remediations(
        &tree,
        &structured,
        &mut affects,
        &mut read,
        &mut product_hints,
    );
    let vulnerability_description = r.vulnerability_notes(&read, &mut affects);
    let severity = r.severity(affects.worst_cvss);
    let (references, links) = r.references(translation_of.is_some());
    let acknowledgments = r.acknowledgments();

    let seckb = r.seckb;
    let security_vulnerability = if read.not_vulnerability {
        false
    } else if !r.vulnerabilities.is_empty() || seckb {
        true
    } else {
        r.d.category != "csaf_informational_advisory"
    };
    if !seckb {
        r.notes.push(Note::info(
            "not-in-csaf",
            "CSAF has no `kind`, KB articles or bulletin numbers: `kind: advisory` was assumed",
        ));
    }
    let advisory = Advisory {
        id: AdvisoryId(id.clone()),
        kind: Kind::Advisory,
        source_language: LangTag(r.lang.clone()),
        status,
        published: first,
        updated,
        version: version.clone(),
        revisions: hist
            .iter()
            .map(|(n, d, _)| Revision {
                number: n.clone(),
                date: *d,
            })
            .collect(),
        security_vulnerability,
        severity,
        cves: std::mem::take(&mut affects.cves),
        aliases: Vec::new(),
        related: Vec::new(),
        origin: None,
        withdrawn: (read.withdrawn.as_ref())
            .map(|(date, _)| crate::model::Withdrawn { date: *date }),
        vulnerabilities: structured.vulnerabilities,
        kbs: Vec::new(),
        bulletins: Vec::new(),
        products: Products::default(),
        remediations: remediations.list,
        references,
        acknowledgments,
    };
    let mut title = r.d.title.clone();
    if title.trim().is_empty() {
        title = tracking_id.clone();
    }
    if read.summary.trim().is_empty() {
        r.stand_in_summary(&title, vulnerability_description, &mut read);
    }
    let text = AdvisoryText {
        revision: version,
        title,
        subtitle: read.subtitle,
        summary: read.summary,
        overview: read.overview,
        faq: read.faq,
        symptoms: read.symptoms,
        suggested_actions: read.actions,
        remediations: remediations.texts,
        revisions: revision_texts,
        links,
        sections: r.sections,
        vulnerabilities: structured.texts,
        // The note's text is the reason, unless it only repeats its title (no reason given).
        withdrawn: (read.withdrawn.as_ref())
            .filter(|(date, why)| *why != crate::csaf::withdrawn_title(*date, &r.site_text.ui))
            .map(|(_, why)| escape_markdown(why)),
    };
    // Text that would not read back as it was written is worth a look.
    if seckb
        && let Some(want) = r.d.notes.iter().find(|n| n.category == "summary")
        && plain(&text.summary) != want.text.trim()
    {
        r.notes.push(Note::warning(
            "text-changed",
            format!(
                "{}: the summary does not read back exactly as its CSAF text",
                r.lang
            ),
        ));
    }
    Ok(Reading {
        file: file.to_string(),
        tracking_id,
        advisory_id: id,
        lang: r.lang,
        translation_of,
        advisory,
        affected: affects.affected,
        not_affected: affects.not_affected,
        product_hints,
        text,
        outdated: read.outdated,
        notes: r.notes,
        boilerplate: r.boilerplate,
    })
}

impl<'d> Reader<'d> {
    /// A severity written as the site's label in the document's language, or as the
    /// English word (`Critical`, `High`, ...).
    fn severity_of(&self, text: &str) -> Option<Severity> {
        let t = text.trim();
        [
            Severity::Critical,
            Severity::Important,
            Severity::Moderate,
            Severity::Low,
        ]
        .into_iter()
        .find(|k| severity_label(*k, &self.site_text.ui).eq_ignore_ascii_case(t))
        .or_else(|| severity_word(t))
    }

    fn new(
        ctx: &'d Context,
        d: &'d Document,
        vulnerabilities: &'d [Vulnerability],
    ) -> Result<Reader<'d>, String> {
        let seckb = d
            .tracking
            .generator
            .as_ref()
            .and_then(|g| g.engine.as_ref())
            .is_some_and(|e| e.name == "seckb");
        // The language names the files written (`<lang>.yaml`, `i18n/<lang>.yaml`): anything
        // but a language tag could name a path outside the advisory's folder.
        for (field, value) in [("lang", &d.lang), ("source_lang", &d.source_lang)] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty())
                && !is_language_tag(v)
            {
                return Err(crate::diag::shorten_quotes(&format!(
                    "`document.{field}` is not a language tag: `{v}`"
                )));
            }
        }
        let mut notes = Vec::new();
        let lang = ctx.language(d.lang.as_deref(), &mut notes);
        Ok(Reader {
            ctx,
            d,
            vulnerabilities,
            seckb,
            site_text: ctx.text(&lang),
            raw_lang: d.lang.clone().unwrap_or_else(|| lang.clone()),
            lang,
            notes,
            boilerplate: Vec::new(),
            sections: Vec::new(),
        })
    }

    /// Which advisory: a translation is `<id>-<lang>` with a `source_lang`. Gives the
    /// tracking id, the advisory id and, for a translation, its source language.
    fn identity(&mut self) -> Result<(String, String, Option<String>), String> {
        let d = self.d;
        let (lang, raw_lang) = (&self.lang, &self.raw_lang);
        let tracking_id = d.tracking.id.trim().to_string();
        if tracking_id.is_empty() {
            return Err("`document.tracking.id` is empty".into());
        }
        let mut translation_of = None;
        let mut base_id = tracking_id.clone();
        if let Some(src) = d
            .source_lang
            .as_deref()
            .filter(|s| !s.eq_ignore_ascii_case(raw_lang))
        {
            let suffix = format!("-{raw_lang}");
            let cut = tracking_id.len().checked_sub(suffix.len());
            match cut.filter(|c| tracking_id.is_char_boundary(*c)) {
                Some(c) if tracking_id[c..].eq_ignore_ascii_case(&suffix) && c > 0 => {
                    base_id = tracking_id[..c].to_string();
                    translation_of = Some(self.ctx.language(Some(src), &mut Vec::new()));
                }
                _ => self.notes.push(Note::warning(
                    "translation",
                    format!("the document is a translation from `{src}`, but its id is not `<id>-{raw_lang}`; it was imported as an advisory of its own in `{lang}`"),
                )),
            }
        }
        let id = advisory_id(&base_id);
        if id != base_id {
            self.notes.push(Note::warning(
                "id",
                format!(
                    "the id `{base_id}` cannot be a folder name or URL part; the advisory is `{id}`"
                ),
            ));
        }
        Ok((tracking_id, id, translation_of))
    }

    /// Revisions: the history, oldest first; seckb's own numbers from `legacy_version`.
    fn revisions(&mut self) -> Result<History, String> {
        let d = self.d;
        if d.tracking.revision_history.is_empty() {
            return Err("`document.tracking.revision_history` is empty".into());
        }
        let mut timed = false;
        let mut hist: History = Vec::new();
        for (i, r) in d.tracking.revision_history.iter().enumerate() {
            let (date, t) = date_of(&r.date).ok_or_else(|| {
                format!(
                    "`tracking.revision_history[{i}].date` is not a date: `{}`",
                    r.date
                )
            })?;
            timed |= t;
            let number = r
                .legacy_version
                .clone()
                .filter(|n| parse_revision_number(n).is_some())
                .unwrap_or_else(|| r.number.clone());
            hist.push((number, date, r.summary.clone()));
        }
        self.order_revisions(&mut hist);
        if timed {
            self.notes.push(Note::info(
                "time",
                "times of day were dropped: seckb keeps dates (UTC)",
            ));
        }
        let (first, last) = (hist[0].1, hist[hist.len() - 1].1);
        for (field, value, want) in [
            (
                "initial_release_date",
                &d.tracking.initial_release_date,
                first,
            ),
            (
                "current_release_date",
                &d.tracking.current_release_date,
                last,
            ),
        ] {
            if date_of(value).map(|x| x.0) != Some(want) {
                self.notes.push(Note::warning(
                    "date-mismatch",
                    format!("`tracking.{field}` is `{value}`, the revision history says {want}; the history was kept"),
                ));
            }
        }
        Ok(hist)
    }

    /// Puts the history in the order of its numbers, where they rise with the dates; else
    /// orders it by date and numbers it `1.0`, `2.0`, ...
    fn order_revisions(&mut self, hist: &mut History) {
        let by_number = |a: &(String, Date, String), b: &(String, Date, String)| {
            compare_revision_numbers(&a.0, &b.0).unwrap_or(std::cmp::Ordering::Equal)
        };
        if hist.iter().all(|h| parse_revision_number(&h.0).is_some()) {
            if hist.windows(2).any(|w| by_number(&w[0], &w[1]).is_gt()) {
                hist.sort_by(by_number);
                self.notes.push(Note::info(
                    "revision-order",
                    "the revision history was put in the order of its numbers",
                ));
            }
        } else {
            hist.sort_by_key(|h| h.1);
            let bad: Vec<String> = hist.iter().map(|h| h.0.clone()).collect();
            for (i, h) in hist.iter_mut().enumerate() {
                h.0 = format!("{}.0", i + 1);
            }
            self.notes.push(Note::warning(
                "revision-order",
                format!(
                    "revision numbers {} are not of the form `1.0`; numbered 1.0, 2.0, ... by date",
                    bad.join(", ")
                ),
            ));
        }
        let numbers_rise = hist
            .windows(2)
            .all(|w| compare_revision_numbers(&w[0].0, &w[1].0) == Some(std::cmp::Ordering::Less));
        if hist.windows(2).any(|w| w[1].1 < w[0].1) || !numbers_rise {
            hist.sort_by_key(|h| h.1);
            for (i, h) in hist.iter_mut().enumerate() {
                h.0 = format!("{}.0", i + 1);
            }
            self.notes.push(Note::warning(
                "revision-order",
                "the revision numbers and dates do not rise together; the revisions were sorted by date and numbered 1.0, 2.0, ...",
            ));
        }
    }

    /// The revision summaries other than the one the export writes where there is none.
    fn revision_texts(&self, hist: &History) -> BTreeMap<String, String> {
        let mut revision_texts = BTreeMap::new();
        for (number, _, summary) in hist {
            let default = format!("{} {number}", self.site_text.ui.version);
            if !summary.trim().is_empty() && *summary != default {
                revision_texts.insert(number.clone(), summary.clone());
            }
        }
        revision_texts
    }

    /// The status; and warnings for what the distribution and tracking say that the site
    /// cannot keep.
    fn status(&mut self) -> Result<Status, String> {
        let d = self.d;
        let Some(status) = STATUSES
            .into_iter()
            .find(|s| status_name(*s) == d.tracking.status)
        else {
            return Err(format!(
                "`tracking.status` is `{}`; CSAF knows draft, interim and final",
                d.tracking.status
            ));
        };
        if let Some(label) = d
            .distribution
            .as_ref()
            .and_then(|x| x.tlp.as_ref())
            .map(|t| t.label.to_ascii_uppercase())
            .filter(|l| l != "WHITE" && l != "CLEAR")
        {
            self.notes.push(Note::warning(
                "tlp",
                format!("the document is TLP:{label}; the site publishes every advisory as TLP:WHITE, so make sure it may be published"),
            ));
        }
        if !d.tracking.aliases.is_empty() {
            self.notes.push(Note::warning(
                "not-kept",
                format!(
                    "tracking aliases {} have no place in seckb",
                    d.tracking.aliases.join(", ")
                ),
            ));
        }
        Ok(status)
    }

    /// Products: every full product name in the tree, with its vendor, family, version and
    /// identifiers; and the hints for the catalog, by product name.
    fn products<'t>(&mut self, tree: &'t ProductTree) -> (Tree<'t>, BTreeMap<String, ProductHint>) {
        let mut found: Vec<TreeProduct> = Vec::new();
        for b in &tree.branches {
            walk(b, &Place::default(), &mut found);
        }
        for p in &tree.full_product_names {
            found.push(TreeProduct::of(p, &Place::default()));
        }
        let place_of: BTreeMap<String, Place> = found
            .iter()
            .map(|f| (f.id.clone(), f.place.clone()))
            .collect();
        for r in &tree.relationships {
            // A product in a relationship is of the vendor of the product it refers to.
            let vendor = (place_of.get(&r.product_reference)).and_then(|p| p.vendor.clone());
            let place = Place {
                vendor,
                ..Place::default()
            };
            found.push(TreeProduct::of(&r.full_product_name, &place));
        }
        let helpers = found.iter().filter(|f| f.other_helpers).count();
        if helpers > 0 {
            self.notes.push(Note::warning(
                "not-kept",
                format!("product identification helpers other than CPE and purl (hashes, serial numbers, SBOM URLs, ...) of {helpers} products have no place in the product catalog"),
            ));
        }
        let catalog_like = |id: &str| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && unsafe_reason(id).is_none()
        };
        let mut by_id: BTreeMap<String, (String, ProductHint)> = BTreeMap::new();
        for f in found {
            let name = f.name.trim().to_string();
            let hint = ProductHint {
                vendor: f
                    .place
                    .vendor
                    .or_else(|| Some(self.d.publisher.name.clone())),
                id: catalog_like(&f.id).then(|| f.id.clone()),
                family: f.place.family,
                version: f.place.version,
                cpe: f.cpe,
                purl: f.purl,
                package: None,
                names: BTreeMap::new(),
            };
            by_id.entry(f.id).or_insert((name, hint));
        }
        let groups = tree
            .product_groups
            .iter()
            .map(|g| (g.group_id.as_str(), &g.product_ids))
            .collect();
        let mut product_hints: BTreeMap<String, ProductHint> = BTreeMap::new();
        for (name, hint) in by_id.values() {
            product_hints
                .entry(name.clone())
                .or_insert_with(|| hint.clone());
        }
        (Tree { by_id, groups }, product_hints)
    }

    /// Vulnerabilities: CVEs, product status, remediations, severity.
    fn product_status(&mut self, tree: &Tree) -> Affects {
        let mut a = Affects::default();
        let mut unknown_ids = BTreeSet::new();
        let push_names =
            |list: &mut Vec<String>, ids: &[String], unknown: &mut BTreeSet<String>| {
                for pid in ids {
                    match tree.name_of(pid) {
                        Some(n) => {
                            if !list.contains(&n) {
                                list.push(n);
                            }
                        }
                        None => {
                            unknown.insert(pid.clone());
                        }
                    }
                }
            };
        let mut dropped_status = BTreeSet::new();
        // The advisory's products are those of the vulnerabilities seckb wrote for its CVEs,
        // where there are any, else those of all vulnerabilities.
        let legacy = self.legacy();
        let for_products: Vec<&Vulnerability> = if legacy.is_empty() {
            self.vulnerabilities.iter().collect()
        } else {
            legacy.clone()
        };
        for v in &legacy {
            if let Some(c) = v.cve.as_ref().map(|c| c.trim().to_string())
                && !a.cves.contains(&c)
            {
                a.cves.push(c);
            }
        }
        for v in for_products {
            for (status, ids) in &v.product_status {
                match status.as_str() {
                    "known_affected" | "first_affected" | "last_affected" => {
                        push_names(&mut a.affected, ids, &mut unknown_ids)
                    }
                    "known_not_affected" => push_names(&mut a.not_affected, ids, &mut unknown_ids),
                    "fixed" | "first_fixed" => push_names(&mut a.fixed, ids, &mut unknown_ids),
                    // The vulnerabilities' own statuses are read with them.
                    _ if legacy.is_empty() => {}
                    other => {
                        dropped_status.insert(other.to_string());
                    }
                }
            }
        }
        for v in self.vulnerabilities {
            for s in &v.scores {
                for cvss in [&s.cvss_v3, &s.cvss_v2].into_iter().flatten() {
                    let sev = cvss
                        .get("baseSeverity")
                        .and_then(Value::as_str)
                        .and_then(severity_word);
                    a.worst_cvss = match (a.worst_cvss, sev) {
                        (Some(x), Some(y)) => Some(if rank(y) > rank(x) { y } else { x }),
                        (x, y) => x.or(y),
                    };
                }
            }
            if !v.scores.is_empty() && legacy.iter().any(|l| std::ptr::eq(*l, v)) {
                a.dropped_fields.insert("scores (CVSS)".into());
            }
            for k in v.other.keys() {
                a.dropped_fields.insert(k.clone());
            }
        }
        if !dropped_status.is_empty() {
            self.notes.push(Note::warning(
                "not-kept",
                format!(
                    "product status {} has no place in seckb (only affected and not affected)",
                    dropped_status.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !unknown_ids.is_empty() {
            self.notes.push(Note::warning(
                "unknown-product",
                format!(
                    "product ids {} are not in the product tree and were left out",
                    unknown_ids.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        a
    }

    /// Document notes, in the order the export writes them.
    fn document_notes(&mut self, translation: bool, version: &str) -> NotesRead {
        let mut read = NotesRead::default();
        let ui = &self.site_text.ui;
        let expected = Expected {
            outdated: translation.then(|| ui.outdated_note.replace("{version}", version)),
            disclaimer: plain(&self.site_text.disclaimer),
        };
        let d = self.d;
        for n in &d.notes {
            if !self.lead_note(&mut read, n, &expected) {
                self.body_note(&mut read, n, &expected);
            }
        }
        // Symptoms shown with an answer come after the others, as the FAQ points at them.
        let offset = read.symptoms.len();
        for f in &mut read.faq {
            if let Some(i) = f.symptom.as_mut() {
                *i += offset;
            }
        }
        read.symptoms.extend(std::mem::take(&mut read.faq_symptoms));
        read
    }

    /// Reads a note of the export's first stages (summary, general notes, overview) into
    /// `read`; false when it is none of them.
    fn lead_note(&self, read: &mut NotesRead, n: &CsafNote, expected: &Expected) -> bool {
        let ui = &self.site_text.ui;
        let title = n.title.as_deref().filter(|t| !t.trim().is_empty());
        let text = n.text.as_str();
        let at = |s: Stage| read.stage <= s;
        let withdrawn = title.and_then(|t| crate::csaf::withdrawn_date(t, ui));
        match (n.category.as_str(), title) {
            ("summary", t) if !read.summary_seen && at(Stage::Start) => {
                read.summary_seen = true;
                read.summary = escape_markdown(text);
                read.subtitle = t.map(str::to_string);
            }
            ("general", None) if text == ui.not_a_vulnerability && at(Stage::Start) => {
                read.not_vulnerability = true;
            }
            ("general", None) if expected.outdated.as_deref() == Some(text) && at(Stage::Start) => {
                read.outdated = true;
            }
            ("general", Some(_))
                if withdrawn.is_some() && read.withdrawn.is_none() && at(Stage::Start) =>
            {
                read.withdrawn = withdrawn.map(|date| (date, text.to_string()));
            }
            ("description", Some(t))
                if t == ui.purpose && read.overview.purpose.is_none() && at(Stage::Overview) =>
            {
                read.overview.purpose = Some(escape_markdown(text));
                read.stage = Stage::Overview;
            }
            ("general", Some(t))
                if t == ui.advisory_status
                    && read.overview.status.is_none()
                    && at(Stage::Overview) =>
            {
                read.overview.status = Some(escape_markdown(text));
                read.stage = Stage::Overview;
            }
            ("general", Some(t))
                if t == ui.recommendation
                    && read.overview.recommendation.is_none()
                    && at(Stage::Overview) =>
            {
                read.overview.recommendation = Some(escape_markdown(text));
                read.stage = Stage::Overview;
            }
            _ => return false,
        }
        true
    }

    /// Reads a note of the export's later stages (products and remediations of an
    /// informational document, actions, symptoms, FAQ, disclaimer) into `read`; any other
    /// note becomes a section.
    fn body_note(&mut self, read: &mut NotesRead, n: &CsafNote, expected: &Expected) {
        let ui = &self.site_text.ui;
        let title = n.title.as_deref().filter(|t| !t.trim().is_empty());
        let (text, cat) = (n.text.as_str(), n.category.as_str());
        let (seckb, informational) = (self.seckb, self.vulnerabilities.is_empty());
        let at = |s: Stage| read.stage <= s;
        match (cat, title) {
            ("general", Some(t))
                if seckb
                    && informational
                    && (t == ui.affected_software || t == ui.not_affected_software)
                    && at(Stage::Products) =>
            {
                let lists = read
                    .informational_products
                    .get_or_insert_with(Default::default);
                let names: Vec<String> = text.split('\n').map(str::to_string).collect();
                if t == ui.affected_software && lists.0.is_empty() {
                    lists.0 = names;
                } else {
                    lists.1 = names;
                }
                read.stage = Stage::Products;
            }
            ("general", Some(t))
                if seckb
                    && informational
                    && at(Stage::Remediations)
                    && REMEDIATION_KINDS
                        .iter()
                        .any(|k| remediation_label(*k, ui) == t) =>
            {
                let kind = REMEDIATION_KINDS
                    .into_iter()
                    .find(|k| remediation_label(*k, ui) == t)
                    .unwrap_or(RemediationKind::VendorFix);
                // The export writes the text, then the URL on a line of its own.
                let (body, url) = match text.rsplit_once('\n') {
                    Some((b, u)) if looks_like_url(u) && !b.ends_with('\n') => (Some(b), Some(u)),
                    _ if looks_like_url(text) => (None, Some(text)),
                    _ => (Some(text), None),
                };
                let (body, url) = (body.map(escape_markdown), url.map(str::to_string));
                read.remediations.push((kind, body, url));
                read.stage = Stage::Remediations;
            }
            ("general", Some(t)) if seckb && at(Stage::Actions) => {
                read.actions.push(Action {
                    title: t.to_string(),
                    body: escape_markdown(text),
                });
                read.stage = Stage::Actions;
            }
            ("details", Some(t)) if seckb && t == ui.symptoms && at(Stage::Symptoms) => {
                let (lead, mut s) = split_symptom(text, ui);
                s.description = escape_markdown(&lead);
                read.symptoms.push(s);
                read.stage = Stage::Symptoms;
            }
            ("faq", Some(t)) if at(Stage::Faq) => {
                let (answer, symptom) = if seckb {
                    let (lead, s) = split_symptom(text, ui);
                    let has = s.log_file.is_some()
                        || !s.log_lines.is_empty()
                        || !s.error_codes.is_empty();
                    (lead, has.then_some(s))
                } else {
                    (text.to_string(), None)
                };
                let index = symptom.map(|mut s| {
                    s.description = escape_markdown(&answer);
                    read.faq_symptoms.push(s);
                    read.faq_symptoms.len() - 1
                });
                read.faq.push(Faq {
                    question: t.to_string(),
                    answer: escape_markdown(&answer),
                    symptom: index,
                });
                read.stage = Stage::Faq;
            }
            ("legal_disclaimer", _) if text == expected.disclaimer => {
                let what = title.unwrap_or("legal disclaimer");
                self.boilerplate.push(format!("{}: {what}", self.lang));
                read.stage = Stage::Disclaimer;
            }
            _ => {
                let heading = title
                    .map(str::to_string)
                    .unwrap_or_else(|| category_title(cat));
                if cat == "legal_disclaimer" {
                    self.notes.push(Note::warning(
                        "disclaimer",
                        format!("the legal disclaimer differs from the site's; it was kept as the section `{heading}`"),
                    ));
                }
                self.sections.push(Section {
                    title: heading,
                    body: escape_markdown(text),
                });
            }
        }
    }

    /// Products of an informational document are in its notes; else in the tree. Fixed
    /// products are not affected, unless nothing else is affected; with no product at all,
    /// a placeholder stands in.
    fn settle_products(
        &mut self,
        a: &mut Affects,
        read: &mut NotesRead,
        product_hints: &mut BTreeMap<String, ProductHint>,
    ) {
        if let Some((affected, not_affected)) = read.informational_products.take() {
            a.affected = affected;
            a.not_affected = not_affected;
        } else if self.vulnerabilities.is_empty() && a.affected.is_empty() {
            a.affected = product_hints.keys().cloned().collect();
            if !a.affected.is_empty() {
                self.notes.push(Note::info(
                    "products",
                    format!("no vulnerability gives a product status; the {} products of the product tree are read as affected", a.affected.len()),
                ));
            }
        }
        if a.affected.is_empty() && !a.fixed.is_empty() {
            self.notes.push(Note::warning(
                "products",
                format!("no product is named affected; the {} fixed products are read as the affected products (the ones the advisory is about)", a.fixed.len()),
            ));
            a.affected = std::mem::take(&mut a.fixed);
        }
        for f in std::mem::take(&mut a.fixed) {
            if !a.not_affected.contains(&f) {
                a.not_affected.push(f);
            }
        }
        let affected = &a.affected;
        a.not_affected.retain(|n| !affected.contains(n));
        if a.affected.is_empty() {
            let publisher = &self.d.publisher.name;
            let name = write::placeholder_product(publisher);
            self.notes.push(Note::warning(
                "no-products",
                format!("the document names no affected product; `products.affected` names `{name}` so the advisory validates; replace it by hand"),
            ));
            product_hints.insert(
                name.clone(),
                ProductHint {
                    vendor: Some(publisher.clone()),
                    ..ProductHint::default()
                },
            );
            a.affected.push(name);
        }
    }

    /// Remediations: the vulnerabilities', once each (seckb's export repeats a remediation in
    /// every vulnerability it is for), else the informational notes'. One for exactly the
    /// affected products (the advisory's, or a vulnerability's) is one without products of
    /// its own; one for some of the vulnerabilities read with them names those.
    fn remediations(
        &mut self,
        tree: &Tree,
        structured: &vulns::Read,
        a: &mut Affects,
        read: &mut NotesRead,
        product_hints: &mut BTreeMap<String, ProductHint>,
    ) -> Remediations {
        let mut remediations = Remediations::default();
        // By what makes a remediation: the vulnerabilities it is in (`None`: one seckb wrote
        // for the advisory's CVEs, which is for all of them).
        type Key = (String, String, Option<String>, Vec<String>);
        let mut found: Vec<(Key, Option<Vec<String>>)> = Vec::new();
        // Remediation products are resolved to catalog ids when the advisory is written; here
        // they are kept as names in the `products` field and mapped by `Reading::finish`.
        for (i, v) in self.vulnerabilities.iter().enumerate() {
            let of = structured.ids.get(i).cloned().flatten();
            let mut keys: Vec<Key> = Vec::new();
            for r in &v.remediations {
                let mut names = self.remediation_products(tree, r);
                let default = match &of {
                    Some(id) => structured.affected.get(id).unwrap_or(&a.affected),
                    None => &a.affected,
                };
                if names == *default {
                    names.clear();
                }
                keys.push((r.category.clone(), r.details.clone(), r.url.clone(), names));
                for k in r.other.keys() {
                    a.dropped_fields.insert(format!("remediations.{k}"));
                }
            }
            for (j, key) in keys.iter().enumerate() {
                let at = |key: &Key| found.iter().position(|(k, _)| k == key);
                match (at(key), &of) {
                    (Some(x), Some(id)) => {
                        if let Some(ids) = &mut found[x].1
                            && !ids.contains(id)
                        {
                            ids.push(id.clone())
                        }
                    }
                    (Some(x), None) => found[x].1 = None,
                    // A new one goes before the next of this vulnerability's that is known
                    // already: each vulnerability lists the advisory's remediations in the
                    // advisory's order, which is so kept.
                    (None, of) => {
                        let next = keys[j + 1..].iter().find_map(at).unwrap_or(found.len());
                        found.insert(next, (key.clone(), of.as_ref().map(|id| vec![id.clone()])));
                    }
                }
            }
        }
        let all: Vec<&String> = structured.ids.iter().flatten().collect();
        for ((category, details, url, names), ids) in found {
            let kind = self.remediation_kind(&category);
            let body = (details != remediation_label(kind, &self.site_text.ui))
                .then(|| escape_markdown(&details));
            let products = names.into_iter().map(crate::model::ProductId).collect();
            let url = url.filter(|u| {
                let bad = crate::validate::url_problem(u);
                if let Some(why) = &bad {
                    self.notes.push(Note::warning(
                        "invalid-url",
                        format!("remediation URL left out: {why}"),
                    ));
                }
                bad.is_none()
            });
            let vulnerabilities = match ids {
                Some(ids) if ids.iter().collect::<Vec<_>>() != all => ids,
                _ => Vec::new(),
            };
            remediations.push(kind, body, url, products, vulnerabilities);
        }
        for (kind, body, url) in std::mem::take(&mut read.remediations) {
            remediations.push(kind, body, url, Vec::new(), Vec::new());
        }
        // Remediations of seckb's export name only products it lists; a product named only
        // there must still be in the catalog.
        for r in &remediations.list {
            for p in &r.products {
                if !a.affected.contains(&p.0)
                    && !a.not_affected.contains(&p.0)
                    && !product_hints.contains_key(&p.0)
                {
                    product_hints.insert(p.0.clone(), ProductHint::default());
                }
            }
        }
        remediations
    }

    /// The names of the products a remediation is for, its groups' included.
    fn remediation_products(&mut self, tree: &Tree, r: &CsafRemediation) -> Vec<String> {
        let mut pids: Vec<String> = r.product_ids.clone();
        for g in &r.group_ids {
            match tree.groups.get(g.as_str()) {
                Some(ids) => pids.extend(ids.iter().cloned()),
                None => self.notes.push(Note::warning(
                    "unknown-product",
                    format!("product group `{g}` is not in the product tree"),
                )),
            }
        }
        let mut names: Vec<String> = Vec::new();
        for pid in &pids {
            if let Some(n) = tree.name_of(pid)
                && !names.contains(&n)
            {
                names.push(n);
            }
        }
        names
    }

    /// The kind of a remediation category; those seckb has no kind for are read as the
    /// nearest.
    fn remediation_kind(&mut self, category: &str) -> RemediationKind {
        if let Some(kind) = REMEDIATION_KINDS
            .into_iter()
            .find(|k| remediation_category(*k) == category)
        {
            return kind;
        }
        self.notes.push(Note::info(
            "remediation",
            format!("`{category}` was read as `vendor_fix`"),
        ));
        RemediationKind::VendorFix
    }

    /// Vulnerability notes: seckb repeats the summary there; anything else is a section.
    /// Gives the place among the sections of the first description, which stands in for a
    /// missing summary.
    fn vulnerability_notes(&mut self, read: &NotesRead, a: &mut Affects) -> Option<usize> {
        let mut vulnerability_description: Option<usize> = None;
        let plain_summary = plain(&read.summary);
        let title_text = self.d.title.clone();
        let expected_text = if plain_summary.is_empty() {
            title_text.clone()
        } else {
            plain_summary
        };
        let expected_title = read.subtitle.clone().unwrap_or_else(|| title_text.clone());
        let not_affected_details = format!(
            "{}: {}",
            self.site_text.ui.not_affected_software,
            a.not_affected.join(", ")
        );
        // The others are read with their text (`structured`).
        for v in self.legacy() {
            let name = v
                .cve
                .clone()
                .or_else(|| v.title.clone())
                .unwrap_or_else(|| "Vulnerability".into());
            if v.cve.is_none() {
                self.notes.push(Note::warning(
                    "no-cve",
                    format!("a vulnerability without CVE (`{name}`) is no CVE in seckb; its notes are kept as sections"),
                ));
            }
            for n in &v.notes {
                let ours = self.seckb
                    && n.category == "description"
                    && n.text == expected_text
                    && n.title.as_deref() == Some(expected_title.as_str());
                if ours {
                    continue;
                }
                let what = n
                    .title
                    .clone()
                    .unwrap_or_else(|| category_title(&n.category));
                if vulnerability_description.is_none()
                    && matches!(n.category.as_str(), "description" | "summary")
                {
                    vulnerability_description = Some(self.sections.len());
                }
                self.sections.push(Section {
                    title: format!("{name}: {what}"),
                    body: escape_markdown(&n.text),
                });
            }
            for t in &v.threats {
                let ours =
                    self.seckb && t.category == "impact" && t.details == not_affected_details;
                if !ours {
                    a.dropped_fields.insert(format!("threats ({})", t.category));
                }
            }
        }
        if !a.dropped_fields.is_empty() {
            self.notes.push(Note::warning(
                "not-kept",
                format!(
                    "vulnerability fields {} have no place in seckb",
                    std::mem::take(&mut a.dropped_fields)
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        vulnerability_description
    }

    /// Severity: the aggregate severity in the document's words, else the worst CVSS.
    fn severity(&mut self, worst_cvss: Option<Severity>) -> Option<Severity> {
        let Some(s) = &self.d.aggregate_severity else {
            if let Some(s) = worst_cvss {
                self.notes.push(Note::info(
                    "severity",
                    format!(
                        "severity `{}` from the highest CVSS base severity",
                        severity_name(s)
                    ),
                ));
            }
            return worst_cvss;
        };
        let t = s.text.trim();
        let found = self.severity_of(t);
        if found.is_none() {
            self.notes.push(Note::warning(
                "severity",
                format!("the aggregate severity `{t}` is none of critical, important, moderate and low; left out"),
            ));
        }
        found
    }

    /// References: those the export adds itself are left to the site. Gives the references
    /// and their labels by id.
    fn references(&mut self, translation: bool) -> (Vec<Reference>, BTreeMap<String, String>) {
        let (ctx, lang) = (self.ctx, self.lang.clone());
        let own_csaf = format!("{}{}", ctx.base_url, crate::csaf::WHITE_DIR);
        let own_page_prefix = format!("{}{lang}/advisories/", ctx.base_url);
        let mut references: Vec<Reference> = Vec::new();
        let mut links = BTreeMap::new();
        let all_refs = self.d.references.iter().chain(
            self.vulnerabilities
                .iter()
                .flat_map(|v| v.references.iter()),
        );
        for (i, r) in all_refs.enumerate() {
            let category = r.category.as_deref().unwrap_or("external");
            if r.url.starts_with(&own_csaf) {
                if i == 0 && translation {
                    self.boilerplate
                        .push(format!("{lang}: link to the original"));
                } else {
                    self.boilerplate
                        .push(format!("{lang}: {category} reference"));
                }
                continue;
            }
            if r.url.starts_with(&own_page_prefix) && r.summary.ends_with(" (HTML)") {
                self.boilerplate.push(format!("{lang}: link to the page"));
                continue;
            }
            if references.iter().any(|x| x.url == r.url) {
                continue;
            }
            if let Some(why) = crate::validate::url_problem(&r.url) {
                self.notes.push(Note::warning(
                    "invalid-url",
                    format!("reference left out: {why}"),
                ));
                continue;
            }
            let (mut rid, kind) =
                super::technet::classify_link(&r.url, &r.summary).unwrap_or_else(|| {
                    (
                        format!("ref-{}", references.len() + 1),
                        if category == "self" {
                            ReferenceKind::Advisory
                        } else {
                            ReferenceKind::External
                        },
                    )
                });
            if references.iter().any(|x| x.id == rid) {
                rid = format!("{rid}-{}", references.len() + 1);
            }
            // Every reference needs a label; the export writes the URL where there is none.
            let label = if r.summary.trim().is_empty() {
                r.url.clone()
            } else {
                r.summary.clone()
            };
            links.insert(rid.clone(), label);
            references.push(Reference {
                id: rid,
                url: r.url.clone(),
                kind,
            });
        }
        (references, links)
    }

    /// Acknowledgments: one per name.
    fn acknowledgments(&mut self) -> Vec<Acknowledgment> {
        let legacy = self.legacy().into_iter();
        let all_acks: Vec<&crate::csaf::model::Acknowledgment> = (self.d.acknowledgments.iter())
            .chain(legacy.flat_map(|v| v.acknowledgments.iter()))
            .collect();
        self.acknowledgments_of(all_acks)
    }

    /// Acknowledgments `list`, one per name.
    fn acknowledgments_of(
        &mut self,
        list: Vec<&crate::csaf::model::Acknowledgment>,
    ) -> Vec<Acknowledgment> {
        let mut acknowledgments = Vec::new();
        for k in list {
            let url = k
                .urls
                .first()
                .cloned()
                .filter(|u| crate::validate::url_problem(u).is_none());
            if k.urls.len() > 1 || k.summary.is_some() {
                self.notes.push(Note::warning(
                    "not-kept",
                    "acknowledgment summaries and URLs after the first have no place in seckb",
                ));
            }
            let names: Vec<String> = if k.names.is_empty() {
                k.organization.iter().cloned().collect()
            } else {
                k.names.clone()
            };
            for name in names {
                let a = Acknowledgment {
                    name: name.clone(),
                    organization: k.organization.clone().filter(|o| *o != name),
                    url: url.clone(),
                    role: None,
                    contact: Vec::new(),
                };
                if !acknowledgments
                    .iter()
                    .any(|x: &Acknowledgment| x.name == a.name && x.organization == a.organization)
                {
                    acknowledgments.push(a);
                }
            }
        }
        acknowledgments
    }

    /// Every advisory needs a summary: the first vulnerability's description, else the
    /// purpose, else the title.
    fn stand_in_summary(
        &mut self,
        title: &str,
        vulnerability_description: Option<usize>,
        read: &mut NotesRead,
    ) {
        // seckb's export then repeats the title in the vulnerability notes; the subtitle
        // stands there too.
        if let Some(t) = self
            .vulnerabilities
            .first()
            .and_then(|v| v.notes.first())
            .and_then(|n| n.title.clone())
            .filter(|t| self.seckb && *t != title)
        {
            read.subtitle = Some(t);
        }
        let (text, what) = if let Some(i) = vulnerability_description {
            let s = self.sections.remove(i);
            (s.body, format!("the note `{}`", s.title))
        } else if let Some(p) = &read.overview.purpose {
            (p.clone(), "the purpose".to_string())
        } else {
            (escape_markdown(title), "the title".to_string())
        };
        read.summary = text;
        self.notes.push(Note::warning(
            "no-summary",
            format!(
                "{}: the document has no summary note; {what} stands in for it",
                self.lang
            ),
        ));
    }
}

/// The texts the export writes of itself, to know them again.
struct Expected {
    /// The note that a translation is behind the current version.
    outdated: Option<String>,
    disclaimer: String,
}

/// Where in the product tree a product is: the names of the nearest vendor and product
/// family branches above it, and of its version branch.
#[derive(Debug, Clone, Default)]
struct Place {
    vendor: Option<String>,
    family: Option<String>,
    version: Option<String>,
}

/// A product of the tree, with its place and the identifiers the catalog keeps.
struct TreeProduct {
    id: String,
    name: String,
    place: Place,
    cpe: Option<String>,
    purl: Option<String>,
    /// It has identification helpers the catalog has no place for.
    other_helpers: bool,
}

impl TreeProduct {
    fn of(p: &FullProductName, place: &Place) -> TreeProduct {
        let helper = p.product_identification_helper.as_ref();
        let text = |key: &str| {
            helper
                .and_then(|h| h.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        // seckb writes the product's page in the catalog under `x_generic_uris`: the
        // catalog has it already.
        let kept = ["cpe", "purl", "x_generic_uris"];
        TreeProduct {
            id: p.product_id.clone(),
            name: p.name.clone(),
            place: place.clone(),
            cpe: text("cpe"),
            purl: text("purl"),
            other_helpers: helper.is_some_and(|h| h.keys().any(|k| !kept.contains(&k.as_str()))),
        }
    }
}

/// Gathers the products below branch `b`, each with its place (`place` is that of `b`'s
/// parent).
fn walk(b: &Branch, place: &Place, out: &mut Vec<TreeProduct>) {
    let mut place = place.clone();
    let name = Some(b.name.clone());
    match b.category.as_str() {
        "vendor" => place.vendor = name,
        "product_family" => place.family = name,
        "product_version" => place.version = name,
        _ => {}
    }
    if let Some(p) = &b.product {
        out.push(TreeProduct::of(p, &place));
    }
    for c in &b.branches {
        walk(c, &place, out);
    }
}

fn looks_like_url(s: &str) -> bool {
    !s.contains(char::is_whitespace)
        && (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("mailto:"))
}

fn category_title(category: &str) -> String {
    let t = category.replace('_', " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Note".into(),
    }
}

fn severity_word(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "important" | "high" => Some(Severity::Important),
        "moderate" | "medium" => Some(Severity::Moderate),
        "low" => Some(Severity::Low),
        _ => None,
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Important => "important",
        Severity::Moderate => "moderate",
        Severity::Low => "low",
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 4,
        Severity::Important => 3,
        Severity::Moderate => 2,
        Severity::Low => 1,
    }
}

// ---------------------------------------------------------------------------------------
// Merging the readings of one advisory and planning the files.

/// Plans the import of `readings` into `site`: one advisory per id, its original's facts,
/// a text per language.
pub fn plan(site: &write::Site, readings: Vec<Reading>, opts: &Options) -> Plan {
    let mut p = Plan::default();
    let all_langs: BTreeSet<String> = readings.iter().map(|r| r.lang.clone()).collect();
    let settings = write::add_languages(site, &all_langs, &mut p);
    let order: Vec<String> = settings.languages.iter().map(|l| l.0.clone()).collect();
    let rank = |l: &str| order.iter().position(|x| x == l).unwrap_or(usize::MAX);
    for lang in &all_langs {
        if site.site_texts.contains(lang.as_str()) {
            continue;
        }
        let rel = format!("i18n/{lang}.yaml");
        let yaml = write::language_site_text(lang, "csaf");
        write::put(&mut p.files, &site.root, &rel, yaml.into_bytes());
        p.site_notes.push(Note::info(
            "site-text-added",
            format!("`{rel}` written with the language name; other UI text falls back to `{}` (a `missing-translation` warning)", settings.default_language),
        ));
    }

    let mut groups: BTreeMap<String, Vec<Reading>> = BTreeMap::new();
    for r in readings {
        groups.entry(r.advisory_id.clone()).or_default().push(r);
    }
    let mut catalog = write::Indexed::new(site.catalog.clone());
    for (id, mut rs) in groups {
        rs.sort_by_key(|r| (r.translation_of.is_some(), rank(&r.lang), r.lang.clone()));
        let (m, sources) = merge(rs, &rank);
        let (report, files): (AdvisoryReport, _) =
            write::write_advisory(site, &id, m, &sources, &mut catalog, opts);
        p.reports.push(report);
        p.files.extend(files);
    }
    write::add_products(site, &catalog.catalog, &mut p);
    p
}

/// Merges an advisory's readings (the original first) into one advisory.
fn merge(mut rs: Vec<Reading>, rank: &dyn Fn(&str) -> usize) -> (Merged, Vec<SourceFile>) {
    let primary = rs.remove(0);
    let mut notes: Vec<Note> = primary.notes.clone();
    if let Some(src) = &primary.translation_of {
        notes.push(Note::warning(
            "no-original",
            format!("only translations were read (the original is in `{src}`); the facts come from the `{}` translation, which is the source language now", primary.lang),
        ));
    }
    let mut advisory = primary.advisory.clone();
    advisory.source_language = LangTag(primary.lang.clone());
    let mut texts = BTreeMap::new();
    let mut boilerplate = primary.boilerplate.clone();
    let mut sources = vec![source_file(&primary)];
    texts.insert(primary.lang.clone(), primary.text.clone());
    for r in rs {
        if texts.contains_key(&r.lang) {
            notes.push(Note::warning(
                "duplicate",
                format!(
                    "`{}` is a second text in `{}`; it was left out",
                    r.file, r.lang
                ),
            ));
            continue;
        }
        for n in &r.notes {
            if !notes.contains(n) {
                notes.push(Note {
                    message: format!("{}: {}", r.lang, n.message),
                    ..n.clone()
                });
            }
        }
        let a = &r.advisory;
        let dates = |x: &Advisory| {
            x.revisions
                .iter()
                .map(|v| format!("{} ({})", v.number, v.date))
                .collect::<Vec<_>>()
        };
        if a.cves != advisory.cves || dates(a) != dates(&advisory) || r.affected != primary.affected
        {
            notes.push(Note::warning(
                "fact-conflict",
                format!("{}: the translation's CVEs, revisions or products differ from the original's; the original's were kept", r.lang),
            ));
        }
        let mut t = r.text.clone();
        // Keys of the translation's entries, matched to the original's by place or URL.
        t.remediations = r
            .advisory
            .remediations
            .iter()
            .zip(&advisory.remediations)
            .filter_map(|(mine, theirs)| {
                r.text
                    .remediations
                    .get(&mine.id)
                    .map(|v| (theirs.id.clone(), v.clone()))
            })
            .collect();
        t.links = r
            .advisory
            .references
            .iter()
            .filter_map(|mine| {
                let theirs = advisory.references.iter().find(|x| x.url == mine.url)?;
                r.text
                    .links
                    .get(&mine.id)
                    .map(|v| (theirs.id.clone(), v.clone()))
            })
            .collect();
        t.revisions
            .retain(|k, _| advisory.revisions.iter().any(|v| &v.number == k));
        if r.outdated {
            // The export only says the translation is behind; the revision before the
            // latest is the newest it can be.
            let n = advisory.revisions.len();
            t.revision = advisory.revisions[n.saturating_sub(2)].number.clone();
        } else {
            t.revision = advisory.version.clone();
        }
        boilerplate.extend(r.boilerplate.iter().cloned());
        sources.push(source_file(&r));
        texts.insert(r.lang.clone(), t);
    }
    sources.sort_by_key(|s| (s.lang != primary.lang, rank(&s.lang)));
    let prose: Vec<String> = texts
        .iter()
        .flat_map(|(l, t)| t.sections.iter().map(move |s| format!("{l}: {}", s.title)))
        .collect();
    let structured = write::structured(&advisory, &primary.affected, &primary.not_affected, &texts);
    // Remediation products are names until the catalog gives ids.
    let m = Merged {
        advisory,
        affected: primary.affected.clone(),
        not_affected: primary.not_affected.clone(),
        product_hints: primary.product_hints.clone(),
        texts,
        notes,
        structured,
        prose,
        boilerplate,
    };
    (m, sources)
}

fn source_file(r: &Reading) -> SourceFile {
    let name = std::path::Path::new(&r.file)
        .file_name()
        .map_or_else(|| r.file.clone(), |n| n.to_string_lossy().into_owned());
    SourceFile {
        lang: r.lang.clone(),
        file: r.file.clone(),
        comment: format!(
            "Imported by `seckb import csaf` from {name} ({})",
            r.tracking_id
        ),
        title: r.text.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_reads_back_as_the_same_plain_text() {
        for t in [
            "Plain words.",
            "*not bold* and _not italic_ and `not code` and [not](a link) <b>x</b> &amp;",
            "# not a heading",
            "- not a list",
            "1. not a list either; 2) nor this",
            "> not a quote",
            "C:\\Program Files\\x \\\\ y",
            "First paragraph.\n\nSecond ~~one~~ with | pipes.",
            "--- and === and +++",
            "http://example.com/a_b_c?x=1&y=2",
        ] {
            assert_eq!(plain(&escape_markdown(t)), t, "{t}");
        }
        // A single line break is a hard break: read back as a space.
        assert_eq!(escape_markdown("a\nb"), "a\\\nb");
        assert_eq!(plain(&escape_markdown("a\n   b")), "a b");
    }

    #[test]
    fn unsafe_tracking_ids_become_folder_names() {
        assert_eq!(advisory_id("RHSA-2021:5186"), "RHSA-2021_5186");
        assert_eq!(advisory_id("SA.2025_07"), "SA.2025_07");
        assert_eq!(advisory_id("a/../b"), "a_.._b");
        assert!(unsafe_reason(&advisory_id("../../etc")).is_none());
        assert!(unsafe_reason(&advisory_id(&"x".repeat(100))).is_none());
    }

    #[test]
    fn json_errors_give_line_and_column() {
        let e = serde_json::from_str::<Value>("{\n  \"a\": 1,\n}").unwrap_err();
        let m = json_error("not valid JSON", &e);
        assert!(m.starts_with("not valid JSON at 3:1: "), "{m}");
        assert!(!m.contains(" at line "), "{m}");
    }
}
