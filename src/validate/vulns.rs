//! Vulnerabilities and product identity, which scanners match on, so a mistake here is a
//! wrong answer to "am I affected?":
//! - ids: a vulnerability's key, CVE, other ids and CWEs have their format (`invalid-id`),
//!   and keys are unique within the advisory (`duplicate-id`);
//! - a CVSS vector parses, the finding pointing at the metric at fault (`invalid-cvss`);
//! - products named exist (`unknown-product`), no product has two statuses that contradict
//!   each other (`product-conflict`), a rated product is known to be affected and rated
//!   once (`product-conflict`), a product known not to be affected says why
//!   (`missing-justification`), and version ranges are given for packages only
//!   (`not-a-package`);
//! - a range starts with `introduced`, its versions parse (`invalid-version`, SemVer for
//!   `semver` ranges) and increase (`range-order`);
//! - a stated severity that disagrees with the one computed from the scores is a warning
//!   (`severity-mismatch`);
//! - in the catalog, a purl parses (`invalid-purl`) and a CPE is a CPE 2.3 name
//!   (`invalid-cpe`).

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Finding, Findings};
use crate::load::{Parsed, Project, did_you_mean};
use crate::model::{Advisory, Event, ProductId, RangeKind};
use crate::vuln::{Version, score};

use super::ids::{cve_problem, name_problem};

pub fn check(p: &Project, findings: &mut Findings) {
    let known: Vec<String> = (p.catalog.iter())
        .flat_map(|c| c.value.products.iter().map(|p| p.id.0.clone()))
        .collect();
    let packages: Vec<&str> = (p.catalog.iter())
        .flat_map(|c| c.value.products.iter())
        .filter(|p| p.package.is_some())
        .map(|p| p.id.as_str())
        .collect();
    if let Some(catalog) = &p.catalog {
        check_catalog(catalog, findings);
    }
    super::per_advisory(p, findings, |adv, findings| {
        let Some(facts) = &adv.facts else { return };
        let catalog = p.catalog.is_some().then_some((&known[..], &packages[..]));
        check_advisory(p, facts, catalog, findings);
    });
}

