//! CSAF 2.0 as one format with two directions: the document ([`model`]) and the names,
//! labels and text shapes that seckb's export writes and its import recognises again.
//! `feeds::csaf` makes documents of advisories; `import::csaf` reads documents into
//! advisories; the site and the validator only need the names of the files.
//!
//! This module knows the model, the site texts and markdown, and nothing of building,
//! loading or importing: whatever either side needs of the format lives here, so that
//! neither depends on the other, and a low layer that only names a document does not
//! depend on the feeds.

pub mod model;

use anyhow::{Context, Result};

use crate::markdown::to_plain;
use crate::model::{Advisory, RemediationKind, Severity, Status, Symptom, UiStrings};

/// The folder of TLP:WHITE documents, relative to the site root.
pub const WHITE_DIR: &str = ".well-known/csaf/white/";

/// The CSAF file name of a tracking id (CSAF 2.0 section 5.1): lower case, every run of
/// characters other than `a-z`, `0-9`, `+` and `-` replaced by one `_`, then `.json`.
pub fn file_name(tracking_id: &str) -> String {
    let mut name = String::with_capacity(tracking_id.len() + 5);
    let mut in_run = false;
    for c in tracking_id.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            name.push(c);
            in_run = false;
        } else if !in_run {
            name.push('_');
            in_run = true;
        }
    }
    name.push_str(".json");
    name
}

/// The tracking id of an advisory's document in `lang`: the advisory id for the source
/// language, `<id>-<lang>` for a translation (the original id as prefix, as clause 9.1.9
/// suggests), so every language has its own file.
pub fn tracking_id(a: &Advisory, lang: &str) -> String {
    if lang == a.source_language.as_str() {
        a.id.0.clone()
    } else {
        format!("{}-{lang}", a.id)
    }
}

/// Path of a document below [`WHITE_DIR`]: `<year of initial release>/<file name>`.
pub fn document_path(a: &Advisory, lang: &str) -> Result<String> {
    let first = a
        .revisions
        .first()
        .with_context(|| format!("advisory `{}` has no revisions", a.id))?;
    // Four digits, as the distribution rules read the year (`0001`, not `1`).
    Ok(format!(
        "{:04}/{}",
        first.date.year(),
        file_name(&tracking_id(a, lang))
    ))
}

/// Markdown as plain text with its paragraphs kept apart by a blank line (CSAF notes are
/// plain text; one long line would lose the author's structure). Blank lines inside a fenced
/// code block do not split it.
pub fn plain(md: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut fenced = false;
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        if line.trim().is_empty() && !fenced {
            blocks.push(std::mem::take(&mut current));
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    blocks.push(current);
    blocks
        .iter()
        .map(|b| to_plain(b))
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The document status of an advisory status; CSAF has the same three.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Draft => "draft",
        Status::Interim => "interim",
        Status::Final => "final",
    }
}

/// The statuses, for reading a document's status back.
pub const STATUSES: [Status; 3] = [Status::Draft, Status::Interim, Status::Final];

/// Every kind of remediation, in the order of the model.
pub const REMEDIATION_KINDS: [RemediationKind; 5] = [
    RemediationKind::VendorFix,
    RemediationKind::Workaround,
    RemediationKind::Mitigation,
    RemediationKind::NoneAvailable,
    RemediationKind::NoFixPlanned,
];

/// The CSAF remediation category of a kind.
pub fn remediation_category(kind: RemediationKind) -> &'static str {
    match kind {
        RemediationKind::VendorFix => "vendor_fix",
        RemediationKind::Workaround => "workaround",
        RemediationKind::Mitigation => "mitigation",
        RemediationKind::NoneAvailable => "none_available",
        RemediationKind::NoFixPlanned => "no_fix_planned",
    }
}

/// The site's label of a remediation kind: the details of a remediation without text, and
/// the title of a remediation note in an informational document.
pub fn remediation_label(kind: RemediationKind, ui: &UiStrings) -> &str {
    match kind {
        RemediationKind::VendorFix => &ui.remediation_vendor_fix,
        RemediationKind::Workaround => &ui.remediation_workaround,
        RemediationKind::Mitigation => &ui.remediation_mitigation,
        RemediationKind::NoneAvailable => &ui.remediation_none_available,
        RemediationKind::NoFixPlanned => &ui.remediation_no_fix_planned,
    }
}

