//! Fuzz the markdown renderer and sanitizer: it must never panic, and its output must
//! never contain a script element, an event-handler attribute, or a script link.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Attributes that hold a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href", "src", "srcset", "action", "formaction", "cite", "background", "poster",
    "xlink:href", "data",
];

/// The attributes of a start tag as the sanitizer writes them: `name="value"`, with `"` in
/// values escaped, so a value never holds a quote.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    while let Some((name, after)) = rest.split_once("=\"") {
        let Some((value, next)) = after.split_once('"') else { break };
        out.push((name.trim(), value));
        rest = next;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let html = seckb::markdown::to_html(text).to_ascii_lowercase();
    assert!(!html.contains("<script"), "script survived: {html}");
    // As text `javascript:` is harmless (and `<`, `>` in text are escaped, so a raw `<`
    // always opens a tag); so is an attribute such as `title` that merely mentions it. Only
    // event handlers and URL attributes are checked, as a browser reads them: entities
    // decoded, and tabs, newlines and control characters dropped from the scheme.
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
        for (name, value) in attributes(tag) {
            assert!(!name.starts_with("on"), "event handler in <{tag}>: {html}");
            if URL_ATTRIBUTES.contains(&name) {
                let url: String = value
                    .replace("&amp;", "&")
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for bad in ["javascript:", "data:", "vbscript:"] {
                    assert!(!url.starts_with(bad), "{bad} survived in <{tag}>: {html}");
                }
            }
        }
    }
    let _ = seckb::markdown::to_inline_html(text);
    let _ = seckb::markdown::to_plain(text);
});
