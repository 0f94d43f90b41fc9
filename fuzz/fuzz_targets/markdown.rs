//! Fuzz the markdown renderer and sanitizer: it must never panic, and its output must
//! never contain a script element or a script link.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let html = seckb::markdown::to_html(text).to_ascii_lowercase();
    assert!(!html.contains("<script"), "script survived: {html}");
    // As text `javascript:` is harmless (and `<`, `>` in text are escaped, so a raw `<`
    // always opens a tag); inside a tag it must never survive.
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
        for bad in ["javascript:", "data:", "vbscript:", " on"] {
            assert!(!tag.contains(bad), "{bad} survived in <{tag}>: {html}");
        }
    }
    let _ = seckb::markdown::to_inline_html(text);
    let _ = seckb::markdown::to_plain(text);
});