/// The rules on one advisory's vulnerabilities; `catalog` (product ids, those that are
/// packages) when the catalog loaded.
fn check_advisory(
    p: &Project,
    facts: &Parsed<Advisory>,
    catalog: Option<(&[String], &[&str])>,
    findings: &mut Findings,
) {
    let a = &facts.value;
    let at = |path: &str| facts.spans.value(path);
    let mut bad_id = |path: String, value: &str, what: &str, why: &str, example: &str| {
        findings.push(
            Finding::error(
                &facts.file,
                at(&path),
                "invalid-id",
                format!("`{}` is not a valid {what}", value.escape_debug()),
            )
            .hint(format!("{why}, e.g. `{example}`")),
        );
    };
    for (i, alias) in a.aliases.iter().chain(&a.related).enumerate() {
        let path = match i.checked_sub(a.aliases.len()) {
            None => format!("aliases[{i}]"),
            Some(j) => format!("related[{j}]"),
        };
        if let Some(why) = name_problem(alias) {
            bad_id(path, alias, "id", why, "GHSA-jfh8-c2jp-5v3q");
        }
    }
    let mut unknown_cwes = Vec::new();
    for (i, v) in a.vulnerabilities.iter().enumerate() {
        let base = format!("vulnerabilities[{i}]");
        if let Some(why) = name_problem(&v.id) {
            bad_id(format!("{base}.id"), &v.id, "vulnerability id", why, "v1");
        }
        if let Some(cve) = &v.cve
            && let Some(why) = cve_problem(cve)
        {
            bad_id(format!("{base}.cve"), cve, "CVE id", why, "CVE-2024-1234");
        }
        for (j, id) in v.ids.iter().enumerate() {
            if let Some(why) = name_problem(id) {
                bad_id(
                    format!("{base}.ids[{j}]"),
                    id,
                    "id",
                    why,
                    "RUSTSEC-2021-0003",
                );
            }
        }
        for (j, cwe) in v.cwes.iter().enumerate() {
            if let Some(why) = cwe_problem(cwe) {
                bad_id(format!("{base}.cwes[{j}]"), cwe, "CWE id", why, "CWE-79");
            } else if crate::cwe::name(cwe).is_none() {
                unknown_cwes.push((format!("{base}.cwes[{j}]"), cwe));
            }
        }
    }
    for (path, cwe) in unknown_cwes {
        // CSAF requires a weakness's name with its id, and the pages show it.
        findings.push(
            Finding::error(
                &facts.file,
                at(&path),
                "unknown-cwe",
                format!(
                    "`{cwe}` is not in the CWE List seckb knows ({} weaknesses)",
                    crate::cwe::count()
                ),
            )
            .hint("check the number at https://cwe.mitre.org/; a newer weakness needs a newer `src/data/cwe.tsv`"),
        );
    }
    let ids: Vec<String> = a.vulnerabilities.iter().map(|v| v.id.clone()).collect();
    for (i, r) in a.remediations.iter().enumerate() {
        for (j, v) in r.vulnerabilities.iter().enumerate() {
            if !ids.contains(v) {
                findings.push(
                    Finding::error(
                        &facts.file,
                        at(&format!("remediations[{i}].vulnerabilities[{j}]")),
                        "unknown-vulnerability",
                        format!("remediation `{}` is for vulnerability `{v}`, which the advisory does not list", r.id),
                    )
                    .hint(did_you_mean(v, &ids, "vulnerability")),
                );
            }
        }
    }
    let mut cves: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, v) in a.vulnerabilities.iter().enumerate() {
        let Some(cve) = v.cve.as_deref() else {
            continue;
        };
        if let Some(&first) = cves.get(cve) {
            findings.push(
                Finding::error(
                    &facts.file,
                    at(&format!("vulnerabilities[{i}].cve")),
                    "duplicate-id",
                    format!(
                        "`{cve}` is also the CVE of vulnerability `{}`",
                        a.vulnerabilities[first].id
                    ),
                )
                .hint("a CVE is one vulnerability: describe it once"),
            );
        } else {
            cves.insert(cve, i);
        }
    }
    // Products the advisory names that no vulnerability gives a status: CSAF and OSV, which
    // speak of products through the vulnerabilities, leave them out.
    if !a.vulnerabilities.is_empty() && a.cves.iter().all(|c| cves.contains_key(c.as_str())) {
        let listed = (a.products.affected.iter().map(|p| ("affected", p)))
            .chain(a.products.not_affected.iter().map(|p| ("not_affected", p)));
        let mut by_list: BTreeMap<&str, usize> = BTreeMap::new();
        for (list, p) in listed {
            let j = by_list.entry(list).or_default();
            let named = a.vulnerabilities.iter().any(|v| {
                v.products.all().iter().any(|(_, ps)| ps.contains(&p))
                    || v.affected.iter().any(|x| &x.product == p)
            });
            if !named {
                findings.push(
                    Finding::warning(
                        &facts.file,
                        at(&format!("products.{list}[{j}]")),
                        "product-without-status",
                        format!("product `{p}` is in `products.{list}`, but no vulnerability gives it a status; CSAF and OSV leave it out"),
                    )
                    .hint("give it a status in the vulnerabilities that concern it"),
                );
            }
            *j += 1;
        }
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, v) in a.vulnerabilities.iter().enumerate() {
        if let Some(first) = seen.insert(&v.id, i) {
            findings.push(
                Finding::error(
                    &facts.file,
                    at(&format!("vulnerabilities[{i}].id")),
                    "duplicate-id",
                    format!("vulnerability `{}` is also vulnerability {first}", v.id),
                )
                .hint("each vulnerability of an advisory needs its own `id`"),
            );
        }
    }
    scores(p, facts, findings);
    statuses(facts, catalog, findings);
    ranges(facts, findings);
    if let (Some(stated), Some(computed)) = (a.severity, crate::vuln::computed_severity(a))
        && stated != computed
    {
        let name = |s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
        };
        findings.push(
            Finding::warning(
                &facts.file,
                at("severity"),
                "severity-mismatch",
                format!(
                    "the stated severity `{}` is not the `{}` computed from the highest CVSS base score",
                    name(stated).unwrap_or_default(),
                    name(computed).unwrap_or_default()
                ),
            )
            .hint("remove `severity` to use the computed one, or check the vectors"),
        );
    }
}

