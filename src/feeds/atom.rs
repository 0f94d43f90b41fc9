//! Atom 1.0 (RFC 4287) per language, `<lang>/feed.atom`, and per product,
//! `<lang>/products/<product>/feed.atom`: the same items as the JSON Feed.

use anyhow::Result;

use super::items::{Item, Stub};
use super::timestamp;
use super::xml::Xml;
use crate::site::Site;

const NS: &str = "http://www.w3.org/2005/Atom";

/// Entries per Atom feed: the newest revisions. Atom feeds are polled and re-read whole, so
/// they carry the recent entries (as Hugo's and most sites' feeds do) rather than the whole
/// history, which stays in the paginated JSON Feed and the JSON API.
pub const LIMIT: usize = 100;

/// One Atom feed of a language: the language's own, or a product's.
pub struct AtomFeed {
    /// `None` for the language's feed, else the product id.
    pub product: Option<String>,
    pub path: String,
    pub title: String,
    /// The folder of the page the feed belongs to.
    pub home: String,
    /// Its entries: indices into the language's items (or their stubs), newest first.
    pub members: Vec<usize>,
}

/// The Atom feeds of `lang`, whose items' stubs are `stubs` (newest first).
pub fn feeds(site: &Site, lang: &str, stubs: &[Stub]) -> Result<Vec<AtomFeed>> {
    let text = site.site_text(lang)?;
    let mut out = vec![AtomFeed {
        product: None,
        path: format!("{lang}/feed.atom"),
        title: text.site_title.clone(),
        home: format!("{lang}/"),
        members: (0..stubs.len().min(LIMIT)).collect(),
    }];
    for prod in &site.catalog.products {
        let dir = format!("{lang}/products/{}/", prod.id);
        out.push(AtomFeed {
            product: Some(prod.id.0.clone()),
            path: format!("{dir}feed.atom"),
            title: format!("{} · {}", prod.name_in(lang), text.site_title),
            home: dir,
            members: (0..stubs.len())
                .filter(|&i| stubs[i].products.contains(&&prod.id))
                .take(LIMIT)
                .collect(),
        });
    }
    Ok(out)
}

/// Feed `f` of `lang`, holding `items`.
pub fn render(site: &Site, lang: &str, f: &AtomFeed, items: &[&Item]) -> Result<Vec<u8>> {
    feed(site, lang, &f.title, &f.home, &f.path, items)
}

/// One Atom document. `updated` is the newest revision, or the epoch for an empty feed,
/// so that nothing depends on the clock.
fn feed(
    site: &Site,
    lang: &str,
    title: &str,
    home: &str,
    path: &str,
    items: &[&Item],
) -> Result<Vec<u8>> {
    let publisher = &site.settings.publisher;
    let updated = items
        .iter()
        .map(|i| i.date)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
    let self_url = site.url(path);
    let mut x = Xml::new()?;
    x.open("feed", &[("xmlns", NS), ("xml:lang", lang)])?;
    x.text("id", &[], &self_url)?;
    x.text("title", &[], title)?;
    x.text("updated", &[], &updated)?;
    x.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &self_url),
        ],
    )?;
    x.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &site.url(home)),
        ],
    )?;
    x.open("author", &[])?;
    x.text("name", &[], &publisher.name)?;
    x.text("uri", &[], &publisher.namespace)?;
    x.close("author")?;
    x.text("generator", &[], "seckb")?;
    for it in items {
        x.open("entry", &[("xml:lang", &it.language)])?;
        x.text("id", &[], &it.id)?;
        x.text("title", &[], &it.title)?;
        x.text("updated", &[], &timestamp(it.date))?;
        x.text("published", &[], &timestamp(it.date))?;
        x.empty(
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", &it.url),
            ],
        )?;
        for tag in &it.tags {
            x.empty("category", &[("term", tag)])?;
        }
        x.text("summary", &[], &it.summary)?;
        x.text("content", &[("type", "html")], &it.content_html)?;
        x.close("entry")?;
    }
    x.close("feed")?;
    Ok(x.finish())
}
