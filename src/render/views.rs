//! View structs: exactly what templates see, built from the model for one language. Text
//! comes from the page's language, or from the source language where a translation lacks it.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::i18n::{DateStyle, format_date};
use crate::markdown::{Memo, to_html, to_plain};
use crate::model::{
    Advisory, AdvisoryText, Kind, ReferenceKind, RemediationKind, Severity, SiteText, Status,
    UiStrings,
};
use crate::site::{Site, api_path, csaf_path, osv_path};

/// What every page has.
#[derive(Debug, Serialize)]
pub struct Page {
    /// The page's language tag.
    pub lang: String,
    /// Site title and description in that language.
    pub site_title: String,
    pub site_description: String,
    /// UI strings in that language.
    pub ui: UiStrings,
    /// Relative path from the page to the site root, e.g. `../../../`.
    pub root: String,
    /// Relative path from the page to its language's home.
    pub home: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// The page in every language.
    pub languages: Vec<LangLink>,
    /// URL of the default language's version, for `hreflang="x-default"`.
    pub x_default: String,
    /// Whether the site has a sources and licence page.
    pub has_about: bool,
}

impl Page {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        lang: &str,
        text: &SiteText,
        root: &str,
        rel: &str,
        base: &str,
        languages: Vec<LangLink>,
        default_lang: &str,
        dir: &str,
    ) -> Page {
        let rel_dir = rel.strip_suffix("index.html").unwrap_or(rel);
        let canonical = if root.is_empty() {
            base.to_string()
        } else {
            format!("{base}{lang}/{rel_dir}")
        };
        Page {
            lang: lang.to_string(),
            site_title: text.site_title.clone(),
            site_description: text.site_description.clone(),
            ui: text.ui.clone(),
            home: if root.is_empty() {
                format!("{lang}/")
            } else {
                format!("{root}{lang}/")
            },
            root: root.to_string(),
            canonical,
            languages,
            x_default: format!("{base}{default_lang}/{dir}"),
            has_about: false,
        }
    }
}

/// The page links of a list that takes more than one page (`listings.per_page`).
#[derive(Debug, PartialEq, Serialize, Hash)]
pub struct Pager {
    /// This page's number, from 1.
    pub number: usize,
    /// "Page 2 of 5" in the page's language.
    pub label: String,
    /// The previous and the next page, relative to this one.
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The pages linked by number: the first, the last, and two either side of this one,
    /// with `None` for each gap between them.
    pub links: Vec<Option<PagerLink>>,
}

/// A link to one page of a list.
#[derive(Debug, PartialEq, Serialize, Hash)]
pub struct PagerLink {
    pub number: usize,
    /// Relative to the page that links it.
    pub href: String,
    pub current: bool,
}

/// The folder of page `number` of a list, below the list's own folder: `page/2/`, and
/// nothing for the first page, which is the list's folder itself.
pub fn page_dir(number: usize) -> String {
    if number > 1 {
        format!("page/{number}/")
    } else {
        String::new()
    }
}

/// The path from page `number` of a list to its first page's folder: `../../` below
/// `page/<n>/`.
pub fn list_root(number: usize) -> &'static str {
    if number > 1 { "../../" } else { "" }
}

impl Pager {
    /// The links of page `number` of a list of `pages` pages; none when it has one.
    pub fn new(number: usize, pages: usize, ui: &UiStrings) -> Option<Pager> {
        if pages < 2 || number == 0 || number > pages {
            return None;
        }
        let href = |to: usize| {
            let h = format!("{}{}", list_root(number), page_dir(to));
            if h.is_empty() { "./".to_string() } else { h }
        };
        let mut shown: Vec<usize> = vec![1, pages];
        shown.extend(number.saturating_sub(2).max(1)..=(number + 2).min(pages));
        shown.sort_unstable();
        shown.dedup();
        let mut links = Vec::new();
        let mut last = 0;
        for n in shown {
            if n > last + 1 {
                links.push(None);
            }
            links.push(Some(PagerLink {
                number: n,
                href: href(n),
                current: n == number,
            }));
            last = n;
        }
        Some(Pager {
            number,
            label: ui
                .page_of
                .replace("{page}", &number.to_string())
                .replace("{pages}", &pages.to_string()),
            previous: (number > 1).then(|| href(number - 1)),
            next: (number < pages).then(|| href(number + 1)),
            links,
        })
    }
}

