//! What the vulnerabilities of an advisory compute to: the base score and severity of each
//! CVSS vector (by RustSec's `cvss` crate, never by hand), the advisory's aggregate
//! severity, and where in a vector it went wrong.

use crate::model::{Advisory, Severity};

/// A CVSS vector with its computed base score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Score {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    /// The vector, as written.
    pub vector: String,
    /// The base score, 0.0 to 10.0.
    pub base_score: f64,
    /// `NONE`, `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`, as CVSS names it.
    pub base_severity: &'static str,
}

/// Why a vector does not parse: the message, and the character offset in the vector of the
/// part at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorError {
    pub message: String,
    pub offset: usize,
}

/// Which CVSS version a vector field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V3,
    V4,
}

/// Parses `vector` as a CVSS vector of `version` and computes its base score.
pub fn score(vector: &str, version: Version) -> Result<Score, VectorError> {
    match version {
        Version::V3 => {
            let base: cvss::v3::Vector = vector.parse().map_err(|e| located(vector, &e))?;
            let score = base.base_score();
            let minor = base.minor_version;
            Ok(Score {
                version: if minor == 0 { "3.0" } else { "3.1" },
                vector: vector.to_string(),
                base_score: score.value(),
                base_severity: severity_name(score.severity()),
            })
        }
        Version::V4 => {
            if !vector.starts_with("CVSS:4.0/") {
                return Err(VectorError {
                    message: "a CVSS v4.0 vector starts with `CVSS:4.0/`".into(),
                    offset: 0,
                });
            }
            let v: cvss::v4::Vector = vector.parse().map_err(|e| located(vector, &e))?;
            let score = v.score();
            let severity = severity_name(score.clone().severity());
            Ok(Score {
                version: "4.0",
                vector: vector.to_string(),
                base_score: score.value(),
                base_severity: severity,
            })
        }
    }
}

fn severity_name(s: cvss::Severity) -> &'static str {
    match s {
        cvss::Severity::None => "NONE",
        cvss::Severity::Low => "LOW",
        cvss::Severity::Medium => "MEDIUM",
        cvss::Severity::High => "HIGH",
        cvss::Severity::Critical => "CRITICAL",
    }
}

/// The error of the `cvss` crate, with the offset of the component it is about.
fn located(vector: &str, e: &cvss::Error) -> VectorError {
    use cvss::Error as E;
    // The text to look for in the vector: the component at fault.
    let find: Option<String> = match e {
        E::InvalidComponent { component } => Some(component.clone()),
        E::InvalidMetricV3 { metric_type, value } => Some(format!("{metric_type}:{value}")),
        E::InvalidMetricV4 { metric_type, value } => Some(format!("{metric_type}:{value}")),
        E::DuplicateMetricV3 { metric_type } => return duplicate(vector, e, metric_type),
        E::DuplicateMetricV4 { metric_type } => return duplicate(vector, e, metric_type),
        E::UnknownMetric { name } => Some(format!("{name}:")),
        E::InvalidPrefix { prefix } => Some(prefix.clone()),
        E::InvalidNomenclatureV4 { nomenclature } => Some(nomenclature.clone()),
        E::MissingMandatoryMetricV4 { .. } => {
            return VectorError {
                message: e.to_string(),
                offset: vector.chars().count(),
            };
        }
        _ => None,
    };
    let offset = find
        .filter(|f| !f.is_empty())
        .and_then(|f| component_offset(vector, &f))
        .unwrap_or(0);
    VectorError {
        message: e.to_string(),
        offset,
    }
}

/// The error of a metric given twice, located at the second.
fn duplicate(vector: &str, e: &cvss::Error, metric: &dyn std::fmt::Display) -> VectorError {
    let key = format!("/{metric}:");
    let second = (vector.find(&key)).and_then(|f| vector[f + 1..].find(&key).map(|s| f + 2 + s));
    VectorError {
        message: e.to_string(),
        offset: second.map_or(0, |b| vector[..b].chars().count()),
    }
}

/// The character offset of the component of `vector` that is, or starts with, `text`.
fn component_offset(vector: &str, text: &str) -> Option<usize> {
    let mut at = 0;
    for part in vector.split('/') {
        if part == text || part.starts_with(text) {
            return Some(vector[..at].chars().count());
        }
        at += part.len() + 1;
    }
    vector.find(text).map(|b| vector[..b].chars().count())
}

