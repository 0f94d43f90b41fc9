//! Turns a validated project into pages: builds plain view structs per page and language
//! and renders them with the templates. Pure but for reading the templates: it gives files
//! and the build units they belong to ([`Gathered`] for the listings), and the engine
//! decides which to make ([`crate::engine`]).

mod facets;
mod templates;
mod views;

use anyhow::Result;
use tera::Context as TeraContext;

use crate::markdown::Memo;
use crate::model::{Advisory, AdvisoryText, SiteText};
use crate::search::LIBRARY as SEARCH_LIBRARY;
use crate::site::Site;
use crate::unit::{Files, Gathered, UnitId};
use crate::util::{digest_of, integrity};
use facets::Facet;
use templates::Templates;
pub use templates::{DEFAULTS as TEMPLATE_DEFAULTS, digest as templates_digest};
pub use views::ListItem;
use views::{AdvisoryView, Boilerplate, LangLink, Page, Pager};

/// The pages of a site: what every page shares, loaded once.
pub struct Pages<'a> {
    site: &'a Site<'a>,
    tpl: Templates,
    langs: Vec<&'a str>,
    /// The SRI hashes of the search page's script and of the search library it loads.
    search_script_integrity: String,
    library_integrity: String,
    /// Per language: its texts and the boilerplate of its advisory pages.
    by_lang: Vec<(&'a str, &'a SiteText, Boilerplate)>,
}

impl<'a> Pages<'a> {
    /// The pages of `site` with the templates of the site at `root`; `library_integrity` is
    /// the SRI hash of the search library the search pages load.
    pub fn new(
        site: &'a Site<'a>,
        root: &std::path::Path,
        library_integrity: &str,
    ) -> Result<Pages<'a>> {
        let tpl = Templates::load(root)?;
        let langs: Vec<&str> = site.settings.languages.iter().map(|l| l.as_str()).collect();
        let by_lang = langs
            .iter()
            .map(|&lang| {
                let text = site.site_text(lang)?;
                Ok((lang, text, Boilerplate::of(text)))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Pages {
            site,
            search_script_integrity: integrity(tpl.search_js.as_bytes()),
            tpl,
            langs,
            library_integrity: library_integrity.to_string(),
            by_lang,
        })
    }

    /// The files of no unit, made in every build: the stylesheet, the search script, the
    /// language chooser, and the search and about pages of each language.
    pub fn shared(&self) -> Result<Files> {
        let site = self.site;
        let mut files: Files = vec![
            ("style.css".into(), self.tpl.css.clone().into_bytes()),
            ("search.js".into(), self.tpl.search_js.clone().into_bytes()),
        ];
        let default_lang = site.settings.default_language.as_str();
        // The root page: a language chooser.
        let text = site.site_text(default_lang)?;
        let links = lang_links(site, &self.langs, "", "")?;
        let base = &site.settings.base_url;
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
        files.push(("index.html".into(), self.render("root.html", &ctx)?));
        let search_parts = crate::search::parts(site);
        for &(lang, text, _) in &self.by_lang {
            let rel = "search/index.html".to_string();
            let mut ctx = page_ctx(site, &self.langs, lang, text, "search/", &rel)?;
            let root = "../../";
            ctx.insert(
                "search",
                &views::SearchView {
                    script: format!("{root}search.js"),
                    script_integrity: self.search_script_integrity.clone(),
                    library: format!("{root}{SEARCH_LIBRARY}"),
                    library_integrity: self.library_integrity.clone(),
                    parts: (1..search_parts)
                        .map(|n| format!("{root}{}", crate::search::part_dir(n)))
                        .collect(),
                },
            );
            files.push((format!("{lang}/{rel}"), self.render("search.html", &ctx)?));
            // Sources and licence.
            if let Some(attribution) = &site.settings.attribution {
                let rel = "about/index.html".to_string();
                let mut ctx = page_ctx(site, &self.langs, lang, text, "about/", &rel)?;
                ctx.insert("attribution", &crate::markdown::to_html(attribution));
                files.push((format!("{lang}/{rel}"), self.render("about.html", &ctx)?));
            }
        }
        Ok(files)
    }

    /// The page of advisory `a` in every language, in the order of the languages. `memo`
    /// keeps each text rendered and sanitized once for these pages and the API document.
    pub fn advisory(
        &self,
        a: &Advisory,
        texts: &std::collections::BTreeMap<&str, &AdvisoryText>,
        memo: &Memo,
    ) -> Result<Files> {
        let dir = format!("advisories/{}/", a.id);
        let rel = format!("{dir}index.html");
        let mut files = Vec::with_capacity(self.by_lang.len() + 1);
        for (lang, text, boilerplate) in &self.by_lang {
            let mut ctx = page_ctx(self.site, &self.langs, lang, text, &dir, &rel)?;
            let view = AdvisoryView::new(a, texts, lang, self.site, text, boilerplate, memo)?;
            ctx.insert("advisory", &view);
            files.push((format!("{lang}/{rel}"), self.render("advisory.html", &ctx)?));
        }
        Ok(files)
    }

