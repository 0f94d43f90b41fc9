//! Machine-readable outputs for feed consumers, one module per format, made from the
//! validated [`Site`]: each gives files, and units for the engine ([`crate::engine`]) to
//! make or take from the previous build.

pub mod api;
pub mod atom;
pub mod csaf;
pub mod items;
pub mod jsonfeed;
pub mod osv;
pub mod sitemap;
mod xml;

use anyhow::Result;

use crate::model::Date;
use crate::site::Site;
use crate::unit::{Gathered, UnitId};

/// Entries of a JSON list that seckb wrote in an earlier build, by their `id`, as the exact
/// text they have in it, so that a rebuild can write the entries of unchanged advisories as
/// they were (serde_json writes a `RawValue` verbatim, and at the same depth of a
/// pretty-printed file that is the text it would make). An entry whose `id` is written with
/// escapes is left out, and so made again: ids are borrowed from the text.
pub(crate) fn entries_by_id(
    entries: Vec<&serde_json::value::RawValue>,
) -> rustc_hash::FxHashMap<&str, &serde_json::value::RawValue> {
    /// What an entry is looked up by; the rest of it is skipped.
    #[derive(serde::Deserialize)]
    struct Id<'a> {
        #[serde(borrow)]
        id: std::borrow::Cow<'a, str>,
    }
    entries
        .into_iter()
        .filter_map(|raw| {
            // seckb writes `id` first: read it off the front rather than parse the whole
            // entry again (the CSAF feed is 46 MB at 10,000 advisories).
            let id = match leading_id(raw.get()) {
                Some(id) => id,
                None => match serde_json::from_str::<Id>(raw.get()).ok()?.id {
                    std::borrow::Cow::Borrowed(id) => id,
                    std::borrow::Cow::Owned(_) => return None,
                },
            };
            Some((id, raw))
        })
        .collect()
}

/// The value of `id` when it is the first member of the JSON object `raw` (valid JSON, as a
/// `RawValue` is) and written without escapes.
fn leading_id(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"id\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    rest[end..].starts_with('"').then(|| &rest[..end])
}

/// One file of the feeds of a language.
enum FeedFile {
    Json { n: usize, has_next: bool },
    Atom(atom::AtomFeed),
}

/// The JSON Feed and the Atom feeds of a language, as list units ([`Feeds::units`]): where
/// each file goes and which items it holds is known from the items' stubs; the items
/// themselves (every revision's text) are made only for the files the engine makes.
pub struct Feeds<'a> {
    site: &'a Site<'a>,
    lang: &'a str,
    stubs: Vec<items::Stub<'a>>,
    authority: String,
    ui: Option<crate::model::UiStrings>,
}

impl<'a> Feeds<'a> {
    pub fn of(site: &'a Site<'a>, lang: &'a str) -> Feeds<'a> {
        Feeds {
            site,
            lang,
            stubs: items::stubs(site, lang),
            authority: items::tag_authority(site),
            ui: site.site_text(lang).map(|t| t.ui.clone()).ok(),
        }
    }

    /// The items of advisory `i` (an index into the site's): one per revision.
    pub fn items(&self, i: usize) -> Vec<items::Item> {
        let (a, texts) = &self.site.advisories[i];
        items::advisory_items(
            self.site,
            a,
            texts,
            self.lang,
            &self.authority,
            self.ui.as_ref(),
        )
    }

    /// Each page of the JSON Feed and each Atom feed, holding the items of the revisions
    /// its stubs name.
    pub fn units(&self) -> Result<Vec<Gathered<'_, Vec<items::Item>>>> {
        let (site, lang) = (self.site, self.lang);
        let pages = jsonfeed::pages(self.stubs.len());
        let mut files: Vec<(UnitId, String, Vec<usize>, FeedFile)> = Vec::new();
        for (i, range) in pages.iter().enumerate() {
            let (n, has_next) = (i + 1, i + 1 < pages.len());
            let unit = UnitId::JsonFeed {
                lang: lang.to_string(),
                page: n,
            };
            let path = jsonfeed::page_path(lang, n);
            files.push((
                unit,
                path,
                range.clone().collect(),
                FeedFile::Json { n, has_next },
            ));
        }
        for f in atom::feeds(site, lang, &self.stubs)? {
            let unit = UnitId::Atom {
                lang: lang.to_string(),
                product: f.product.clone(),
            };
            files.push((unit, f.path.clone(), f.members.clone(), FeedFile::Atom(f)));
        }
        let units = files.into_iter().map(|(id, path, members, file)| {
            let has_next = matches!(file, FeedFile::Json { has_next: true, .. });
            let what = crate::util::digest_of(&(&path, has_next));
            let members = members
                .iter()
                .map(|&s| (self.stubs[s].advisory, self.stubs[s].revision))
                .collect();
            let render = move |pieces: &[(&Vec<items::Item>, &str)]| {
                let held: Vec<&items::Item> = pieces
                    .iter()
                    .filter_map(|(items, revision)| items.iter().find(|i| i.revision == *revision))
                    .collect();
                let bytes = match &file {
                    FeedFile::Json { n, has_next } => {
                        jsonfeed::page(site, lang, *n, *has_next, &held)?
                    }
                    FeedFile::Atom(f) => atom::render(site, lang, f, &held)?,
                };
                Ok(vec![(path.clone(), bytes)])
            };
            Gathered {
                id,
                what,
                members,
                render: Box::new(render),
            }
        });
        Ok(units.collect())
    }
}

/// A stored date as an RFC 3339 UTC timestamp: `2008-06-13T00:00:00Z`, or its time where known.
pub fn timestamp(d: Date) -> String {
    d.rfc3339()
}

/// Serialises a value as pretty JSON with a final newline; key order is the struct's.
pub fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    json_sized(value, 128)
}

/// [`json`] into a buffer of `capacity` bytes to begin with: a file about the size of its
/// previous build's is written without growing (and copying) its buffer on the way.
pub fn json_sized<T: serde::Serialize>(value: &T, capacity: usize) -> Result<Vec<u8>> {
    let mut v = Vec::with_capacity(capacity);
    serde_json::to_writer_pretty(&mut v, value)?;
    v.push(b'\n');
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_their_id_wherever_it_stands() {
        let list: Vec<Box<serde_json::value::RawValue>> = [
            r#"{"id": "first", "x": 1}"#,
            "{\n  \"id\" :\t\"spaced\"\n}",
            r#"{"x": {"id": "inner"}, "id": "later"}"#,
            r#"{"id": "esc\u0041ped"}"#,
            r#"{"x": 2}"#,
        ]
        .iter()
        .map(|s| serde_json::value::RawValue::from_string(s.to_string()).unwrap())
        .collect();
        let found = entries_by_id(list.iter().map(|r| r.as_ref()).collect());
        let mut ids: Vec<&str> = found.keys().copied().collect();
        ids.sort_unstable();
        // Escaped ids are left out (made again); an entry without an id too.
        assert_eq!(ids, ["first", "later", "spaced"]);
        assert_eq!(
            found["later"].get(),
            r#"{"x": {"id": "inner"}, "id": "later"}"#
        );
        assert_eq!(leading_id(r#"{"id": "a\"b"}"#), None);
        assert_eq!(leading_id(r#"{"identifier": "a"}"#), None);
    }
}