/// The severity of a CVSS base severity, in the advisory's scale (CVSS `HIGH` is
/// `important`, `MEDIUM` `moderate`, as Microsoft's ratings map); `None` for `NONE`.
pub fn severity_of(base_severity: &str) -> Option<Severity> {
    match base_severity {
        "CRITICAL" => Some(Severity::Critical),
        "HIGH" => Some(Severity::Important),
        "MEDIUM" => Some(Severity::Moderate),
        "LOW" => Some(Severity::Low),
        _ => None,
    }
}

/// Every score of the vulnerabilities of `a` that parses, by vulnerability, v3 before v4.
pub fn scores(a: &Advisory) -> Vec<Vec<Score>> {
    a.vulnerabilities
        .iter()
        .map(|v| {
            let v3 = (v.scores.cvss_v3.as_deref()).and_then(|s| score(s, Version::V3).ok());
            let v4 = (v.scores.cvss_v4.as_deref()).and_then(|s| score(s, Version::V4).ok());
            v3.into_iter().chain(v4).collect()
        })
        .collect()
}

/// Which vulnerability is the most severe, given each one's [`scores`]: the one with the
/// highest v3.x base score (the version every consumer reads), else the highest v4.0 one;
/// with its index among its scores. `None` without scores.
pub fn most_severe(scores: &[Vec<Score>]) -> Option<(usize, usize)> {
    let best = |version: &str| {
        (scores.iter().enumerate())
            .flat_map(|(i, s)| s.iter().enumerate().map(move |(j, s)| ((i, j), s)))
            .filter(|(_, s)| s.version.starts_with(version))
            .max_by(|x, y| x.1.base_score.total_cmp(&y.1.base_score))
            .map(|(at, _)| at)
    };
    best("3").or_else(|| best("4"))
}

/// The severity computed from the most severe vulnerability's score ([`most_severe`]);
/// `None` without scores.
pub fn computed_severity(a: &Advisory) -> Option<Severity> {
    let all = scores(a);
    let (i, j) = most_severe(&all)?;
    severity_of(all[i][j].base_severity)
}

/// The advisory's severity: as stated, else computed from its scores.
pub fn severity(a: &Advisory) -> Option<Severity> {
    a.severity.or_else(|| computed_severity(a))
}

/// All CVE ids of an advisory: those it lists, then those of its vulnerabilities, once.
pub fn cves(a: &Advisory) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let listed = a.cves.iter().map(String::as_str);
    let of_vulns = a.vulnerabilities.iter().filter_map(|v| v.cve.as_deref());
    for cve in listed.chain(of_vulns) {
        if !out.contains(&cve) {
            out.push(cve);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_base_scores_of_both_versions() {
        let s = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version::V3).unwrap();
        assert_eq!(
            (s.version, s.base_score, s.base_severity),
            ("3.1", 9.8, "CRITICAL")
        );
        // Impact 6.42 × 0.22 = 1.41, exploitability 8.22 × 0.55 × 0.44 × 0.62 × 0.62 = 0.77:
        // 2.18, rounded up to 2.2.
        let s = score("CVSS:3.0/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", Version::V3).unwrap();
        assert_eq!(
            (s.version, s.base_score, s.base_severity),
            ("3.0", 2.2, "LOW")
        );
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let s = score(v4, Version::V4).unwrap();
        assert_eq!(
            (s.version, s.base_score, s.base_severity),
            ("4.0", 9.3, "CRITICAL")
        );
    }

    /// A bad metric is named, and its offset points at it.
    #[test]
    fn a_bad_metric_is_named_and_located() {
        let v = "CVSS:3.1/AV:N/AC:X/PR:N/UI:N/S:U/C:H/I:H/A:H";
        let e = score(v, Version::V3).unwrap_err();
        assert_eq!(&v[e.offset..e.offset + 4], "AC:X", "{e:?}");
        assert!(e.message.contains("AC"), "{e:?}");
        let v = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/Q:H";
        let e = score(v, Version::V3).unwrap_err();
        assert_eq!(&v[e.offset..], "Q:H", "{e:?}");
        // A v3 vector where v4 is expected, and the reverse.
        assert!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Version::V4).is_err());
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        assert!(score(v4, Version::V3).is_err());
        let bad = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:Z/VA:H/SC:N/SI:N/SA:N";
        let e = score(bad, Version::V4).unwrap_err();
        assert_eq!(&bad[e.offset..e.offset + 4], "VI:Z", "{e:?}");
    }

    #[test]
    fn maps_cvss_severities_to_the_advisory_scale() {
        assert_eq!(severity_of("HIGH"), Some(Severity::Important));
        assert_eq!(severity_of("MEDIUM"), Some(Severity::Moderate));
        assert_eq!(severity_of("NONE"), None);
    }
}
