//! Feed items shared by JSON Feed and Atom: one item per advisory revision, newest first,
//! with an id that is stable for that advisory, revision and language and never reused.

use crate::i18n::{DateStyle, format_date};
use crate::markdown::{to_html, to_plain};
use std::collections::{BTreeSet, HashMap};

use crate::model::{Advisory, Date, Kind, ProductId};
use crate::site::{Site, text_for};

/// One revision of one advisory, as a feed entry in one language.
#[derive(Debug, Clone)]
pub struct Item {
    /// `tag:` URI (RFC 4151), unique per advisory, revision and language.
    pub id: String,
    /// Absolute URL of the advisory page in the feed's language.
    pub url: String,
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Sanitized HTML: the revision note, then the summary.
    pub content_html: String,
    /// The revision's date.
    pub date: Date,
    /// The advisory's first publication.
    pub published: Date,
    /// Language the text is in (the feed's, or the source language as a fallback).
    pub language: String,
    /// Product names and the kind.
    pub tags: Vec<String>,
    pub advisory_id: String,
    pub revision: String,
    /// Product ids, to build per-product feeds.
    pub products: Vec<String>,
}

/// The host of the base URL, the authority of `tag:` ids.
pub(crate) fn tag_authority(site: &Site) -> String {
    url::Url::parse(&site.settings.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into())
}

/// What places an item in the feeds, known from the model without making the item: its
/// date, advisory and revision.
#[derive(Debug, Clone)]
pub struct Stub<'a> {
    pub date: Date,
    /// The advisory's index in [`Site::advisories`].
    pub advisory: usize,
    pub advisory_id: &'a str,
    pub revision: &'a str,
    /// The products it affects, for the per-product feeds.
    pub products: Vec<&'a ProductId>,
}

/// The stub of every item [`items`] gives, in the same order: every revision of every
/// published (non-draft) advisory that has a text to show in `lang`, newest first.
pub fn stubs<'a>(site: &'a Site, lang: &str) -> Vec<Stub<'a>> {
    let mut out: Vec<Stub> = site
        .advisories
        .iter()
        .enumerate()
        .filter(|(_, (a, texts))| {
            a.status != crate::model::Status::Draft && text_for(a, texts, lang).1.is_some()
        })
        .flat_map(|(i, (a, _))| {
            a.revisions.iter().map(move |r| Stub {
                date: r.date,
                advisory: i,
                advisory_id: a.id.as_str(),
                revision: &r.number,
                products: a.affected_products(),
            })
        })
        .collect();
    out.sort_by(|x, y| {
        (y.date, y.advisory_id, y.revision).cmp(&(x.date, x.advisory_id, x.revision))
    });
    out
}

/// Every revision of every published (non-draft) advisory in `lang`, newest first.
pub fn items(site: &Site, lang: &str) -> Vec<Item> {
    let stubs = stubs(site, lang);
    let mut made = items_of(site, lang, &stubs.iter().map(|s| s.advisory).collect());
    stubs
        .iter()
        .filter_map(|s| made.remove(&(s.advisory, s.revision.to_string())))
        .collect()
}

/// The items of the advisories `advisories` (indices in [`Site::advisories`]), made in
/// parallel, by advisory index and revision.
pub fn items_of(
    site: &Site,
    lang: &str,
    advisories: &BTreeSet<usize>,
) -> HashMap<(usize, String), Item> {
    use rayon::prelude::*;
    let authority = tag_authority(site);
    let ui = site.site_text(lang).map(|t| t.ui.clone()).ok();
    let wanted: Vec<usize> = advisories.iter().copied().collect();
    wanted
        .par_iter()
        .flat_map_iter(|&i| {
            let (a, texts) = &site.advisories[i];
            advisory_items(site, a, texts, lang, &authority, ui.as_ref())
                .into_iter()
                .map(move |item| ((i, item.revision.clone()), item))
        })
        .collect()
}

/// The items of one advisory: one per revision.
pub(crate) fn advisory_items(
    site: &Site,
    a: &Advisory,
    texts: &std::collections::BTreeMap<&str, &crate::model::AdvisoryText>,
    lang: &str,
    authority: &str,
    ui: Option<&crate::model::UiStrings>,
) -> Vec<Item> {
    let mut out = Vec::new();
    {
        if a.status == crate::model::Status::Draft {
            return out;
        }
        let (shown, text) = text_for(a, texts, lang);
        let Some(t) = text else { return out };
        let src = texts.get(a.source_language.as_str()).copied().unwrap_or(t);
        let url = site.url(&Site::advisory_path(lang, a.id.as_str()));
        let mut tags: Vec<String> = a
            .products
            .affected
            .iter()
            .filter_map(|p| site.product(p.as_str()))
            .map(|p| p.name_in(lang).to_string())
            .collect();
        tags.push(kind_name(a, ui));
        // What a reader filters on: the severity (stated or computed from the scores) and
        // the CVE ids.
        if let (Some(severity), Some(ui)) = (crate::vuln::severity(a), ui) {
            tags.push(crate::csaf::severity_label(severity, ui).to_string());
        }
        tags.extend(crate::vuln::cves(a).into_iter().map(String::from));
        // The summary is the same in every revision's item.
        let summary_html = to_html(&t.summary);
        let summary_plain = to_plain(&t.summary);
        for r in &a.revisions {
            let note = t
                .revisions
                .get(&r.number)
                .or_else(|| src.revisions.get(&r.number))
                .cloned()
                .unwrap_or_default();
            let version = ui.map_or("Version", |u| u.version.as_str());
            let revision_html = format!(
                "<p><strong>{} {}</strong> ({}): {}</p>\n",
                crate::markdown::escape_html(version),
                crate::markdown::escape_html(&r.number),
                format_date(lang, r.date, DateStyle::Long),
                crate::markdown::to_inline_html(&note)
            );
            out.push(Item {
                id: format!(
                    "tag:{authority},{}:{}/{}/{lang}",
                    a.published, a.id, r.number
                ),
                url: url.clone(),
                title: format!("{} (V{})", t.title, r.number),
                summary: format!("{} {summary_plain}", note.trim())
                    .trim()
                    .to_string(),
                content_html: format!("{revision_html}{summary_html}"),
                date: r.date,
                published: a.published,
                language: shown.to_string(),
                tags: tags.clone(),
                advisory_id: a.id.0.clone(),
                revision: r.number.clone(),
                products: (a.affected_products().into_iter())
                    .map(|p| p.0.clone())
                    .collect(),
            });
        }
    }
    out
}

fn kind_name(a: &Advisory, ui: Option<&crate::model::UiStrings>) -> String {
    match (a.kind, ui) {
        (Kind::Advisory, Some(u)) => u.kind_advisory.clone(),
        (Kind::Bulletin, Some(u)) => u.kind_bulletin.clone(),
        (Kind::Advisory, None) => "advisory".into(),
        (Kind::Bulletin, None) => "bulletin".into(),
    }
}
