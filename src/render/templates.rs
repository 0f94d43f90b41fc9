//! The template engine: default templates are embedded in the binary; a site overrides any
//! of them by putting a file of the same name in its `templates/` folder.

use std::path::Path;

use anyhow::{Context, Result, bail};
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
    ("about.html", include_str!("../../templates/about.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("search.js", include_str!("../../templates/search.js")),
];

/// The templates in effect for the site at `root`.
pub struct Templates {
    /// The engine with every HTML template loaded.
    pub tera: Tera,
    /// The stylesheet, copied to `style.css`.
    pub css: String,
    /// The search page's script, copied to `search.js`.
    pub search_js: String,
}

impl Templates {
    /// Loads the defaults, replaced by `root/templates/<name>` where such a file exists.
    pub fn load(root: &Path) -> Result<Templates> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::markdown::escape_html);
        let mut css = String::new();
        let mut search_js = String::new();
        let mut sources = Vec::new();
        for (name, default) in DEFAULTS {
            let text = match custom(root, name)? {
                Some(bytes) => String::from_utf8(bytes)
                    .with_context(|| format!("`templates/{name}` is not valid UTF-8"))?,
                None => (*default).to_string(),
            };
            if *name == "style.css" {
                css = text;
            } else if *name == "search.js" {
                search_js = text;
            } else {
                sources.push((*name, text));
            }
        }
        tera.add_raw_templates(sources)
            .context("a template does not compile")?;
        Ok(Templates {
            tera,
            css,
            search_js,
        })
    }
}

/// The bytes of `root/templates/<name>`, if the site replaces that template. As for every
/// file under the site root, no link is followed (`templates/` itself included) and only a
/// regular file is read, so a named pipe cannot hang the build (see [`crate::load::file`]).
fn custom(root: &Path, name: &str) -> Result<Option<Vec<u8>>> {
    use crate::load::file;
    let dir = root.join("templates");
    match file::folder(&dir) {
        Ok(None) => {}
        Ok(Some(refused)) => bail!(
            "`templates` is {}, not a folder; seckb follows no link inside the site",
            refused.what()
        ),
        Err(_) => return Ok(None),
    }
    match file::read_in(
        root,
        &format!("templates/{name}"),
        crate::load::MAX_FILE_BYTES,
    ) {
        Ok(file::Read::Bytes(bytes)) => Ok(Some(bytes)),
        Ok(file::Read::TooLarge(size)) => bail!(
            "`templates/{name}` is {size} bytes, more than the limit of {}",
            crate::load::MAX_FILE_BYTES
        ),
        Ok(file::Read::Refused(refused)) => bail!(
            "`templates/{name}` is {}, not a regular file; seckb follows no link inside the site",
            refused.what()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// SHA-256 of the templates in effect for the site at `root`: the replaced ones' contents,
/// and which are the defaults (those are part of seckb's code).
pub fn digest(root: &Path) -> Result<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (name, _) in DEFAULTS {
        h.update(name.as_bytes());
        if let Some(bytes) = custom(root, name)? {
            h.update([1]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        } else {
            h.update([0]);
        }
    }
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            crate::markdown::escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            crate::markdown::escape_html("https://a.example/b"),
            "https://a.example/b"
        );
    }
}
