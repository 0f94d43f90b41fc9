//! The sources `seckb import` reads, each a [`Source`] for the one driver ([`super::import`]):
//! TechNet pages ([`TechNet`]), CSAF 2.0 documents ([`Csaf`]) and OSV entries ([`Osv`]).

use std::path::Path;

use super::technet::merge;
use super::write::{self, Merge, Merged, Plan, Site, SourceFile};
use super::{Found, InputFile, Options, Source, csaf, osv, technet};

/// Microsoft TechNet advisory pages as Markdown, one file per advisory per language.
pub struct TechNet;

impl Source for TechNet {
    type Edition = technet::Edition;
    const EXTENSION: &'static str = ".md";

    fn for_site(_: &Site) -> TechNet {
        TechNet
    }

    fn read(&self, file: &InputFile) -> Result<Found<technet::Edition>, String> {
        if !file.explicit && !technet::has_front_matter(&file.text) {
            return Ok(Found::Skip("no front matter, so not a TechNet page".into()));
        }
        let path_lang = lang_of_path(&file.path);
        match technet::parse(&file.name, path_lang.as_deref(), &file.text) {
            Ok(e) => Ok(Found::Edition(e)),
            Err(e @ technet::ParseError::Index(_)) => Ok(Found::Skip(e.to_string())),
            Err(e) => Err(e.to_string()),
        }
    }

    fn newer(a: &technet::Edition, b: &technet::Edition) -> Option<bool> {
        let key = |e: &technet::Edition| {
            let last = e.revisions.iter().map(|r| r.date).max();
            (e.updated.or(last).or(e.published), e.revisions.len())
        };
        let (ka, kb) = (key(a), key(b));
        (ka != kb).then(|| ka > kb)
    }

    fn identity(e: &technet::Edition) -> (&str, &str) {
        (&e.id, &e.lang)
    }

    fn plan(&self, site: &Site, editions: Vec<technet::Edition>, opts: &Options) -> Plan {
        write::plan::<TechNet>(site, editions, opts)
    }
}

impl Merge for TechNet {
    fn site_text(eds: &[&technet::Edition]) -> (String, &'static str) {
        let first = &eds[0].boilerplate;
        let holding = if first.support.is_empty() && first.disclaimer.is_none() {
            ""
        } else {
            ", support text and disclaimer of the advisories"
        };
        (merge::site_text(eds), holding)
    }

    fn merge(
        id: &str,
        eds: &[technet::Edition],
        default: &str,
        opts: &Options,
    ) -> (Merged, Vec<SourceFile>) {
        (
            merge::merge(id, eds, default, &opts.vendor),
            merge::sources(eds),
        )
    }
}

/// The language a folder on the path names (`.../nl-NL/2008/954474.md`), nearest first.
fn lang_of_path(path: &Path) -> Option<String> {
    path.parent()?
        .components()
        .rev()
        .filter_map(|c| c.as_os_str().to_str())
        .find_map(technet::canonical_tag)
}

/// CSAF 2.0 documents, one file per advisory per language: [`csaf`]'s reader and planner.
pub struct Csaf {
    /// What the site's own CSAF export would have written, to recognise it.
    ctx: csaf::Context,
}

impl Source for Csaf {
    type Edition = csaf::Reading;
    const EXTENSION: &'static str = ".json";
    // A second document of an advisory is looked for whatever the case of its id, as
    // `import csaf` always did.
    const CASE_BLIND_IDS: bool = true;

    fn for_site(site: &Site) -> Csaf {
        Csaf {
            ctx: csaf::Context::load(site),
        }
    }

    fn read(&self, file: &InputFile) -> Result<Found<csaf::Reading>, String> {
        Ok(match csaf::read(&self.ctx, &file.name, &file.text)? {
            csaf::Found::Document(r) => Found::Edition(*r),
            csaf::Found::Skip(why) => Found::Skip(why),
        })
    }

    fn identity(r: &csaf::Reading) -> (&str, &str) {
        (&r.advisory_id, &r.lang)
    }

    fn plan(&self, site: &Site, readings: Vec<csaf::Reading>, opts: &Options) -> Plan {
        csaf::plan(site, readings, opts)
    }
}

/// OSV entries, one file per vulnerability, in English.
pub struct Osv {
    /// The language of the texts: the site's default language where it is English, else `en`.
    lang: String,
    /// The site's address, to know its pages.
    base_url: String,
    /// What the site's OSV export puts before its advisory ids, to know its own entries.
    prefix: String,
}

impl Source for Osv {
    type Edition = osv::Entry;
    const EXTENSION: &'static str = ".json";

    fn for_site(site: &Site) -> Osv {
        let default = site.settings.default_language.as_str();
        let english = default == "en" || default.starts_with("en-");
        Osv {
            lang: if english { default.into() } else { "en".into() },
            base_url: site.settings.base_url.clone(),
            prefix: (site.settings.osv_prefix.clone()).unwrap_or_else(|| "x_".into()),
        }
    }

    fn read(&self, file: &InputFile) -> Result<Found<osv::Entry>, String> {
        Ok(
            match osv::read(
                &file.name,
                &file.text,
                file.explicit,
                &osv::Site {
                    lang: &self.lang,
                    base_url: &self.base_url,
                    prefix: &self.prefix,
                },
            )? {
                osv::Found::Entry(e) => Found::Edition(*e),
                osv::Found::Skip(why) => Found::Skip(why),
            },
        )
    }

    fn identity(e: &osv::Entry) -> (&str, &str) {
        (&e.advisory_id, &e.lang)
    }

    fn plan(&self, site: &Site, entries: Vec<osv::Entry>, opts: &Options) -> Plan {
        write::plan::<Osv>(site, entries, opts)
    }
}

impl Merge for Osv {
    fn site_text(eds: &[&osv::Entry]) -> (String, &'static str) {
        (write::language_site_text(&eds[0].lang, "osv"), "")
    }

    fn merge(
        _id: &str,
        eds: &[osv::Entry],
        _default: &str,
        _opts: &Options,
    ) -> (Merged, Vec<SourceFile>) {
        // An entry is in one language: a second one of the same id was left out when read.
        osv::merge(&eds[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_language_folder_names_the_language() {
        let p = Path::new("/corpus/security-updates.nl-nl/de-DE/2008/954474.md");
        assert_eq!(lang_of_path(p).as_deref(), Some("de-DE"));
        assert_eq!(lang_of_path(Path::new("/x/2008/954474.md")), None);
    }
}
