//! Facets of the advisory list: year, product, kind and severity. Each value gets a
//! pre-generated page listing only the advisories that have it, and the home page links
//! them all, so filtering works without JavaScript.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Kind, Severity, UiStrings};
use crate::site::Site;

/// One value of a facet, e.g. the year 2008, with its members.
#[derive(Debug, Serialize, Hash)]
pub struct Facet {
    /// Folder below the language, e.g. `years/2008/`.
    pub dir: String,
    /// The value as shown, e.g. `2008` or `Security Bulletin`.
    pub name: String,
    /// Heading of its page.
    pub heading: String,
    /// The sentence stating the filter, on its page.
    pub note: String,
    /// Whether the page has its own Atom feed (products do).
    pub feed: bool,
    /// Indexes into the site's advisories (newest first).
    #[serde(skip)]
    pub members: Vec<usize>,
    /// Number of members.
    pub count: usize,
    /// For a product: every vulnerability that names it, with its status, newest advisory
    /// first (its page lists them above the advisories).
    #[serde(skip)]
    pub vulnerabilities: Vec<ProductVulnerability>,
}

/// A vulnerability as the page of a product it names lists it.
#[derive(Debug, Serialize, Hash)]
pub struct ProductVulnerability {
    pub title: String,
    /// Its section on the advisory's page, relative to the language's root.
    pub href: String,
    pub cve: Option<String>,
    /// The product's status, with why it is not affected where the advisory says.
    pub status: String,
    pub score: Option<super::views::ScoreView>,
}

/// A facet with its values, for the home page.
#[derive(Debug, Serialize, Hash)]
pub struct Group {
    /// `years`, `products`, `kinds` or `severities`.
    pub key: &'static str,
    /// Heading, e.g. "Advisories by year".
    pub title: String,
    pub facets: Vec<Facet>,
}

fn facet(
    dir: String,
    name: String,
    heading: String,
    note: String,
    feed: bool,
    members: Vec<usize>,
) -> Facet {
    let count = members.len();
    Facet {
        dir,
        name,
        heading,
        note,
        feed,
        members,
        count,
        vulnerabilities: Vec::new(),
    }
}

fn kind_name(k: Kind, ui: &UiStrings) -> String {
    match k {
        Kind::Advisory => ui.kind_advisory.clone(),
        Kind::Bulletin => ui.kind_bulletin.clone(),
    }
}

fn severity_name(s: Severity, ui: &UiStrings) -> String {
    match s {
        Severity::Critical => ui.severity_critical.clone(),
        Severity::Important => ui.severity_important.clone(),
        Severity::Moderate => ui.severity_moderate.clone(),
        Severity::Low => ui.severity_low.clone(),
    }
}

fn slug<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Every vulnerability of the site's advisories by the products it names (any status), in
/// the order of the advisories (newest first) and of the vulnerabilities in each.
fn product_vulnerabilities<'s>(
    site: &'s Site,
    ui: &UiStrings,
    lang: &str,
) -> rustc_hash::FxHashMap<&'s str, Vec<ProductVulnerability>> {
    let mut out: rustc_hash::FxHashMap<&str, Vec<ProductVulnerability>> = Default::default();
    for (a, texts) in &site.advisories {
        // A draft's vulnerabilities stay on its own page, which is not indexed.
        if a.vulnerabilities.is_empty() || a.status == crate::model::Status::Draft {
            continue;
        }
        let (_, text) = crate::site::text_for(a, texts, lang);
        let src = texts.get(a.source_language.as_str());
        let scores = crate::vuln::scores(a);
        for (v, scores) in a.vulnerabilities.iter().zip(scores) {
            let vt = (text.and_then(|t| t.vulnerabilities.get(&v.id)))
                .or_else(|| src.and_then(|t| t.vulnerabilities.get(&v.id)));
            let title = (vt.map(|t| t.title.clone()))
                .or_else(|| v.cve.clone())
                .unwrap_or_else(|| v.id.clone());
            for (status, ids) in v.products.all() {
                for id in ids {
                    let label = super::views::product_status_label(status, ui);
                    out.entry(id.as_str())
                        .or_default()
                        .push(ProductVulnerability {
                            title: title.clone(),
                            href: format!("advisories/{}/#vulnerability-{}", a.id, v.id),
                            cve: v.cve.clone(),
                            status: match super::views::why_not_affected(v, id, status, ui) {
                                Some(why) => format!("{label} ({why})"),
                                None => label,
                            },
                            score: scores.first().map(|s| super::views::score_view(s, ui)),
                        });
                }
            }
        }
    }
    out
}

/// Every facet group with the values that occur, in a stable order.
pub fn groups(site: &Site, ui: &UiStrings, lang: &str) -> Vec<Group> {
    let note = |label: &str, value: &str| {
        ui.filter_note
            .replace("{filter}", &format!("{label}: {value}"))
    };
    let advisories = &site.advisories;

    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    let mut products: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    let mut kinds: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    let mut severities: BTreeMap<u8, (Severity, Vec<usize>)> = BTreeMap::new();
    for (i, (a, _)) in advisories.iter().enumerate() {
        years.entry(a.published.year()).or_default().push(i);
        for p in a.affected_products() {
            products.entry(p.as_str()).or_default().push(i);
        }
        kinds.entry(a.kind).or_default().push(i);
        if let Some(s) = crate::vuln::severity(a) {
            severities
                .entry(s as u8)
                .or_insert((s, Vec::new()))
                .1
                .push(i);
        }
    }

    let year_facets = years
        .into_iter()
        .rev()
        .map(|(y, m)| {
            facet(
                format!("years/{y}/"),
                y.to_string(),
                format!("{} {y}", ui.advisories_in_year),
                note(&ui.published, &y.to_string()),
                false,
                m,
            )
        })
        .collect();
    let mut vulnerabilities = product_vulnerabilities(site, ui, lang);
    let mut product_facets: Vec<Facet> = site
        .catalog
        .products
        .iter()
        .map(|p| {
            let m = products.get(p.id.as_str()).cloned().unwrap_or_default();
            Facet {
                vulnerabilities: vulnerabilities.remove(p.id.as_str()).unwrap_or_default(),
                ..facet(
                    format!("products/{}/", p.id),
                    p.name_in(lang).to_string(),
                    format!("{} {}", ui.advisories_for_product, p.name_in(lang)),
                    note(&ui.affected_software, p.name_in(lang)),
                    true,
                    m,
                )
            }
        })
        .collect();
    product_facets.sort_by(|a, b| a.name.cmp(&b.name).then(a.dir.cmp(&b.dir)));
    let kind_facets = kinds
        .into_iter()
        .map(|(k, m)| {
            let name = kind_name(k, ui);
            facet(
                format!("kinds/{}/", slug(k)),
                name.clone(),
                name.clone(),
                note(&ui.kind, &name),
                false,
                m,
            )
        })
        .collect();
    let severity_facets = severities
        .into_values()
        .map(|(s, m)| {
            let name = severity_name(s, ui);
            facet(
                format!("severities/{}/", slug(s)),
                name.clone(),
                format!("{}: {name}", ui.severity),
                note(&ui.severity, &name),
                false,
                m,
            )
        })
        .collect();
    vec![
        Group {
            key: "years",
            title: ui.by_year.clone(),
            facets: year_facets,
        },
        Group {
            key: "products",
            title: ui.by_product.clone(),
            facets: product_facets,
        },
        Group {
            key: "kinds",
            title: ui.by_kind.clone(),
            facets: kind_facets,
        },
        Group {
            key: "severities",
            title: ui.by_severity.clone(),
            facets: severity_facets,
        },
    ]
}
