//! `seckb new`: scaffold an advisory folder whose every field is written out with a
//! comment, as a draft that validates at once.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::diag::Findings;
use crate::load::{self, SETTINGS_FILE};
use crate::model::{Date, Settings};
use crate::validate::ids::unsafe_reason;

/// Today's date in UTC, from the system clock (used only here, never in build output).
fn today() -> Result<Date> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    let dt = chrono::DateTime::from_timestamp(i64::try_from(secs)?, 0)
        .context("the system clock is out of range")?;
    let d = dt.date_naive();
    use chrono::Datelike;
    Date::from_ymd(d.year(), d.month(), d.day()).context("the system date is out of range")
}

pub fn run(root: &Path, id: &str, langs: &[String], date: Option<&str>) -> Result<ExitCode> {
    if let Some(why) = unsafe_reason(id) {
        bail!("`{id}` cannot be an advisory id: {why}");
    }
    let settings_path = root.join(SETTINGS_FILE);
    if std::fs::symlink_metadata(&settings_path).is_err() {
        bail!(
            "`seckb new` needs a site: no `{SETTINGS_FILE}` in `{}`",
            root.display()
        );
    }
    let text = load::file::site_text(root, SETTINGS_FILE)?;
    let mut findings = Findings::default();
    let Some(settings) = load::parse::<Settings>(SETTINGS_FILE, &text, &mut findings) else {
        bail!("`{SETTINGS_FILE}` has errors; run `seckb validate` first");
    };
    let settings: Settings = std::sync::Arc::unwrap_or_clone(settings.value);
    let site_langs: Vec<&str> = settings.languages.iter().map(|l| l.as_str()).collect();
    let langs: Vec<String> = if langs.is_empty() {
        vec![settings.default_language.0.clone()]
    } else {
        langs.to_vec()
    };
    for l in &langs {
        if !site_langs.contains(&l.as_str()) {
            bail!(
                "`{l}` is not one of the site's languages ({}); add it to `languages` in `{SETTINGS_FILE}` first",
                site_langs.join(", ")
            );
        }
    }
    let date = match date {
        Some(d) => Date::parse(d).map_err(anyhow::Error::msg)?,
        None => today()?,
    };
    let dir = root.join("advisories").join(id);
    if dir.exists() {
        bail!(
            "`{}` already exists; pick another id or edit that advisory",
            dir.display()
        );
    }
    fs_err::create_dir_all(&dir)?;
    fs_err::write(dir.join("advisory.yaml"), facts(id, &langs[0], date))?;
    for l in &langs {
        fs_err::write(
            dir.join(format!("{l}.yaml")),
            text_file(id, l, l == &langs[0]),
        )?;
    }
    eprintln!(
        "created `advisories/{id}/` ({}); fill it in, then `seckb validate`",
        langs.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

fn facts(id: &str, source: &str, date: Date) -> String {
    format!(
        r#"# yaml-language-server: $schema=../../schemas/advisory.schema.json
# The language-neutral facts of advisory {id}. Prose goes in <lang>.yaml beside this file.
id: "{id}"
# advisory (guidance, maybe no vulnerability) or bulletin (announces fixes).
kind: advisory
# The language written first; its text must be complete.
source_language: {source}
# draft (not in feeds or CSAF), interim or final.
status: draft
# Must equal the first and the last revision's dates.
published: {date}
updated: {date}
# Must equal the last revision's number.
version: "1.0"
# Oldest first; add one for every published change.
revisions:
  - number: "1.0"
    date: {date}
# false when the advisory concerns no security vulnerability at all.
security_vulnerability: true
# critical, important, moderate or low; remove when there is no rating.
# severity: important
# CVE ids, e.g. [CVE-2025-0001].
cves: []
# Knowledge Base article numbers, e.g. ["954474"].
kbs: []
# Related bulletins, e.g. [MS08-037].
bulletins: []
# Product ids from products.yaml.
products:
  affected: []
  not_affected: []
# How to fix it: kind is vendor_fix, workaround, mitigation or none_available.
# Each language describes an entry under `remediations.<id>`.
remediations: []
#  - id: update
#    kind: vendor_fix
#    kb: "1234567"
#    url: https://support.example.com/kb/1234567
#    products: []
# Links: kind is kb_article, blog, advisory or external. Each language labels them under
# `links.<id>`.
references: []
#  - id: kb
#    url: https://support.example.com/kb/1234567
#    kind: kb_article
# People and organisations credited.
acknowledgments: []
#  - name: A. Finder
#    organization: Example Research
#    url: https://research.example.net/
"#
    )
}

fn text_file(id: &str, lang: &str, source: bool) -> String {
    let role = if source { "source text" } else { "translation" };
    format!(
        r#"# yaml-language-server: $schema=../../schemas/text.schema.json
# Advisory {id}, {lang} ({role}). Markdown is allowed where a comment says so.
# The revision this text is up to date with; older than `version` marks it outdated.
revision: "1.0"
title: "Untitled advisory {id}"
# One line saying what it is about.
subtitle: ""
# Opening paragraph (markdown).
summary: |
  Describe the issue here.
# Purpose, status and recommendation (markdown).
overview:
  purpose: ""
  status: ""
  recommendation: ""
# Questions and answers (markdown answers). `symptom: 0` shows symptom 0 under an answer.
faq: []
#  - question: Am I affected?
#    answer: Check the log for the lines below.
#    symptom: 0
# What administrators see: log lines are shown verbatim.
symptoms: []
#  - description: The service logs an error.
#    log_file: service.log
#    log_lines: ["Error 0x80004005"]
#    error_codes: ["0x80004005"]
suggested_actions: []
#  - title: Install the update
#    body: Install update 1234567.
# Text for each remediation id of advisory.yaml.
remediations: {{}}
# Description of each revision number.
revisions:
  "1.0": Advisory published.
# Label of each reference id of advisory.yaml.
links: {{}}
"#
    )
}
