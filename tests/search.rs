//! Search: the Pagefind index of every language, its determinism, what it indexes, the
//! integrity hashes of the search page's scripts, CJK segmentation, and that no page needs
//! an inline script, style or event handler (so a strict Content-Security-Policy holds).
//! The search itself, in a browser, is `tests/browser/search.mjs`.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::{copy_fixture, fixture};
use serde_json::Value;

/// Builds the site at `root` in memory: path -> bytes.
fn build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (project, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    assert!(findings.is_ok(), "{:?}", findings.sorted());
    seckb::engine::build_site(&project).unwrap().contents()
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .clone(),
    )
    .unwrap()
}

/// The contents of a Pagefind index file: gzip around a `pagefind_dcd` signature.
fn unpack(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out.strip_prefix(b"pagefind_dcd")
        .expect("Pagefind's signature")
        .to_vec()
}

#[test]
fn every_language_has_an_index_of_every_advisory() {
    let files = build(&fixture("basic"));
    let entry: Value = serde_json::from_slice(&files["pagefind/pagefind-entry.json"]).unwrap();
    let langs = entry["languages"].as_object().unwrap();
    assert_eq!(
        langs.keys().collect::<Vec<_>>(),
        ["en-us", "nl-nl"],
        "{entry}"
    );
    for (lang, index) in langs {
        assert_eq!(index["page_count"], 2, "{lang}: {index}");
        // Stemming is per language: the language's own module is published.
        assert_eq!(index["wasm"], lang.as_str());
        assert!(files.contains_key(&format!("pagefind/wasm.{lang}.pagefind")));
        let meta = format!(
            "pagefind/pagefind.{}.pf_meta",
            index["hash"].as_str().unwrap()
        );
        assert!(files.contains_key(&meta), "no {meta}");
        for dir in ["index", "fragment", "filter"] {
            assert!(
                files
                    .keys()
                    .any(|k| k.starts_with(&format!("pagefind/{dir}/{lang}_"))),
                "{lang}: no {dir} files"
            );
        }
    }
    // Only what the search page uses: no ready-made UIs, no worker.
    assert!(files.contains_key("pagefind/pagefind.js"));
    for unused in [
        "pagefind-ui.js",
        "pagefind-worker.js",
        "wasm.unknown.pagefind",
    ] {
        assert!(
            !files.contains_key(&format!("pagefind/{unused}")),
            "{unused}"
        );
    }
    for lang in ["en-US", "nl-NL"] {
        assert!(files.contains_key(&format!("{lang}/search/index.html")));
    }
}