/// Why `cwe` is not a CWE id, if it is not.
fn cwe_problem(cwe: &str) -> Option<&'static str> {
    let digits = cwe.strip_prefix("CWE-").unwrap_or("");
    let ok = (1..=7).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    (!ok).then_some("a CWE id is `CWE-` and its number")
}

/// Every CVSS vector parses; the finding points at the metric at fault.
fn scores(p: &Project, facts: &Parsed<Advisory>, findings: &mut Findings) {
    for (i, v) in facts.value.vulnerabilities.iter().enumerate() {
        let fields = [
            ("cvss_v3", &v.scores.cvss_v3, Version::V3, "CVSS v3.1"),
            ("cvss_v4", &v.scores.cvss_v4, Version::V4, "CVSS v4.0"),
        ];
        for (field, vector, version, what) in fields {
            let Some(vector) = vector else { continue };
            let Err(e) = score(vector, version) else {
                continue;
            };
            let path = format!("vulnerabilities[{i}].scores.{field}");
            let mut pos = facts.spans.value(&path);
            pos.column += e.offset + quote_at(p, &facts.file, pos);
            let example = match version {
                Version::V3 => "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                Version::V4 => "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            };
            findings.push(
                Finding::error(
                    &facts.file,
                    pos,
                    "invalid-cvss",
                    format!("not a valid {what} vector: {}", e.message),
                )
                .hint(format!(
                    "write the vector as the CVSS calculator gives it, e.g. `{example}`"
                )),
            );
        }
    }
}

/// 1 when the scalar at `pos` of `file` is quoted (its text starts a character later).
fn quote_at(p: &Project, file: &str, pos: crate::load::spans::Pos) -> usize {
    let text = std::fs::read_to_string(p.root.join(file)).unwrap_or_default();
    let line = text.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
    let quoted = matches!(
        line.chars().nth(pos.column.saturating_sub(1)),
        Some('"' | '\'')
    );
    usize::from(quoted)
}

/// Whether a product may not have both statuses: affected, fixed, not affected and under
/// investigation exclude each other; `recommended` goes with any of them but affected.
fn contradict(a: crate::model::ProductStatusKind, b: crate::model::ProductStatusKind) -> bool {
    let (x, y) = (group(a), group(b));
    match (x, y) {
        _ if x == y => false,
        (4, other) | (other, 4) => other == 0,
        _ => true,
    }
}

/// The group of a status, for [`contradict`].
fn group(status: crate::model::ProductStatusKind) -> u8 {
    use crate::model::ProductStatusKind as S;
    match status {
        S::KnownAffected => 0,
        S::Fixed | S::FirstFixed => 1,
        S::KnownNotAffected => 2,
        S::UnderInvestigation => 3,
        S::Recommended => 4,
    }
}

