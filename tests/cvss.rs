//! Base scores of real vectors: every CVSS vector of the RustSec advisory database
//! (`tests/data/rustsec-cvss/`) parses, and its severity is the one the CVSS specification's
//! rating table gives its score. The scores are written to `target/tmp/cvss-scores.tsv`,
//! which `.ci/cvss_compare.py` checks against an independent implementation.

use seckb::vuln::{Version, score};

/// The CVSS v3.1 and v4.0 qualitative rating of a base score.
fn rating(score: f64) -> &'static str {
    if score == 0.0 {
        "NONE"
    } else if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else if score < 9.0 {
        "HIGH"
    } else {
        "CRITICAL"
    }
}

#[test]
fn every_rustsec_vector_scores_as_the_rating_table_says() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rustsec-cvss");
    let text = std::fs::read_to_string(dir.join("vectors.txt")).unwrap();
    let mut tsv = String::new();
    let (mut v3, mut v4) = (0, 0);
    for vector in text.lines().filter(|l| !l.is_empty()) {
        let version = if vector.starts_with("CVSS:4.0/") {
            v4 += 1;
            Version::V4
        } else {
            v3 += 1;
            Version::V3
        };
        let s = score(vector, version).unwrap_or_else(|e| panic!("{vector}: {e:?}"));
        assert!((0.0..=10.0).contains(&s.base_score), "{vector}: {s:?}");
        assert_eq!(s.base_severity, rating(s.base_score), "{vector}: {s:?}");
        tsv.push_str(&format!(
            "{vector}\t{:.1}\t{}\n",
            s.base_score, s.base_severity
        ));
    }
    assert_eq!((v3, v4), (90, 39), "the vendored list changed");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cvss-scores.tsv");
    std::fs::write(&out, tsv).unwrap();
}