#[test]
fn the_index_is_the_same_in_every_build() {
    let first = build(&fixture("basic"));
    let second = build(&fixture("basic"));
    let index = |f: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        f.iter()
            .filter(|(k, _)| k.starts_with("pagefind/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert!(index(&first).len() > 5);
    assert!(
        index(&first) == index(&second),
        "the index differs between builds"
    );
    // Across processes (other hash seeds) too: `tests/site.rs` builds twice with the CLI.
}

/// The urls of the records in the index of one part (`dir`, e.g. `pagefind/1/`), by language:
/// read from the part's own fragment files.
fn record_urls(files: &BTreeMap<String, Vec<u8>>, dir: &str) -> BTreeMap<String, Vec<String>> {
    let mut urls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, bytes) in files {
        let Some(name) = path.strip_prefix(&format!("{dir}fragment/")) else {
            continue;
        };
        let lang = name.split('_').next().unwrap().to_string();
        let fragment: Value = serde_json::from_slice(&unpack(bytes)).unwrap();
        urls.entry(lang)
            .or_default()
            .push(fragment["url"].as_str().unwrap().to_string());
    }
    urls
}

/// With `search.records_per_part`, each language's index is in parts: every advisory is in
/// exactly one part of every language (the one its id hashes to), each part has its own
/// entry file and no search modules of its own, and the search page names the other parts.
#[test]
fn an_index_in_parts_holds_every_advisory_once() {
    let dir = common::copy_repository("search:\n  records_per_part: 16\n");
    let files = build(dir.path());
    let ids: Vec<String> = std::fs::read_dir(dir.path().join("advisories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let most = ids.len().div_ceil(16).next_power_of_two();
    let dirs: Vec<String> = (0..)
        .map(seckb::search::part_dir)
        .take_while(|d| files.contains_key(&format!("{d}pagefind-entry.json")))
        .collect();
    assert!(
        dirs.len() >= 2 && dirs.len() <= most && dirs.len().is_power_of_two(),
        "{} advisories, at most 16 a part: {dirs:?}",
        ids.len()
    );
    for lang in ["de-DE", "en-US", "nl-NL"] {
        let key = lang.to_lowercase();
        let mut all = Vec::new();
        for (n, dir) in dirs.iter().enumerate() {
            let entry: Value =
                serde_json::from_slice(&files[&format!("{dir}pagefind-entry.json")]).unwrap();
            let urls = record_urls(&files, dir).remove(&key).unwrap_or_default();
            assert!(!urls.is_empty(), "{lang}: part {n} is empty");
            assert_eq!(
                entry["languages"][&key]["page_count"],
                urls.len(),
                "{lang} {n}"
            );
            for url in &urls {
                let id = url.split('/').nth(2).unwrap();
                assert_eq!(seckb::search::part_of(id, dirs.len()), n, "{url}");
            }
            all.extend(urls);
        }
        all.sort();
        let mut expected: Vec<String> = ids
            .iter()
            .map(|id| format!("{lang}/advisories/{id}/"))
            .collect();
        expected.sort();
        assert_eq!(all, expected, "{lang}: each advisory once");

        let page = text(&files, &format!("{lang}/search/index.html"));
        let named: Vec<String> = dirs[1..].iter().map(|d| format!("../../{d}")).collect();
        assert!(
            page.contains(&format!("data-parts=\"{}\"", named.join(" "))),
            "{lang}: the search page does not name the parts {named:?}"
        );
    }
    // Merged parts search with the first part's modules and library.
    for dir in &dirs[1..] {
        assert!(
            !files.keys().any(|k| k
                .strip_prefix(dir.as_str())
                .is_some_and(|k| !k.contains('/')
                    && k != "pagefind-entry.json"
                    && !k.ends_with(".pf_meta"))),
            "{dir} has files of its own besides its entry and metadata"
        );
    }
}

#[test]
fn an_index_of_few_advisories_is_one_part() {
    let files = build(&fixture("basic"));
    assert!(!files.keys().any(|k| k.starts_with("pagefind/1/")));
    assert!(!text(&files, "en-US/search/index.html").contains("data-parts"));
}

#[test]
fn records_hold_ids_kbs_cves_products_and_the_text_of_their_language() {
    let root = fixture("basic");
    let (project, _) = seckb::engine::check(&root, &Default::default()).unwrap();
    let site = seckb::site::Site::from_project(&project).unwrap();
    let records = seckb::search::records(&site).unwrap();
    assert_eq!(records.len(), 4, "two advisories in two languages");
    let en = records
        .iter()
        .find(|r| r.url == "en-US/advisories/ADV-2024-0001/")
        .unwrap();
    assert_eq!(en.language, "en-us");
    assert_eq!(
        en.meta["identifiers"],
        "ADV-2024-0001 KB5001234 5001234 CVE-2024-0001"
    );
    for words in ["Widget Server 2", "Widget Server 3", "Widget Client"] {
        assert!(
            en.content.contains(words),
            "`{words}` not in {:?}",
            en.content
        );
    }
    assert_eq!(en.meta["title"], "Widget Server remote code execution");
    assert_eq!(en.meta["id"], "ADV-2024-0001");
    assert_eq!(en.filters["year"], ["2024"]);
    assert_eq!(
        en.filters["product"],
        ["Widget Server 2", "Widget Server 3"]
    );

    let nl = records
        .iter()
        .find(|r| r.url == "nl-NL/advisories/ADV-2024-0001/")
        .unwrap();
    assert_eq!(nl.language, "nl-nl");
    assert_ne!(nl.meta["title"], en.meta["title"], "the Dutch title");
    assert!(nl.meta["identifiers"].contains("CVE-2024-0001"));
    assert!(
        nl.content.starts_with("Door een beveiligingslek"),
        "{:?}",
        nl.content
    );
    assert_eq!(nl.meta["kind"], "Beveiligingsbulletin");
}

/// The `src` and `integrity` of the module script of a page, and the search library's path
/// and integrity from the search form.
fn scripts(html: &str) -> (String, String, String, String) {
    let attr = |tag: &str, name: &str| -> String {
        let start = html
            .find(tag)
            .unwrap_or_else(|| panic!("no `{tag}` in {html}"));
        let rest = &html[start..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        let key = format!(" {name}=\"");
        let at = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + key.len();
        tag[at..at + tag[at..].find('"').unwrap()].to_string()
    };
    (
        attr("<script type=\"module\"", "src"),
        attr("<script type=\"module\"", "integrity"),
        attr("<form class=\"search-form\"", "data-library"),
        attr("<form class=\"search-form\"", "data-library-integrity"),
    )
}

#[test]
fn search_pages_load_their_scripts_with_correct_integrity_hashes() {
    let files = build(&fixture("basic"));
    for lang in ["en-US", "nl-NL"] {
        let page = text(&files, &format!("{lang}/search/index.html"));
        let (src, integrity, library, library_integrity) = scripts(&page);
        // Paths are relative to `<lang>/search/`.
        let script = src.strip_prefix("../../").unwrap();
        let library = library.strip_prefix("../../").unwrap();
        assert_eq!(script, "search.js");
        assert_eq!(library, "pagefind/pagefind.js");
        assert_eq!(integrity, seckb::util::integrity(&files[script]));
        assert_eq!(library_integrity, seckb::util::integrity(&files[library]));
        assert!(integrity.starts_with("sha384-") && library_integrity.starts_with("sha384-"));
        assert!(page.contains(" crossorigin=\"anonymous\""));
        assert!(page.contains("<form class=\"search-form\" id=\"search\" role=\"search\""));
    }
    // Every other page has the search box in its header, pointing at its language's page.
    let home = text(&files, "nl-NL/advisories/ADV-2024-0001/index.html");
    assert!(
        home.contains("<form class=\"site-search\" role=\"search\" action=\"../../../nl-NL/search/\" method=\"get\">"),
        "{home}"
    );
    assert!(
        !home.contains("<script"),
        "only the search page has a script"
    );
}

#[test]
fn an_overridden_search_script_gets_its_own_hash() {
    let dir = copy_fixture("basic");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/search.js"), "// mine\n").unwrap();
    let files = build(dir.path());
    assert_eq!(files["search.js"], b"// mine\n");
    let (_, integrity, _, _) = scripts(&text(&files, "en-US/search/index.html"));
    assert_eq!(integrity, seckb::util::integrity(b"// mine\n"));
}

/// A CBOR text string, as Pagefind's word index stores each word.
fn cbor_text(s: &str) -> Vec<u8> {
    let len = s.len();
    let mut v = if len < 24 {
        vec![0x60 | len as u8]
    } else {
        vec![0x78, u8::try_from(len).unwrap()]
    };
    v.extend_from_slice(s.as_bytes());
    v
}

#[test]
fn chinese_text_is_segmented_into_words() {
    let dir = copy_fixture("basic");
    common::edit(
        dir.path(),
        "seckb.yaml",
        "languages: [en-US, nl-NL]",
        "languages: [en-US, nl-NL, zh-CN]",
    );
    std::fs::write(dir.path().join("i18n/zh-CN.yaml"), "language_name: 中文\n").unwrap();
    std::fs::write(
        dir.path().join("advisories/ADV-2023-0002/zh-CN.yaml"),
        "revision: \"1.0\"\ntitle: 小部件客户端可能停止同步\n\
         summary: 更新后，小部件客户端可能停止同步。这不是安全漏洞。\n",
    )
    .unwrap();
    let files = build(dir.path());
    let words: Vec<u8> = files
        .iter()
        .filter(|(k, _)| k.starts_with("pagefind/index/zh-cn_"))
        .flat_map(|(_, v)| unpack(v))
        .collect();
    assert!(!words.is_empty(), "no Chinese index");
    let has = |w: &str| words.windows(cbor_text(w).len()).any(|x| x == cbor_text(w));
    // Without segmentation the index would only hold whole runs of text between spaces.
    for word in ["同步", "停止", "安全", "漏洞"] {
        assert!(has(word), "`{word}` is not a word of the index");
    }
    assert!(
        !has("这不是安全漏洞"),
        "a whole clause was indexed as one word"
    );
    // The id is still searchable in the Chinese index.
    assert!(has("adv"), "the id is not in the Chinese index");
}

/// A start tag: name, attributes as `(name, value)`, and for `<script>` the text up to its
/// end tag.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    body: String,
}

/// The start tags of a page, skipping comments.
fn start_tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap();
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let an_end = i + html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
                .unwrap();
            let an = html[i..an_end].to_ascii_lowercase();
            i = an_end;
            let mut value = String::new();
            if b[i] == b'=' {
                i += 1;
                if b[i] == b'"' || b[i] == b'\'' {
                    let q = b[i] as char;
                    let end = i + 1 + html[i + 1..].find(q).unwrap();
                    value = html[i + 1..end].to_string();
                    i = end + 1;
                } else {
                    let end = i + html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap();
                    value = html[i..end].to_string();
                    i = end;
                }
            }
            attrs.push((an, value));
        }
        let mut body = String::new();
        if name == "script" {
            let end = i + html[i..].find("</script").unwrap();
            body = html[i..end].to_string();
            i = end;
        }
        out.push(Tag { name, attrs, body });
    }
    out
}