/// Products named in statuses and ranges exist, have one meaning each, and are packages
/// where versions are given; a product known not to be affected says why.
fn statuses(
    facts: &Parsed<Advisory>,
    catalog: Option<(&[String], &[&str])>,
    findings: &mut Findings,
) {
    let at = |path: &str| facts.spans.value(path);
    for (i, v) in facts.value.vulnerabilities.iter().enumerate() {
        let base = format!("vulnerabilities[{i}]");
        let mut named: Vec<(String, &ProductId)> = Vec::new();
        let mut first: BTreeMap<&str, crate::model::ProductStatusKind> = BTreeMap::new();
        if v.products.is_empty() {
            // CSAF needs a status for a vulnerability to say anything of a product.
            findings.push(
                Finding::error(
                    &facts.file,
                    at(&format!("{base}.id")),
                    "missing-status",
                    format!("vulnerability `{}` gives no product a status", v.id),
                )
                .hint("name the products it concerns under `products:` (`known_affected: [...]`, `fixed: [...]`, ...)"),
            );
        }
        for (status, products) in v.products.all() {
            let mut seen = BTreeSet::new();
            for (j, id) in products.into_iter().enumerate() {
                let path = match status {
                    crate::model::ProductStatusKind::KnownNotAffected => {
                        format!("{base}.products.known_not_affected[{j}].product")
                    }
                    _ => format!("{base}.products.{}[{j}]", status.name()),
                };
                let mut conflict = |message: String, hint: &str| {
                    findings.push(
                        Finding::error(&facts.file, at(&path), "product-conflict", message)
                            .hint(hint),
                    );
                };
                if !seen.insert(id.as_str()) {
                    conflict(
                        format!(
                            "product `{id}` is `{}` twice for vulnerability `{}`",
                            status.name(),
                            v.id
                        ),
                        "name each product once per status",
                    );
                }
                match first.get(id.as_str()) {
                    Some(&other) if contradict(other, status) => conflict(
                        format!(
                            "product `{id}` is both `{}` and `{}` for vulnerability `{}`",
                            other.name(),
                            status.name(),
                            v.id
                        ),
                        "a product has one status per vulnerability: name each version as its own product",
                    ),
                    Some(_) => {}
                    None => {
                        first.insert(id.as_str(), status);
                    }
                }
                named.push((path, id));
            }
        }
        for (j, n) in v.products.known_not_affected.iter().enumerate() {
            if n.justification.is_none() {
                // A warning: the statement is still worth publishing, but not as VEX (CSAF
                // 6.1.27.9), so the CSAF document is a security advisory.
                findings.push(
                    Finding::warning(
                        &facts.file,
                        at(&format!("{base}.products.known_not_affected[{j}]")),
                        "missing-justification",
                        format!("product `{}` is known not to be affected, but not why; the advisory cannot be published as a VEX statement", n.product),
                    )
                    .hint("add `justification:` (component_not_present, vulnerable_code_not_present, vulnerable_code_cannot_be_controlled_by_adversary, vulnerable_code_not_in_execute_path or inline_mitigations_already_exist)"),
                );
            }
        }
        for (j, aff) in v.affected.iter().enumerate() {
            let path = format!("{base}.affected[{j}].product");
            if let Some((known, packages)) = catalog
                && known.contains(&aff.product.0)
                && !packages.contains(&aff.product.as_str())
            {
                findings.push(
                    Finding::error(
                        &facts.file,
                        at(&path),
                        "not-a-package",
                        format!("product `{}` has versions here but no `package` in `products.yaml`", aff.product),
                    )
                    .hint("give the product `package: {ecosystem: ..., name: ...}` in `products.yaml`, or name each version as a product under `products`"),
                );
            }
            named.push((path, &aff.product));
        }
        // A rating is of an affected product, once: a rating of a product the vulnerability
        // does not affect would tell a scanner two things at once.
        let mut rated = BTreeSet::new();
        for (j, r) in v.ratings.iter().enumerate() {
            for (k, id) in r.products.iter().enumerate() {
                let path = format!("{base}.ratings[{j}].products[{k}]");
                let problem = if !v.products.known_affected.contains(id) {
                    Some(format!(
                        "product `{id}` is rated for vulnerability `{}` but is not `known_affected`",
                        v.id
                    ))
                } else if !rated.insert(id.as_str()) {
                    Some(format!(
                        "product `{id}` is rated twice for vulnerability `{}`",
                        v.id
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    findings.push(
                        Finding::error(&facts.file, at(&path), "product-conflict", message)
                            .hint("rate each product the vulnerability affects once; add it to `products.known_affected` first"),
                    );
                }
            }
        }
        let Some((known, _)) = catalog else { continue };
        for (path, id) in named {
            if !known.contains(&id.0) {
                findings.push(
                    Finding::error(
                        &facts.file,
                        at(&path),
                        "unknown-product",
                        format!("product `{id}` is not in `products.yaml`"),
                    )
                    .hint(did_you_mean(id.as_str(), known, "product")),
                );
            }
        }
    }
}

/// A range starts with `introduced`, and its versions parse and increase.
fn ranges(facts: &Parsed<Advisory>, findings: &mut Findings) {
    for (i, v) in facts.value.vulnerabilities.iter().enumerate() {
        for (j, aff) in v.affected.iter().enumerate() {
            for (k, range) in aff.ranges.iter().enumerate() {
                let base = format!("vulnerabilities[{i}].affected[{j}].ranges[{k}]");
                check_range(facts, &base, range, findings);
            }
        }
    }
}

fn check_range(
    facts: &Parsed<Advisory>,
    base: &str,
    range: &crate::model::Range,
    findings: &mut Findings,
) {
    let at = |e: usize| {
        let event = &range.events[e];
        facts
            .spans
            .value(&format!("{base}.events[{e}].{}", event.name()))
    };
    if !matches!(range.events.first(), Some(Event::Introduced(_))) {
        findings.push(
            Finding::error(
                &facts.file,
                facts.spans.value(&format!("{base}.events")),
                "range-order",
                "a range must start with an `introduced` event",
            )
            .hint("start with `- introduced: \"0\"` when every version before the fix is affected"),
        );
        return;
    }
    if range.kind != RangeKind::Semver {
        return;
    }
    let mut previous: Option<(usize, semver::Version)> = None;
    for (e, event) in range.events.iter().enumerate() {
        let text = event.version();
        // `introduced: "0"` comes before every version, pre-releases of 0.0.0 included (Go's
        // pseudo-versions `0.0.0-<date>-<commit>` are such).
        if text == "0" && matches!(event, Event::Introduced(_)) {
            previous = None;
            continue;
        }
        let parsed = semver::Version::parse(text);
        let version = match parsed {
            Ok(v) => v,
            Err(err) => {
                findings.push(
                    Finding::error(
                        &facts.file,
                        at(e),
                        "invalid-version",
                        format!("`{}` is not a SemVer version: {err}", text.escape_debug()),
                    )
                    .hint("write all three numbers, e.g. `1.2.0`, or use `type: ecosystem`"),
                );
                return;
            }
        };
        if let Some((p, before)) = &previous
            && version <= *before
        {
            findings.push(
                Finding::error(
                    &facts.file,
                    at(e),
                    "range-order",
                    format!(
                        "`{}: {text}` does not come after `{}: {}`",
                        event.name(),
                        range.events[*p].name(),
                        range.events[*p].version()
                    ),
                )
                .hint("list the events of a range in increasing version order"),
            );
        }
        previous = Some((e, version));
    }
}

/// Every purl parses, every CPE is a CPE name (2.3, or a 2.2 URI), and a version is one
/// version.
fn check_catalog(catalog: &Parsed<crate::model::Catalog>, findings: &mut Findings) {
    for (i, product) in catalog.value.products.iter().enumerate() {
        let mut bad = |field: &str, code: &'static str, message: String, hint: &str| {
            findings.push(
                Finding::error(
                    &catalog.file,
                    catalog.spans.value(&format!("products[{i}].{field}")),
                    code,
                    message,
                )
                .hint(hint),
            );
        };
        if let Some(purl) = &product.purl
            && let Err(e) = <packageurl::PackageUrl<'_> as std::str::FromStr>::from_str(purl)
        {
            bad(
                "purl",
                "invalid-purl",
                format!("`{}` is not a package URL: {e}", purl.escape_debug()),
                "a purl is `pkg:<type>/<namespace>/<name>@<version>`, e.g. `pkg:cargo/smallvec`",
            );
        }
        // CSAF has product versions and version ranges apart (6.1.31).
        if let Some(version) = &product.version
            && version.contains(['<', '>', '=', '*', ',', '|'])
        {
            bad(
                "version",
                "invalid-version",
                format!(
                    "`{}` is a range of versions, not one version",
                    version.escape_debug()
                ),
                "an entry with a `version` is one version of a product; give affected ranges in a vulnerability's `affected`",
            );
        }
        if let Some(cpe) = &product.cpe
            && let Some(why) = cpe_problem(cpe)
        {
            bad(
                "cpe",
                "invalid-cpe",
                format!("`{}` is not a CPE name: {why}", cpe.escape_debug()),
                "a CPE 2.3 name has 13 parts, e.g. `cpe:2.3:a:microsoft:exchange_server:2010:-:*:*:*:*:*:*`",
            );
        }
    }
}

/// Why `cpe` is not a CPE name (a CPE 2.3 formatted string, or a CPE 2.2 URI), if it is
/// not. The 2.3 pattern is the one of the CPE 2.3 naming specification (NISTIR 7695, figure
/// 6-3), which the CSAF 2.0 schema checks `product_identification_helper.cpe` with: a name
/// that passes here passes there.
fn cpe_problem(cpe: &str) -> Option<String> {
    static FORMATTED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        let avstring = r##"(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,/:;<=>@\[\]\^`\{\|\}~]))+(\?*|\*?))|[\*\-])"##;
        let language = r"(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-])";
        let pattern =
            format!(r"^cpe:2\.3:[aho\*\-](:{avstring}){{5}}(:{language})(:{avstring}){{4}}$");
        regex::Regex::new(&pattern).expect("the CPE 2.3 pattern compiles")
    });
    // The older CPE 2.2 URI binding (`cpe:/a:vendor:product:version`), which CSAF accepts
    // too and older advisories use; the CSAF schema's pattern for it.
    static URI: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[c][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6}$")
            .expect("the CPE 2.2 pattern compiles")
    });
    if cpe.starts_with("cpe:/") {
        return (!URI.is_match(cpe)).then(|| {
            "a CPE 2.2 URI has up to 7 parts after `cpe:/` of letters, digits and `._-~%`".into()
        });
    }
    if !cpe.starts_with("cpe:2.3:") {
        return Some("it must start with `cpe:2.3:` (or `cpe:/`, the CPE 2.2 URI form)".into());
    }
    if FORMATTED.is_match(cpe) {
        return None;
    }
    // Colons escaped with `\` do not separate parts.
    let parts = cpe.replace("\\:", "").split(':').count();
    Some(if parts != 13 {
        format!("it has {parts} parts separated by `:`, not 13")
    } else {
        "a part holds a character that must be escaped with `\\`, or is empty".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpe_names_are_checked_against_the_specification() {
        assert_eq!(
            cpe_problem("cpe:2.3:a:microsoft:exchange_server:2010:sp1:*:*:*:*:*:*"),
            None
        );
        assert_eq!(
            cpe_problem(r"cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*"),
            None
        );
        assert_eq!(
            cpe_problem(r"cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*"),
            None
        );
        // The CPE 2.2 URI form, as CSAF accepts it.
        assert_eq!(cpe_problem("cpe:/a:microsoft:exchange_server:2010"), None);
        assert_eq!(
            cpe_problem("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha"),
            None
        );
        assert!(cpe_problem("cpe:/a:micro soft:exchange").is_some());
        assert!(cpe_problem("cpe:/a:a:b:c:d:e:f:g").is_some());
        let short = cpe_problem("cpe:2.3:a:microsoft:exchange_server:2010").unwrap();
        assert!(short.contains("6 parts"), "{short}");
        assert!(cpe_problem("cpe:2.3:x:microsoft:exchange_server:2010:*:*:*:*:*:*:*").is_some());
        assert!(cpe_problem("cpe:2.3:a:micro soft:exchange:2010:*:*:*:*:*:*:*").is_some());
    }

    #[test]
    fn cwe_ids_have_their_format() {
        assert_eq!(cwe_problem("CWE-79"), None);
        assert_eq!(cwe_problem("CWE-1021"), None);
        for bad in ["CWE-", "cwe-79", "79", "CWE-079", "CWE-79a", "CWE-12345678"] {
            assert!(cwe_problem(bad).is_some(), "{bad}");
        }
    }
}
