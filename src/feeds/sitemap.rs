//! `sitemap.xml` with every HTML page and its language alternates (`xhtml:link hreflang`),
//! and `robots.txt` pointing at it.

use anyhow::Result;

use super::xml::Xml;
use crate::incremental::Aggregates;
use crate::output::Output;
use crate::site::Site;
use crate::unit::UnitId;

/// The build unit of the sitemap and `robots.txt`.
const UNIT: &UnitId = &UnitId::Sitemap;

pub fn render(site: &Site, out: &mut Output) -> Result<()> {
    render_after(site, out, None)
}

/// [`render`], taking both files from the previous build when it had the same pages.
pub fn render_after(site: &Site, out: &mut Output, previous: Option<&Aggregates>) -> Result<()> {
    let langs = site.languages();
    // Page folders below a language, from the pages already rendered: every language has
    // the same set, so the English (default) list is the list.
    let default = site.settings.default_language.as_str();
    let prefix = format!("{default}/");
    let dirs: Vec<String> = out
        .paths_under(&prefix)
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter_map(|p| p.strip_suffix("index.html"))
        // The search page has no content of its own for a crawler to index.
        .filter(|dir| *dir != "search/")
        .map(str::to_string)
        .collect();
    if let Some(agg) = previous
        && agg.reuse(UNIT, Some(agg.key_of(&(UNIT, &langs, &dirs))), out)?
    {
        return Ok(());
    }
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
    for lang in &langs {
        for dir in &dirs {
            x.open("url", &[])?;
            x.text("loc", &[], &site.url(&format!("{lang}/{dir}")))?;
            for alt in &langs {
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
    out.add_to_unit(UNIT, "sitemap.xml", x.finish())?;
    out.add_to_unit(
        UNIT,
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.url("sitemap.xml")
        ),
    )?;
    Ok(())
}