/// The site's label of a severity: the text of the aggregate severity.
pub fn severity_label(s: Severity, ui: &UiStrings) -> &str {
    match s {
        Severity::Critical => &ui.severity_critical,
        Severity::Important => &ui.severity_important,
        Severity::Moderate => &ui.severity_moderate,
        Severity::Low => &ui.severity_low,
    }
}

/// A symptom as plain text: the description, then the log file, its lines verbatim, and the
/// error codes.
pub fn symptom_text(lead: &str, s: &Symptom, ui: &UiStrings) -> String {
    let mut lines = vec![lead.to_string()];
    if let Some(f) = &s.log_file {
        lines.push(format!("{}: {f}", ui.log_file));
    }
    lines.extend(s.log_lines.iter().cloned());
    if !s.error_codes.is_empty() {
        lines.push(format!("{}: {}", ui.error_codes, s.error_codes.join(", ")));
    }
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

/// Splits a symptom as [`symptom_text`] writes it: the lead (paragraphs), then the log file
/// line, log lines and the error codes line. The description is left empty, for the
/// caller to make markdown of the lead.
pub fn split_symptom(text: &str, ui: &UiStrings) -> (String, Symptom) {
    let tail_from = text.rfind("\n\n").map_or(0, |i| i + 2);
    let (lead, rest) = match text[tail_from..].find('\n') {
        Some(i) => (&text[..tail_from + i], Some(&text[tail_from + i + 1..])),
        None => (text, None),
    };
    let mut s = Symptom {
        description: String::new(),
        log_file: None,
        log_lines: Vec::new(),
        error_codes: Vec::new(),
    };
    let mut lines: Vec<&str> = rest.map(|r| r.split('\n').collect()).unwrap_or_default();
    let log_prefix = format!("{}: ", ui.log_file);
    let codes_prefix = format!("{}: ", ui.error_codes);
    if let Some(first) = lines.first()
        && let Some(f) = first.strip_prefix(&log_prefix)
    {
        s.log_file = Some(f.to_string());
        lines.remove(0);
    }
    if let Some(last) = lines.last()
        && let Some(c) = last.strip_prefix(&codes_prefix)
    {
        s.error_codes = c.split(", ").map(str::to_string).collect();
        lines.pop();
    }
    s.log_lines = lines.iter().map(|l| l.to_string()).collect();
    (lead.to_string(), s)
}

/// The title of the note that says an advisory was withdrawn: the site's words with the
/// date as `YYYY-MM-DD`, which the import reads back ([`withdrawn_date`]).
pub fn withdrawn_title(date: crate::model::Date, ui: &UiStrings) -> String {
    ui.withdrawn_on.replace("{date}", &date.to_string())
}

/// The date of a note title made by [`withdrawn_title`], if it is one.
pub fn withdrawn_date(title: &str, ui: &UiStrings) -> Option<crate::model::Date> {
    let (before, after) = ui.withdrawn_on.split_once("{date}")?;
    let date = title.strip_prefix(before)?.strip_suffix(after)?;
    crate::model::Date::parse(date).ok()
}

/// The CVSS v3 JSON object (FIRST's `cvss-v3.x.json`) of a scored vector: version, vector,
/// the computed base score and severity, and the base metrics the vector gives, named as
/// that schema names them (CSAF mandatory test 6.1.10 checks they agree with the vector).
/// Keys come out sorted, as CSAF optional test 6.2.13 wants.
pub fn cvss_v3_json(s: &crate::vuln::Score) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for part in s.vector.split('/').skip(1) {
        let Some((metric, value)) = part.split_once(':') else {
            continue;
        };
        let named = |name: &str, values: &[(&str, &'static str)]| {
            (values.iter().find(|(v, _)| *v == value)).map(|(_, long)| (name.to_string(), *long))
        };
        const NLH: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
        let field = match metric {
            "AV" => named(
                "attackVector",
                &[
                    ("N", "NETWORK"),
                    ("A", "ADJACENT_NETWORK"),
                    ("L", "LOCAL"),
                    ("P", "PHYSICAL"),
                ],
            ),
            "AC" => named("attackComplexity", &[("L", "LOW"), ("H", "HIGH")]),
            "PR" => named("privilegesRequired", NLH),
            "UI" => named("userInteraction", &[("N", "NONE"), ("R", "REQUIRED")]),
            "S" => named("scope", &[("U", "UNCHANGED"), ("C", "CHANGED")]),
            "C" => named("confidentialityImpact", NLH),
            "I" => named("integrityImpact", NLH),
            "A" => named("availabilityImpact", NLH),
            // Temporal and environmental metrics would need their scores too.
            _ => None,
        };
        if let Some((name, long)) = field {
            m.insert(name, long.into());
        }
    }
    m.insert("baseScore".into(), serde_json::json!(s.base_score));
    m.insert("baseSeverity".into(), s.base_severity.into());
    m.insert("vectorString".into(), s.vector.clone().into());
    m.insert("version".into(), s.version.into());
    serde_json::Value::Object(m)
}

/// The name CSAF documents give the database of a vulnerability id, by its prefix.
pub fn id_system(id: &str) -> String {
    let prefix = id.split('-').next().unwrap_or(id);
    match prefix {
        "GHSA" => "GitHub Security Advisories".to_string(),
        "RUSTSEC" => "RustSec Advisory Database".to_string(),
        "GO" => "Go Vulnerability Database".to_string(),
        "PYSEC" => "PyPI Advisory Database".to_string(),
        "OSV" => "OSV".to_string(),
        _ => prefix.to_string(),
    }
}

/// Package URL types and the OSV ecosystems they stand for: a product's purl gives its
/// package, and a package its purl.
pub const PURL_ECOSYSTEMS: &[(&str, &str)] = &[
    ("cargo", "crates.io"),
    ("golang", "Go"),
    ("npm", "npm"),
    ("pypi", "PyPI"),
    ("maven", "Maven"),
    ("nuget", "NuGet"),
    ("gem", "RubyGems"),
    ("composer", "Packagist"),
    ("hex", "Hex"),
    ("pub", "Pub"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_section_5_1() {
        assert_eq!(file_name("BSI-2022-0001"), "bsi-2022-0001.json");
        assert_eq!(file_name("954474"), "954474.json");
        assert_eq!(file_name("954474-nl-NL"), "954474-nl-nl.json");
        // A run of other characters becomes one underscore.
        assert_eq!(file_name("RHSA-2021:5186"), "rhsa-2021_5186.json");
        assert_eq!(file_name("a b  c"), "a_b_c.json");
        assert_eq!(file_name("x/../y"), "x_y.json");
        assert_eq!(file_name("C++ 1.0"), "c++_1_0.json");
        assert_eq!(file_name("Größe"), "gr_e.json");
    }

    #[test]
    fn plain_text_keeps_paragraphs() {
        assert_eq!(
            plain("One **bold**\nline.\n\n\nTwo [x](https://x/).\n"),
            "One bold line.\n\nTwo x."
        );
        assert_eq!(plain("```\na\n\nb\n```\n\nc"), "a b\n\nc");
        assert_eq!(plain("  \n"), "");
    }

    #[test]
    fn symptoms_split_into_their_parts() {
        let ui = UiStrings {
            log_file: "Log file".into(),
            error_codes: "Error codes".into(),
            ..Default::default()
        };
        let text = "One.\n\nTwo.\nLog file: a.log\nline 1\nline 2\nError codes: 0x1, 0x2";
        let (lead, s) = split_symptom(text, &ui);
        assert_eq!(lead, "One.\n\nTwo.");
        assert_eq!(s.log_file.as_deref(), Some("a.log"));
        assert_eq!(s.log_lines, ["line 1", "line 2"]);
        assert_eq!(s.error_codes, ["0x1", "0x2"]);
        // What is split is what was written.
        assert_eq!(symptom_text(&lead, &s, &ui), text);
        let (lead, s) = split_symptom("Only text.", &ui);
        assert_eq!(lead, "Only text.");
        assert!(s.log_lines.is_empty() && s.log_file.is_none());
    }

    /// The CVSS object has what FIRST's schema requires, the base metrics by their schema
    /// names, and nothing of metrics whose scores it does not give.
    #[test]
    fn cvss_objects_name_the_base_metrics() {
        let v = "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C";
        let s = crate::vuln::score(v, crate::vuln::Version::V3).unwrap();
        let j = cvss_v3_json(&s);
        assert_eq!(j["version"], "3.1");
        assert_eq!(j["vectorString"], v);
        assert_eq!(j["baseScore"], s.base_score);
        assert_eq!(j["attackVector"], "LOCAL");
        assert_eq!(j["userInteraction"], "REQUIRED");
        assert_eq!(j["availabilityImpact"], "LOW");
        assert_eq!(j.as_object().unwrap().len(), 12);
        assert!(j.get("exploitCodeMaturity").is_none());
    }
}