/// The scripts of the search page, relative to it, with their integrity hashes.
#[derive(Debug, Serialize)]
pub struct SearchView {
    /// The page's own script (`search.js`), loaded with the page.
    pub script: String,
    pub script_integrity: String,
    /// Pagefind's search library, imported by the script once a reader starts searching.
    pub library: String,
    pub library_integrity: String,
    /// The folders of the index's other parts, merged into the first (none when the
    /// index is in one part).
    pub parts: Vec<String>,
}

/// A link to the same page in another language.
#[derive(Debug, Serialize)]
pub struct LangLink {
    pub lang: String,
    pub name: String,
    /// Relative link from the current page.
    pub href: String,
    /// Absolute URL.
    pub url: String,
    pub current: bool,
}

/// An advisory in a list.
#[derive(Debug, Serialize, Hash)]
pub struct ListItem {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub summary: String,
    pub published: String,
    pub published_iso: String,
    /// Language the title is shown in, when it is not the page's.
    pub shown_lang: Option<String>,
}

impl ListItem {
    pub fn new(
        a: &Advisory,
        texts: &BTreeMap<&str, &AdvisoryText>,
        lang: &str,
        ui: &UiStrings,
    ) -> ListItem {
        let (shown, t) = pick_text(a, texts, lang);
        ListItem {
            id: a.id.0.clone(),
            kind: kind_label(a.kind, ui),
            title: t.map(|t| t.title.clone()).unwrap_or_else(|| a.id.0.clone()),
            subtitle: t.and_then(|t| t.subtitle.clone()),
            summary: t.map(|t| to_plain(&t.summary)).unwrap_or_default(),
            published: format_date(lang, a.published, DateStyle::Long),
            published_iso: a.published.to_string(),
            shown_lang: (shown != lang).then(|| shown.to_string()),
        }
    }
}

use crate::site::text_for as pick_text;

fn kind_label(k: Kind, ui: &UiStrings) -> String {
    match k {
        Kind::Advisory => ui.kind_advisory.clone(),
        Kind::Bulletin => ui.kind_bulletin.clone(),
    }
}

/// A whole advisory page.
#[derive(Debug, Serialize)]
pub struct AdvisoryView {
    pub id: String,
    pub kind: String,
    /// Language of the text shown (the page's, or the source language as a fallback).
    pub text_lang: String,
    pub fallback_note: Option<String>,
    pub outdated_note: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub published: String,
    pub published_iso: String,
    pub updated: String,
    pub updated_iso: String,
    pub version: String,
    pub status: String,
    pub draft: bool,
    pub not_a_vulnerability: bool,
    /// "Withdrawn on ..." and why, for a withdrawn advisory.
    pub withdrawn: Option<String>,
    pub withdrawn_reason: Option<String>,
    pub severity: Option<String>,
    pub summary: String,
    pub purpose: Option<String>,
    pub advisory_status: Option<String>,
    pub recommendation: Option<String>,
    pub kbs: Vec<Linked>,
    pub cves: Vec<String>,
    pub affected: Vec<Linked>,
    pub not_affected: Vec<Linked>,
    pub faq: Vec<FaqView>,
    /// Symptoms not already shown under a FAQ answer.
    pub symptoms: Vec<SymptomView>,
    pub actions: Vec<ActionView>,
    pub sections: Vec<ActionView>,
    pub bulletins: Vec<String>,
    /// The vulnerabilities, each with its scores and the status of each product.
    pub vulnerabilities: Vec<VulnView>,
    pub remediations: Vec<RemediationView>,
    pub references: Vec<Linked>,
    pub acknowledgments: Vec<Linked>,
    pub support: String,
    pub disclaimer: String,
    pub revisions: Vec<RevisionView>,
    /// The JSON, CSAF and OSV documents, linked relative to the page.
    pub documents: Vec<Linked>,
}

