//! Language tags must be valid BCP 47 and listed in `seckb.yaml` (`unknown-language`);
//! every listed language needs its site text (`missing-file`).

use crate::diag::{Finding, Findings};
use crate::i18n::parse_tag;
use crate::load::Project;
use crate::load::did_you_mean;
use crate::load::spans::Pos;

use super::site_languages;

pub fn check(p: &Project, findings: &mut Findings) {
    let Some(settings) = &p.settings else { return };
    let langs = site_languages(p);
    let listed: Vec<String> = langs.iter().map(|s| s.to_string()).collect();
    let file = &settings.file;
    for (i, tag) in langs.iter().enumerate() {
        let pos = settings.spans.value(&format!("languages[{i}]"));
        if let Err(why) = parse_tag(tag) {
            findings.push(
                Finding::error(
                    file,
                    pos,
                    "unknown-language",
                    format!("`{tag}` is not a BCP 47 language tag"),
                )
                .hint(format!(
                    "{why}; tags look like `nl-NL`, `de-DE` or `zh-Hant`"
                )),
            );
        }
        if langs[..i].contains(tag) {
            findings.push(
                Finding::error(
                    file,
                    pos,
                    "duplicate-id",
                    format!("language `{tag}` is listed twice"),
                )
                .hint("list each language once"),
            );
        }
        if !p.site_texts.contains_key(*tag) {
            findings.push(
                Finding::error(file, pos, "missing-file", format!("language `{tag}` has no `i18n/{tag}.yaml`"))
                    .hint("copy `i18n/en-US.yaml` to it and translate the site title, UI strings, support and disclaimer text"),
            );
        }
    }
    let default = settings.value.default_language.as_str();
    if !langs.contains(&default) {
        findings.push(
            Finding::error(
                file,
                settings.spans.value("default_language"),
                "unknown-language",
                format!("default language `{default}` is not in `languages`"),
            )
            .hint(did_you_mean(default, &listed, "language")),
        );
    }
    site_texts(p, &langs, default, findings);
    advisory_languages(p, &langs, &listed, findings);
    product_names(p, &langs, &listed, findings);
}

/// Each site text: complete in the default language (a gap elsewhere is shown in it), and
/// of one of the site's languages.
fn site_texts(p: &Project, langs: &[&str], default: &str, findings: &mut Findings) {
    for (stem, text) in &p.site_texts {
        let missing: Vec<String> = text
            .value
            .entries()
            .into_iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
        if !missing.is_empty() {
            let listed = missing
                .iter()
                .take(6)
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if missing.len() > 6 {
                format!(" and {} more", missing.len() - 6)
            } else {
                String::new()
            };
            let f = if stem == default {
                Finding::error(&text.file, Pos::default_start(), "missing-text", format!("the default language lacks {} text(s): {listed}{more}", missing.len()))
                    .hint("every label must exist in the default language, which other languages fall back to")
            } else {
                Finding::warning(
                    &text.file,
                    Pos::default_start(),
                    "missing-translation",
                    format!(
                        "{} text(s) not translated, shown in `{default}`: {listed}{more}",
                        missing.len()
                    ),
                )
                .hint("translate them in this file")
            };
            findings.push(f);
        }
        if !langs.contains(&stem.as_str()) {
            findings.push(
                Finding::error(
                    &text.file,
                    Pos::default_start(),
                    "unknown-language",
                    format!("`{stem}` is not one of the site's languages"),
                )
                .hint(format!(
                    "add `{stem}` to `languages` in `seckb.yaml`, or remove the file"
                )),
            );
        }
    }
}

/// The languages of products' `names` are the site's.
fn product_names(p: &Project, langs: &[&str], listed: &[String], findings: &mut Findings) {
    let Some(catalog) = &p.catalog else { return };
    for (i, product) in catalog.value.products.iter().enumerate() {
        for lang in product.names.keys() {
            if !langs.contains(&lang.as_str()) {
                findings.push(
                    Finding::error(
                        &catalog.file,
                        catalog.spans.key(&format!("products[{i}].names.{lang}")),
                        "unknown-language",
                        format!("product `{}` has a name in `{lang}`, which is not one of the site's languages", product.id),
                    )
                    .hint(did_you_mean(lang, listed, "language")),
                );
            }
        }
    }
}

/// Each advisory's source language and texts are of the site's languages.
fn advisory_languages(p: &Project, langs: &[&str], listed: &[String], findings: &mut Findings) {
    for adv in &p.advisories {
        if let Some(facts) = &adv.facts {
            let src = facts.value.source_language.as_str();
            if !langs.contains(&src) {
                findings.push(
                    Finding::error(
                        &facts.file,
                        facts.spans.value("source_language"),
                        "unknown-language",
                        format!("source language `{src}` is not one of the site's languages"),
                    )
                    .hint(did_you_mean(src, listed, "language")),
                );
            }
        }
        for (stem, text) in &adv.texts {
            if !langs.contains(&stem.as_str()) {
                let why = parse_tag(stem)
                    .err()
                    .map(|w| format!("`{stem}` is not a BCP 47 tag ({w}); "))
                    .unwrap_or_default();
                findings.push(
                    Finding::error(
                        &text.file,
                        Pos::default_start(),
                        "unknown-language",
                        format!("`{stem}` is not one of the site's languages"),
                    )
                    .hint(format!("{why}{}", did_you_mean(stem, listed, "language"))),
                );
            }
        }
    }
}
