//! Machine-readable outputs for feed consumers, one module per format. Each writer is pure:
//! it reads the validated [`Site`] and adds files to the [`Output`].

pub mod api;
pub mod atom;
pub mod csaf;
pub mod items;
pub mod jsonfeed;
pub mod osv;
pub mod sitemap;
mod xml;

use anyhow::Result;

use crate::model::Date;
use crate::output::Output;
use crate::site::Site;

/// Writes every feed and document.
pub fn render(site: &Site, out: &mut Output) -> Result<()> {
    let t = crate::commands::build::Timings::new();
    api::render(site, out)?;
    t.lap("  api");
    // The feed items of a language are built once (in parallel) for both feed formats, one
    // language at a time: they hold every revision's text, so only one language's are kept.
    for lang in site.languages() {
        let all = items::items(site, lang);
        t.lap("  feed items");
        jsonfeed::render(site, lang, &all, out)?;
        t.lap("  json feed");
        atom::render(site, lang, &all, out)?;
        t.lap("  atom");
    }
    csaf::render(site, out)?;
    t.lap("  csaf");
    osv::render(site, out)?;
    t.lap("  osv");
    sitemap::render(site, out)?;
    t.lap("  sitemap");
    Ok(())
}

/// A stored date as an RFC 3339 UTC timestamp: `2008-06-13T00:00:00Z`.
pub fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// Serialises a value as pretty JSON with a final newline; key order is the struct's.
pub fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(value)?;
    v.push(b'\n');
    Ok(v)
}
