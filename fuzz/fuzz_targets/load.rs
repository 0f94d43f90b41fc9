//! Fuzz the advisory loader: YAML parsing into every file type, the position index, the
//! schema walk for unknown fields, and the rendering of findings with source snippets.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use seckb::diag::Findings;
use seckb::load::parse;
use seckb::model::{Advisory, AdvisoryText, Catalog, Settings, SiteText};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut f = Findings::default();
    let _ = parse::<Advisory>("a.yaml", text, &mut f);
    let _ = parse::<AdvisoryText>("a.yaml", text, &mut f);
    let _ = parse::<Catalog>("a.yaml", text, &mut f);
    let _ = parse::<Settings>("a.yaml", text, &mut f);
    let _ = parse::<SiteText>("a.yaml", text, &mut f);
    let sources = BTreeMap::from([("a.yaml".to_string(), text.to_string())]);
    let _ = f.to_text(&sources, false);
    let _ = f.to_json();
});
