//! Ids become paths and URLs: they must be safe (`unsafe-id`), match their folder
//! (`id-mismatch`) and be unique, also ignoring case (`duplicate-id`).

use std::collections::BTreeMap;

use std::path::Path;

use super::Claim;
use crate::diag::{Finding, Findings};
use crate::load::spans::Spans;
use crate::load::{AdvisoryDir, Project};

/// Names Windows refuses as file names, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// What [`unique`] needs of an advisory whose id is safe: the id, its facts file, and the
/// CSAF file name of each language it is published in.
pub fn claim(p: &Project, adv: &AdvisoryDir) -> Option<Claim> {
    let facts = adv.facts.as_ref()?;
    let id = facts.value.id.as_str();
    if unsafe_reason(id).is_some() {
        return None;
    }
    // CSAF file names fold case and every run of other characters into `_`, and a
    // translation is `<id>-<lang>`: distinct ids can still meet there.
    let csaf = super::site_languages(p)
        .into_iter()
        .filter(|l| *l == facts.value.source_language.as_str() || adv.texts.contains_key(*l))
        .map(|lang| {
            let tracking = crate::feeds::csaf::tracking_id(&facts.value, lang);
            (lang.to_string(), crate::feeds::csaf::file_name(&tracking))
        })
        .collect();
    Some(Claim {
        dir: adv.dir.clone(),
        id: id.to_string(),
        file: facts.file.clone(),
        csaf,
    })
}

/// Ids must be unique, also ignoring case, and so must the CSAF file names they give.
/// `claims` are in folder order; the later of two advisories gets the finding.
pub fn unique(root: &Path, claims: &[&Claim], findings: &mut Findings) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut csaf_names: BTreeMap<&str, String> = BTreeMap::new();
    for c in claims {
        let id = c.id.as_str();
        // Worked out only for a finding: positions cost a second parse of the file.
        let pos = || Spans::from_file(&root.join(&c.file)).value("id");
        for (lang, name) in &c.csaf {
            if let Some(other) = csaf_names.insert(name, format!("{id} ({lang})")) {
                findings.push(
                    Finding::error(&c.file, pos(), "duplicate-id", format!("the CSAF document of `{id}` ({lang}) would have the same file name `{name}` as that of `{other}`"))
                        .hint("CSAF file names are the lowercased tracking id with other characters as `_`; rename one of the advisories"),
                );
            }
        }
        if let Some(first) = seen.insert(id.to_ascii_lowercase(), &c.file) {
            findings.push(
                Finding::error(
                    &c.file,
                    pos(),
                    "duplicate-id",
                    format!("id `{id}` is already used by `{first}`"),
                )
                .hint("ids must be unique, also ignoring case, since they become paths"),
            );
        }
    }
}

/// Why `id` cannot be used as a path segment, if it cannot.
pub fn unsafe_reason(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("it is empty");
    }
    if id.len() > 64 {
        return Some("it is longer than 64 characters");
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Some("only ASCII letters, digits, `.`, `_` and `-` are allowed");
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) || id.ends_with('.') {
        return Some("it must start with a letter or digit and not end with `.`");
    }
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        return Some("it is a reserved device name on Windows");
    }
    None
}

/// The rules on one advisory's id, and on the catalog's ids. Uniqueness across advisories is
/// [`unique`]'s.
pub fn check(p: &Project, findings: &mut Findings) {
    for adv in &p.advisories {
        if let Some(reason) = unsafe_reason(&adv.dir) {
            findings.push(
                Finding::error(
                    &format!("advisories/{}", adv.dir),
                    crate::load::spans::Pos::default_start(),
                    "unsafe-id",
                    format!("unsafe advisory folder name `{}`: {reason}", adv.dir),
                )
                .hint("rename the folder to the advisory id, e.g. `954474` or `ADV-2024-0001`"),
            );
        }
        let Some(facts) = &adv.facts else { continue };
        let id = facts.value.id.as_str();
        // Worked out only for a finding: positions cost a second parse of the file.
        let pos = || facts.spans.value("id");
        if let Some(reason) = unsafe_reason(id) {
            findings.push(
                Finding::error(
                    &facts.file,
                    pos(),
                    "unsafe-id",
                    format!("unsafe id `{}`: {reason}", id.escape_debug()),
                )
                .hint("ids become file names and URLs; use e.g. `954474` or `ADV-2024-0001`"),
            );
            continue;
        }
        if id != adv.dir {
            findings.push(
                Finding::error(
                    &facts.file,
                    pos(),
                    "id-mismatch",
                    format!("id `{id}` differs from its folder `{}`", adv.dir),
                )
                .hint(format!(
                    "rename the folder to `advisories/{id}` or set `id: \"{}\"`",
                    adv.dir
                )),
            );
        }
    }

    let Some(cat) = &p.catalog else { return };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, prod) in cat.value.products.iter().enumerate() {
        let id = prod.id.as_str();
        let pos = cat.spans.value(&format!("products[{i}].id"));
        if let Some(reason) = unsafe_reason(id) {
            findings.push(
                Finding::error(
                    &cat.file,
                    pos,
                    "unsafe-id",
                    format!("unsafe product id `{}`: {reason}", id.escape_debug()),
                )
                .hint(
                    "product ids become URLs; use lowercase words joined by `-`, e.g. `sccm-2007`",
                ),
            );
        }
        if let Some(first) = seen.insert(id.to_ascii_lowercase(), i) {
            findings.push(
                Finding::error(
                    &cat.file,
                    pos,
                    "duplicate-id",
                    format!("product id `{id}` is already used by product {}", first + 1),
                )
                .hint("give each product its own id"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unsafe_reason;

    #[test]
    fn path_like_ids_are_unsafe() {
        for bad in [
            "../x", "a/b", "a\\b", "a b", "x\u{7}", "..", "CON", "nul.txt", "", ".hidden", "%2e%2e",
        ] {
            assert!(unsafe_reason(bad).is_some(), "{bad:?} passed");
        }
        for good in ["954474", "ADV-2024-0001", "ms08-037", "a.b_c"] {
            assert_eq!(unsafe_reason(good), None, "{good}");
        }
    }
}