/// Everything in a page that a Content-Security-Policy without `'unsafe-inline'` blocks.
fn inline_code(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for Tag { name, attrs, body } in start_tags(html) {
        if name == "style" {
            found.push("a <style> element".into());
        }
        if name == "script" && (!body.trim().is_empty() || !attrs.iter().any(|(a, _)| a == "src")) {
            found.push("an inline <script>".into());
        }
        if name == "script" && !attrs.iter().any(|(a, _)| a == "integrity") {
            found.push("a <script> without integrity".into());
        }
        for (a, v) in &attrs {
            if a == "style" {
                found.push(format!("a style attribute on <{name}>"));
            }
            if a.starts_with("on") {
                found.push(format!("an event handler `{a}` on <{name}>"));
            }
            if v.trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                found.push(format!("a javascript: URL in `{a}` on <{name}>"));
            }
        }
    }
    found
}

#[test]
fn the_scanner_finds_inline_code() {
    let bad = "<p style=\"x\">a</p><!-- <script>ignored</script> --><script>alert(1)</script>\
               <style>p{}</style><a href=\"javascript:x\" onclick='y'>z</a>\
               <script src=\"a.js\"></script>";
    assert_eq!(
        inline_code(bad),
        [
            "a style attribute on <p>",
            "an inline <script>",
            "a <script> without integrity",
            "a <style> element",
            "a javascript: URL in `href` on <a>",
            "an event handler `onclick` on <a>",
            "a <script> without integrity",
        ]
    );
    let good = "<script type=\"module\" src=\"s.js\" integrity=\"sha384-x\"></script>\
                <p data-on=\"1\" class=\"online\">style=</p>";
    assert!(inline_code(good).is_empty());
}

#[test]
fn no_page_has_inline_scripts_styles_or_event_handlers() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for root in [fixture("basic"), fixture("csaf"), repo.to_path_buf()] {
        let files = build(&root);
        let mut pages = 0;
        for (path, bytes) in &files {
            if !path.ends_with(".html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8_lossy(bytes);
            let found = inline_code(&html);
            assert!(found.is_empty(), "{}: {path}: {found:?}", root.display());
        }
        assert!(pages > 5, "{}", root.display());
    }
}
