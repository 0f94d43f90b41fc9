//! Site-wide files: settings (`seckb.yaml`), site text per language (`i18n/<lang>.yaml`)
//! and the product catalog (`products.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{LangTag, Markdown, ProductId};

/// Site settings: `seckb.yaml` at the root of a site.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Absolute URL the site is published at, ending in `/`; used for canonical links.
    pub base_url: String,
    /// The language of the root page and the fallback for missing translations.
    pub default_language: LangTag,
    /// Every language the site is published in; each needs `i18n/<lang>.yaml`.
    pub languages: Vec<LangTag>,
    /// Who publishes the advisories.
    pub publisher: Publisher,
    /// Who publishes the translations (CSAF `publisher` of translated documents, category
    /// `translator`); the publisher's name and namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translator: Option<Translator>,
    /// OSV id prefix of a registered database (e.g. `EXAMPLE-`); without one, OSV ids are
    /// `x_<id>` as the OSV schema asks of unregistered databases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osv_prefix: Option<String>,
    /// Sources and licence of the content (markdown), shown on the `about/` page of every
    /// language and linked from every page's footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<super::Markdown>,
    /// How the search index is built.
    #[serde(default, skip_serializing_if = "SearchSettings::is_default")]
    pub search: SearchSettings,
    /// How the lists of advisories are paged.
    #[serde(default, skip_serializing_if = "ListingSettings::is_default")]
    pub listings: ListingSettings,
}

/// Settings of the lists of advisories (`listings:` in `seckb.yaml`): the home page of each
/// language and the page of each year, product, kind and severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingSettings {
    /// The most advisories on one page of a list (default 50). A longer list continues on
    /// `page/2/`, `page/3/`, ... below its folder, linked from each of its pages; an edit
    /// re-renders only the pages whose advisories it changes.
    #[serde(default = "ListingSettings::default_per_page")]
    pub per_page: std::num::NonZeroU32,
}

impl ListingSettings {
    fn default_per_page() -> std::num::NonZeroU32 {
        std::num::NonZeroU32::new(50).unwrap_or(std::num::NonZeroU32::MIN)
    }

    fn is_default(&self) -> bool {
        *self == ListingSettings::default()
    }
}

impl Default for ListingSettings {
    fn default() -> ListingSettings {
        ListingSettings {
            per_page: ListingSettings::default_per_page(),
        }
    }
}

/// Settings of the search index (`search:` in `seckb.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    /// The most advisories in one part of a language's search index (default 2048). A
    /// language with more is split into parts, a power of two of them: a build holds one
    /// part's index in memory at a time, and an edit rebuilds only its part, but the search
    /// page loads every part's metadata, so each part costs readers a request or two per
    /// search.
    #[serde(default = "SearchSettings::default_records_per_part")]
    pub records_per_part: std::num::NonZeroU32,
}

impl SearchSettings {
    fn default_records_per_part() -> std::num::NonZeroU32 {
        std::num::NonZeroU32::new(2048).unwrap_or(std::num::NonZeroU32::MIN)
    }

    fn is_default(&self) -> bool {
        *self == SearchSettings::default()
    }
}

impl Default for SearchSettings {
    fn default() -> SearchSettings {
        SearchSettings {
            records_per_part: SearchSettings::default_records_per_part(),
        }
    }
}

/// The publisher of translations.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Translator {
    /// Name of the translating organisation.
    pub name: String,
    /// Its web address (http or https).
    pub namespace: String,
}

/// The CSAF publisher category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublisherCategory {
    /// A coordinator, such as a CERT.
    Coordinator,
    /// Discoverer of the issues.
    Discoverer,
    /// Any other publisher.
    Other,
    /// A user of the products.
    User,
    /// The vendor of the products.
    #[default]
    Vendor,
}

/// The publisher of the site.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Name, e.g. `Example Security Response Center`.
    pub name: String,
    /// The publisher's own web address (http or https).
    pub namespace: String,
    /// CSAF publisher category; `vendor` when absent.
    #[serde(default)]
    pub category: PublisherCategory,
    /// How to reach the publisher, e.g. an e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_details: Option<String>,
}

