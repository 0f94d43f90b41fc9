//! The template engine: default templates are embedded in the binary; a site overrides any
//! of them by putting a file of the same name in its `templates/` folder.

use std::path::Path;

use anyhow::{Context, Result};
use tera::Tera;

/// Every template, by name, with its embedded default.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("root.html", include_str!("../../templates/root.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "advisory.html",
        include_str!("../../templates/advisory.html"),
    ),
    (
        "products.html",
        include_str!("../../templates/products.html"),
    ),
    ("list.html", include_str!("../../templates/list.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("style.css", include_str!("../../templates/style.css")),
];

/// The templates in effect for the site at `root`.
pub struct Templates {
    /// The engine with every HTML template loaded.
    pub tera: Tera,
    /// The stylesheet, copied to `style.css`.
    pub css: String,
}

impl Templates {
    /// Loads the defaults, replaced by `root/templates/<name>` where such a file exists.
    pub fn load(root: &Path) -> Result<Templates> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        let mut css = String::new();
        let mut sources = Vec::new();
        for (name, default) in DEFAULTS {
            let custom = root.join("templates").join(name);
            let text = if custom.is_file() {
                fs_err::read_to_string(&custom)?
            } else {
                (*default).to_string()
            };
            if *name == "style.css" {
                css = text;
            } else {
                sources.push((*name, text));
            }
        }
        tera.add_raw_templates(sources)
            .context("a template does not compile")?;
        Ok(Templates { tera, css })
    }
}
