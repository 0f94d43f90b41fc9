//! Turns a validated project into pages: builds plain view structs per page and language,
//! renders them with the templates, and adds the files to the [`Output`]. It reads the
//! templates from disk and, in an incremental build, takes unchanged listings from the
//! previous build ([`Aggregates`]).

mod facets;
mod templates;
mod views;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tera::Context as TeraContext;

use crate::incremental::Aggregates;
use crate::markdown::Memo;
use crate::model::SiteText;
use crate::output::Output;
use crate::search::LIBRARY as SEARCH_LIBRARY;
use crate::site::Site;
use crate::unit::{Piece, UnitId};
use crate::util::integrity;
use facets::Facet;
use templates::Templates;
pub use templates::{DEFAULTS as TEMPLATE_DEFAULTS, digest as templates_digest};
use views::{AdvisoryView, LangLink, ListItem, Page, Pager};

/// Renders every page of the site; `library_integrity` is the SRI hash of the search
/// library the search pages load.
pub fn render(
    site: &Site,
    root: &std::path::Path,
    library_integrity: &str,
    out: &mut Output,
) -> Result<()> {
    render_after(site, root, library_integrity, out, None)
}

/// [`render`], taking each listing (the home page, the product index, the page of each
/// facet value) from the previous build when `previous` says it was made from the same
/// list items (and facets): an edit that changes no list item (a revision note, an FAQ)
/// renders no listing.
pub fn render_after(
    site: &Site,
    root: &std::path::Path,
    library_integrity: &str,
    out: &mut Output,
    previous: Option<&Aggregates>,
) -> Result<()> {
    let tpl = Templates::load(root)?;
    out.add("style.css", tpl.css.clone())?;
    out.add("search.js", tpl.search_js.clone())?;
    let search_script_integrity = integrity(tpl.search_js.as_bytes());
    let search_parts = crate::search::parts(site);

    let langs: Vec<&str> = site.settings.languages.iter().map(|l| l.as_str()).collect();
    let base = &site.settings.base_url;
    let default_lang = site.settings.default_language.as_str();
    let per_page = usize::try_from(site.settings.listings.per_page.get()).unwrap_or(usize::MAX);

    // The root page: a language chooser.
    {
        let text = site.site_text(default_lang)?;
        let links = lang_links(site, &langs, "", "")?;
        let mut page = Page::new(
            default_lang,
            text,
            "",
            "index.html",
            base,
            links,
            default_lang,
            "",
        );
        page.has_about = site.settings.attribution.is_some();
        let mut ctx = TeraContext::new();
        ctx.insert("page", &page);
        out.add("index.html", render_one(&tpl, "root.html", &ctx)?)?;
    }

    advisory_files(site, &tpl, &langs, out)?;

    for lang in &langs {
        let text = site.site_text(lang)?;
        let groups = facets::groups(site, &text.ui);
        // Every facet value, each of which gets a page (products even without advisories,
        // so catalog links never break).
        let facets: Vec<&facets::Facet> = groups.iter().flat_map(|g| &g.facets).collect();

        // Every page of every listing: the home list of every advisory, then the list of each
        // facet value, each cut into pages of `listings.per_page`.
        let everything: Vec<usize> = (0..site.advisories.len()).collect();
        let mut sheets: Vec<Sheet> = sheets_of(lang, "", None, &everything, per_page);
        for facet in &facets {
            sheets.extend(sheets_of(
                lang,
                &facet.dir,
                Some(facet),
                &facet.members,
                per_page,
            ));
        }

        // Which pages are taken from the previous build: each is keyed by the digests of its
        // list items, which an unchanged advisory keeps from the previous build, so that a
        // list item is made only when a page holding it is rendered.
        // The list items made so far, by advisory.
        let mut items: Vec<Option<ListItem>> = Vec::new();
        let todo: Vec<&Sheet> = if let Some(agg) = previous {
            let digests;
            (digests, items) = agg.digests(site, Piece::ListItem(lang), |a, texts| {
                Ok(ListItem::new(a, texts, lang, &text.ui))
            })?;
            // Every home page shows the facets: hashed once.
            let groups_key = crate::incremental::key_of(&groups);
            let mut todo = Vec::new();
            for sheet in &sheets {
                let list: Vec<&String> = sheet.members.iter().map(|&i| &digests[i]).collect();
                let at = (sheet.number, sheet.pages);
                let fresh = match sheet.facet {
                    None => !reused(previous, &sheet.unit, &(&list, &groups_key, at), out)?,
                    Some(facet) => {
                        let what = (
                            &facet.dir,
                            &facet.name,
                            &facet.heading,
                            &facet.note,
                            facet.feed,
                        );
                        !reused(previous, &sheet.unit, &(what, &list, at), out)?
                    }
                };
                if fresh {
                    todo.push(sheet);
                }
            }
            todo
        } else {
            sheets.iter().collect()
        };
        items.resize_with(site.advisories.len(), || None);
        let wanted = todo.iter().flat_map(|sheet| sheet.members.iter().copied());
        crate::incremental::fill(&mut items, wanted, |i| {
            let (a, texts) = &site.advisories[i];
            Ok(ListItem::new(a, texts, lang, &text.ui))
        })?;
        let list_of = |members: &[usize]| -> Result<Vec<&ListItem>> {
            members
                .iter()
                .map(|&i| items[i].as_ref().context("a list item that was not made"))
                .collect()
        };

        // Search.
        {
            let rel = "search/index.html".to_string();
            let mut ctx = page_ctx(site, &langs, lang, text, "search/", &rel)?;
            let root = "../../";
            ctx.insert(
                "search",
                &views::SearchView {
                    script: format!("{root}search.js"),
                    script_integrity: search_script_integrity.clone(),
                    library: format!("{root}{SEARCH_LIBRARY}"),
                    library_integrity: library_integrity.to_string(),
                    parts: (1..search_parts)
                        .map(|n| format!("{root}{}", crate::search::part_dir(n)))
                        .collect(),
                },
            );
            out.add(
                format!("{lang}/{rel}"),
                render_one(&tpl, "search.html", &ctx)?,
            )?;
        }

        // Sources and licence.
        if let Some(attribution) = &site.settings.attribution {
            let rel = "about/index.html".to_string();
            let mut ctx = page_ctx(site, &langs, lang, text, "about/", &rel)?;
            ctx.insert("attribution", &crate::markdown::to_html(attribution));
            out.add(
                format!("{lang}/{rel}"),
                render_one(&tpl, "about.html", &ctx)?,
            )?;
        }

        // The product index, and one filtered list per year, product, kind and severity,
        // pre-generated so that filtering works without JavaScript.
        let unit = UnitId::Products {
            lang: lang.to_string(),
        };
        let products = groups.iter().find(|g| g.key == "products");
        if !reused(previous, &unit, &products, out)? {
            let rel = "products/index.html".to_string();
            let mut ctx = page_ctx(site, &langs, lang, text, "products/", &rel)?;
            ctx.insert("products", &products.map(|g| &g.facets));
            out.add_to_unit(
                &unit,
                format!("{lang}/{rel}"),
                render_one(&tpl, "products.html", &ctx)?,
            )?;
        }
        // The home pages (the home list, and every facet beside it) and the facet pages, in
        // parallel.
        let lists: Vec<(UnitId, String, String)> = todo
            .par_iter()
            .map(|sheet| {
                let dir = format!("{}{}", sheet.dir, views::page_dir(sheet.number));
                let rel = format!("{dir}index.html");
                let mut ctx = page_ctx(site, &langs, lang, text, &dir, &rel)?;
                ctx.insert("advisories", &list_of(sheet.members)?);
                ctx.insert("pager", &Pager::new(sheet.number, sheet.pages, &text.ui));
                ctx.insert("list_root", views::list_root(sheet.number));
                let template = match sheet.facet {
                    None => {
                        ctx.insert("groups", &groups);
                        "home.html"
                    }
                    Some(facet) => {
                        ctx.insert("heading", &facet.heading);
                        ctx.insert("filter_note", &facet.note);
                        ctx.insert("product_feed", &facet.feed);
                        "list.html"
                    }
                };
                Ok((
                    sheet.unit.clone(),
                    format!("{lang}/{rel}"),
                    render_one(&tpl, template, &ctx)?,
                ))
            })
            .collect::<Result<_>>()?;
        for (unit, path, page) in lists {
            out.add_to_unit(&unit, path, page)?;
        }
    }
    Ok(())
}

