//! The validated input of a build, complete and read-only, shared by the page renderer and
//! the feed writers, with the URL scheme of the site in one place.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::load::Project;
use crate::model::{Advisory, AdvisoryText, Catalog, Product, Settings, SiteText};

/// The complete, validated input of a build.
pub struct Site<'a> {
    /// `seckb.yaml`.
    pub settings: &'a Settings,
    /// `products.yaml`.
    pub catalog: &'a Catalog,
    /// `i18n/<lang>.yaml` by language, gaps filled from the default language.
    pub texts: BTreeMap<&'a str, SiteText>,
    /// Every advisory with its texts by language, newest first.
    pub advisories: Vec<(&'a Advisory, BTreeMap<&'a str, &'a AdvisoryText>)>,
    /// The catalog by product id, for the many lookups of a build.
    products: std::collections::HashMap<&'a str, &'a Product>,
}

impl<'a> Site<'a> {
    /// Takes the parts of a project that validated; fails if any is missing.
    pub fn from_project(p: &'a Project) -> Result<Site<'a>> {
        let settings = &p
            .settings
            .as_ref()
            .context("no settings were loaded")?
            .value;
        let catalog = &p
            .catalog
            .as_ref()
            .context("no product catalog was loaded")?
            .value;
        let default = settings.default_language.as_str();
        let fallback = p
            .site_texts
            .get(default)
            .map(|t| t.value.clone())
            .unwrap_or_default();
        let texts = p
            .site_texts
            .iter()
            .map(|(k, v)| (k.as_str(), v.value.filled_from(&fallback)))
            .collect();
        let mut advisories = Vec::new();
        for dir in &p.advisories {
            let facts = dir
                .facts
                .as_ref()
                .with_context(|| format!("advisory `{}` did not load", dir.dir))?
                .value
                .as_ref();
            let texts = dir
                .texts
                .iter()
                .map(|(k, v)| (k.as_str(), v.value.as_ref()))
                .collect();
            advisories.push((facts, texts));
        }
        // Newest first; ties by id, so the order never depends on the file system.
        advisories.sort_by(|a, b| {
            (b.0.published, &b.0.id)
                .cmp(&(a.0.published, &a.0.id))
                .then(a.0.id.cmp(&b.0.id))
        });
        let products = catalog
            .products
            .iter()
            .map(|p| (p.id.as_str(), p))
            .collect();
        Ok(Site {
            settings,
            catalog,
            texts,
            advisories,
            products,
        })
    }

    /// The catalog entry of a product id.
    pub fn product(&self, id: &str) -> Option<&'a Product> {
        self.products.get(id).copied()
    }

    /// The site text of a language.
    pub fn site_text(&self, lang: &str) -> Result<&SiteText> {
        self.texts
            .get(lang)
            .with_context(|| format!("no site text for `{lang}`"))
    }
}

impl Site<'_> {
    /// The languages of the site, in the order of `seckb.yaml`.
    pub fn languages(&self) -> Vec<&str> {
        self.settings.languages.iter().map(|l| l.as_str()).collect()
    }

    /// Absolute URL of a path below the site root.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.base_url)
    }

    /// Path of an advisory's page in a language, relative to the site root.
    pub fn advisory_path(lang: &str, id: &str) -> String {
        format!("{lang}/advisories/{id}/")
    }
}

/// The text of an advisory to show in `lang`: its own, else the source language's; with
/// the language actually shown.
pub fn text_for<'a>(
    a: &'a Advisory,
    texts: &BTreeMap<&str, &'a AdvisoryText>,
    lang: &'a str,
) -> (&'a str, Option<&'a AdvisoryText>) {
    match texts.get(lang) {
        Some(t) => (lang, Some(*t)),
        None => (
            a.source_language.as_str(),
            texts.get(a.source_language.as_str()).copied(),
        ),
    }
}

/// Path of the CSAF document of an advisory in `lang` below the site root, or None where
/// none is published: drafts, and languages without their own text.
pub fn csaf_path(
    a: &Advisory,
    texts: &BTreeMap<&str, &AdvisoryText>,
    lang: &str,
) -> Option<String> {
    if a.status == crate::model::Status::Draft || !texts.contains_key(lang) {
        return None;
    }
    let path = crate::csaf::document_path(a, lang).ok()?;
    Some(format!("{}{path}", crate::csaf::WHITE_DIR))
}

/// Path of the OSV document of an advisory.
pub fn osv_path(a: &Advisory) -> String {
    format!("osv/{}.json", a.id)
}

/// Path of the JSON API document of an advisory.
pub fn api_path(a: &Advisory) -> String {
    format!("api/v1/advisories/{}.json", a.id)
}
