//! Plans the files of an import and writes them into a site: the merged advisories, and
//! the languages, site texts and products they add.
//!
//! Existing advisories are kept unless `--force`; files that would not change are not
//! written, so a second import writes nothing. [`plan`] serves a source that merges
//! advisory by advisory ([`Merge`]); a source may plan with the parts it uses
//! ([`add_languages`], [`write_advisory`], [`add_products`]) instead.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use sha2::Digest;

use super::{AdvisoryReport, Note, Options, Outcome, Source};
use crate::model::{
    Advisory, AdvisoryText, Catalog, LangTag, Product, ProductId, Products, Revision, Settings,
};

/// The site being imported into, as read before the import.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub(crate) settings: Settings,
    settings_text: String,
    settings_header: String,
    pub(crate) catalog: Catalog,
    catalog_text: Option<String>,
    catalog_header: String,
    /// Languages that have `i18n/<lang>.yaml`.
    pub(crate) site_texts: BTreeSet<String>,
}

impl Site {
    /// Reads `seckb.yaml`, `products.yaml` and the names in `i18n/`.
    pub fn load(root: &Path) -> Result<Site> {
        let settings_path = root.join(crate::load::SETTINGS_FILE);
        if fs_err::symlink_metadata(&settings_path).is_err() {
            bail!(
                "`{}` is not a seckb site: it has no `seckb.yaml`; create one first (see README.md, \"Layout of a site\")",
                root.display()
            );
        }
        let text = crate::load::file::site_text(root, crate::load::SETTINGS_FILE)?;
        let settings: Settings = serde_yaml::from_str(&text).with_context(|| {
            format!(
                "cannot read `{}`; `seckb validate` says why",
                settings_path.display()
            )
        })?;
        let settings_header = leading_comments(&text);
        let catalog_path = root.join(crate::load::CATALOG_FILE);
        let (catalog, catalog_text, catalog_header) =
            if fs_err::symlink_metadata(&catalog_path).is_ok() {
                let text = crate::load::file::site_text(root, crate::load::CATALOG_FILE)?;
                let catalog: Catalog = serde_yaml::from_str(&text).with_context(|| {
                    format!(
                        "cannot read `{}`; `seckb validate` says why",
                        catalog_path.display()
                    )
                })?;
                let header = leading_comments(&text);
                (catalog, Some(text), header)
            } else {
                (
                    Catalog {
                        products: Vec::new(),
                    },
                    None,
                    "# yaml-language-server: $schema=schemas/products.schema.json\n".to_string(),
                )
            };
        let mut site_texts = BTreeSet::new();
        let i18n = root.join("i18n");
        if matches!(crate::load::file::folder(&i18n), Ok(None)) {
            for e in fs_err::read_dir(&i18n)? {
                let name = e?.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".yaml") {
                    site_texts.insert(stem.to_string());
                }
            }
        }
        Ok(Site {
            root: root.to_path_buf(),
            settings,
            settings_text: text,
            settings_header,
            catalog,
            catalog_text,
            catalog_header,
            site_texts,
        })
    }
}

/// The bytes of the site's file `rel`, if it is a regular file (not a link, pipe, folder).
fn existing(root: &Path, rel: &str) -> Option<Vec<u8>> {
    use crate::load::file;
    file::read_in(root, rel, crate::load::MAX_FILE_BYTES)
        .ok()?
        .bytes()
}

/// `products.yaml` with `new` products appended in the file's own list style, so existing
/// entries and comments stay as they are; None when the result would not read back as
/// `expected` (then the file is written anew).
fn append_products(text: &str, new: &[Product], expected: &Catalog) -> Option<String> {
    let indent = text
        .lines()
        .skip_while(|l| !l.starts_with("products:"))
        .skip(1)
        .find(|l| l.trim_start().starts_with("- "))
        .map(|l| l[..l.len() - l.trim_start().len()].to_string())?;
    let mut out = text.trim_end().to_string();
    out.push('\n');
    for line in serde_yaml::to_string(new).ok()?.lines() {
        out.push_str(&indent);
        out.push_str(line);
        out.push('\n');
    }
    let back: Catalog = serde_yaml::from_str(&out).ok()?;
    (serde_json::to_value(&back).ok()? == serde_json::to_value(expected).ok()?).then_some(out)
}

/// `seckb.yaml` with languages added to its `languages` list in place, whether it is
/// written `[a, b]` or as a block; None when the result would not read back as `expected`.
fn append_languages(text: &str, added: &[String], expected: &Settings) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("languages:"))?;
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let line = lines[i];
    if let Some(close) = line.rfind(']') {
        let inner = line[..close].trim_end();
        let sep = if inner.ends_with('[') { "" } else { ", " };
        out[i] = format!("{inner}{sep}{}{}", added.join(", "), &line[close..]);
    } else {
        let last = (i + 1..lines.len())
            .take_while(|j| lines[*j].trim_start().starts_with("- ") || lines[*j].trim().is_empty())
            .filter(|j| !lines[*j].trim().is_empty())
            .last()?;
        let indent = &lines[last][..lines[last].len() - lines[last].trim_start().len()];
        for (k, l) in added.iter().enumerate() {
            out.insert(last + 1 + k, format!("{indent}- {l}"));
        }
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    let back: Settings = serde_yaml::from_str(&joined).ok()?;
    (serde_json::to_value(&back).ok()? == serde_json::to_value(expected).ok()?).then_some(joined)
}

/// The comment lines a file starts with (its schema line and description).
fn leading_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('#') {
            out.push_str(line);
            out.push('\n');
        } else {
            break;
        }
    }
    out
}

