//! The search index: one Pagefind index per language, built from the validated site at build
//! time and served as static files under `pagefind/`, where the search page's script loads
//! it only once a reader starts searching.
//!
//! Each advisory is one Pagefind record per language, built from the model rather than from
//! the rendered page, so exactly the fields a reader searches by are indexed (id, KB numbers,
//! CVE ids, bulletins, product names, title, subtitle, summary) and not the navigation,
//! support text or disclaimer that every page repeats. Pagefind stems each language it has a
//! stemmer for, matches the last word of a query as a prefix, and (with its `extended`
//! feature) segments Chinese, Japanese and Thai text into words.
//!
//! A language with many advisories has its index in parts (`search.records_per_part` in
//! `seckb.yaml`): each advisory goes to the part its id hashes to, the parts are built one
//! at a time, an edit rebuilds only its own part, and the search page merges them with
//! Pagefind's `mergeIndex`. Adding records to one Pagefind index costs time that grows with
//! the records already in it (each addition looks through them), so parts also keep a large
//! site's index from taking quadratic time, and bound the memory of each build.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde_json::value::RawValue;

use crate::i18n::{DateStyle, format_date};
use crate::markdown::to_plain;
use crate::model::Kind;
use crate::site::{Site, text_for};
use crate::unit::Files;
use crate::util::integrity;

/// Folder of the index and of Pagefind's search library, below the site root.
pub const DIR: &str = "pagefind/";

/// Pagefind's search library, which the search page's script imports.
pub const LIBRARY: &str = "pagefind/pagefind.js";