/// Site-wide text in one language: `i18n/<lang>.yaml`. Only `language_name` is required:
/// anything else left out (or empty) falls back to the default language's text, with a
/// `missing-translation` warning, so a new language builds at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteText {
    /// The language's own name, e.g. `Nederlands`; shown in the language switcher.
    pub language_name: String,
    /// Title of the site.
    #[serde(default)]
    pub site_title: String,
    /// One sentence describing the site.
    #[serde(default)]
    pub site_description: String,
    /// Support resources shown on every advisory (markdown).
    #[serde(default)]
    pub support: Markdown,
    /// Disclaimer shown on every advisory (markdown).
    #[serde(default)]
    pub disclaimer: Markdown,
    /// Labels and headings of the user interface.
    #[serde(default)]
    pub ui: UiStrings,
}

macro_rules! ui_strings {
    ($($(#[doc = $doc:literal])* $name:ident),* $(,)?) => {
        /// Every label of the user interface.
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct UiStrings {
            $($(#[doc = $doc])* #[serde(default)] pub $name: String,)*
        }

        impl UiStrings {
            /// `(name, value)` of every label, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &str)> {
                vec![$((stringify!($name), self.$name.as_str()),)*]
            }

            /// Fills every empty label from `other`.
            pub fn fill_from(&mut self, other: &UiStrings) {
                $(if self.$name.trim().is_empty() { self.$name = other.$name.clone(); })*
            }
        }
    };
}

impl SiteText {
    /// `(name, value)` of every text field, the UI labels as `ui.<name>`.
    pub fn entries(&self) -> Vec<(String, &str)> {
        let mut v: Vec<(String, &str)> = vec![
            ("site_title".into(), self.site_title.as_str()),
            ("site_description".into(), self.site_description.as_str()),
            ("support".into(), self.support.as_str()),
            ("disclaimer".into(), self.disclaimer.as_str()),
        ];
        v.extend(
            self.ui
                .entries()
                .into_iter()
                .map(|(k, val)| (format!("ui.{k}"), val)),
        );
        v
    }

    /// A copy with every empty field taken from `fallback`.
    pub fn filled_from(&self, fallback: &SiteText) -> SiteText {
        let pick = |a: &String, b: &String| {
            if a.trim().is_empty() {
                b.clone()
            } else {
                a.clone()
            }
        };
        let mut ui = self.ui.clone();
        ui.fill_from(&fallback.ui);
        SiteText {
            language_name: self.language_name.clone(),
            site_title: pick(&self.site_title, &fallback.site_title),
            site_description: pick(&self.site_description, &fallback.site_description),
            support: pick(&self.support, &fallback.support),
            disclaimer: pick(&self.disclaimer, &fallback.disclaimer),
            ui,
        }
    }
}

ui_strings! {
    /// "Skip to content" link.
    skip_to_content,
    /// Label of the language switcher.
    language,
    /// Heading of the root page's language choice.
    choose_language,
    /// Name of a document of kind `advisory`, e.g. "Security Advisory".
    kind_advisory,
    /// Name of a document of kind `bulletin`.
    kind_bulletin,
    /// "Published".
    published,
    /// "Updated".
    updated,
    /// "Version".
    version,
    /// "Status".
    status,
    /// Status `draft`.
    status_draft,
    /// Status `interim`.
    status_interim,
    /// Status `final`.
    status_final,
    /// "Severity".
    severity,
    /// Severity `critical`.
    severity_critical,
    /// Severity `important`.
    severity_important,
    /// Severity `moderate`.
    severity_moderate,
    /// Severity `low`.
    severity_low,
    /// Note that the advisory does not concern a security vulnerability.
    not_a_vulnerability,
    /// "General information".
    general_information,
    /// "Overview".
    overview,
    /// "Purpose of the advisory".
    purpose,
    /// "Advisory status".
    advisory_status,
    /// "Recommendation".
    recommendation,
    /// Column heading "More information".
    more_information,
    /// Column heading "Identification".
    identification,
    /// Row label for Knowledge Base articles.
    kb_article,
    /// Row label for CVE ids.
    cve,
    /// Row label for security bulletins.
    security_bulletin,
    /// Sentence introducing the affected software list.
    affected_software_intro,
    /// "Affected software".
    affected_software,
    /// "Not affected software".
    not_affected_software,
    /// "Vulnerabilities".
    vulnerabilities,
    /// "CVSS base score".
    cvss_score,
    /// "Weakness" (a CWE).
    weakness,
    /// "Affected versions" (of a package).
    affected_versions,
    /// "Known to be exploited since {date}".
    exploited_since,
    /// Product status `known_affected`.
    status_known_affected,
    /// Product status `fixed`.
    status_fixed,
    /// Product status `first_fixed`.
    status_first_fixed,
    /// Product status `recommended`.
    status_recommended,
    /// Product status `under_investigation`.
    status_under_investigation,
    /// Product status `known_not_affected`.
    status_known_not_affected,
    /// "Withdrawn on {date}": the badge of a withdrawn advisory.
    withdrawn_on,
    /// VEX justification `component_not_present`.
    justification_component_not_present,
    /// VEX justification `vulnerable_code_not_present`.
    justification_vulnerable_code_not_present,
    /// VEX justification `vulnerable_code_cannot_be_controlled_by_adversary`.
    justification_vulnerable_code_cannot_be_controlled_by_adversary,
    /// VEX justification `vulnerable_code_not_in_execute_path`.
    justification_vulnerable_code_not_in_execute_path,
    /// VEX justification `inline_mitigations_already_exist`.
    justification_inline_mitigations_already_exist,
    /// "Frequently asked questions".
    faq,
    /// "Symptoms".
    symptoms,
    /// Label before a log excerpt, e.g. "Log file".
    log_file,
    /// "Error codes".
    error_codes,
    /// "Suggested actions".
    suggested_actions,
    /// "Remediation".
    remediation,
    /// Remediation kind `vendor_fix`.
    remediation_vendor_fix,
    /// Remediation kind `workaround`.
    remediation_workaround,
    /// Remediation kind `mitigation`.
    remediation_mitigation,
    /// Remediation kind `none_available`.
    remediation_none_available,
    /// Remediation kind `no_fix_planned`.
    remediation_no_fix_planned,
    /// "References".
    references,
    /// "Acknowledgments".
    acknowledgments,
    /// "Other information".
    other_information,
    /// "Resources".
    resources,
    /// "Disclaimer".
    disclaimer,
    /// "Revisions".
    revisions,
    /// Home page heading for the advisory list.
    latest_advisories,
    /// "Advisories by year".
    by_year,
    /// "Advisories by product".
    by_product,
    /// "Advisories by kind".
    by_kind,
    /// "Advisories by severity".
    by_severity,
    /// "Kind", the label of the kind filter.
    kind,
    /// Sentence on a filtered list; `{filter}` is replaced, e.g. "Showing only: Year: 2008".
    filter_note,
    /// Link from a filtered list back to every advisory.
    show_all,
    /// Label of the page links under a long list, e.g. "Pages".
    pages,
    /// Link to the previous page of a list.
    previous_page,
    /// Link to the next page of a list.
    next_page,
    /// Which page of a list this is: `{page}` and `{pages}` are replaced, e.g.
    /// "Page {page} of {pages}".
    page_of,
    /// "Products".
    products,
    /// Heading of a product page, before the product name.
    advisories_for_product,
    /// Heading of a year page, before the year.
    advisories_in_year,
    /// Shown when a list is empty.
    no_advisories,
    /// Note on a page shown in the fallback language; `{language}` is replaced.
    fallback_note,
    /// Note on an outdated translation; `{version}` is replaced by the current version.
    outdated_note,
    /// "Home".
    home,
    /// Label of the links to the feeds, e.g. "Feeds".
    feeds,
    /// Title of the page on the sources and licence of the content.
    about,
    /// Heading of the links to an advisory's JSON, CSAF and OSV documents.
    machine_readable,
    /// "Search": the search page's heading and the search buttons.
    search,
    /// Label of the search fields, e.g. "Search the advisories".
    search_label,
    /// Placeholder of the search fields, naming what can be searched.
    search_placeholder,
    /// Shown while the search index loads and a search runs.
    search_loading,
    /// Heading of the results; `{query}` and `{count}` are replaced.
    search_results_for,
    /// Shown when nothing matches; `{query}` is replaced.
    search_no_results,
    /// Shown where search cannot run (no JavaScript), before links to the lists.
    search_fallback,
}

/// The product catalog: `products.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Every product advisories may name.
    pub products: Vec<Product>,
}

/// A product.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Id used by advisories, e.g. `sccm-2007`; lowercase letters, digits and `-`.
    pub id: ProductId,
    /// Full name, e.g. `System Center Configuration Manager 2007`.
    pub name: String,
    /// The name in other languages, by language tag, where it differs, e.g.
    /// `{en-US: Windows 7 for x64-based Systems}` for `Windows 7 voor x64-systemen`; pages in
    /// a language without one show `name`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// Vendor name.
    pub vendor: String,
    /// The product family it belongs to, e.g. `Windows` (a branch of the CSAF product tree
    /// between the vendor and the product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The version this entry stands for, where the entry is one version of a product, e.g.
    /// `2007 SP1` or `2.15.0` (one version: ranges of versions are a vulnerability's
    /// `affected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Its CPE 2.3 name, e.g. `cpe:2.3:a:microsoft:exchange_server:2010:*:*:*:*:*:*:*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    /// Its package URL, e.g. `pkg:cargo/smallvec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// For a package of a package ecosystem: which, so that vulnerabilities can give its
    /// affected versions as ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
}

impl Product {
    /// The product name a version belongs to: the entry's name without its version at the
    /// end (`Contoso Gateway 4.2` of version `4.2` is a version of `Contoso Gateway`), else
    /// its name.
    pub fn product_name(&self) -> &str {
        self.product_name_of(&self.name)
    }

    /// [`Product::product_name`] in `lang`.
    pub fn product_name_in(&self, lang: &str) -> &str {
        self.product_name_of(self.name_in(lang))
    }

    fn product_name_of<'n>(&self, name: &'n str) -> &'n str {
        self.version
            .as_deref()
            .and_then(|v| name.strip_suffix(v))
            .and_then(|n| n.strip_suffix(' '))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(name)
    }

    /// Its name in `lang`: the one `names` gives, else `name`.
    pub fn name_in(&self, lang: &str) -> &str {
        self.names.get(lang).map_or(&self.name, String::as_str)
    }

    /// A product known by its name and vendor only.
    pub fn named(id: ProductId, name: impl Into<String>, vendor: impl Into<String>) -> Product {
        Product {
            id,
            name: name.into(),
            names: BTreeMap::new(),
            vendor: vendor.into(),
            family: None,
            version: None,
            cpe: None,
            purl: None,
            package: None,
        }
    }
}