/// Every file to write, and the reports.
#[derive(Debug, Default)]
pub struct Plan {
    /// Contents by path relative to the site; only files that change.
    pub files: BTreeMap<String, Vec<u8>>,
    pub reports: Vec<AdvisoryReport>,
    pub site_notes: Vec<Note>,
}

/// A source whose editions [`plan`] merges advisory by advisory.
pub trait Merge: Source {
    /// `i18n/<lang>.yaml` for a language the site has no text for, from the editions in
    /// it (at least one), and what it holds beyond the language name, after a comma (or
    /// nothing), for the report.
    fn site_text(eds: &[&Self::Edition]) -> (String, &'static str);

    /// Merges the editions of advisory `id` (in the site's language order) into one
    /// advisory, with where each text came from (in the same order).
    fn merge(
        id: &str,
        eds: &[Self::Edition],
        default: &str,
        opts: &Options,
    ) -> (Merged, Vec<SourceFile>);
}

/// Plans the import of `editions` (in the order read) into `site`: the languages they add,
/// a site text for each language that has none, each advisory merged, and the products
/// the advisories name.
pub fn plan<S: Merge>(site: &Site, editions: Vec<S::Edition>, opts: &Options) -> Plan {
    let mut p = Plan::default();
    let lang = |e: &S::Edition| S::identity(e).1.to_string();
    let all_langs: BTreeSet<String> = editions.iter().map(lang).collect();
    let settings = add_languages(site, &all_langs, &mut p);
    let order: Vec<String> = settings.languages.iter().map(|l| l.0.clone()).collect();
    let default = settings.default_language.0.clone();
    let mut groups: BTreeMap<String, Vec<S::Edition>> = BTreeMap::new();
    for e in editions {
        groups
            .entry(S::identity(&e).0.to_string())
            .or_default()
            .push(e);
    }

    // A language without site text gets one from its first edition.
    let rank = |l: &str| order.iter().position(|x| x == l).unwrap_or(usize::MAX);
    let mut langs_sorted: Vec<&String> = all_langs.iter().collect();
    langs_sorted.sort_by_key(|l| (rank(l), (*l).clone()));
    for l in langs_sorted {
        if site.site_texts.contains(l.as_str()) {
            continue;
        }
        let eds: Vec<&S::Edition> = groups
            .values()
            .flatten()
            .filter(|e| &lang(e) == l)
            .collect();
        if eds.is_empty() {
            continue;
        }
        let rel = format!("i18n/{l}.yaml");
        let (yaml, holding) = S::site_text(&eds);
        put(&mut p.files, &site.root, &rel, yaml.into_bytes());
        p.site_notes.push(Note::info(
            "site-text-added",
            format!(
                "`{rel}` written with the language name{holding}; other UI text falls back to `{default}` (a `missing-translation` warning)",
            ),
        ));
    }

    // Documents are merged and planned on every core; only giving products their catalog ids
    // goes one document at a time, in order, so that the ids do not depend on the timing.
    use rayon::prelude::*;
    let groups: Vec<(String, Vec<S::Edition>)> = groups.into_iter().collect();
    let merged: Vec<(String, Merged, Vec<SourceFile>)> = groups
        .into_par_iter()
        .map(|(id, mut eds)| {
            eds.sort_by_key(|e| (rank(&lang(e)), lang(e)));
            let (m, sources) = S::merge(&id, &eds, &default, opts);
            (id, m, sources)
        })
        .collect();
    let mut cat = Indexed::new(site.catalog.clone());
    let resolved: Vec<(Resolved, Vec<SourceFile>)> = merged
        .into_iter()
        .map(|(id, m, sources)| (resolve(site, &id, m, &mut cat, opts), sources))
        .collect();
    let planned: Vec<_> = resolved
        .into_par_iter()
        .map(|(r, sources)| finish(site, r, &sources, &cat.catalog, opts))
        .collect();
    for (report, files) in planned {
        p.reports.push(report);
        p.files.extend(files);
    }
    add_products(site, &cat.catalog, &mut p);
    p
}

/// `i18n/<lang>.yaml` holding only the language's name, for a language an import adds
/// whose source has no site text (`seckb import <source>`).
pub fn language_site_text(lang: &str, source: &str) -> String {
    // The value through the YAML emitter: JSON's escapes are not all YAML's.
    let name = serde_yaml::Mapping::from_iter([(
        "language_name".into(),
        super::lexicon::language_name(lang).into(),
    )]);
    format!(
        "# yaml-language-server: $schema=../schemas/site-text.schema.json\n# Site-wide text in {}, written by `seckb import {source}`. Anything missing falls back to the\n# default language.\n{}",
        comment(lang),
        serde_yaml::to_string(&name).unwrap_or_default()
    )
}

/// Adds the languages of `all_langs` that the site does not list yet to `seckb.yaml`, in
/// alphabetical order; returns the settings with them.
pub fn add_languages(site: &Site, all_langs: &BTreeSet<String>, p: &mut Plan) -> Settings {
    let mut settings = site.settings.clone();
    let new_langs: Vec<&String> = all_langs
        .iter()
        .filter(|l| !settings.languages.iter().any(|x| x.as_str() == l.as_str()))
        .collect();
    for l in &new_langs {
        settings.languages.push(LangTag((*l).clone()));
        p.site_notes.push(Note::info(
            "language-added",
            format!("`{l}` added to the languages in `seckb.yaml`"),
        ));
    }
    if !new_langs.is_empty() {
        let added: Vec<String> = new_langs.iter().map(|l| (*l).clone()).collect();
        let yaml = append_languages(&site.settings_text, &added, &settings)
            .unwrap_or_else(|| format!("{}{}", site.settings_header, to_yaml(&settings)));
        put(&mut p.files, &site.root, "seckb.yaml", yaml.into_bytes());
    }
    settings
}

/// Appends the products `catalog` has beyond the site's to `products.yaml`.
pub fn add_products(site: &Site, catalog: &Catalog, p: &mut Plan) {
    let added = catalog.products.len() - site.catalog.products.len();
    if added > 0 {
        p.site_notes.push(Note::info(
            "products-added",
            format!("{added} products added to `products.yaml`"),
        ));
        let new = &catalog.products[site.catalog.products.len()..];
        let yaml = site
            .catalog_text
            .as_deref()
            .and_then(|t| append_products(t, new, catalog))
            .unwrap_or_else(|| format!("{}{}", site.catalog_header, to_yaml(&catalog)));
        put(&mut p.files, &site.root, "products.yaml", yaml.into_bytes());
    }
}

/// Adds a file to the plan unless the site already has exactly these bytes.
pub(crate) fn put(files: &mut BTreeMap<String, Vec<u8>>, root: &Path, rel: &str, bytes: Vec<u8>) {
    if existing(root, rel).as_deref() != Some(bytes.as_slice()) {
        files.insert(rel.to_string(), bytes);
    }
}

/// Fails if a folder on the way from `root` to its file `rel` is a symbolic link: a write
/// through it would land outside the site, perhaps over a file of the user's. (The file
/// itself is replaced by a rename, which replaces a link rather than following it.)
fn no_link_on_the_way(root: &Path, rel: &str) -> Result<()> {
    let mut at = root.to_path_buf();
    let folders: Vec<&str> = rel.split('/').collect();
    for part in &folders[..folders.len().saturating_sub(1)] {
        at.push(part);
        if let Ok(Some(crate::load::file::Refused::Symlink)) = crate::load::file::folder(&at) {
            bail!(
                "`{}` is a symbolic link; seckb writes nothing through a link inside the site",
                at.strip_prefix(root).unwrap_or(&at).display()
            );
        }
    }
    Ok(())
}

/// Writes each file through a temporary file beside it, so none is ever half written.
pub fn write_files(root: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for (rel, bytes) in files {
        let path = root.join(rel);
        let dir = path.parent().unwrap_or(root);
        no_link_on_the_way(root, rel)?;
        fs_err::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a file in `{}`", dir.display()))?;
        tmp.write_all(bytes)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(())
}

// --- The catalog as the import grows it ---------------------------------------------------

/// The catalog as the import grows it, its products indexed by normalized name, by package
/// and by id, so that finding a product costs the thousandth document of an archive what it
/// cost the first (rebuilding the index for each document made the import quadratic).
pub struct Indexed {
    pub catalog: Catalog,
    by_name: HashMap<String, Vec<usize>>,
    by_package: HashMap<(String, String), usize>,
    ids: HashSet<String>,
    lower_ids: HashSet<String>,
}

impl Indexed {
    pub fn new(catalog: Catalog) -> Indexed {
        let mut out = Indexed {
            catalog: Catalog {
                products: Vec::with_capacity(catalog.products.len()),
            },
            by_name: HashMap::new(),
            by_package: HashMap::new(),
            ids: HashSet::new(),
            lower_ids: HashSet::new(),
        };
        for p in catalog.products {
            out.push(p);
        }
        out
    }

    fn push(&mut self, p: Product) {
        let i = self.catalog.products.len();
        self.by_name.entry(norm_name(&p.name)).or_default().push(i);
        if let Some(pkg) = &p.package {
            (self.by_package)
                .entry((pkg.ecosystem.clone(), pkg.name.clone()))
                .or_insert(i);
        }
        self.ids.insert(p.id.0.clone());
        self.lower_ids.insert(p.id.0.to_ascii_lowercase());
        self.catalog.products.push(p);
    }

    /// The products named `name` (compared normalized), in catalog order.
    fn named(&self, name: &str) -> impl Iterator<Item = &Product> {
        (self.by_name.get(&norm_name(name)).into_iter().flatten())
            .map(|&i| &self.catalog.products[i])
    }

    /// The first product that is package `pkg`.
    fn package(&self, pkg: &crate::model::Package) -> Option<&Product> {
        (self.by_package)
            .get(&(pkg.ecosystem.clone(), pkg.name.clone()))
            .map(|&i| &self.catalog.products[i])
    }

    fn has_id(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Whether an id is taken, whatever its case.
    fn taken(&self, id: &str) -> bool {
        self.lower_ids.contains(&id.to_ascii_lowercase())
    }
}

// --- One advisory ------------------------------------------------------------------------

/// A product's vendor and wished-for catalog id, and what else the source says of it: its
/// place in the product tree and its identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductHint {
    pub vendor: Option<String>,
    pub id: Option<String>,
    pub family: Option<String>,
    pub version: Option<String>,
    pub cpe: Option<String>,
    pub purl: Option<String>,
    /// The package it is, where the source says (an OSV entry's `affected[].package`);
    /// a product of the catalog that is the same package is this product.
    pub package: Option<crate::model::Package>,
    /// Its names in the other languages imported, by language.
    pub names: BTreeMap<String, String>,
}

impl ProductHint {
    /// A new catalog entry of this hint's product.
    fn product(self, id: ProductId, name: &str, vendor: &str) -> Product {
        // The package of a purl whose type stands for an ecosystem, so that its versions can
        // be given as ranges; the purl is kept as it is.
        let of_purl = (self.purl.as_deref())
            .and_then(|p| p.parse::<packageurl::PackageUrl>().ok())
            .and_then(|p| {
                let (_, ecosystem) =
                    (crate::csaf::PURL_ECOSYSTEMS.iter()).find(|(kind, _)| *kind == p.ty())?;
                let split = if p.ty() == "maven" { ":" } else { "/" };
                let name = match p.namespace() {
                    Some(ns) => format!("{ns}{split}{}", p.name()),
                    None => p.name().to_string(),
                };
                Some(crate::model::Package {
                    ecosystem: ecosystem.to_string(),
                    name,
                })
            });
        let package = self.package.or(of_purl);
        Product {
            names: self.names,
            family: self.family,
            version: self.version,
            cpe: self.cpe,
            purl: self.purl,
            package,
            ..Product::named(id, name, self.vendor.unwrap_or_else(|| vendor.to_string()))
        }
    }
}

/// What the editions of one advisory say, merged.
#[derive(Debug, Clone)]
pub struct Merged {
    pub advisory: Advisory,
    /// Product names; ids are given when the facts are written.
    pub affected: Vec<String>,
    pub not_affected: Vec<String>,
    /// What the source says of a product beyond its name, by name: its vendor and the
    /// catalog id it would like (kept when free).
    pub product_hints: BTreeMap<String, ProductHint>,
    pub texts: BTreeMap<String, AdvisoryText>,
    pub notes: Vec<Note>,
    pub structured: Vec<String>,
    pub prose: Vec<String>,
    pub boilerplate: Vec<String>,
}

/// Where one text of an imported advisory came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub lang: String,
    /// The file read, as given.
    pub file: String,
    /// A comment line for the files written from it, e.g. "Imported by ... from x".
    pub comment: String,
    /// The title of the source, for the comment atop `advisory.yaml`.
    pub title: String,
}

/// Plans the files of one merged advisory (`sources` in the site's language order): new,
/// overwritten with `--force`, or kept with texts in new languages added.
pub fn write_advisory(
    site: &Site,
    id: &str,
    m: Merged,
    sources: &[SourceFile],
    cat: &mut Indexed,
    opts: &Options,
) -> (AdvisoryReport, BTreeMap<String, Vec<u8>>) {
    let r = resolve(site, id, m, cat, opts);
    finish(site, r, sources, &cat.catalog, opts)
}

/// A merged advisory with the catalog's say on its products: the one step of planning that
/// depends on the advisories before it (the first to name a product gives it its id).
pub struct Resolved {
    id: String,
    m: Merged,
    /// Whether its facts are written (new, or `--force`).
    write: bool,
    exists: bool,
    /// For an existing advisory kept: the merged advisory with catalog ids, where every
    /// product it names is in the catalog (to tell whether the import changes anything).
    as_written: Option<Merged>,
}

/// Gives the products of a merged advisory their catalog ids, adding new products to the
/// catalog (new advisories, or `--force`), in import order.
pub fn resolve(
    site: &Site,
    id: &str,
    mut m: Merged,
    cat: &mut Indexed,
    opts: &Options,
) -> Resolved {
    let facts_rel = format!("advisories/{id}/{}", crate::load::FACTS_FILE);
    let exists = site.root.join(&facts_rel).is_file();
    let write = !exists || opts.force;
    let mut as_written = None;
    if write {
        m.advisory.products = product_ids(&m, cat, &opts.vendor, true).unwrap_or_default();
        remediation_ids(&mut m, cat);
    } else {
        as_written = product_ids(&m, cat, &opts.vendor, false).map(|ids| {
            let mut mm = m.clone();
            mm.advisory.products = ids;
            remediation_ids(&mut mm, cat);
            mm
        });
    }
    Resolved {
        id: id.to_string(),
        m,
        write,
        exists,
        as_written,
    }
}

/// Plans the files of a resolved advisory; reads only the site and the catalog, so that
/// advisories are planned in parallel.
pub fn finish(
    site: &Site,
    r: Resolved,
    sources: &[SourceFile],
    catalog: &Catalog,
    opts: &Options,
) -> (AdvisoryReport, BTreeMap<String, Vec<u8>>) {
    let Resolved {
        id,
        mut m,
        write,
        exists,
        as_written,
    } = r;
    let dir = format!("advisories/{id}");
    let facts_rel = format!("{dir}/{}", crate::load::FACTS_FILE);
    let on_disk: BTreeSet<String> = fs_err::read_dir(site.root.join(&dir))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.strip_suffix(".yaml")
                        .filter(|s| *s != "advisory")
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut files = BTreeMap::new();
    let render_all = |m: &Merged| -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        out.insert(
            facts_rel.clone(),
            facts_yaml(&m.advisory, sources, opts).into_bytes(),
        );
        for (lang, text) in &m.texts {
            let e = sources.iter().find(|e| &e.lang == lang);
            out.insert(
                format!("{dir}/{lang}.yaml"),
                text_yaml(text, lang, e, opts).into_bytes(),
            );
        }
        out
    };
    let same_as_disk = |rendered: &BTreeMap<String, Vec<u8>>| {
        rendered
            .iter()
            .all(|(rel, b)| existing(&site.root, rel).as_deref() == Some(b.as_slice()))
    };

