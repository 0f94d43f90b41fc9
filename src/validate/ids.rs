//! Ids become paths and URLs: they must be safe (`unsafe-id`), match their folder
//! (`id-mismatch`) and be unique, also ignoring case (`duplicate-id`). Identifiers of other
//! databases (CVE ids, KB numbers, bulletins) and the keys of references and remediations
//! must have their format (`invalid-id`): they are written into CSAF, OSV and links.

use std::collections::BTreeMap;

use std::path::Path;

use super::Claim;
use crate::diag::{Finding, Findings};
use crate::load::spans::{Pos, Spans};
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
            let tracking = crate::csaf::tracking_id(&facts.value, lang);
            (lang.to_string(), crate::csaf::file_name(&tracking))
        })
        .collect();
    Some(Claim {
        dir: adv.dir.clone(),
        id: id.to_string(),
        file: facts.file.clone(),
        csaf,
        cves: (crate::vuln::cves(&facts.value).into_iter())
            .map(String::from)
            .collect(),
        related: facts.value.related.clone(),
        bulletins: facts.value.bulletins.clone(),
    })
}

/// Whether two advisories share CVEs knowingly: one names the other as related or as its
/// bulletin (an advisory that points to the bulletin with the fix, as Microsoft's do), or
/// both name the same bulletin.
fn knowingly_shared(a: &Claim, b: &Claim) -> bool {
    let names = |list: &[String], id: &str| list.iter().any(|x| x.eq_ignore_ascii_case(id));
    a.related.contains(&b.id)
        || b.related.contains(&a.id)
        || names(&a.bulletins, &b.id)
        || names(&b.bulletins, &a.id)
        || (a.bulletins.iter()).any(|x| names(&b.bulletins, x))
}

/// Ids must be unique, also ignoring case, and so must the CSAF file names they give. A CVE
/// in two advisories is a warning (one may supersede the other, but a scanner then reports
/// it twice). `claims` are in folder order; the later of two advisories gets the finding.
pub fn unique(root: &Path, claims: &[&Claim], findings: &mut Findings) {
    let mut cves: BTreeMap<&str, &Claim> = BTreeMap::new();
    for c in claims {
        for cve in &c.cves {
            let Some(first) = cves.insert(cve, c) else {
                continue;
            };
            cves.insert(cve, first);
            if !knowingly_shared(c, first) {
                let first = &first.file;
                let pos = Spans::from_file(&root.join(&c.file))
                    .find_scalar(cve)
                    .map_or_else(Pos::default_start, |(_, pos)| pos);
                findings.push(
                    Finding::warning(
                        &c.file,
                        pos,
                        "duplicate-cve",
                        format!("`{cve}` is also in `{first}`"),
                    )
                    .hint("describe a vulnerability in one advisory, or name the other advisory's id under `related` in one of them"),
                );
            }
        }
    }
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

/// Why `cve` is not a CVE id (`CVE-YYYY-NNNN`, the sequence at least four digits), if it
/// is not.
pub fn cve_problem(cve: &str) -> Option<&'static str> {
    let ok = (|| {
        let rest = cve.strip_prefix("CVE-")?;
        let (year, seq) = rest.split_once('-')?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        // 20 digits is far beyond any sequence number assigned, and keeps the id short.
        (year.len() == 4 && digits(year) && (4..=20).contains(&seq.len()) && digits(seq))
            .then_some(())
    })();
    ok.is_none()
        .then_some("a CVE id is `CVE-`, a four-digit year, `-` and at least four digits")
}

/// Why `kb` is not a Knowledge Base article number, if it is not.
pub fn kb_problem(kb: &str) -> Option<&'static str> {
    // KB numbers have had up to 7 digits; 10 leaves room without letting a number that
    // YAML or a consumer would read as a float (`1e400`) or hex (`0x10`) through.
    let ok = !kb.is_empty()
        && kb.len() <= 10
        && kb.bytes().all(|b| b.is_ascii_digit())
        && !kb.starts_with('0');
    (!ok).then_some("a KB number is 1 to 10 digits, not starting with `0`")
}

/// Why `name` cannot be a key or a bulletin id (ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit, at most 64 characters), if it cannot.
pub fn name_problem(name: &str) -> Option<&'static str> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    (!ok).then_some(
        "use 1 to 64 ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit",
    )
}

/// Why `prefix` cannot be the `osv_prefix` setting, if it cannot. OSV ids are
/// `<DB>-<ENTRYID>` and consumers name files after them, so the prefix is a database name
/// of letters and digits (dash-separated words, as `openSUSE-SU-` has) ending in `-`.
pub fn osv_prefix_problem(prefix: &str) -> Option<&'static str> {
    let Some(body) = prefix.strip_suffix('-') else {
        return Some("it must end in `-`");
    };
    let ok = prefix.len() <= 32
        && body.starts_with(|c: char| c.is_ascii_alphabetic())
        && body
            .split('-')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()));
    (!ok).then_some(
        "it must be ASCII letters and digits, in words joined by `-`, starting with a letter, at most 32 characters",
    )
}

