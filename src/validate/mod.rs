//! Checks that need more than one value or more than one file. Each rule is a module with a
//! `check` function that adds every finding it has; none stops early.

mod chars;
pub mod ids;
mod languages;
mod products;
mod revisions;
mod text;
mod urls;
mod vulns;

pub use ids::unsafe_reason;
pub use revisions::{compare as compare_revision_numbers, parse_number as parse_revision_number};
pub use urls::url_problem;

use std::collections::HashMap;

use crate::diag::{Finding, Findings};
use crate::load::Project;

/// Runs every rule over the project.
///
/// Most rules look at one advisory folder at a time, given the settings, catalog and site
/// texts; only [`ids::unique`] compares advisories. So what the others find in a folder is
/// kept in the parse cache ([`keep_results`]), with the folder's [`Claim`], and `validate`
/// takes it from there for a folder whose files have not changed, without reading them
/// ([`crate::load::Options::shallow`]).
pub fn validate(p: &Project, findings: &mut Findings) {
    per_folder(p, findings);
    across(p, findings);
}

/// [`validate`], also recording in each folder what the rules found in it
/// ([`AdvisoryDir::checked`]), for the parse cache.
///
/// Folders whose results were read from the cache ([`AdvisoryDir::checked`]) are not
/// checked again: their findings are the cached ones.
///
/// [`AdvisoryDir::checked`]: crate::load::AdvisoryDir::checked
pub fn validate_keeping(p: &mut Project, findings: &mut Findings) {
    let (known, fresh): (Vec<_>, Vec<_>) = std::mem::take(&mut p.advisories)
        .into_iter()
        .partition(|a| a.checked.is_some());
    p.advisories = fresh;
    let mut local = Findings::default();
    per_folder(p, &mut local);
    keep_results(p, &local);
    findings.extend(local);
    for a in &known {
        for f in a.checked.iter().flat_map(|c| &c.findings) {
            findings.push(f.clone());
        }
    }
    p.advisories.extend(known);
    p.advisories.sort_by(|a, b| a.dir.cmp(&b.dir));
    across(p, findings);
}

/// The rule that compares advisories, and the findings of the folders checked before.
fn across(p: &Project, findings: &mut Findings) {
    let claims: Vec<Claim> = p
        .advisories
        .iter()
        .filter_map(|a| ids::claim(p, a))
        .collect();
    // Folders read and folders checked before, merged in folder order.
    let mut all: Vec<&Claim> = claims.iter().collect();
    all.extend(p.checked.iter().filter_map(|c| c.result.claim.as_ref()));
    all.sort_by(|a, b| a.dir.cmp(&b.dir));
    ids::unique(&p.root, &all, findings);
    for c in &p.checked {
        for f in &c.result.findings {
            findings.push(f.clone());
        }
    }
}

pub use crate::diag::{Claim, FolderResult};

/// Records in each folder that was read without findings what the per-folder rules found in
/// it (`findings`).
fn keep_results(p: &mut Project, findings: &Findings) {
    let mut by_dir: HashMap<&str, Vec<Finding>> = HashMap::new();
    for f in findings.iter() {
        if let Some(rest) = f.file.strip_prefix("advisories/") {
            let dir = rest.split('/').next().unwrap_or(rest);
            by_dir.entry(dir).or_default().push(f.clone());
        }
    }
    let claims: Vec<Option<Claim>> = p.advisories.iter().map(|a| ids::claim(p, a)).collect();
    for (adv, claim) in p.advisories.iter_mut().zip(claims) {
        if adv.clean {
            adv.checked = Some(FolderResult {
                findings: by_dir.remove(adv.dir.as_str()).unwrap_or_default(),
                claim,
            });
        }
    }
}

/// The rules that look at one advisory folder at a time (and at the site's own files).
fn per_folder(p: &Project, findings: &mut Findings) {
    chars::check(p, findings);
    ids::check(p, findings);
    languages::check(p, findings);
    products::check(p, findings);
    revisions::check(p, findings);
    text::check(p, findings);
    urls::check(p, findings);
    vulns::check(p, findings);
}

/// Runs `check` on every advisory folder in parallel; the findings are merged in folder
/// order, as if it had run on one folder after the other.
fn per_advisory(
    p: &Project,
    findings: &mut Findings,
    check: impl Fn(&crate::load::AdvisoryDir, &mut Findings) + Sync,
) {
    use rayon::prelude::*;
    let found: Vec<Findings> = p
        .advisories
        .par_iter()
        .map(|adv| {
            let mut mine = Findings::default();
            check(adv, &mut mine);
            mine
        })
        .collect();
    for mine in found {
        findings.extend(mine);
    }
}

/// The languages a site publishes in, as listed in its settings.
fn site_languages(p: &Project) -> Vec<&str> {
    p.settings
        .as_ref()
        .map(|s| s.value.languages.iter().map(|l| l.as_str()).collect())
        .unwrap_or_default()
}