/// A package of a package ecosystem, as OSV `affected[].package`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The ecosystem, as OSV names it: `crates.io`, `Go`, `npm`, `PyPI`, `Maven`, `NuGet`,
    /// `Packagist`, `RubyGems`, `Hex`, `Pub`...
    pub ecosystem: String,
    /// The package's name in it, e.g. `smallvec` or `golang.org/x/net`.
    pub name: String,
}

/// Versions in version order: numbers as numbers (`4.2` before `4.10`), the rest as text;
/// no version first.
pub fn compare_versions(x: Option<&str>, y: Option<&str>) -> std::cmp::Ordering {
    fn key(v: &str) -> Vec<(u64, String)> {
        let mut parts = Vec::new();
        let mut rest = v;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                parts.push((rest[..digits].parse().unwrap_or(u64::MAX), String::new()));
                rest = &rest[digits..];
            } else {
                let text =
                    rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
                parts.push((0, rest[..text].to_string()));
                rest = &rest[text..];
            }
        }
        parts
    }
    match (x, y) {
        (Some(x), Some(y)) => key(x).cmp(&key(y)).then(x.cmp(y)),
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

#[cfg(test)]
mod product_tests {
    use super::*;

    #[test]
    fn versions_sort_as_versions() {
        let mut v = vec![Some("4.10"), Some("4.2"), None, Some("4.2 SP1"), Some("10")];
        v.sort_by(|x, y| compare_versions(*x, *y));
        assert_eq!(
            v,
            [None, Some("4.2"), Some("4.2 SP1"), Some("4.10"), Some("10")]
        );
    }

    #[test]
    fn a_version_belongs_to_its_product_name() {
        let mut p = Product::named(ProductId("g".into()), "Contoso Gateway 4.2", "Contoso");
        assert_eq!(p.product_name(), "Contoso Gateway 4.2");
        p.version = Some("4.2".into());
        assert_eq!(p.product_name(), "Contoso Gateway");
        p.version = Some("5".into());
        assert_eq!(p.product_name(), "Contoso Gateway 4.2");
    }
}