/// One searchable record: an advisory in one language.
#[derive(Debug, PartialEq, Hash)]
pub struct Record {
    /// Page path below the site root, e.g. `en-US/advisories/954474/`.
    pub url: String,
    /// Lowercase language tag; Pagefind's script looks the index up by the page's
    /// lowercased `<html lang>`.
    pub language: String,
    /// The text searched and excerpted: summary and product names.
    pub content: String,
    /// Searched too, and what a result shows: `title`, `subtitle` when there is one, `id`,
    /// `identifiers` (id, KB numbers, CVE ids, bulletins), `kind`, `date`.
    pub meta: BTreeMap<String, String>,
    /// Facets: `kind`, `year`, `product` (affected products' names).
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The records of every advisory in every language, in language then site order.
pub fn records(site: &Site) -> Result<Vec<Record>> {
    Ok(records_by_language(site)?
        .into_iter()
        .flat_map(|(_, records)| records)
        .collect())
}

/// The records of every advisory, by site language (in the order of `seckb.yaml`), each
/// in site order.
pub fn records_by_language(site: &Site) -> Result<Vec<(String, Vec<Record>)>> {
    use rayon::prelude::*;
    let mut out = Vec::new();
    for lang in site.languages() {
        let ui = &site.site_text(lang)?.ui;
        let mine = site
            .advisories
            .par_iter()
            .map(|(a, texts)| record(site, lang, ui, a, texts));
        out.push((lang.to_string(), mine.collect::<Result<Vec<_>>>()?));
    }
    Ok(out)
}

/// The record of advisory `a` in language `lang`, whose site texts are `ui`.
pub fn record(
    site: &Site,
    lang: &str,
    ui: &crate::model::UiStrings,
    a: &crate::model::Advisory,
    texts: &BTreeMap<&str, &crate::model::AdvisoryText>,
) -> Result<Record> {
    let (_, t) = text_for(a, texts, lang);
    let t = t.with_context(|| format!("advisory `{}` has no text in its source language", a.id))?;
    let kind = match a.kind {
        Kind::Advisory => ui.kind_advisory.clone(),
        Kind::Bulletin => ui.kind_bulletin.clone(),
    };
    let name = |id: &crate::model::ProductId| {
        site.product(id.as_str())
            .map(|p| p.name_in(lang).to_string())
            .unwrap_or_else(|| id.0.clone())
    };
    let affected: Vec<String> = a.products.affected.iter().map(name).collect();
    let not_affected: Vec<String> = a.products.not_affected.iter().map(name).collect();

    // Identifiers, each also in the form readers type: `KB5001234` as well as
    // `5001234`. They are a meta field, which Pagefind searches like the text but
    // leaves out of excerpts, so a result's excerpt is prose, not a list of numbers.
    let mut ids: Vec<String> = vec![a.id.0.clone()];
    for kb in &a.kbs {
        ids.push(format!("KB{kb}"));
        ids.push(kb.clone());
    }
    ids.extend(a.cves.iter().cloned());
    ids.extend(a.bulletins.iter().cloned());

    // The text: the summary, then the products. Title and subtitle are meta fields,
    // searched and shown as the result's heading.
    let mut content = to_plain(&t.summary);
    let products: Vec<&str> = affected
        .iter()
        .chain(&not_affected)
        .map(|p| p.as_str())
        .collect();
    if !products.is_empty() {
        if !content.is_empty() {
            content.push(' ');
        }
        content.push_str(&products.join(", "));
        content.push('.');
    }
    if content.is_empty() {
        // Pagefind drops a record without text.
        content = t.title.clone();
    }

    let mut meta = BTreeMap::from([
        ("title".to_string(), t.title.clone()),
        ("id".to_string(), a.id.0.clone()),
        ("identifiers".to_string(), ids.join(" ")),
        ("kind".to_string(), kind.clone()),
        (
            "date".to_string(),
            format_date(lang, a.published, DateStyle::Long),
        ),
    ]);
    if let Some(sub) = &t.subtitle {
        meta.insert("subtitle".into(), sub.clone());
    }
    let mut filters = BTreeMap::from([
        ("kind".to_string(), vec![kind]),
        ("year".to_string(), vec![a.published.year().to_string()]),
    ]);
    if !affected.is_empty() {
        filters.insert("product".into(), affected);
    }
    Ok(Record {
        url: Site::advisory_path(lang, &a.id.0),
        language: lang.to_lowercase(),
        content,
        meta,
        filters,
    })
}

/// Pagefind's search library and what every language's index shares: the same for every
/// index (they are part of Pagefind, not of the index), so taken from a one-record index.
/// Pages can then be rendered while the real indexes are built beside them.
pub struct Library {
    /// Subresource Integrity value (`sha384-...`) of [`LIBRARY`].
    pub integrity: String,
    /// `pagefind.js`.
    js: Vec<u8>,
    /// The stemming-free search module for languages Pagefind has no stemmer for.
    generic_wasm: Option<Vec<u8>>,
    /// `version` and `include_characters` of `pagefind-entry.json`.
    version: serde_json::Value,
    include_characters: serde_json::Value,
}

impl Library {
    pub fn new() -> Result<Library> {
        let record = Record {
            url: "x/".into(),
            language: "en".into(),
            content: "x".into(),
            meta: BTreeMap::from([("title".to_string(), "x".to_string())]),
            filters: BTreeMap::new(),
        };
        let mut files = run_pagefind(vec![record])?;
        let mut take = |name: &str| {
            files
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| files.swap_remove(i).1)
        };
        let js = take("pagefind.js").context("Pagefind wrote no `pagefind.js`")?;
        let generic_wasm = take("wasm.unknown.pagefind");
        let entry =
            take("pagefind-entry.json").context("Pagefind wrote no `pagefind-entry.json`")?;
        let entry: serde_json::Value =
            serde_json::from_slice(&entry).context("`pagefind-entry.json` is not JSON")?;
        Ok(Library {
            integrity: integrity(&js),
            js,
            generic_wasm,
            version: entry["version"].clone(),
            include_characters: entry["include_characters"].clone(),
        })
    }

    /// The files of a whole index besides those of its parts: for the first part, the
    /// library, the entry file listing every language, and the generic search module when a
    /// language needs it; for each other part, its entry file. `entries` is part -> language
    /// -> the language's entry, as Pagefind wrote it.
    pub fn entry_files(
        &self,
        entries: &BTreeMap<usize, BTreeMap<String, String>>,
    ) -> Result<Files> {
        let mut files = Files::new();
        for (&part, languages) in entries {
            let (entry, generic) = self.entry(languages)?;
            if part > 0 {
                // A merged part uses the search modules of the first part, so the entry is
                // all it adds to its parts.
                files.push((format!("{}pagefind-entry.json", part_dir(part)), entry));
                continue;
            }
            files.push((LIBRARY.to_string(), self.js.clone()));
            files.push((format!("{DIR}pagefind-entry.json"), entry));
            if generic {
                let wasm = self
                    .generic_wasm
                    .clone()
                    .context("Pagefind wrote no `wasm.unknown.pagefind`")?;
                files.push((format!("{DIR}wasm.unknown.pagefind"), wasm));
            }
        }
        Ok(files)
    }