    let outcome = if write {
        let rendered = render_all(&m);
        let outcome = match (exists, same_as_disk(&rendered)) {
            (false, _) => Outcome::Created,
            (true, true) => Outcome::Unchanged,
            (true, false) => Outcome::Updated,
        };
        if exists {
            for lang in on_disk.difference(&m.texts.keys().cloned().collect()) {
                m.notes.push(Note::warning(
                    "kept-text",
                    format!("`{dir}/{lang}.yaml` is not from this import and was kept; check it against the new facts"),
                ));
            }
        }
        for (rel, b) in rendered {
            put(&mut files, &site.root, &rel, b);
        }
        outcome
    } else if as_written
        .as_ref()
        .is_some_and(|mm| same_as_disk(&render_all(mm)))
    {
        Outcome::Unchanged
    } else {
        // The advisory exists: keep it, say where it differs, add missing languages.
        keep_existing(
            site, &dir, &facts_rel, &mut m, sources, catalog, opts, &on_disk, &mut files,
        )
    };
    let report = AdvisoryReport {
        id,
        outcome,
        languages: sources.iter().map(|e| e.lang.clone()).collect(),
        files: sources.iter().map(|e| e.file.clone()).collect(),
        structured: m.structured,
        prose: m.prose,
        boilerplate: m.boilerplate,
        notes: m.notes,
    };
    (report, files)
}