/// The identifiers of one advisory that do not have their format.
fn check_formats(facts: &crate::load::Parsed<crate::model::Advisory>, findings: &mut Findings) {
    let a = &facts.value;
    let mut bad = |path: String, value: &str, what: &str, why: &str, example: &str| {
        findings.push(
            Finding::error(
                &facts.file,
                facts.spans.value(&path),
                "invalid-id",
                format!("`{}` is not a valid {what}", value.escape_debug()),
            )
            .hint(format!("{why}, e.g. `{example}`")),
        );
    };
    for (i, cve) in a.cves.iter().enumerate() {
        if let Some(why) = cve_problem(cve) {
            bad(format!("cves[{i}]"), cve, "CVE id", why, "CVE-2008-1234");
        }
    }
    let kbs = a
        .kbs
        .iter()
        .enumerate()
        .map(|(i, kb)| (format!("kbs[{i}]"), kb));
    let rem_kbs = (a.remediations.iter().enumerate())
        .filter_map(|(i, r)| Some((format!("remediations[{i}].kb"), r.kb.as_ref()?)));
    for (path, kb) in kbs.chain(rem_kbs) {
        if let Some(why) = kb_problem(kb) {
            bad(path, kb, "KB number", why, "954474");
        }
    }
    for (i, b) in a.bulletins.iter().enumerate() {
        if let Some(why) = name_problem(b) {
            bad(format!("bulletins[{i}]"), b, "bulletin id", why, "MS08-037");
        }
    }
    for (i, r) in a.references.iter().enumerate() {
        if let Some(why) = name_problem(&r.id) {
            bad(
                format!("references[{i}].id"),
                &r.id,
                "reference id",
                why,
                "kb",
            );
        }
    }
    for (i, r) in a.remediations.iter().enumerate() {
        if let Some(why) = name_problem(&r.id) {
            bad(
                format!("remediations[{i}].id"),
                &r.id,
                "remediation id",
                why,
                "update",
            );
        }
    }
}

/// The rules on one advisory's id, and on the catalog's ids. Uniqueness across advisories is
/// [`unique`]'s.
pub fn check(p: &Project, findings: &mut Findings) {
    if let Some(s) = &p.settings
        && let Some(prefix) = &s.value.osv_prefix
        && let Some(why) = osv_prefix_problem(prefix)
    {
        findings.push(
            Finding::error(
                &s.file,
                s.spans.value("osv_prefix"),
                "invalid-id",
                format!(
                    "`osv_prefix` `{}` cannot start an OSV id: {why}",
                    prefix.escape_debug()
                ),
            )
            .hint("OSV ids are `<DB>-<id>`; use the name of your database, e.g. `EXAMPLE-`"),
        );
    }
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
        check_formats(facts, findings);
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
    use super::*;

    #[test]
    fn cve_kb_and_name_formats() {
        for good in ["CVE-2008-1234", "CVE-2024-1234567"] {
            assert_eq!(cve_problem(good), None, "{good}");
        }
        for bad in [
            "CVE-2008-1234<script>",
            "cve-2008-1234",
            "CVE-08-1234",
            "CVE-2008-123",
            "CVE-2008-",
            "CVE-2008-1234 ",
            "CVE-٢٠٠٨-1234",
            "",
        ] {
            assert!(cve_problem(bad).is_some(), "{bad:?} passed");
        }
        for bad in [
            "~",
            "1e400",
            "0x10",
            "",
            "0123",
            "12345678901",
            "١٢٣",
            "954474 ",
        ] {
            assert!(kb_problem(bad).is_some(), "{bad:?} passed");
        }
        assert_eq!(kb_problem("954474"), None);
        for good in ["EXAMPLE-", "GHSA-", "openSUSE-SU-", "A1-"] {
            assert_eq!(osv_prefix_problem(good), None, "{good}");
        }
        for bad in [
            "../../tmp/x-",
            "EXAMPLE",
            "-",
            "1X-",
            "A--",
            "A_B-",
            "A/B-",
            &format!("{}-", "A".repeat(32)),
        ] {
            assert!(osv_prefix_problem(bad).is_some(), "{bad:?} passed");
        }
        assert_eq!(name_problem("MS08-037"), None);
        for bad in ["", "-x", "a b", "\"><", &"x".repeat(65)] {
            assert!(name_problem(bad).is_some(), "{bad:?} passed");
        }
    }

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