/// A vulnerability as a page shows it.
#[derive(Debug, Serialize)]
pub struct VulnView {
    /// The anchor of its section.
    pub anchor: String,
    pub title: String,
    pub cve: Option<Linked>,
    pub ids: Vec<String>,
    pub cwes: Vec<Linked>,
    pub scores: Vec<ScoreView>,
    /// The highest score, for the summary table.
    pub top: Option<ScoreView>,
    pub description: String,
    pub impact: Option<String>,
    pub mitigating_factors: Option<String>,
    pub workarounds: Option<String>,
    pub faq: Vec<FaqView>,
    /// Each status that names products, with them (a product known not to be affected
    /// has why as its note).
    pub statuses: Vec<StatusView>,
    /// Affected versions of packages: the product and its ranges, written out.
    pub versions: Vec<Linked>,
    pub exploited: Option<String>,
}

#[derive(Debug, Serialize, Clone, Hash)]
pub struct ScoreView {
    /// `CVSS 3.1`, `CVSS 4.0`.
    pub version: String,
    pub vector: String,
    /// One decimal, as CVSS writes it.
    pub score: String,
    /// In the page's language.
    pub severity: String,
    /// `critical`, `high`, ... for the badge's style.
    pub class: String,
}

#[derive(Debug, Serialize)]
pub struct StatusView {
    pub label: String,
    pub products: Vec<Linked>,
}

/// A vendor of the product index, with its product families.
#[derive(Debug, Serialize)]
pub struct VendorView<'f> {
    pub name: String,
    pub families: Vec<FamilyView<'f>>,
}

/// A product family of a vendor (`name` is `None` for products of no family), with the
/// product pages in it.
#[derive(Debug, Serialize)]
pub struct FamilyView<'f> {
    pub name: Option<String>,
    pub products: Vec<ProductView<'f>>,
}

/// A product of the index: its own page (none when the catalog has only versions of it),
/// and the pages of its versions, in version order.
#[derive(Debug, Serialize)]
pub struct ProductView<'f> {
    pub name: String,
    pub page: Option<&'f super::facets::Facet>,
    pub versions: Vec<VersionView<'f>>,
}

#[derive(Debug, Serialize)]
pub struct VersionView<'f> {
    pub version: String,
    pub page: &'f super::facets::Facet,
}

/// The product pages `facets` (`products/<id>/`) as a tree: vendors by name, in each the
/// products of no family first, then each family by name; products in the order given,
/// each with its versions (catalog entries with a `version`) below it.
pub fn product_tree<'f>(
    site: &Site,
    facets: &'f [super::facets::Facet],
    lang: &str,
) -> Vec<VendorView<'f>> {
    type Products<'f> = Vec<ProductView<'f>>;
    let mut tree: BTreeMap<String, BTreeMap<Option<String>, Products<'f>>> = BTreeMap::new();
    for f in facets {
        let id = (f.dir.strip_prefix("products/"))
            .and_then(|d| d.strip_suffix('/'))
            .unwrap_or(&f.dir);
        let p = site.product(id);
        let (vendor, family) = match p {
            Some(p) => (p.vendor.clone(), p.family.clone()),
            None => (String::new(), None),
        };
        let products = tree.entry(vendor).or_default().entry(family).or_default();
        let (name, version) = match p {
            Some(p) => (p.product_name_in(lang).to_string(), p.version.clone()),
            None => (f.name.clone(), None),
        };
        let i = match products.iter().position(|x| x.name == name) {
            Some(i) => i,
            None => {
                products.push(ProductView {
                    name,
                    page: None,
                    versions: Vec::new(),
                });
                products.len() - 1
            }
        };
        match version {
            // With a version, or a second entry of the same name: a version of it.
            Some(version) => products[i].versions.push(VersionView { version, page: f }),
            None if products[i].page.is_some() => products[i].versions.push(VersionView {
                version: f.name.clone(),
                page: f,
            }),
            None => products[i].page = Some(f),
        }
    }
    for products in tree.values_mut().flat_map(|families| families.values_mut()) {
        for p in products.iter_mut() {
            p.versions
                .sort_by(|x, y| crate::model::compare_versions(Some(&x.version), Some(&y.version)));
        }
    }
    (tree.into_iter())
        .map(|(name, families)| VendorView {
            name,
            families: (families.into_iter())
                .map(|(name, products)| FamilyView { name, products })
                .collect(),
        })
        .collect()
}

