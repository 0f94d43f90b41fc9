//! One broken fixture per validation rule, with the exact finding it must produce.

mod common;

use common::{copy_fixture, edit};
use seckb::engine::check;

const ADV: &str = "advisories/ADV-2024-0001/advisory.yaml";
const EN: &str = "advisories/ADV-2024-0001/en-US.yaml";
const NL: &str = "advisories/ADV-2024-0001/nl-NL.yaml";

/// The headlines of all errors after applying `edits` to the basic fixture.
fn errors_after(edits: &[(&str, &str, &str)]) -> Vec<String> {
    let dir = copy_fixture("basic");
    for (file, from, to) in edits {
        edit(dir.path(), file, from, to);
    }
    headlines(dir.path(), true)
}

fn headlines(root: &std::path::Path, errors_only: bool) -> Vec<String> {
    let (_, findings) = check(root, &Default::default()).expect("loads");
    findings
        .sorted()
        .into_iter()
        .filter(|f| !errors_only || f.severity == seckb::diag::Severity::Error)
        .map(|f| format!("{} | {}", f.headline(), f.hint.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn the_basic_fixture_has_only_the_expected_warnings() {
    let dir = copy_fixture("basic");
    assert_eq!(
        headlines(dir.path(), false),
        [
            "advisories/ADV-2023-0002/advisory.yaml:1:5: warning[missing-translation]: no `nl-NL` text; pages in `nl-NL` show the `en-US` text | translate it into `advisories/ADV-2023-0002/nl-NL.yaml`",
            "advisories/ADV-2024-0001/nl-NL.yaml:1:11: warning[outdated-translation]: this translation is at revision `1.0`, the advisory at `1.1` | bring the text up to date, then set `revision: \"1.1\"`",
        ]
    );
}

#[test]
fn yaml_syntax() {
    assert_eq!(
        errors_after(&[(
            EN,
            "title: Widget Server remote code execution",
            "title: [Widget"
        )]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:3:9: error[yaml-syntax]: invalid YAML: illegal placement of ':' indicator | check indentation, quotes and brackets around this point"
        ]
    );
}

#[test]
fn unknown_field_suggests_a_name() {
    assert_eq!(
        errors_after(&[(EN, "subtitle:", "subtitel:")]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:3:1: error[unknown-field]: unknown field `subtitel` | did you mean `subtitle`?"
        ]
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        errors_after(&[(ADV, "cves: [CVE-2024-0001]", "cves: CVE-2024-0001")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:15:7: error[invalid-type]: invalid type: string \"CVE-2024-0001\", expected a sequence at `cves` | quote text that YAML reads as a number, date or boolean, e.g. `\"1.0\"`"
        ]
    );
}

#[test]
fn invalid_date() {
    assert_eq!(
        errors_after(&[(ADV, "published: 2024-03-12", "published: 2024-02-30")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:5:12: error[invalid-date]: invalid date `2024-02-30`: no such day in the calendar at `published` | write dates as YYYY-MM-DD, e.g. `2008-06-13`"
        ]
    );
}

#[test]
fn missing_field() {
    assert_eq!(
        errors_after(&[(EN, "title: Widget Server remote code execution\n", "")]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:1:1: error[missing-field]: missing field `title` | add `title`; `seckb schema` lists every field"
        ]
    );
}

#[test]
fn unknown_enum_value() {
    assert_eq!(
        errors_after(&[(ADV, "kind: bulletin", "kind: bulletn")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:2:7: error[unknown-value]: unknown value `bulletn` at `kind` | did you mean `bulletin`?"
        ]
    );
}

#[test]
fn unsafe_id() {
    assert_eq!(
        errors_after(&[(ADV, "id: ADV-2024-0001", "id: ../x")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:1:5: error[unsafe-id]: unsafe id `../x`: only ASCII letters, digits, `.`, `_` and `-` are allowed | ids become file names and URLs; use e.g. `954474` or `ADV-2024-0001`"
        ]
    );
}

#[test]
fn id_must_match_folder() {
    assert_eq!(
        errors_after(&[(ADV, "id: ADV-2024-0001", "id: ADV-2024-0009")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:1:5: error[id-mismatch]: id `ADV-2024-0009` differs from its folder `ADV-2024-0001` | rename the folder to `advisories/ADV-2024-0009` or set `id: \"ADV-2024-0001\"`"
        ]
    );
}

#[test]
fn duplicate_product_id() {
    assert_eq!(
        errors_after(&[("products.yaml", "id: widget-client", "id: Widget-Server-2")]),
        [
            "advisories/ADV-2023-0002/advisory.yaml:13:14: error[unknown-product]: product `widget-client` is not in `products.yaml` | expected one of `widget-server-2`, `widget-server-3`, `Widget-Server-2`",
            "advisories/ADV-2024-0001/advisory.yaml:19:18: error[unknown-product]: product `widget-client` is not in `products.yaml` | expected one of `widget-server-2`, `widget-server-3`, `Widget-Server-2`",
            "products.yaml:8:9: error[duplicate-id]: product id `Widget-Server-2` is already used by product 1 | give each product its own id",
        ]
    );
}

#[test]
fn duplicate_key() {
    assert_eq!(
        errors_after(&[(
            EN,
            "revision: \"1.1\"\n",
            "revision: \"1.1\"\nrevision: \"1.0\"\n"
        )]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:2:1: error[duplicate-key]: key `revision` appears twice | remove or rename one of them; the later one would silently win"
        ]
    );
}

#[test]
fn unknown_language() {
    let dir = copy_fixture("basic");
    std::fs::rename(
        dir.path().join(NL),
        dir.path().join("advisories/ADV-2024-0001/nl_NL.yaml"),
    )
    .unwrap();
    assert_eq!(
        headlines(dir.path(), true),
        [
            "advisories/ADV-2024-0001/nl_NL.yaml:1:1: error[unknown-language]: `nl_NL` is not one of the site's languages | `nl_NL` is not a BCP 47 tag (The given language subtag is invalid); did you mean `nl-NL`?"
        ]
    );
}

#[test]
fn unknown_product_suggests_a_name() {
    assert_eq!(
        errors_after(&[(
            ADV,
            "affected: [widget-server-2,",
            "affected: [widget-server2,"
        )]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:18:14: error[unknown-product]: product `widget-server2` is not in `products.yaml` | did you mean `widget-server-2`?"
        ]
    );
}

#[test]
fn product_both_affected_and_not() {
    assert_eq!(
        errors_after(&[(
            ADV,
            "not_affected: [widget-client]",
            "not_affected: [widget-server-3]"
        )]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:19:18: error[product-conflict]: product `widget-server-3` is both affected and not affected | remove it from one of the two lists"
        ]
    );
}

#[test]
fn revisions_out_of_order() {
    assert_eq!(
        errors_after(&[(
            ADV,
            "  - number: \"1.1\"\n    date: 2024-04-02",
            "  - number: \"0.9\"\n    date: 2024-03-01"
        )]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:6:10: error[revision-mismatch]: `updated` is 2024-04-02 but the last revision is dated 2024-03-01 | set `updated: 2024-03-01` or add a revision for the update",
            "advisories/ADV-2024-0001/advisory.yaml:7:10: error[revision-mismatch]: `version` is `1.1` but the last revision is `0.9` | set `version: \"0.9\"`",
            "advisories/ADV-2024-0001/advisory.yaml:11:13: error[revision-order]: revision `0.9` does not come after `1.0` | list revisions oldest first, each with a higher number",
            "advisories/ADV-2024-0001/advisory.yaml:12:11: error[revision-order]: revision `0.9` is dated 2024-03-01, before revision `1.0` (2024-03-12) | list revisions oldest first; dates may not go back",
            "advisories/ADV-2024-0001/en-US.yaml:1:11: error[unknown-key]: revision `1.1` is not in the revision history | did you mean `1.0`?",
            "advisories/ADV-2024-0001/en-US.yaml:30:1: error[missing-text]: no text in `revisions` for revision `0.9` | add `0.9: ...` under `revisions`",
            "advisories/ADV-2024-0001/en-US.yaml:32:3: error[unknown-key]: `revisions` names revision `1.1`, which `advisory.yaml` does not have | did you mean `1.0`?",
            "advisories/ADV-2024-0001/nl-NL.yaml:20:3: error[unknown-key]: `revisions` names revision `1.1`, which `advisory.yaml` does not have | did you mean `1.0`?",
        ]
    );
}

#[test]
fn published_disagrees_with_history() {
    assert_eq!(
        errors_after(&[(ADV, "published: 2024-03-12", "published: 2024-03-13")]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:5:12: error[revision-mismatch]: `published` is 2024-03-13 but the first revision is dated 2024-03-12 | set `published: 2024-03-12` or fix the first revision's date"
        ]
    );
}

#[test]
fn source_language_text_is_required() {
    let dir = copy_fixture("basic");
    std::fs::remove_file(dir.path().join(EN)).unwrap();
    assert_eq!(
        headlines(dir.path(), true),
        [
            "advisories/ADV-2024-0001/advisory.yaml:3:18: error[missing-text]: the source language `en-US` has no text | write `advisories/ADV-2024-0001/en-US.yaml` with at least `revision`, `title` and `summary`"
        ]
    );
}

#[test]
fn source_language_must_describe_every_revision() {
    assert_eq!(
        errors_after(&[(EN, "  \"1.1\": Added Widget Server 3.\n", "")]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:30:1: error[missing-text]: no text in `revisions` for revision `1.1` | add `1.1: ...` under `revisions`"
        ]
    );
}

#[test]
fn translation_gaps_are_warnings() {
    let dir = copy_fixture("basic");
    edit(dir.path(), NL, "  cve: CVE-2024-0001\n", "");
    let all = headlines(dir.path(), false);
    assert!(all.contains(&"advisories/ADV-2024-0001/nl-NL.yaml:21:1: warning[missing-translation]: no text in `links` for reference `cve`; the source language's is shown | add `cve: ...` under `links`".to_string()), "{all:#?}");
    assert!(headlines(dir.path(), true).is_empty());
}

#[test]
fn unknown_keys_in_text() {
    assert_eq!(
        errors_after(&[(
            EN,
            "  kb: Knowledge Base article 5001234",
            "  kbb: Knowledge Base article 5001234"
        )]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:33:1: error[missing-text]: no text in `links` for reference `kb` | add `kb: ...` under `links`",
            "advisories/ADV-2024-0001/en-US.yaml:34:3: error[unknown-key]: `links` names reference `kbb`, which `advisory.yaml` does not have | did you mean `kb`?",
        ]
    );
}

#[test]
fn malformed_and_unsafe_urls() {
    assert_eq!(
        errors_after(&[
            (
                ADV,
                "url: https://research.example.net/",
                "url: javascript:alert(1)"
            ),
            (
                EN,
                "[update 5001234](https://support.example.org/kb/5001234)",
                "[update 5001234](/kb/5001234)"
            ),
        ]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:37:10: error[invalid-url]: `javascript:alert(1)` uses the scheme `javascript`; only http, https and mailto are allowed | write a full address such as `https://support.example.com/kb/123`",
            "advisories/ADV-2024-0001/en-US.yaml:5:3: error[invalid-url]: link in `summary`: `/kb/5001234` is not an absolute URL (relative URL without a base) | links in text must be full http, https or mailto addresses",
        ]
    );
}

#[test]
fn every_language_needs_site_text() {
    let dir = copy_fixture("basic");
    std::fs::remove_file(dir.path().join("i18n/nl-NL.yaml")).unwrap();
    assert_eq!(
        headlines(dir.path(), true),
        [
            "seckb.yaml:3:20: error[missing-file]: language `nl-NL` has no `i18n/nl-NL.yaml` | copy `i18n/en-US.yaml` to it and translate the site title, UI strings, support and disclaimer text"
        ]
    );
}

#[test]
fn invalid_utf8() {
    let dir = copy_fixture("basic");
    std::fs::write(dir.path().join(EN), b"revision: \"1.1\"\ntitle: caf\xe9\n").unwrap();
    assert_eq!(
        headlines(dir.path(), true),
        [
            "advisories/ADV-2024-0001/en-US.yaml:2:11: error[invalid-utf8]: the file is not valid UTF-8 | save the file as UTF-8"
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused() {
    let dir = copy_fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("advisories/evil")).unwrap();
    assert_eq!(
        headlines(dir.path(), true),
        [
            "advisories/evil:1:1: error[symlink]: `advisories/evil` is a symbolic link | links could reach outside the site; copy the files instead"
        ]
    );
}

#[test]
fn crlf_and_bom_are_accepted() {
    let dir = copy_fixture("basic");
    let path = dir.path().join(EN);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    assert!(headlines(dir.path(), true).is_empty());
}

#[test]
fn findings_from_all_files_come_together() {
    let errors = errors_after(&[
        (EN, "subtitle:", "subtitel:"),
        (ADV, "kind: bulletin", "kind: bulletn"),
        (
            "products.yaml",
            "vendor: Example\n  - id: widget-client",
            "vendor: Example\n  - id: widget/client",
        ),
    ]);
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn every_unknown_field_of_a_file_is_reported_at_once() {
    assert_eq!(
        errors_after(&[
            (EN, "subtitle:", "subtitel:"),
            (
                EN,
                "  purpose: Tell administrators about the update.",
                "  purpsoe: Tell administrators about the update."
            ),
            (EN, "    log_file: widget.log", "    logfile: widget.log"),
        ]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:3:1: error[unknown-field]: unknown field `subtitel` | did you mean `subtitle`?",
            "advisories/ADV-2024-0001/en-US.yaml:8:3: error[unknown-field]: unknown field `purpsoe` in `overview` | did you mean `purpose`?",
            "advisories/ADV-2024-0001/en-US.yaml:19:5: error[unknown-field]: unknown field `logfile` in `symptoms[0]` | did you mean `log_file`?",
        ]
    );
}

#[test]
fn a_new_language_needs_only_its_name_and_falls_back() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        "seckb.yaml",
        "languages: [en-US, nl-NL]",
        "languages: [en-US, nl-NL, fr-FR]",
    );
    std::fs::write(
        dir.path().join("i18n/fr-FR.yaml"),
        "language_name: Français\nui:\n  published: Publié\n",
    )
    .unwrap();
    let all = headlines(dir.path(), false);
    // Every text but the one label given falls back.
    let untranslated = seckb::model::SiteText::default().entries().len() - 1;
    let expected = format!(
        "i18n/fr-FR.yaml:1:1: warning[missing-translation]: {untranslated} text(s) not translated, shown in `en-US`: `site_title`, `site_description`, `support`, `disclaimer`, `ui.skip_to_content`, `ui.language` and {} more",
        untranslated - 6
    );
    assert!(all.iter().any(|h| h.starts_with(&expected)), "{all:#?}");
    assert!(headlines(dir.path(), true).is_empty());
    let (project, _) = check(dir.path(), &Default::default()).unwrap();
    let out = seckb::engine::build_site(&project).unwrap();
    let page = String::from_utf8(out.files()["fr-FR/advisories/ADV-2024-0001/index.html"].to_vec())
        .unwrap();
    assert!(
        page.contains("<dt>Publié</dt>") && page.contains("<dt>Updated</dt>"),
        "{page}"
    );
}

#[test]
fn the_default_language_must_have_every_text() {
    assert_eq!(
        errors_after(&[("i18n/en-US.yaml", "  published: Published\n", "")]),
        [
            "i18n/en-US.yaml:1:1: error[missing-text]: the default language lacks 1 text(s): `ui.published` | every label must exist in the default language, which other languages fall back to"
        ]
    );
}

#[test]
fn ids_that_meet_in_a_csaf_file_name() {
    let dir = copy_fixture("basic");
    for id in ["ADV.1", "adv_1"] {
        common::copy_tree(
            &dir.path().join("advisories/ADV-2023-0002"),
            &dir.path().join("advisories").join(id),
        );
        edit(
            dir.path(),
            &format!("advisories/{id}/advisory.yaml"),
            "id: ADV-2023-0002",
            &format!("id: {id}"),
        );
    }
    let errors = headlines(dir.path(), true);
    assert_eq!(
        errors,
        [
            "advisories/adv_1/advisory.yaml:1:5: error[duplicate-id]: the CSAF document of `adv_1` (en-US) would have the same file name `adv_1.json` as that of `ADV.1 (en-US)` | CSAF file names are the lowercased tracking id with other characters as `_`; rename one of the advisories"
        ]
    );
}

#[test]
fn control_characters_in_any_text_of_any_file() {
    assert_eq!(
        errors_after(&[
            (
                EN,
                "title: Widget Server remote code execution",
                "title: \"NUL\\0here\""
            ),
            (
                EN,
                "question: Is Widget Client affected?",
                "question: \"Is\\e[31m\""
            ),
            (ADV, "name: Alex Example", "name: \"Alex\\x01\""),
            (
                "products.yaml",
                "name: Widget Client",
                "name: \"Widget\\vClient\""
            ),
            (
                "i18n/nl-NL.yaml",
                "language_name: Nederlands",
                "language_name: \"Neder\\uFFFElands\""
            ),
            (
                "seckb.yaml",
                "name: Example Security Response",
                "name: \"Example\\x85\""
            ),
        ]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:35:11: error[control-character]: the value at `acknowledgments[0].name` holds U+0001 (SOH), a control character: `Alex\\u{1}` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "advisories/ADV-2024-0001/en-US.yaml:2:8: error[control-character]: the value at `title` holds U+0000 (NUL), a control character: `NUL\\0here` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "advisories/ADV-2024-0001/en-US.yaml:15:15: error[control-character]: the value at `faq[1].question` holds U+001B (ESC), a control character: `Is\\u{1b}[31m` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "i18n/nl-NL.yaml:3:16: error[control-character]: the value at `language_name` holds U+FFFE (non-character), a Unicode non-character: `Neder\\u{fffe}lands` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "products.yaml:9:11: error[control-character]: the value at `products[2].name` holds U+000B (VT), a control character: `Widget\\u{b}Client` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "seckb.yaml:5:9: error[control-character]: the value at `publisher.name` holds U+0085 (C1 control), a control character: `Example\\u{85}` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
        ]
    );
}

#[test]
fn line_breaks_only_in_markdown_fields() {
    assert_eq!(
        errors_after(&[
            (
                EN,
                "title: Widget Server remote code execution",
                "title: >\n  Widget Server\n  remote code execution"
            ),
            // Markdown may span lines and hold tabs.
            (
                EN,
                "purpose: Tell administrators about the update.",
                "purpose: \"Tell\\tadministrators\\n\\nabout the update.\""
            ),
        ]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:3:3: error[control-character]: the value at `title` holds U+000A (LF), not allowed in a one-line text: `…de execution\\n` | this text is one line: join the lines (a YAML `>` or `|` block adds a line break at its end; use `>-`)",
        ]
    );
}

#[test]
fn identifiers_of_other_databases_have_their_format() {
    assert_eq!(
        errors_after(&[
            (
                ADV,
                "cves: [CVE-2024-0001]",
                "cves: [\"CVE-2008-1234<script>\"]"
            ),
            (
                ADV,
                "kbs: [\"5001234\"]",
                "kbs: [\"~\", \"1e400\", \"0x10\"]\nbulletins: [\"MS08/037\"]"
            ),
        ]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:15:8: error[invalid-id]: `CVE-2008-1234<script>` is not a valid CVE id | a CVE id is `CVE-`, a four-digit year, `-` and at least four digits, e.g. `CVE-2008-1234`",
            "advisories/ADV-2024-0001/advisory.yaml:16:7: error[invalid-id]: `~` is not a valid KB number | a KB number is 1 to 10 digits, not starting with `0`, e.g. `954474`",
            "advisories/ADV-2024-0001/advisory.yaml:16:12: error[invalid-id]: `1e400` is not a valid KB number | a KB number is 1 to 10 digits, not starting with `0`, e.g. `954474`",
            "advisories/ADV-2024-0001/advisory.yaml:16:21: error[invalid-id]: `0x10` is not a valid KB number | a KB number is 1 to 10 digits, not starting with `0`, e.g. `954474`",
            "advisories/ADV-2024-0001/advisory.yaml:17:13: error[invalid-id]: `MS08/037` is not a valid bulletin id | use 1 to 64 ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit, e.g. `MS08-037`",
        ]
    );
}

#[test]
fn reference_urls_are_stored_normalized() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        ADV,
        "url: https://support.example.org/kb/5001234\n    kind: kb_article",
        "url: \"HTTPS://Support.Example.ORG/kb/\\\"><x\"\n    kind: kb_article",
    );
    let (project, findings) = check(dir.path(), &Default::default()).expect("loads");
    assert_eq!(findings.errors(), 0, "{:?}", findings.sorted());
    let adv = project.advisories.iter().find(|a| a.dir == "ADV-2024-0001");
    let facts = adv.and_then(|a| a.facts.as_ref()).expect("facts");
    assert_eq!(
        facts.value.references[0].url,
        "https://support.example.org/kb/%22%3E%3Cx"
    );
    // What the URL parser would drop or encode silently is an error instead.
    assert_eq!(
        errors_after(&[(
            ADV,
            "url: https://research.example.net/",
            "url: \"https://research.example.net/\\0\""
        )]),
        [
            "advisories/ADV-2024-0001/advisory.yaml:37:10: error[control-character]: the value at `acknowledgments[0].url` holds U+0000 (NUL), a control character: `…example.net/\\0` | remove the character (often an escape such as `\\0`, `\\e` or `\\x1b` in a double-quoted string, or pasted from a terminal)",
            "advisories/ADV-2024-0001/advisory.yaml:37:10: error[invalid-url]: `https://research.example.net/\\0` holds a space or control character, which a URL cannot hold | percent-encode it (a space is `%20`) or remove it",
        ]
    );
}

#[test]
fn settings_that_become_ids_and_urls() {
    assert_eq!(
        errors_after(&[
            (
                "seckb.yaml",
                "base_url: https://advisories.example.org/",
                "base_url: \"https://u:p@Advisories.example.org/?x#y\"\nosv_prefix: ../../tmp/x-"
            ),
            (
                "seckb.yaml",
                "namespace: https://example.org",
                "namespace: \"https://example.org/a\\\"b\""
            ),
        ]),
        [
            "seckb.yaml:1:11: error[invalid-url]: `base_url` `https://u:p@Advisories.example.org/?x#y` holds a user name or password | e.g. `https://advisories.example.org/`",
            "seckb.yaml:2:13: error[invalid-id]: `osv_prefix` `../../tmp/x-` cannot start an OSV id: it must be ASCII letters and digits, in words joined by `-`, starting with a letter, at most 32 characters | OSV ids are `<DB>-<id>`; use the name of your database, e.g. `EXAMPLE-`",
            "seckb.yaml:7:14: error[invalid-url]: `publisher.namespace` `https://example.org/a\\\"b` is not written in normal form; write `https://example.org/a%22b` | e.g. `https://advisories.example.org/`",
        ]
    );
    assert_eq!(
        errors_after(&[(
            "seckb.yaml",
            "base_url: https://advisories.example.org/",
            "base_url: HTTPS://Advisories.Example.org/"
        )]),
        [
            "seckb.yaml:1:11: error[invalid-url]: `base_url` `HTTPS://Advisories.Example.org/` is not written in normal form; write `https://advisories.example.org/` | e.g. `https://advisories.example.org/`",
        ]
    );
}

#[test]
fn markdown_with_too_many_elements_in_one_file() {
    let many = |n: usize| "*a* ".repeat(n);
    assert_eq!(
        errors_after(&[
            (
                EN,
                "purpose: Tell administrators about the update.",
                &format!("purpose: \"{}\"", many(30_000))
            ),
            (
                EN,
                "answer: Look for these lines in the server log.",
                &format!("answer: \"{}\"", many(25_000))
            ),
            // Its own file's budget: the Dutch text is under it.
            (
                NL,
                "answer: Zoek deze regels in het serverlogboek.",
                &format!("answer: \"{}\"", many(30_000))
            ),
        ]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:13:13: error[markdown-too-large]: the markdown of this file makes more than 50000 HTML elements, the most a file may make (tags, list items, table cells, emphasis, links and raw HTML elements all count), passing it on line 1 of the text at `faq[0].answer` | split the text: publish parts as separate advisories, or move long tables and lists to a document the advisory links to",
        ]
    );
}