    /// `pagefind-entry.json` of `languages` (language -> its entry, as Pagefind wrote it),
    /// and whether a language needs the generic search module.
    fn entry(&self, languages: &BTreeMap<String, String>) -> Result<(Vec<u8>, bool)> {
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            version: &'a serde_json::Value,
            languages: BTreeMap<&'a str, &'a RawValue>,
            include_characters: &'a serde_json::Value,
        }
        let languages: BTreeMap<&str, &RawValue> = languages
            .iter()
            .map(|(lang, entry)| Ok((lang.as_str(), serde_json::from_str(entry)?)))
            .collect::<Result<_>>()?;
        let generic = languages.values().any(|l| {
            serde_json::from_str::<serde_json::Value>(l.get()).is_ok_and(|l| l["wasm"].is_null())
        });
        let entry = Entry {
            version: &self.version,
            languages,
            include_characters: &self.include_characters,
        };
        // Pagefind's own field order, so that the file is the one Pagefind writes for the
        // same languages.
        Ok((serde_json::to_vec(&entry)?, generic))
    }
}

/// How many parts each language's index has: a power of two, so that a part holds at most
/// `search.records_per_part` advisories where the hash spreads them evenly, and halved
/// until no part is empty. Every language has a record of every advisory, so every language
/// has the same parts.
pub fn parts(site: &Site) -> usize {
    let per_part = site.settings.search.records_per_part.get() as usize;
    let ids: Vec<&str> = site.advisories.iter().map(|(a, _)| a.id.as_str()).collect();
    part_count(&ids, per_part)
}

fn part_count(ids: &[&str], per_part: usize) -> usize {
    let mut parts = ids
        .len()
        .div_ceil(per_part.max(1))
        .max(1)
        .next_power_of_two();
    while parts > 1 {
        let mut filled = vec![false; parts];
        for id in ids {
            filled[part_of(id, parts)] = true;
        }
        if filled.iter().all(|f| *f) {
            break;
        }
        parts /= 2;
    }
    parts
}

/// The part of an index of `parts` parts that the advisory `id` is in.
pub fn part_of(id: &str, parts: usize) -> usize {
    (crate::util::stable_hash(id.as_bytes()) % parts.max(1) as u64) as usize
}

/// The folder of part `n` below the site root: [`DIR`] for the first, beside the search
/// library, and `pagefind/<n>/` for the others, which the search page merges into the first.
pub fn part_dir(n: usize) -> String {
    if n == 0 {
        DIR.to_string()
    } else {
        format!("{DIR}{n}/")
    }
}

/// One part of one language's index, before it is built.
pub struct Part {
    /// The site's language tag, e.g. `nl-NL`.
    pub language: String,
    pub number: usize,
    pub records: Vec<Record>,
}

/// The Subresource Integrity value of Pagefind's search library.
pub fn library_integrity() -> Result<String> {
    Ok(Library::new()?.integrity)
}

/// The index of one part of one language: its own files (below the site root) and its
/// entry in its part's `pagefind-entry.json`.
pub struct PartIndex {
    /// Pagefind's name of the language (the lower-cased tag).
    pub language: String,
    /// The part ([`part_dir`]).
    pub part: usize,
    pub files: Vec<(String, Vec<u8>)>,
    /// The language's entry, JSON as Pagefind wrote it.
    pub entry: String,
}

/// Builds the index of one part of one language.
pub fn index_part(part: Part) -> Result<PartIndex> {
    let language = match part.records.first() {
        Some(r) => r.language.clone(),
        None => bail!("no records to index"),
    };
    let t = crate::util::Timings::new();
    let files = run_pagefind(part.records)?;
    t.lap(&format!("  search index {language} {}", part.number));
    let entry = files
        .iter()
        .find(|(n, _)| n == "pagefind-entry.json")
        .context("Pagefind wrote no `pagefind-entry.json`")?;
    #[derive(serde::Deserialize)]
    struct Entry<'a> {
        #[serde(borrow)]
        languages: BTreeMap<String, &'a RawValue>,
    }
    let entry: Entry =
        serde_json::from_slice(&entry.1).context("`pagefind-entry.json` is not JSON")?;
    let entry = entry
        .languages
        .get(&language)
        .with_context(|| format!("Pagefind's index has no language `{language}`"))?
        .get()
        .to_string();
    let dir = part_dir(part.number);
    let files = select(files)
        .into_iter()
        // Merged parts search with the first part's modules.
        .filter(|(n, _)| part.number == 0 || !n.starts_with("wasm."))
        .map(|(n, b)| (format!("{dir}{n}"), b))
        .collect();
    Ok(PartIndex {
        language,
        part: part.number,
        files,
        entry,
    })
}