    /// The listings of `lang`: the home list of every advisory, the list of each facet value
    /// (year, product, kind, severity), each cut into pages, and the product index.
    pub fn listings(&self, lang: &'a str) -> Result<Listings<'_>> {
        let text = self.site.site_text(lang)?;
        Ok(Listings {
            pages: self,
            lang,
            text,
            groups: facets::groups(self.site, &text.ui, lang),
            everything: (0..self.site.advisories.len()).collect(),
        })
    }

    fn render(&self, name: &str, ctx: &TeraContext) -> Result<Vec<u8>> {
        Ok(render_one(&self.tpl, name, ctx)?.into_bytes())
    }
}

/// The listings of a language ([`Pages::listings`]).
pub struct Listings<'p> {
    pages: &'p Pages<'p>,
    lang: &'p str,
    text: &'p SiteText,
    groups: Vec<facets::Group>,
    everything: Vec<usize>,
}

impl Listings<'_> {
    /// The item of advisory `i` (an index into the site's) in these lists.
    pub fn item(&self, i: usize) -> ListItem {
        let (a, texts) = &self.pages.site.advisories[i];
        ListItem::new(a, texts, self.lang, &self.text.ui)
    }

    /// Every page as a unit: the home list's and each facet value's, keyed by the items
    /// they show and what else (the facets beside the home list, a facet's headings), and
    /// the product index, keyed by the products it lists.
    pub fn units(&self) -> Result<Vec<Gathered<'_, ListItem>>> {
        let per_page = self.pages.site.settings.listings.per_page.get();
        let per_page = usize::try_from(per_page).unwrap_or(usize::MAX).max(1);
        let lang = self.lang.to_string();
        // Every home page shows the facets: hashed once.
        let groups_key = digest_of(&self.groups);
        let facets = self.groups.iter().flat_map(|g| &g.facets);
        let lists = std::iter::once((None, &self.everything[..]))
            .chain(facets.map(|f| (Some(f), &f.members[..])));
        let mut units = Vec::new();
        for (facet, members) in lists {
            let chunks: Vec<&[usize]> = if members.is_empty() {
                vec![members]
            } else {
                members.chunks(per_page).collect()
            };
            let pages = chunks.len();
            for (i, members) in chunks.into_iter().enumerate() {
                let (number, dir) = (i + 1, facet.map_or("", |f| f.dir.as_str()));
                let what = match facet {
                    None => digest_of(&(&groups_key, number, pages)),
                    Some(f) => {
                        let shown = (&f.dir, &f.name, &f.heading, &f.note, f.feed);
                        // A product's vulnerabilities are shown on its first page only.
                        let shown = (shown, (number == 1).then_some(&f.vulnerabilities));
                        digest_of(&(shown, number, pages))
                    }
                };
                units.push(Gathered {
                    id: UnitId::Listing {
                        lang: lang.clone(),
                        dir: dir.to_string(),
                        page: number,
                    },
                    what,
                    members: members.iter().map(|&i| (i, "")).collect(),
                    render: Box::new(move |items| self.list_page(facet, dir, number, pages, items)),
                });
            }
        }
        let products = self.groups.iter().find(|g| g.key == "products");
        units.push(Gathered {
            id: UnitId::Products { lang },
            what: digest_of(&products),
            members: Vec::new(),
            render: Box::new(move |_| self.product_index(products)),
        });
        Ok(units)
    }

    /// Page `number` of `pages` of the home list (no `facet`) or of a facet value's list.
    fn list_page(
        &self,
        facet: Option<&Facet>,
        dir: &str,
        number: usize,
        pages: usize,
        items: &[(&ListItem, &str)],
    ) -> Result<Files> {
        let (site, lang, text) = (self.pages.site, self.lang, self.text);
        let dir = format!("{dir}{}", views::page_dir(number));
        let rel = format!("{dir}index.html");
        let mut ctx = page_ctx(site, &self.pages.langs, lang, text, &dir, &rel)?;
        let items: Vec<&ListItem> = items.iter().map(|(item, _)| *item).collect();
        ctx.insert("advisories", &items);
        ctx.insert("pager", &Pager::new(number, pages, &text.ui));
        ctx.insert("list_root", views::list_root(number));
        let template = match facet {
            None => {
                ctx.insert("groups", &self.groups);
                "home.html"
            }
            Some(facet) => {
                ctx.insert("heading", &facet.heading);
                ctx.insert("filter_note", &facet.note);
                ctx.insert("product_feed", &facet.feed);
                let none = Vec::new();
                let shown = if number == 1 {
                    &facet.vulnerabilities
                } else {
                    &none
                };
                ctx.insert("vulnerabilities", shown);
                "list.html"
            }
        };
        Ok(vec![(
            format!("{lang}/{rel}"),
            self.pages.render(template, &ctx)?,
        )])
    }

    /// The product index: the catalog's products that advisories name, as a tree of
    /// vendors and product families, as CSAF's product tree has them.
    fn product_index(&self, products: Option<&facets::Group>) -> Result<Files> {
        let rel = "products/index.html".to_string();
        let (site, lang) = (self.pages.site, self.lang);
        let mut ctx = page_ctx(site, &self.pages.langs, lang, self.text, "products/", &rel)?;
        let facets = products.map(|g| &g.facets[..]).unwrap_or_default();
        ctx.insert("vendors", &views::product_tree(site, facets, self.lang));
        let page = self.pages.render("products.html", &ctx)?;
        Ok(vec![(format!("{lang}/{rel}"), page)])
    }
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
