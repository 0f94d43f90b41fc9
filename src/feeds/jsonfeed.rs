//! JSON Feed 1.1 per language, `<lang>/feed.json`, paginated with `next_url`
//! (`feed-2.json`, ...) when there are more than [`PAGE_SIZE`] items.

use anyhow::Result;
use serde::Serialize;

use super::items::Item;
use super::{json, timestamp};
use crate::site::Site;

/// Items per feed page.
pub const PAGE_SIZE: usize = 50;

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_url: Option<String>,
    description: &'a str,
    language: &'a str,
    authors: Vec<Author<'a>>,
    items: Vec<FeedItem<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct FeedItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    summary: &'a str,
    date_published: String,
    date_modified: String,
    language: &'a str,
    tags: &'a [String],
    #[serde(rename = "_seckb")]
    ext: Ext<'a>,
}

/// seckb's extension (JSON Feed allows members starting with `_`).
#[derive(Serialize)]
struct Ext<'a> {
    advisory_id: &'a str,
    revision: &'a str,
}

/// The file name of page `n` (from 1).
fn page_name(n: usize) -> String {
    if n == 1 {
        "feed.json".into()
    } else {
        format!("feed-{n}.json")
    }
}

/// The path of page `n` of the JSON Feed of `lang`.
pub fn page_path(lang: &str, n: usize) -> String {
    format!("{lang}/{}", page_name(n))
}

/// How the items of a language (`count` of them, newest first) are paged: the range of each
/// page, from page 1. A language without items has one empty page.
pub fn pages(count: usize) -> Vec<std::ops::Range<usize>> {
    if count == 0 {
        return std::iter::once(0..0).collect();
    }
    (0..count.div_ceil(PAGE_SIZE))
        .map(|i| i * PAGE_SIZE..count.min((i + 1) * PAGE_SIZE))
        .collect()
}

/// Page `n` of the JSON Feed of `lang`, holding `items`; `has_next` when a page follows.
pub fn page(site: &Site, lang: &str, n: usize, has_next: bool, items: &[&Item]) -> Result<Vec<u8>> {
    let text = site.site_text(lang)?;
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: text.site_title.clone(),
        home_page_url: site.url(&format!("{lang}/")),
        feed_url: site.url(&page_path(lang, n)),
        next_url: has_next.then(|| site.url(&page_path(lang, n + 1))),
        description: &text.site_description,
        language: lang,
        authors: vec![Author {
            name: &site.settings.publisher.name,
            url: &site.settings.publisher.namespace,
        }],
        items: items
            .iter()
            .map(|it| FeedItem {
                id: &it.id,
                url: &it.url,
                title: &it.title,
                content_html: &it.content_html,
                summary: &it.summary,
                date_published: timestamp(it.date),
                date_modified: timestamp(it.date),
                language: &it.language,
                tags: &it.tags,
                ext: Ext {
                    advisory_id: &it.advisory_id,
                    revision: &it.revision,
                },
            })
            .collect(),
    };
    json(&feed)
}