fn run_pagefind(records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>> {
    // Pagefind's API is async and hands parsing to a blocking pool; a current-thread runtime
    // is all it needs, and it lives only as long as the build of the index.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the runtime for the search index")?;
    runtime.block_on(index(records))
}

async fn index(records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>> {
    let config = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .build();
    let mut index = PagefindIndex::new(Some(config)).context("cannot set up Pagefind")?;
    for r in records {
        let url = r.url.clone();
        index
            .add_custom_record(
                r.url,
                r.content,
                r.language,
                Some(r.meta),
                Some(r.filters),
                None,
            )
            .await
            .with_context(|| format!("cannot index `{url}`"))?;
    }
    let files = index
        .get_files()
        .await
        .context("cannot build the search index")?;
    files
        .into_iter()
        .map(|f| {
            let name = f.filename.to_str().map(|s| s.replace('\\', "/"));
            let name = name.with_context(|| {
                format!("the index file `{}` is not UTF-8", f.filename.display())
            })?;
            Ok((name, f.contents))
        })
        .collect()
}

/// Keeps what the search page uses of one language's index: its metadata, word and filter
/// indexes, fragments and stemming module, with their names below [`DIR`]. The library and
/// entry file are added once for all languages ([`Library::add_to`]). Left out are
/// Pagefind's ready-made user interfaces (the page has its own, localized) and its web worker
/// (the search runs on the page, so every script the site loads carries an integrity hash).
fn select(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let keep = |name: &str| -> bool {
        name.starts_with("fragment/")
            || name.starts_with("index/")
            || name.starts_with("filter/")
            || (name.starts_with("pagefind.") && name.ends_with(".pf_meta"))
            || (name.starts_with("wasm.")
                && name.ends_with(".pagefind")
                && name != "wasm.unknown.pagefind")
    };
    let mut kept: Vec<(String, Vec<u8>)> = files.into_iter().filter(|(n, _)| keep(n)).collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_a_power_of_two_and_never_empty() {
        assert_eq!(part_count(&[], 16), 1);
        assert_eq!(part_count(&["a", "b", "c"], 8192), 1);
        let ids: Vec<String> = (0..1000).map(|i| format!("ADV-{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        // 1000 advisories, at most 100 a part: 10 parts, rounded up to 16.
        let parts = part_count(&ids, 100);
        assert_eq!(parts, 16);
        let mut sizes = vec![0; parts];
        for id in &ids {
            sizes[part_of(id, parts)] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 0), "{sizes:?}");
        // Ids that all hash to part 0 of 2 would leave a part empty at any count above one.
        let same: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| part_of(id, 2) == 0)
            .take(8)
            .collect();
        assert_eq!(part_count(&same, 1), 1);
    }

    #[test]
    fn keeps_only_what_the_search_page_loads() {
        let files = [
            "pagefind.js",
            "pagefind-entry.json",
            "pagefind-ui.js",
            "pagefind-ui.css",
            "pagefind-worker.js",
            "pagefind-highlight.js",
            "wasm.unknown.pagefind",
            "wasm.en-us.pagefind",
            "pagefind.en-us_1234.pf_meta",
            "index/en-us_1.pf_index",
            "fragment/en-us_2.pf_fragment",
            "filter/en-us_3.pf_filter",
        ]
        .into_iter()
        .map(|n| (n.to_string(), n.as_bytes().to_vec()))
        .collect();
        let kept = select(files);
        let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "filter/en-us_3.pf_filter",
                "fragment/en-us_2.pf_fragment",
                "index/en-us_1.pf_index",
                "pagefind.en-us_1234.pf_meta",
                "wasm.en-us.pagefind",
            ]
        );
    }
}