/// One page of a listing: the home list or a facet value's list.
struct Sheet<'a> {
    /// Its build unit.
    unit: UnitId,
    /// The listing's folder below the language (`years/2008/`; empty for the home list).
    dir: &'a str,
    /// The facet value it lists; none for the home list.
    facet: Option<&'a Facet>,
    /// Its advisories, indexes into the site's.
    members: &'a [usize],
    /// Its number, from 1, and how many pages the listing has.
    number: usize,
    pages: usize,
}

/// The pages of a listing of `members`, `per_page` each; one page when it is empty.
fn sheets_of<'a>(
    lang: &str,
    dir: &'a str,
    facet: Option<&'a Facet>,
    members: &'a [usize],
    per_page: usize,
) -> Vec<Sheet<'a>> {
    let chunks: Vec<&[usize]> = if members.is_empty() {
        vec![members]
    } else {
        members.chunks(per_page.max(1)).collect()
    };
    let pages = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, members)| Sheet {
            unit: UnitId::Listing {
                lang: lang.to_string(),
                dir: dir.to_string(),
                page: i + 1,
            },
            dir,
            facet,
            members,
            number: i + 1,
            pages,
        })
        .collect()
}

/// The files of each advisory that shows its texts as HTML: its page in every language and
/// its API document ([`crate::feeds::api::document`]), rendered together so that each text
/// is rendered and sanitized once ([`Memo`]). In parallel, added in site order; not those of
/// advisories reused from the previous build.
fn advisory_files(site: &Site, tpl: &Templates, langs: &[&str], out: &mut Output) -> Result<()> {
    let by_lang = langs
        .iter()
        .map(|&lang| {
            let text = site.site_text(lang)?;
            Ok((lang, text, views::Boilerplate::of(text)))
        })
        .collect::<Result<Vec<_>>>()?;
    let fresh: Vec<_> = site
        .advisories
        .iter()
        .filter(|(a, _)| !site.is_reused(a))
        .collect();
    crate::util::par_chunked(
        &fresh,
        |(a, texts)| {
            let memo = Memo::new();
            let dir = format!("advisories/{}/", a.id);
            let rel = format!("{dir}index.html");
            let mut files = Vec::with_capacity(by_lang.len() + 1);
            for (lang, text, boilerplate) in &by_lang {
                let mut ctx = page_ctx(site, langs, lang, text, &dir, &rel)?;
                let view = AdvisoryView::new(a, texts, lang, site, text, boilerplate, &memo)?;
                ctx.insert("advisory", &view);
                files.push((
                    format!("{lang}/{rel}"),
                    render_one(tpl, "advisory.html", &ctx)?.into_bytes(),
                ));
            }
            files.push(crate::feeds::api::document(site, a, texts, &memo)?);
            Ok((UnitId::advisory(a.id.as_str()), files))
        },
        |(unit, files)| {
            for (path, bytes) in files {
                out.add_to_unit(&unit, path, bytes)?;
            }
            Ok(())
        },
    )
}

