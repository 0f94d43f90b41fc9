//! Machine-readable outputs for feed consumers, one module per format. Each writer reads
//! the validated [`Site`] and adds files to the [`Output`]; the files that gather many
//! advisories are taken from the previous build when [`Aggregates`] says their members did
//! not change.

pub mod api;
pub mod atom;
pub mod csaf;
pub mod items;
pub mod jsonfeed;
pub mod osv;
pub mod sitemap;
mod xml;

use anyhow::Result;

use crate::incremental::Aggregates;
use crate::model::Date;
use crate::output::Output;
use crate::site::Site;
use crate::unit::UnitId;

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

/// Writes every feed and document, but for the API document of each advisory, which
/// [`crate::render`] writes with the advisory's pages (they show the same HTML).
pub fn render(site: &Site, out: &mut Output) -> Result<()> {
    render_after(site, out, None)
}

/// [`render`], taking each file that gathers many advisories (a page of the JSON Feed, an
/// Atom feed, the API index, the CSAF lists, the sitemap) from the previous build when
/// `previous` says it was made from the same advisories or content.
pub fn render_after(site: &Site, out: &mut Output, previous: Option<&Aggregates>) -> Result<()> {
    let t = crate::util::Timings::new();
    api::render_after(site, out, previous)?;
    t.lap("  api");
    for lang in site.languages() {
        feeds_of(site, lang, out, previous)?;
        t.lap("  json feed and atom");
    }
    csaf::render_after(site, out, previous)?;
    t.lap("  csaf");
    osv::render(site, out)?;
    t.lap("  osv");
    sitemap::render_after(site, out, previous)?;
    t.lap("  sitemap");
    Ok(())
}

/// One file of the feeds of a language.
enum FeedFile {
    Json { n: usize, has_next: bool },
    Atom(atom::AtomFeed),
}

/// The JSON Feed and Atom feeds of `lang`. Where the files are placed and which items each
/// holds is known from the items' stubs; only the items of the files not taken from the
/// previous build are made (in parallel), since they hold every revision's text.
fn feeds_of(
    site: &Site,
    lang: &str,
    out: &mut Output,
    previous: Option<&Aggregates>,
) -> Result<()> {
    let stubs = items::stubs(site, lang);
    let pages = jsonfeed::pages(stubs.len());
    let mut files: Vec<(UnitId, String, Vec<usize>, FeedFile)> = Vec::new();
    for (i, range) in pages.iter().enumerate() {
        let n = i + 1;
        let has_next = n < pages.len();
        let unit = UnitId::JsonFeed {
            lang: lang.to_string(),
            page: n,
        };
        let file = FeedFile::Json { n, has_next };
        files.push((
            unit,
            jsonfeed::page_path(lang, n),
            range.clone().collect(),
            file,
        ));
    }
    for f in atom::feeds(site, lang, &stubs)? {
        let unit = UnitId::Atom {
            lang: lang.to_string(),
            product: f.product.clone(),
        };
        files.push((unit, f.path.clone(), f.members.clone(), FeedFile::Atom(f)));
    }
    let mut todo = Vec::new();
    for (unit, path, members, file) in files {
        if let Some(agg) = previous {
            let has_next = matches!(file, FeedFile::Json { has_next: true, .. });
            let placed = members
                .iter()
                .map(|&i| (stubs[i].advisory_id, stubs[i].revision));
            let key = agg.key(&(&unit, &path, has_next), placed);
            if agg.reuse(&unit, key, out)? {
                continue;
            }
        }
        todo.push((unit, path, members, file));
    }
    let wanted = todo
        .iter()
        .flat_map(|(_, _, members, _)| members.iter().map(|&i| stubs[i].advisory))
        .collect();
    let made = items::items_of(site, lang, &wanted);
    for (unit, path, members, file) in todo {
        let held: Vec<&items::Item> = members
            .iter()
            .filter_map(|&i| made.get(&(stubs[i].advisory, stubs[i].revision.to_string())))
            .collect();
        let bytes = match &file {
            FeedFile::Json { n, has_next } => jsonfeed::page(site, lang, *n, *has_next, &held)?,
            FeedFile::Atom(f) => atom::render(site, lang, f, &held)?,
        };
        out.add_to_unit(&unit, path, bytes)?;
    }
    Ok(())
}

/// A stored date as an RFC 3339 UTC timestamp: `2008-06-13T00:00:00Z`.
pub fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
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