/// A label with an optional link.
#[derive(Debug, Serialize, Clone)]
pub struct Linked {
    pub label: String,
    pub href: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FaqView {
    pub question: String,
    pub answer: String,
    pub symptom: Option<SymptomView>,
}

#[derive(Debug, Serialize, Clone)]
pub struct SymptomView {
    pub description: String,
    pub log_file: Option<String>,
    pub log: String,
    pub error_codes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionView {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct RemediationView {
    pub kind: String,
    pub text: Option<String>,
    pub kb: Option<String>,
    pub href: Option<String>,
    pub products: Vec<String>,
    /// The vulnerabilities it is for, linked to their sections; empty when it is for all.
    pub vulnerabilities: Vec<Linked>,
}

#[derive(Debug, Serialize)]
pub struct RevisionView {
    pub number: String,
    pub date: String,
    pub date_iso: String,
    pub description: String,
}

/// The site text shown on every advisory page of a language, as HTML: rendered once per
/// language rather than once per page (it is often longer than an advisory's own text).
#[derive(Debug)]
pub struct Boilerplate {
    support: String,
    disclaimer: String,
}

impl Boilerplate {
    pub fn of(site_text: &SiteText) -> Boilerplate {
        Boilerplate {
            support: to_html(&site_text.support),
            disclaimer: to_html(&site_text.disclaimer),
        }
    }
}

impl AdvisoryView {
    pub fn new(
        a: &Advisory,
        texts: &BTreeMap<&str, &AdvisoryText>,
        lang: &str,
        site: &Site,
        site_text: &SiteText,
        boilerplate: &Boilerplate,
        memo: &Memo,
    ) -> Result<AdvisoryView> {
        let ui = &site_text.ui;
        let (shown, t) = pick_text(a, texts, lang);
        let t =
            t.with_context(|| format!("advisory `{}` has no text in its source language", a.id))?;
        let src = texts.get(a.source_language.as_str()).copied().unwrap_or(t);
        // Why the text is not this language's, or not of the advisory's version.
        let fallback_note = (shown != lang).then(|| {
            let name = site
                .site_text(shown)
                .map(|s| s.language_name.clone())
                .unwrap_or_else(|_| shown.to_string());
            ui.fallback_note.replace("{language}", &name)
        });
        let outdated = t.revision != a.version && lang != a.source_language.as_str();
        let outdated_note = (fallback_note.is_none() && outdated)
            .then(|| ui.outdated_note.replace("{version}", &a.version));
        let lookup = |pick, key: &str| lookup(t, src, pick, key);
        let product_link = |id: &str| product_link(site, id, lang);
        let (faq, symptoms) = faq_and_symptoms(t, memo);

        Ok(AdvisoryView {
            id: a.id.0.clone(),
            kind: kind_label(a.kind, ui),
            text_lang: shown.to_string(),
            fallback_note,
            outdated_note,
            title: t.title.clone(),
            subtitle: t.subtitle.clone(),
            published: format_date(lang, a.published, DateStyle::Full),
            published_iso: a.published.to_string(),
            updated: format_date(lang, a.updated, DateStyle::Full),
            updated_iso: a.updated.to_string(),
            version: a.version.clone(),
            status: status_label(a.status, ui),
            draft: a.status == Status::Draft,
            not_a_vulnerability: !a.security_vulnerability,
            withdrawn: (a.withdrawn.as_ref()).map(|w| {
                ui.withdrawn_on
                    .replace("{date}", &format_date(lang, w.date, DateStyle::Full))
            }),
            withdrawn_reason: (t.withdrawn.as_ref().or(src.withdrawn.as_ref()))
                .filter(|_| a.withdrawn.is_some())
                .map(|m| memo.html(m)),
            severity: crate::vuln::severity(a).map(|s| severity_label(s, ui)),
            summary: memo.html(&t.summary),
            purpose: t.overview.purpose.as_deref().map(|m| memo.html(m)),
            advisory_status: t.overview.status.as_deref().map(|m| memo.html(m)),
            recommendation: t.overview.recommendation.as_deref().map(|m| memo.html(m)),
            kbs: kb_links(a),
            cves: crate::vuln::cves(a).into_iter().map(String::from).collect(),
            bulletins: a.bulletins.clone(),
            vulnerabilities: vuln_views(a, (t, src), (site, lang), ui, memo),
            sections: (t.sections.iter())
                .map(|x| action_view(&x.title, &x.body, memo))
                .collect(),
            affected: (a.products.affected.iter())
                .map(|p| product_link(p.as_str()))
                .collect(),
            not_affected: (a.products.not_affected.iter())
                .map(|p| product_link(p.as_str()))
                .collect(),
            faq,
            symptoms,
            actions: (t.suggested_actions.iter())
                .map(|x| action_view(&x.title, &x.body, memo))
                .collect(),
            remediations: a
                .remediations
                .iter()
                .map(|r| RemediationView {
                    kind: remediation_label(r.kind, ui),
                    text: lookup(|t| &t.remediations, &r.id).map(|m| memo.html(&m)),
                    kb: r.kb.clone(),
                    href: r.url.clone(),
                    products: (r.products.iter())
                        .map(|p| product_link(p.as_str()).label)
                        .collect(),
                    vulnerabilities: (r.vulnerabilities.iter())
                        .map(|id| {
                            let text = t.vulnerabilities.get(id).or(src.vulnerabilities.get(id));
                            let cve = (a.vulnerabilities.iter())
                                .find(|v| v.id == *id)
                                .and_then(|v| v.cve.clone());
                            Linked {
                                label: (text.map(|x| x.title.clone()))
                                    .or(cve)
                                    .unwrap_or_else(|| id.clone()),
                                href: Some(format!("#vulnerability-{id}")),
                                note: None,
                            }
                        })
                        .collect(),
                })
                .collect(),
            references: (a.references.iter())
                .map(|r| Linked {
                    label: lookup(|t| &t.links, &r.id).unwrap_or_else(|| r.url.clone()),
                    href: Some(r.url.clone()),
                    note: None,
                })
                .collect(),
            acknowledgments: (a.acknowledgments.iter())
                .map(|k| Linked {
                    label: k.name.clone(),
                    href: k.url.clone(),
                    note: k.organization.clone(),
                })
                .collect(),
            support: boilerplate.support.clone(),
            disclaimer: boilerplate.disclaimer.clone(),
            revisions: (a.revisions.iter())
                .map(|r| RevisionView {
                    number: r.number.clone(),
                    date: format_date(lang, r.date, DateStyle::Long),
                    date_iso: r.date.to_string(),
                    description: (lookup(|t| &t.revisions, &r.number))
                        .map(|d| memo.inline_html(&d))
                        .unwrap_or_default(),
                })
                .collect(),
            documents: documents(a, texts, lang),
        })
    }
}

/// The vulnerabilities of `a`, their text from `t` (else the source language's `src`).
fn vuln_views(
    a: &Advisory,
    (t, src): (&AdvisoryText, &AdvisoryText),
    (site, lang): (&Site, &str),
    ui: &UiStrings,
    memo: &Memo,
) -> Vec<VulnView> {
    let scores = crate::vuln::scores(a);
    (a.vulnerabilities.iter().zip(scores))
        .map(|(v, scores)| {
            let text = t
                .vulnerabilities
                .get(&v.id)
                .or_else(|| src.vulnerabilities.get(&v.id));
            let scores: Vec<ScoreView> = scores.iter().map(|s| score_view(s, ui)).collect();
            let md = |m: Option<&String>| m.map(|m| memo.html(m));
            VulnView {
                anchor: format!("vulnerability-{}", v.id),
                title: (text.map(|x| x.title.clone()))
                    .or_else(|| v.cve.clone())
                    .unwrap_or_else(|| v.id.clone()),
                cve: v.cve.as_ref().map(|cve| Linked {
                    label: cve.clone(),
                    href: Some(format!("https://www.cve.org/CVERecord?id={cve}")),
                    note: None,
                }),
                ids: v.ids.clone(),
                cwes: (v.cwes.iter())
                    .map(|cwe| Linked {
                        // The CWE List is in English only.
                        label: match crate::cwe::name(cwe) {
                            Some(name) => format!("{cwe}: {name}"),
                            None => cwe.clone(),
                        },
                        href: cwe
                            .strip_prefix("CWE-")
                            .map(|n| format!("https://cwe.mitre.org/data/definitions/{n}.html")),
                        note: None,
                    })
                    .collect(),
                top: scores.first().cloned(),
                scores,
                description: md(text.map(|x| &x.description)).unwrap_or_default(),
                impact: md(text.and_then(|x| x.impact.as_ref())),
                mitigating_factors: md(text.and_then(|x| x.mitigating_factors.as_ref())),
                workarounds: md(text.and_then(|x| x.workarounds.as_ref())),
                faq: (text.iter().flat_map(|x| &x.faq))
                    .map(|f| FaqView {
                        question: f.question.clone(),
                        answer: memo.html(&f.answer),
                        symptom: None,
                    })
                    .collect(),
                statuses: status_views(v, site, lang, ui),
                versions: (v.affected.iter())
                    .map(|aff| Linked {
                        note: Some(versions_text(aff)),
                        ..product_link(site, aff.product.as_str(), lang)
                    })
                    .collect(),
                exploited: (v.exploited.as_ref())
                    .map(|e| ui.exploited_since.replace("{date}", &e.since.to_string())),
            }
        })
        .collect()
}

pub(super) fn score_view(s: &crate::vuln::Score, ui: &UiStrings) -> ScoreView {
    ScoreView {
        version: format!("CVSS {}", s.version),
        vector: s.vector.clone(),
        score: format!("{:.1}", s.base_score),
        severity: (crate::vuln::severity_of(s.base_severity))
            .map(|x| severity_label(x, ui))
            .unwrap_or_default(),
        class: s.base_severity.to_ascii_lowercase(),
    }
}

/// Each status of `v` that names products, in CSAF's order, with its products.
fn status_views(
    v: &crate::model::Vulnerability,
    site: &Site,
    lang: &str,
    ui: &UiStrings,
) -> Vec<StatusView> {
    v.products
        .all()
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(status, ids)| StatusView {
            label: product_status_label(status, ui),
            products: (ids.into_iter())
                .map(|id| Linked {
                    // An affected product's note is the vendor's rating of it, if given.
                    note: why_not_affected(v, id, status, ui).or_else(|| {
                        (status == crate::model::ProductStatusKind::KnownAffected)
                            .then(|| v.ratings.iter().find(|r| r.products.contains(id)))
                            .flatten()
                            .map(|r| severity_label(r.severity, ui))
                    }),
                    ..product_link(site, id.as_str(), lang)
                })
                .collect(),
        })
        .collect()
}

/// The site's words for a product status.
pub(super) fn product_status_label(
    status: crate::model::ProductStatusKind,
    ui: &UiStrings,
) -> String {
    use crate::model::ProductStatusKind as S;
    match status {
        S::KnownAffected => &ui.status_known_affected,
        S::Fixed => &ui.status_fixed,
        S::FirstFixed => &ui.status_first_fixed,
        S::Recommended => &ui.status_recommended,
        S::UnderInvestigation => &ui.status_under_investigation,
        S::KnownNotAffected => &ui.status_known_not_affected,
    }
    .clone()
}

/// Why product `id` is not affected by `v`, when that is its `status` and `v` says why.
pub(super) fn why_not_affected(
    v: &crate::model::Vulnerability,
    id: &crate::model::ProductId,
    status: crate::model::ProductStatusKind,
    ui: &UiStrings,
) -> Option<String> {
    (v.products.known_not_affected.iter())
        .find(|n| &n.product == id && status == crate::model::ProductStatusKind::KnownNotAffected)
        .and_then(|n| n.justification)
        .map(|j| justification_label(j, ui))
}

fn justification_label(j: crate::model::Justification, ui: &UiStrings) -> String {
    use crate::model::Justification as J;
    match j {
        J::ComponentNotPresent => &ui.justification_component_not_present,
        J::VulnerableCodeNotPresent => &ui.justification_vulnerable_code_not_present,
        J::VulnerableCodeCannotBeControlledByAdversary => {
            &ui.justification_vulnerable_code_cannot_be_controlled_by_adversary
        }
        J::VulnerableCodeNotInExecutePath => &ui.justification_vulnerable_code_not_in_execute_path,
        J::InlineMitigationsAlreadyExist => &ui.justification_inline_mitigations_already_exist,
    }
    .clone()
}

/// The affected versions of a package, written out: each range as `>= a, < b` (or
/// `<= b` for a last affected version), then the versions listed.
fn versions_text(aff: &crate::model::Affected) -> String {
    use crate::model::Event;
    let mut runs: Vec<String> = Vec::new();
    for range in &aff.ranges {
        let mut start: Option<&str> = None;
        for event in &range.events {
            match event {
                Event::Introduced(v) => start = Some(v),
                Event::Fixed(v) | Event::LastAffected(v) => {
                    let end = match event {
                        Event::Fixed(_) => format!("< {v}"),
                        _ => format!("<= {v}"),
                    };
                    runs.push(match start.take() {
                        Some("0") | None => end,
                        Some(s) => format!(">= {s}, {end}"),
                    });
                }
            }
        }
        if let Some(s) = start {
            runs.push(format!(">= {s}"));
        }
    }
    runs.extend(aff.versions.iter().map(|v| format!("= {v}")));
    runs.join("; ")
}

/// The FAQ, each answer with the symptom it shows, and the symptoms no answer shows.
fn faq_and_symptoms(t: &AdvisoryText, memo: &Memo) -> (Vec<FaqView>, Vec<SymptomView>) {
    let symptoms: Vec<SymptomView> = (t.symptoms.iter())
        .map(|s| SymptomView {
            description: memo.html(&s.description),
            log_file: s.log_file.clone(),
            log: s.log_lines.join("\n"),
            error_codes: s.error_codes.clone(),
        })
        .collect();
    let in_faq: Vec<usize> = t.faq.iter().filter_map(|f| f.symptom).collect();
    let faq = (t.faq.iter())
        .map(|f| FaqView {
            question: f.question.clone(),
            answer: memo.html(&f.answer),
            symptom: f.symptom.and_then(|i| symptoms.get(i).cloned()),
        })
        .collect();
    let rest = (symptoms.iter().enumerate())
        .filter(|(i, _)| !in_faq.contains(i))
        .map(|(_, s)| s.clone())
        .collect();
    (faq, rest)
}

/// A titled section or suggested action, its body as sanitized HTML.
fn action_view(title: &str, body: &str, memo: &Memo) -> ActionView {
    ActionView {
        title: title.to_string(),
        body: memo.html(body),
    }
}

/// A key missing from this language's text `t` falls back to the source language's `src`.
fn lookup(
    t: &AdvisoryText,
    src: &AdvisoryText,
    pick: fn(&AdvisoryText) -> &BTreeMap<String, String>,
    key: &str,
) -> Option<String> {
    pick(t).get(key).or_else(|| pick(src).get(key)).cloned()
}

/// A product by its name in `lang`, linked to its page.
fn product_link(site: &Site, id: &str, lang: &str) -> Linked {
    let name = site
        .product(id)
        .map(|p| p.name_in(lang).to_string())
        .unwrap_or_else(|| id.to_string());
    Linked {
        label: name,
        href: Some(format!("../../products/{id}/")),
        note: None,
    }
}

/// Each KB article, linked to the reference that names it, if any.
fn kb_links(a: &Advisory) -> Vec<Linked> {
    a.kbs
        .iter()
        .map(|kb| Linked {
            label: kb.clone(),
            href: a
                .references
                .iter()
                .find(|r| r.kind == ReferenceKind::KbArticle && r.url.contains(kb.as_str()))
                .map(|r| r.url.clone()),
            note: None,
        })
        .collect()
}

/// The advisory's machine-readable documents: JSON, CSAF (in the page's language if there
/// is one, else in the source language) and OSV.
/// The machine-readable documents of `a`, linked from its page in `lang`: none for a
/// draft, which no machine output carries.
fn documents(a: &Advisory, texts: &BTreeMap<&str, &AdvisoryText>, lang: &str) -> Vec<Linked> {
    if a.status == Status::Draft {
        return Vec::new();
    }
    // The page is `<lang>/advisories/<id>/index.html`: three levels below the root.
    let root = "../../../";
    let mut documents = vec![Linked {
        label: "JSON".into(),
        href: Some(format!("{root}{}", api_path(a))),
        note: None,
    }];
    let source = a.source_language.as_str();
    let csaf = (csaf_path(a, texts, lang).map(|p| (p, lang)))
        .or_else(|| csaf_path(a, texts, source).map(|p| (p, source)));
    if let Some((path, in_lang)) = csaf {
        documents.push(Linked {
            label: "CSAF 2.0".into(),
            href: Some(format!("{root}{path}")),
            note: Some(in_lang.to_string()),
        });
    }
    documents.push(Linked {
        label: "OSV".into(),
        href: Some(format!("{root}{}", osv_path(a))),
        note: None,
    });
    documents
}

fn status_label(status: Status, ui: &UiStrings) -> String {
    match status {
        Status::Draft => ui.status_draft.clone(),
        Status::Interim => ui.status_interim.clone(),
        Status::Final => ui.status_final.clone(),
    }
}

fn severity_label(severity: Severity, ui: &UiStrings) -> String {
    match severity {
        Severity::Critical => ui.severity_critical.clone(),
        Severity::Important => ui.severity_important.clone(),
        Severity::Moderate => ui.severity_moderate.clone(),
        Severity::Low => ui.severity_low.clone(),
    }
}

fn remediation_label(kind: RemediationKind, ui: &UiStrings) -> String {
    match kind {
        RemediationKind::VendorFix => ui.remediation_vendor_fix.clone(),
        RemediationKind::Workaround => ui.remediation_workaround.clone(),
        RemediationKind::Mitigation => ui.remediation_mitigation.clone(),
        RemediationKind::NoneAvailable => ui.remediation_none_available.clone(),
        RemediationKind::NoFixPlanned => ui.remediation_no_fix_planned.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ui() -> UiStrings {
        UiStrings {
            page_of: "Pagina {page} van {pages}".into(),
            ..UiStrings::default()
        }
    }

    #[test]
    fn a_pager_links_the_ends_and_two_pages_either_side_with_gaps_between() {
        let p = Pager::new(5, 10, &ui()).unwrap();
        let numbers: Vec<Option<usize>> = p
            .links
            .iter()
            .map(|l| l.as_ref().map(|l| l.number))
            .collect();
        assert_eq!(
            numbers,
            [
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(10)
            ]
        );
        let current: Vec<usize> = p
            .links
            .iter()
            .flatten()
            .filter(|l| l.current)
            .map(|l| l.number)
            .collect();
        assert_eq!(current, [5]);
        let hrefs: Vec<&str> = p.links.iter().flatten().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs[0], "../../");
        assert_eq!(hrefs[1], "../../page/3/");
        assert_eq!(p.previous.as_deref(), Some("../../page/4/"));
        assert_eq!(p.next.as_deref(), Some("../../page/6/"));
        assert_eq!(p.label, "Pagina 5 van 10");
    }

    #[test]
    fn the_first_page_links_to_itself_as_dot_slash_and_has_no_previous() {
        let p = Pager::new(1, 3, &ui()).unwrap();
        assert_eq!(p.previous, None);
        assert_eq!(p.next.as_deref(), Some("page/2/"));
        let hrefs: Vec<&str> = p.links.iter().flatten().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs, ["./", "page/2/", "page/3/"]);
        assert!(p.links.iter().all(Option::is_some), "no gap in 3 pages");
        let last = Pager::new(3, 3, &ui()).unwrap();
        assert_eq!(last.next, None);
        assert_eq!(last.previous.as_deref(), Some("../../page/2/"));
    }

    #[test]
    fn a_list_of_one_page_or_a_page_out_of_range_has_no_pager() {
        assert_eq!(Pager::new(1, 1, &ui()), None);
        assert_eq!(Pager::new(0, 4, &ui()), None);
        assert_eq!(Pager::new(5, 4, &ui()), None);
    }
}