#[allow(clippy::too_many_arguments)]
fn keep_existing(
    site: &Site,
    dir: &str,
    facts_rel: &str,
    m: &mut Merged,
    sources: &[SourceFile],
    catalog: &Catalog,
    opts: &Options,
    on_disk: &BTreeSet<String>,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Outcome {
    let existing: Option<Advisory> = existing(&site.root, facts_rel)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| serde_yaml::from_str(&t).ok());
    let Some(existing) = existing else {
        m.notes.push(Note::warning(
            "exists",
            format!(
                "`{facts_rel}` exists but cannot be read; it was kept (`seckb validate` says why)"
            ),
        ));
        return Outcome::Kept;
    };
    let diffs = compare_facts(&existing, m, catalog);
    if diffs.is_empty() {
        m.notes.push(Note::info(
            "matches-existing",
            format!("the imported facts agree with `{facts_rel}` (dates, revisions, version, KB, CVE and products)"),
        ));
    }
    for d in diffs {
        m.notes.push(Note::warning(
            "differs-from-existing",
            format!("{d}; kept `{facts_rel}`"),
        ));
    }
    let numbers: Vec<&str> = existing
        .revisions
        .iter()
        .map(|r| r.number.as_str())
        .collect();
    let refs: Vec<&str> = existing.references.iter().map(|r| r.id.as_str()).collect();
    let rems: Vec<&str> = existing
        .remediations
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    // The imported vulnerabilities' texts go under the existing advisory's ids for them: the
    // one with the same CVE, else one sharing an id.
    let vulns: Vec<&str> = existing
        .vulnerabilities
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    let rename: BTreeMap<String, String> = (m.advisory.vulnerabilities.iter())
        .filter_map(|mine| {
            let theirs = existing.vulnerabilities.iter().find(|v| {
                (mine.cve.is_some() && v.cve == mine.cve)
                    || mine.ids.iter().any(|id| v.ids.contains(id))
            })?;
            Some((mine.id.clone(), theirs.id.clone()))
        })
        .collect();
    for text in m.texts.values_mut() {
        text.vulnerabilities = std::mem::take(&mut text.vulnerabilities)
            .into_iter()
            .map(|(k, t)| (rename.get(&k).cloned().unwrap_or(k), t))
            .collect();
    }
    let mut added = false;
    for (lang, text) in &m.texts {
        if on_disk.contains(lang) {
            m.notes.push(Note::info(
                "exists",
                format!("`{dir}/{lang}.yaml` exists and was kept"),
            ));
            continue;
        }
        // The edition may be of another revision than the facts, or name references,
        // remediations or vulnerabilities they lack: its text is fitted to the facts, and
        // what has no place there is kept as sections, with a note of each change.
        let (text, changes) = fit_text(text, &existing, &numbers, &refs, &rems, &vulns);
        for c in changes {
            m.notes
                .push(Note::warning("fitted-to-existing", format!("{lang}: {c}")));
        }
        let e = sources.iter().find(|e| &e.lang == lang);
        put(
            files,
            &site.root,
            &format!("{dir}/{lang}.yaml"),
            text_yaml(&text, lang, e, opts).into_bytes(),
        );
        added = true;
        m.notes.push(Note::info(
            "language-added",
            format!("`{dir}/{lang}.yaml` added to the existing advisory"),
        ));
    }
    if added {
        Outcome::LanguagesAdded
    } else {
        Outcome::Kept
    }
}

