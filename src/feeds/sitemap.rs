//! `sitemap.xml` with every HTML page and its language alternates (`xhtml:link hreflang`),
//! and `robots.txt` pointing at it.

use anyhow::Result;

use super::xml::Xml;
use crate::site::Site;
use crate::unit::{Files, Gathered, UnitId};

/// The sitemap and `robots.txt` as a unit, listing the pages of `paths` (every file of the
/// site below the default language's folder, from which the pages are taken: every language
/// has the same set).
pub fn unit<'a>(site: &'a Site<'a>, paths: &[&str]) -> Gathered<'a, ()> {
    let langs = site.languages();
    let default = site.settings.default_language.as_str();
    let prefix = format!("{default}/");
    // A draft's page is built for review, marked `noindex`, and kept out of the sitemap.
    let drafts: std::collections::BTreeSet<String> = (site.advisories.iter())
        .filter(|(a, _)| a.status == crate::model::Status::Draft)
        .map(|(a, _)| format!("advisories/{}/", a.id))
        .collect();
    let dirs: Vec<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter_map(|p| p.strip_suffix("index.html"))
        // The search page has no content of its own for a crawler to index.
        .filter(|dir| *dir != "search/" && !drafts.contains(*dir))
        .map(str::to_string)
        .collect();
    Gathered {
        id: UnitId::Sitemap,
        what: crate::util::digest_of(&(&langs, &dirs)),
        members: Vec::new(),
        render: Box::new(move |_| render(site, &langs, &dirs)),
    }
}

/// `sitemap.xml` and `robots.txt` for the page folders `dirs` in each of `langs`.
fn render(site: &Site, langs: &[&str], dirs: &[String]) -> Result<Files> {
    let default = site.settings.default_language.as_str();
    let mut x = Xml::new()?;
    x.open(
        "urlset",
        &[
            ("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"),
            ("xmlns:xhtml", "http://www.w3.org/1999/xhtml"),
        ],
    )?;
    x.open("url", &[])?;
    x.text("loc", &[], &site.url(""))?;
    x.close("url")?;
    for lang in langs {
        for dir in dirs {
            x.open("url", &[])?;
            x.text("loc", &[], &site.url(&format!("{lang}/{dir}")))?;
            for alt in langs {
                x.empty(
                    "xhtml:link",
                    &[
                        ("rel", "alternate"),
                        ("hreflang", alt),
                        ("href", &site.url(&format!("{alt}/{dir}"))),
                    ],
                )?;
            }
            x.empty(
                "xhtml:link",
                &[
                    ("rel", "alternate"),
                    ("hreflang", "x-default"),
                    ("href", &site.url(&format!("{default}/{dir}"))),
                ],
            )?;
            x.close("url")?;
        }
    }
    x.close("urlset")?;
    let robots = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.url("sitemap.xml")
    );
    Ok(vec![
        ("sitemap.xml".to_string(), x.finish()),
        ("robots.txt".to_string(), robots.into_bytes()),
    ])
}
