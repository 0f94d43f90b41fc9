//! Fuzz the TechNet importer's reader: one Markdown page with front matter in, an edition
//! out. It must never panic, and an edition it accepts must have an id and a language that
//! are safe as folder and file names (they become `advisories/<id>/<lang>.yaml`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb::import::technet::{parse, revision_line};

fn check(text: &str, path_lang: Option<&str>) {
    if let Ok(e) = parse("a.md", path_lang, text) {
        assert!(seckb::validate::unsafe_reason(&e.id).is_none(), "unsafe id {:?}", e.id);
        assert!(
            !e.lang.is_empty() && e.lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "unsafe language {:?}",
            e.lang
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The input as a whole file, front matter included.
    check(text, None);
    // The input as the body of a page with valid front matter, so mutations of the body
    // are not all spent failing on the front matter.
    check(&format!("---\nms:assetid: '1'\n---\n{text}"), Some("nl-NL"));
    // Single lines as revision lines, in the corpus's languages.
    for line in text.lines().take(8) {
        let _ = revision_line("nl-NL", line);
        let _ = revision_line("de-DE", line);
    }
});
