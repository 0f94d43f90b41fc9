//! The names of CWE weaknesses (`data/cwe.tsv`, see `data/SOURCES.md`): CSAF requires the
//! name with the id, exactly as the CWE List has it, and the pages show it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

static NAMES: LazyLock<BTreeMap<u32, &'static str>> = LazyLock::new(|| {
    include_str!("data/cwe.tsv")
        .lines()
        .filter_map(|line| {
            let (number, name) = line.split_once('\t')?;
            Some((number.parse().ok()?, name))
        })
        .collect()
});

/// The name of weakness `id` (`CWE-79`), if the CWE List has it.
pub fn name(id: &str) -> Option<&'static str> {
    let number: u32 = id.strip_prefix("CWE-")?.parse().ok()?;
    NAMES.get(&number).copied()
}

/// How many weaknesses the table knows.
pub fn count() -> usize {
    NAMES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_cwe_list() {
        assert_eq!(count(), 968);
        assert_eq!(
            name("CWE-79"),
            Some(
                "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"
            )
        );
        assert_eq!(name("CWE-787"), Some("Out-of-bounds Write"));
        assert_eq!(name("CWE-0"), None);
        assert_eq!(name("CWE-999999"), None);
        assert_eq!(name("79"), None);
    }
}