/// Whether listing `unit`, which shows `what` (its list items, headings and facets) besides
/// what every page shares, is taken from the previous build.
fn reused<W: std::hash::Hash>(
    previous: Option<&Aggregates>,
    unit: &UnitId,
    what: &W,
    out: &mut Output,
) -> Result<bool> {
    let Some(agg) = previous else {
        return Ok(false);
    };
    agg.reuse(unit, Some(agg.key_of(&(unit, what))), out)
}

/// The context every page of one language shares. `dir` is the page's folder below the
/// language folder (`advisories/954474/`), `rel` its file (`advisories/954474/index.html`).
fn page_ctx(
    site: &Site,
    langs: &[&str],
    lang: &str,
    text: &SiteText,
    dir: &str,
    rel: &str,
) -> Result<TeraContext> {
    let links = lang_links(site, langs, dir, lang)?;
    let depth = 1 + dir.matches('/').count();
    let root = "../".repeat(depth);
    let mut page = Page::new(
        lang,
        text,
        &root,
        rel,
        &site.settings.base_url,
        links,
        site.settings.default_language.as_str(),
        dir,
    );
    page.has_about = site.settings.attribution.is_some();
    let mut ctx = TeraContext::new();
    ctx.insert("page", &page);
    Ok(ctx)
}

/// Links to the same page in every language.
fn lang_links(site: &Site, langs: &[&str], dir: &str, current: &str) -> Result<Vec<LangLink>> {
    let depth = if current.is_empty() {
        0
    } else {
        1 + dir.matches('/').count()
    };
    let up = "../".repeat(depth);
    langs
        .iter()
        .map(|l| {
            Ok(LangLink {
                lang: l.to_string(),
                name: site.site_text(l)?.language_name.clone(),
                href: format!("{up}{l}/{dir}"),
                url: format!("{}{l}/{dir}", site.settings.base_url),
                current: *l == current,
            })
        })
        .collect()
}

fn render_one(tpl: &Templates, name: &str, ctx: &TeraContext) -> Result<String> {
    tpl.tera.render(name, ctx).map_err(|e| {
        // Tera hides the cause in its source chain; show the whole chain.
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(&format!(": {s}"));
            src = s.source();
        }
        anyhow::anyhow!("template `{name}` failed: {msg}")
    })
}
