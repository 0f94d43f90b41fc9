//! Checks that need more than one value or more than one file. Each rule is a module with a
//! `check` function that adds every finding it has; none stops early.

pub mod ids;
mod languages;
mod products;
mod revisions;
mod text;
mod urls;

pub use ids::unsafe_reason;
pub use revisions::{compare as compare_revision_numbers, parse_number as parse_revision_number};
pub use urls::url_problem;

use crate::diag::Findings;
use crate::load::Project;

/// Runs every rule over the project.
pub fn validate(p: &Project, findings: &mut Findings) {
    ids::check(p, findings);
    languages::check(p, findings);
    products::check(p, findings);
    revisions::check(p, findings);
    text::check(p, findings);
    urls::check(p, findings);
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
