//! The revision history is the truth: numbers increase and dates do not go back
//! (`revision-order`), and `published`, `updated` and `version` agree with it
//! (`revision-mismatch`).

use std::cmp::Ordering;

use crate::diag::{Finding, Findings};
use crate::load::Project;

/// Parses a revision number such as `1.0` or `2` into its parts.
pub fn parse_number(n: &str) -> Option<Vec<u64>> {
    n.split('.')
        .map(|p| {
            if p.is_empty() || p.len() > 9 {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect()
}

/// Compares two revision numbers numerically (`1.10` after `1.9`); None if either is bad.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse_number(a)?, parse_number(b)?);
    let len = a.len().max(b.len());
    let pad = |v: Vec<u64>| {
        v.into_iter()
            .chain(std::iter::repeat(0))
            .take(len)
            .collect::<Vec<_>>()
    };
    Some(pad(a).cmp(&pad(b)))
}

pub fn check(p: &Project, findings: &mut Findings) {
    for adv in &p.advisories {
        let Some(facts) = &adv.facts else { continue };
        let (a, file, spans) = (&facts.value, &facts.file, &facts.spans);
        let Some((first, last)) = a.revisions.first().zip(a.revisions.last()) else {
            findings.push(
                Finding::error(
                    file,
                    spans.value("revisions"),
                    "revision-order",
                    "the revision history is empty",
                )
                .hint("add the first revision: `- number: \"1.0\"` with its `date`"),
            );
            continue;
        };
        let mut numbers_ok = true;
        for (i, r) in a.revisions.iter().enumerate() {
            if parse_number(&r.number).is_none() {
                numbers_ok = false;
                findings.push(
                    Finding::error(
                        file,
                        spans.value(&format!("revisions[{i}].number")),
                        "revision-order",
                        format!("revision number `{}` is not of the form `1.0`", r.number),
                    )
                    .hint("use numbers separated by dots, e.g. `1.0`, `1.1`, `2.0`"),
                );
            }
            let Some(prev) = i.checked_sub(1).map(|j| &a.revisions[j]) else {
                continue;
            };
            if compare(&prev.number, &r.number).is_some_and(|o| o != Ordering::Less) {
                findings.push(
                    Finding::error(
                        file,
                        spans.value(&format!("revisions[{i}].number")),
                        "revision-order",
                        format!(
                            "revision `{}` does not come after `{}`",
                            r.number, prev.number
                        ),
                    )
                    .hint("list revisions oldest first, each with a higher number"),
                );
            }
            if r.date < prev.date {
                findings.push(
                    Finding::error(
                        file,
                        spans.value(&format!("revisions[{i}].date")),
                        "revision-order",
                        format!(
                            "revision `{}` is dated {}, before revision `{}` ({})",
                            r.number, r.date, prev.number, prev.date
                        ),
                    )
                    .hint("list revisions oldest first; dates may not go back"),
                );
            }
        }
        if a.published != first.date {
            findings.push(
                Finding::error(
                    file,
                    spans.value("published"),
                    "revision-mismatch",
                    format!(
                        "`published` is {} but the first revision is dated {}",
                        a.published, first.date
                    ),
                )
                .hint(format!(
                    "set `published: {}` or fix the first revision's date",
                    first.date
                )),
            );
        }
        if a.updated != last.date {
            findings.push(
                Finding::error(
                    file,
                    spans.value("updated"),
                    "revision-mismatch",
                    format!(
                        "`updated` is {} but the last revision is dated {}",
                        a.updated, last.date
                    ),
                )
                .hint(format!(
                    "set `updated: {}` or add a revision for the update",
                    last.date
                )),
            );
        }
        if let Some(w) = &a.withdrawn
            && !a.revisions.iter().any(|r| r.date == w.date)
        {
            findings.push(
                Finding::error(
                    file,
                    spans.value("withdrawn.date"),
                    "revision-mismatch",
                    format!("the advisory was withdrawn on {} but no revision has that date", w.date),
                )
                .hint("a withdrawal is a revision: add one with that date, and say why in each text's `withdrawn`"),
            );
        }
        if numbers_ok && a.version != last.number {
            findings.push(
                Finding::error(
                    file,
                    spans.value("version"),
                    "revision-mismatch",
                    format!(
                        "`version` is `{}` but the last revision is `{}`",
                        a.version, last.number
                    ),
                )
                .hint(format!("set `version: \"{}\"`", last.number)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_numerically() {
        assert_eq!(compare("1.9", "1.10"), Some(Ordering::Less));
        assert_eq!(compare("1", "1.0"), Some(Ordering::Equal));
        assert_eq!(compare("2.0", "1.5"), Some(Ordering::Greater));
        assert_eq!(compare("1.x", "1.0"), None);
    }
}