/// Differences between existing facts and imported ones, in words.
/// Keeps the entries of `map` whose key is in `keys`; returns how many went.
fn only_listed<V>(map: &mut BTreeMap<String, V>, keys: &[&str]) -> usize {
    let before = map.len();
    map.retain(|k, _| keys.contains(&k.as_str()));
    before - map.len()
}

/// A text fitted to facts it was not read with: its revision becomes the facts' revision it
/// is of (the latest not after its own), revision notes and link labels the facts have no
/// place for are left out, and remediation and vulnerability texts without a place become
/// sections. Returns the text and what was changed.
fn fit_text(
    text: &AdvisoryText,
    existing: &Advisory,
    numbers: &[&str],
    refs: &[&str],
    rems: &[&str],
    vulns: &[&str],
) -> (AdvisoryText, Vec<String>) {
    use std::cmp::Ordering;
    let mut t = text.clone();
    let mut changes = Vec::new();
    if !numbers.contains(&t.revision.as_str()) {
        let cmp = |a: &str, b: &str| crate::validate::compare_revision_numbers(a, b);
        let of = (numbers.iter().rev())
            .find(|n| cmp(n, &t.revision).is_some_and(|o| o != Ordering::Greater))
            .or(numbers.first())
            .map(|n| n.to_string())
            .unwrap_or_else(|| existing.version.clone());
        changes.push(format!(
            "the text is of revision {}, which `advisory.yaml` does not list; it is marked as the text of revision {of}",
            t.revision
        ));
        t.revision = of;
    }
    let dropped = [
        (
            only_listed(&mut t.revisions, numbers),
            "revision note(s) of revisions",
        ),
        (
            only_listed(&mut t.links, refs),
            "link label(s) of references",
        ),
    ];
    for (n, what) in dropped.into_iter().filter(|(n, _)| *n > 0) {
        changes.push(format!(
            "{n} {what} `advisory.yaml` does not list were left out"
        ));
    }
    let homeless: Vec<String> = (t.remediations.keys())
        .filter(|k| !rems.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in &homeless {
        if let Some(body) = t.remediations.remove(k) {
            t.sections.push(crate::model::Section {
                title: k.clone(),
                body,
            });
        }
    }
    if !homeless.is_empty() {
        changes.push(format!(
            "remediation text(s) {} have no remediation in `advisory.yaml`; kept as sections",
            homeless.join(", ")
        ));
    }
    let homeless: Vec<String> = (t.vulnerabilities.keys())
        .filter(|k| !vulns.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in &homeless {
        if let Some(v) = t.vulnerabilities.remove(k) {
            let mut body = vec![v.description];
            body.extend(v.impact);
            body.extend(v.mitigating_factors);
            body.extend(v.workarounds);
            body.extend(
                v.faq
                    .into_iter()
                    .map(|f| format!("**{}**\n\n{}", f.question, f.answer)),
            );
            body.retain(|b| !b.trim().is_empty());
            t.sections.push(crate::model::Section {
                title: v.title,
                body: body.join("\n\n"),
            });
        }
    }
    if !homeless.is_empty() {
        changes.push(format!(
            "vulnerability text(s) {} have no vulnerability in `advisory.yaml`; kept as sections",
            homeless.join(", ")
        ));
    }
    (t, changes)
}

fn compare_facts(existing: &Advisory, m: &Merged, catalog: &Catalog) -> Vec<String> {
    let a = &m.advisory;
    let mut out = Vec::new();
    if existing.published != a.published {
        out.push(format!(
            "`published` is {} here, {} in the source",
            existing.published, a.published
        ));
    }
    if existing.updated != a.updated {
        out.push(format!(
            "`updated` is {} here, {} in the source",
            existing.updated, a.updated
        ));
    }
    if existing.version != a.version {
        out.push(format!(
            "`version` is `{}` here, `{}` in the source",
            existing.version, a.version
        ));
    }
    if existing.severity != a.severity {
        out.push(format!(
            "`severity` is {:?} here, {:?} in the source",
            existing.severity, a.severity
        ));
    }
    let hist = |rs: &[Revision]| {
        rs.iter()
            .map(|r| format!("{} ({})", r.number, r.date))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if hist(&existing.revisions) != hist(&a.revisions) {
        out.push(format!(
            "revisions are {} here, {} in the source",
            hist(&existing.revisions),
            hist(&a.revisions)
        ));
    }
    let set = |v: &[String]| v.iter().map(|s| s.to_uppercase()).collect::<BTreeSet<_>>();
    if set(&existing.kbs) != set(&a.kbs) {
        out.push(format!(
            "KB articles are {:?} here, {:?} in the source",
            existing.kbs, a.kbs
        ));
    }
    if set(&existing.cves) != set(&a.cves) {
        out.push(format!(
            "CVEs are {:?} here, {:?} in the source",
            existing.cves, a.cves
        ));
    }
    let names = |ids: &[ProductId]| {
        ids.iter()
            .map(|id| {
                catalog
                    .products
                    .iter()
                    .find(|p| &p.id == id)
                    .map_or_else(|| id.0.clone(), |p| norm_name(&p.name))
            })
            .collect::<BTreeSet<_>>()
    };
    let imported = |v: &[String]| v.iter().map(|n| norm_name(n)).collect::<BTreeSet<_>>();
    // Product names are translated: an edition in another language than the advisory's
    // source names the same products otherwise, so only their number can be compared.
    if existing.source_language != a.source_language {
        for (what, ours, theirs) in [
            (
                "affected",
                existing.products.affected.len(),
                m.affected.len(),
            ),
            (
                "non-affected",
                existing.products.not_affected.len(),
                m.not_affected.len(),
            ),
        ] {
            if ours != theirs {
                out.push(format!(
                    "{ours} {what} products here, {theirs} in the {} source",
                    a.source_language
                ));
            }
        }
        return out;
    }
    if names(&existing.products.affected) != imported(&m.affected) {
        out.push(format!(
            "affected products are {:?} here, {:?} in the source",
            names(&existing.products.affected),
            m.affected
        ));
    }
    if names(&existing.products.not_affected) != imported(&m.not_affected) {
        out.push(format!(
            "non-affected products are {:?} here, {:?} in the source",
            names(&existing.products.not_affected),
            m.not_affected
        ));
    }
    out
}

fn norm_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Catalog ids for the merged product names: an existing product of the same name, else a
/// new one whose id is the slug of the name. Without `allocate`, None if any is new.
fn product_ids(m: &Merged, cat: &mut Indexed, vendor: &str, allocate: bool) -> Option<Products> {
    let rem_names: Vec<String> = named_products(&m.advisory)
        .filter(|p| !cat.has_id(p.as_str()))
        .map(|p| p.0.clone())
        .collect();
    let mut id_of = |name: &str| -> Option<ProductId> {
        let hint = m.product_hints.get(name).cloned().unwrap_or_default();
        let same_vendor = |p: &Product| {
            hint.vendor
                .as_deref()
                .is_none_or(|v| norm_name(v) == norm_name(&p.vendor))
        };
        // A package is the product that is that package, whatever its name.
        if let Some(p) = hint.package.as_ref().and_then(|pkg| cat.package(pkg)) {
            return Some(p.id.clone());
        }
        // The wished-for id when it names this very product, else any of the same name.
        if let Some(p) = cat
            .named(name)
            .find(|p| hint.id.as_deref() == Some(p.id.as_str()) && same_vendor(p))
        {
            return Some(p.id.clone());
        }
        if let Some(p) = cat.named(name).find(|p| same_vendor(p)) {
            return Some(p.id.clone());
        }
        if !allocate {
            return None;
        }
        let id = match hint.id.clone() {
            Some(want) if !cat.taken(&want) => ProductId(want),
            _ => new_product_id(cat, name),
        };
        cat.push(hint.product(id.clone(), name, vendor));
        Some(id)
    };
    let affected = m
        .affected
        .iter()
        .map(|n| id_of(n))
        .collect::<Option<Vec<_>>>()?;
    let not_affected = m
        .not_affected
        .iter()
        .map(|n| id_of(n))
        .collect::<Option<Vec<_>>>()?;
    // Remediations and vulnerabilities may name products by name (an import that knows them
    // only so); those get catalog ids the same way.
    for name in rem_names {
        id_of(&name)?;
    }
    // Two names of one product (a matrix split in parts, spelling that differs in case or
    // spaces) are one catalog entry, listed once.
    let affected = once_each(affected);
    let not_affected: Vec<ProductId> = once_each(not_affected)
        .into_iter()
        .filter(|p| !affected.contains(p))
        .collect();
    Some(Products {
        affected,
        not_affected,
    })
}

/// The ids in order, each once.
fn once_each(ids: Vec<ProductId>) -> Vec<ProductId> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|p| seen.insert(p.clone())).collect()
}

/// The products that remediations and vulnerabilities name.
fn named_products(a: &Advisory) -> impl Iterator<Item = &ProductId> {
    let of_remediations = a.remediations.iter().flat_map(|r| &r.products);
    let of_vulns = a.vulnerabilities.iter().flat_map(|v| {
        let statuses = v.products.all().into_iter().flat_map(|(_, ps)| ps);
        let rated = v.ratings.iter().flat_map(|r| &r.products);
        statuses
            .chain(v.affected.iter().map(|x| &x.product))
            .chain(rated)
    });
    of_remediations.chain(of_vulns)
}

/// Products of remediations and vulnerabilities given by name, as catalog ids (after
/// [`product_ids`] allocated them).
fn remediation_ids(m: &mut Merged, cat: &Indexed) {
    let hints = &m.product_hints;
    let id_of = |p: &mut ProductId| {
        if cat.has_id(p.as_str()) {
            return;
        }
        let hint = hints.get(&p.0).cloned().unwrap_or_default();
        if let Some(c) = hint.package.as_ref().and_then(|pkg| cat.package(pkg)) {
            *p = c.id.clone();
            return;
        }
        let found = (cat.named(&p.0)).find(|c| {
            hint.vendor
                .as_deref()
                .is_none_or(|v| norm_name(v) == norm_name(&c.vendor))
        });
        if let Some(id) = found.map(|c| c.id.clone()) {
            *p = id;
        }
    };
    let a = &mut m.advisory;
    a.remediations
        .iter_mut()
        .flat_map(|r| &mut r.products)
        .for_each(id_of);
    for v in &mut a.vulnerabilities {
        let s = &mut v.products;
        (s.known_affected.iter_mut())
            .chain(&mut s.fixed)
            .chain(&mut s.first_fixed)
            .chain(&mut s.recommended)
            .chain(&mut s.under_investigation)
            .chain(s.known_not_affected.iter_mut().map(|n| &mut n.product))
            .chain(v.affected.iter_mut().map(|x| &mut x.product))
            .chain(v.ratings.iter_mut().flat_map(|r| &mut r.products))
            .for_each(id_of);
        let s = &mut v.products;
        for list in [
            &mut s.known_affected,
            &mut s.fixed,
            &mut s.first_fixed,
            &mut s.recommended,
            &mut s.under_investigation,
        ] {
            *list = once_each(std::mem::take(list));
        }
        // A product rated in two parts of a matrix keeps its worst rating (ratings are
        // listed worst first).
        let mut rated = HashSet::new();
        for r in &mut v.ratings {
            r.products.retain(|p| rated.insert(p.clone()));
        }
        v.ratings.retain(|r| !r.products.is_empty());
    }
    for r in &mut a.remediations {
        r.products = once_each(std::mem::take(&mut r.products));
    }
}

/// Longest product id before it is shortened with a hash (ids may have 64 characters).
const MAX_SLUG: usize = 56;

/// A new, unused product id: the slug of the name, shortened with a hash of the name when
/// long, with a counter when taken.
fn new_product_id(cat: &Indexed, name: &str) -> ProductId {
    let mut base = slug::slugify(name);
    if base.is_empty() {
        base = "product".into();
    }
    if base.len() > MAX_SLUG {
        let hash = sha2::Sha256::digest(name.as_bytes());
        let hex: String = hash.iter().take(3).map(|b| format!("{b:02x}")).collect();
        let mut cut = base[..MAX_SLUG - 7].to_string();
        if let Some(i) = cut.rfind('-') {
            cut.truncate(i);
        }
        base = format!("{cut}-{hex}");
    }
    let mut id = base.clone();
    let mut n = 2;
    while cat.taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ProductId(id)
}

/// The name of the catalog entry used when the source lists no affected software.
pub fn placeholder_product(vendor: &str) -> String {
    format!("Unlisted {vendor} software")
}

pub(crate) fn structured(
    a: &Advisory,
    affected: &[String],
    not_affected: &[String],
    texts: &BTreeMap<String, AdvisoryText>,
) -> Vec<String> {
    let mut s = vec![
        "title".to_string(),
        format!("published {}", a.published),
        format!("updated {}", a.updated),
        format!("version {}", a.version),
        count(a.revisions.len(), "revision"),
        format!(
            "{} affected and {} non-affected products",
            affected.len(),
            not_affected.len()
        ),
    ];
    for (n, what) in [
        (a.kbs.len(), "KB article"),
        (a.cves.len(), "CVE"),
        (a.bulletins.len(), "bulletin"),
        (a.references.len(), "reference"),
        (a.remediations.len(), "remediation"),
    ] {
        if n > 0 {
            s.push(count(n, what));
        }
    }
    for (lang, t) in texts {
        let mut parts = Vec::new();
        if t.subtitle.is_some() {
            parts.push("subtitle".to_string());
        }
        if t.overview.purpose.is_some() || t.overview.recommendation.is_some() {
            parts.push("overview".to_string());
        }
        for (n, what) in [
            (t.faq.len(), "question"),
            (t.symptoms.len(), "symptom"),
            (t.suggested_actions.len(), "suggested action"),
        ] {
            if n > 0 {
                parts.push(count(n, what));
            }
        }
        if !parts.is_empty() {
            s.push(format!("{lang}: {}", parts.join(", ")));
        }
    }
    s
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

// --- YAML ------------------------------------------------------------------------------------

/// YAML of a value, without top-level entries that are empty lists or maps (they default).
pub(crate) fn to_yaml<T: Serialize>(value: &T) -> String {
    let mut v = serde_yaml::to_value(value).unwrap_or(serde_yaml::Value::Null);
    if let serde_yaml::Value::Mapping(m) = &mut v {
        m.retain(|k, val| {
            let required = matches!(k.as_str(), Some("revisions" | "products" | "languages"));
            required
                || !matches!(val, serde_yaml::Value::Sequence(s) if s.is_empty())
                    && !matches!(val, serde_yaml::Value::Mapping(m) if m.is_empty())
        });
    }
    serde_yaml::to_string(&v).unwrap_or_default()
}

fn header(schema: &str, what: &str, sources: &[&SourceFile], opts: &Options) -> String {
    let mut s = format!(
        "# yaml-language-server: $schema={schema}\n# {}\n",
        comment(what)
    );
    for src in sources {
        s.push_str(&format!("# {}\n", comment(&src.comment)));
    }
    if let Some(a) = &opts.attribution {
        for line in a.lines() {
            s.push_str(&format!("# {}\n", comment(line)));
        }
    }
    s
}

/// Text made safe to follow `# ` on one line of YAML: what an import writes into a comment
/// (a source's id, title or file name) comes from the source, and a line break in it would
/// end the comment and start real keys. Every character YAML reads as a line break
/// (`\n`, `\r`, NEL, U+2028, U+2029), every other control character and a byte order mark
/// are written as Rust-style escapes (`\n`, `\0`, `\u{85}`), so the comment still says what the
/// source held. Values themselves go through the YAML emitter, never through this.
pub(crate) fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

fn facts_yaml(a: &Advisory, sources: &[SourceFile], opts: &Options) -> String {
    let what = format!(
        "{}: language-neutral facts. Prose is in <lang>.yaml.",
        sources
            .first()
            .map_or(a.id.0.as_str(), |e| e.title.as_str())
    );
    let sources: Vec<&SourceFile> = sources.iter().collect();
    format!(
        "{}{}",
        header("../../schemas/advisory.schema.json", &what, &sources, opts),
        to_yaml(a)
    )
}

fn text_yaml(t: &AdvisoryText, lang: &str, e: Option<&SourceFile>, opts: &Options) -> String {
    let sources: Vec<&SourceFile> = e.into_iter().collect();
    let what = format!("{}: text in {lang}.", t.title);
    format!(
        "{}{}",
        header("../../schemas/text.schema.json", &what, &sources, opts),
        to_yaml(t)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_files_grow_in_their_own_style() {
        let text = "# yaml-language-server: $schema=schemas/settings.schema.json\n# Site.\nbase_url: https://a.example/\ndefault_language: en-US\nlanguages: [en-US, nl-NL]\npublisher:\n  name: A\n  namespace: https://a.example\n";
        let mut s: Settings = serde_yaml::from_str(text).unwrap();
        s.languages.push(LangTag("de-DE".into()));
        let out = append_languages(text, &["de-DE".into()], &s).unwrap();
        assert!(out.contains("languages: [en-US, nl-NL, de-DE]\n"), "{out}");
        assert!(out.starts_with("# yaml-language-server"));
        let block = text.replace("[en-US, nl-NL]", "\n  - en-US\n  - nl-NL");
        let out = append_languages(&block, &["de-DE".into()], &s).unwrap();
        assert!(out.contains("  - nl-NL\n  - de-DE\npublisher:"), "{out}");

        let text = "# yaml-language-server: $schema=schemas/products.schema.json\nproducts:\n  - id: a\n    name: A\n    vendor: V\n";
        let mut c: Catalog = serde_yaml::from_str(text).unwrap();
        let p = Product::named(ProductId("b".into()), "B", "V");
        c.products.push(p.clone());
        let out = append_products(text, &[p], &c).unwrap();
        assert_eq!(
            out,
            format!("{text}  - id: b\n    name: B\n    vendor: V\n")
        );
    }

    #[test]
    fn long_product_names_get_short_unique_ids() {
        let mut c = Indexed::new(Catalog {
            products: Vec::new(),
        });
        let long = "Internet Explorer 7 voor Windows XP Service Pack 2, Windows XP Service Pack 3, Windows XP Professional x64 Edition en Windows XP Professional x64 Edition Service Pack 2";
        let id = new_product_id(&c, long);
        assert!(id.0.len() <= 64, "{id}");
        assert!(crate::validate::unsafe_reason(&id.0).is_none());
        c.push(Product::named(
            ProductId("Windows-Vista".into()),
            "Windows Vista",
            "Microsoft",
        ));
        // Taken whatever the case.
        assert_eq!(new_product_id(&c, "Windows  Vista!").0, "windows-vista-2");
        assert_eq!(c.named("windows   VISTA").count(), 1);
    }
}
