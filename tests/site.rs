//! The built site: the golden tree, determinism, atomicity, escaping, and the real
//! repository's 954474 pages.

mod common;

use std::path::Path;

use common::{copy_fixture, edit, fixture, read_tree};

fn build(root: &Path, out: &Path) -> std::process::Output {
    common::seckb_bin()
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--out")
        .arg(out)
        .args(["--format", "json"])
        .output()
        .unwrap()
}

fn built(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(root, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, out)
}

/// Compares the whole built tree with `tests/golden/basic`; missing and extra files fail.
/// `SECKB_BLESS=1 cargo test` rewrites the golden tree (review the diff before committing).
#[test]
fn golden_site() {
    let (_tmp, out) = built(&fixture("basic"));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/basic");
    if std::env::var_os("SECKB_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        common::copy_tree(&out, &golden);
    }
    let got = read_tree(&out);
    let want = read_tree(&golden);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&want),
        "file lists differ (SECKB_BLESS=1 to regenerate)"
    );
    for ((name, a), (_, b)) in got.iter().zip(&want) {
        assert!(
            a == b,
            "{name} differs from the golden copy (SECKB_BLESS=1 to regenerate)"
        );
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = built(&fixture("basic"));
    let (_b, second) = built(&fixture("basic"));
    assert_eq!(read_tree(&first), read_tree(&second));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success());
    let before = read_tree(&out);
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/advisory.yaml",
        "published: 2024-03-12",
        "published: 2024-13-12",
    );
    let o = build(dir.path(), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("previous site was left as it was"));
    // The JSON report says so too, with the finding where it is.
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["built"], false, "{r}");
    assert!(r.get("files").is_none(), "{r}");
    let bad = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error");
    let bad = bad.unwrap_or_else(|| panic!("no error in {r}"));
    assert_eq!(bad["file"], "advisories/ADV-2024-0001/advisory.yaml", "{r}");
    assert_eq!(read_tree(&out), before);
    // No staging folders are left beside it.
    assert_nothing_left_beside(dir.path());
}

#[test]
fn a_template_error_also_leaves_the_previous_site() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success());
    let before = read_tree(&out);
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/home.html"),
        "{% extends \"base.html\" %}{% block main %}{{ nope.nothing }}{% endblock main %}",
    )
    .unwrap();
    let o = build(dir.path(), &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("template `home.html` failed"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(read_tree(&out), before);
}

#[test]
fn templates_can_be_overridden_by_file_name() {
    let dir = copy_fixture("basic");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    let (_t, out) = built(dir.path());
    assert_eq!(
        std::fs::read_to_string(out.join("style.css")).unwrap(),
        "body { color: rebeccapurple; }\n"
    );
}

#[test]
fn script_and_javascript_urls_never_reach_a_page() {
    let dir = copy_fixture("basic");
    let en = "advisories/ADV-2024-0001/en-US.yaml";
    edit(
        dir.path(),
        en,
        "title: Widget Server remote code execution",
        "title: \"<script>alert('t')</script> Widget\"",
    );
    edit(
        dir.path(),
        en,
        "answer: No.",
        "answer: |\n      No. <script>alert(1)</script> <img src=x onerror=\"alert(2)\"> <a href=\"javascript:alert(3)\">x</a> <iframe src=\"https://evil.example/\"></iframe>",
    );
    edit(
        dir.path(),
        en,
        "      - \"WARN retrying & giving up\"",
        "      - \"</code></pre><script>alert(4)</script>\"",
    );
    edit(
        dir.path(),
        en,
        "  cve: CVE-2024-0001",
        "  cve: \"\\\"><svg onload=alert(5)>\"",
    );
    let (_t, out) = built(dir.path());
    // HTML pages, and the HTML carried by feeds and the API (`content_html`, `html`);
    // plain-text fields of JSON and XML stay text, escaped by their own syntax.
    let tree = read_tree(&out);
    let html_docs = common::html_fragments(tree.iter().map(|(n, b)| (n, b)));
    assert!(
        html_docs
            .iter()
            .any(|(n, _)| n.contains("feed.json#content_html"))
    );
    for (name, text) in html_docs {
        // The one script the site itself loads, on its search pages.
        let text = text
            .to_lowercase()
            .replace("<script type=\"module\" src=\"../../search.js\"", "");
        for bad in ["<script", "<iframe", "<svg", "<img"] {
            assert!(!text.contains(bad), "{name} contains {bad}");
        }
        // Escaped payloads may stay visible as text; inside a tag nothing may survive.
        for tag in text
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or_default())
        {
            for bad in ["javascript:", "onerror", "onload"] {
                assert!(!tag.contains(bad), "{name}: tag <{tag}> contains {bad}");
            }
        }
    }
    let page =
        std::fs::read_to_string(out.join("en-US/advisories/ADV-2024-0001/index.html")).unwrap();
    assert!(
        page.contains("<h1>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Widget</h1>"),
        "the title is escaped, not dropped"
    );
}

#[test]
fn markdown_links_with_bad_schemes_are_refused_before_rendering() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "(https://support.example.org/kb/5001234)",
        "(javascript:alert(1))",
    );
    let o = build(dir.path(), &dir.path().join("site"));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[invalid-url]"));
}

#[test]
fn fallback_and_outdated_notes_are_visible() {
    let (_t, out) = built(&fixture("basic"));
    let nl_fallback =
        std::fs::read_to_string(out.join("nl-NL/advisories/ADV-2023-0002/index.html")).unwrap();
    assert!(
        nl_fallback.contains("<article class=\"advisory\" lang=\"en-US\">"),
        "the English text is marked as English"
    );
    assert!(
        nl_fallback.contains("English"),
        "the note names the language shown"
    );
    let nl_outdated =
        std::fs::read_to_string(out.join("nl-NL/advisories/ADV-2024-0001/index.html")).unwrap();
    assert!(
        nl_outdated.contains("class=\"note\""),
        "an outdated translation says so"
    );
}

/// The repository's own content: validate has no errors, and its only warnings are what
/// the imported archive lacks: English texts (and a German page one revision behind), and a
/// status per vulnerability for the software a bulletin lists as not affected (Microsoft
/// says so of the bulletin, not of each CVE); the Dutch 954474 page carries the seed's dates
/// in Dutch style.
#[test]
fn repository_954474_in_three_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, findings) = seckb::engine::check(root, &Default::default()).unwrap();
    let explained = |f: &seckb::diag::Finding| match f.code.as_ref() {
        "missing-translation" => true,
        "outdated-translation" => f.file == "advisories/ms08-019/de-DE.yaml",
        "product-without-status" => {
            f.file.starts_with("advisories/ms08-") && f.message.contains("`products.not_affected`")
        }
        _ => false,
    };
    let other: Vec<_> = findings
        .sorted()
        .into_iter()
        .filter(|f| !explained(f))
        .collect();
    assert!(other.is_empty(), "{other:?}");
    assert_eq!(findings.errors(), 0);
    let (_t, out) = built(root);
    let page = |lang: &str| {
        std::fs::read_to_string(out.join(lang).join("advisories/954474/index.html")).unwrap()
    };
    let nl = page("nl-NL");
    assert!(
        nl.contains(">vrijdag 13 juni 2008<"),
        "published date in Dutch"
    );
    assert!(
        nl.contains(">dinsdag 17 juni 2008<"),
        "updated date in Dutch"
    );
    assert!(nl.contains("Error 0x80004005, Unexpected DeploymentAction for update 1293995. Returned from CreateUpdateNode"));
    assert!(nl.contains("Gepubliceerd") && nl.contains("Veelgestelde vragen"));
    assert!(nl.contains(r#"<link rel="alternate" hreflang="de-DE" href="https://advisories.example.org/de-DE/advisories/954474/">"#));
    assert!(nl.contains(
        r#"<link rel="canonical" href="https://advisories.example.org/nl-NL/advisories/954474/">"#
    ));
    let de = page("de-DE");
    assert!(de.contains(">Freitag, 13. Juni 2008<") && de.contains(">Dienstag, 17. Juni 2008<"));
    let en = page("en-US");
    assert!(en.contains(">Friday, June 13, 2008<") && en.contains(">Tuesday, June 17, 2008<"));
}

/// Every sentence of the seed, the Dutch TechNet page of 954474 its texts derive from,
/// reaches the Dutch page.
#[test]
fn dutch_page_carries_every_sentence_of_the_seed() {
    let seed = std::fs::read_to_string(common::data("technet/nl-NL/2008/954474.md")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_t, out) = built(root);
    let page = std::fs::read_to_string(out.join("nl-NL/advisories/954474/index.html")).unwrap();
    let page_text = normalise(&strip_tags(&html_unescape(&page)));
    let body = seed.split("---").nth(2).unwrap();
    let mut missing = Vec::new();
    for line in body.lines() {
        let plain = normalise(&markdown_plain(line));
        // Lines of the seed that are layout, not content.
        // The seed's English "Security Advisory" label is localised ("Beveiligingsadvies").
        if plain.len() < 12
            || plain.chars().all(|c| c == '=' || c == '-')
            || plain == "Security Advisory"
            || plain.starts_with("Gepubliceerd:")
            || plain.starts_with("Built at")
            || plain.starts_with('|')
        {
            continue;
        }
        for sentence in plain.split(". ").filter(|s| s.len() > 12) {
            let s = sentence.trim_end_matches('.').trim_end_matches(':');
            if !page_text.contains(s) {
                missing.push(s.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "not on the page: {missing:#?}");
}

fn markdown_plain(line: &str) -> String {
    let mut s = line
        .trim_start_matches(['-', ' ', '#', '*'])
        .replace("**", "")
        .replace("\\_", "_")
        .replace("\\\\", "\\")
        .replace("&amp;", "&");
    // [label](url) -> label
    while let (Some(a), Some(b)) = (s.find("]("), s.find(']')) {
        let Some(close) = s[a..].find(')') else { break };
        let open = s[..b].rfind('[').unwrap_or(b);
        s = format!("{}{}{}", &s[..open], &s[open + 1..b], &s[a + close + 1..]);
    }
    s
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the sources at `root` afresh into `root/<name>` and checks that the site at `out`
/// is the same, file for file; on a difference, names the files that differ.
fn assert_equals_clean_build(root: &Path, out: &Path, name: &str) {
    let clean = root.join(name);
    assert!(build(root, &clean).status.success());
    let (got, want) = (read_tree(out), read_tree(&clean));
    if got != want {
        let got: std::collections::BTreeMap<_, _> = got.into_iter().collect();
        let want: std::collections::BTreeMap<_, _> = want.into_iter().collect();
        let differ: Vec<&String> = got
            .keys()
            .chain(want.keys())
            .filter(|p| got.get(*p) != want.get(*p))
            .collect();
        panic!("incremental != clean: {differ:?}");
    }
}

/// Checks that no staging folder or journal is left beside the site in `dir`.
fn assert_nothing_left_beside(dir: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site") && n != ".site.cache.json")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `kill -9` at any moment of a build leaves the site either wholly old or wholly new, once
/// the journal of a build killed while it moved files in is carried out (as the next build
/// does first).
/// Slow (it builds a larger site many times), so `.ci/run` runs it with `--ignored`.
#[cfg(unix)]
#[test]
#[ignore = "slow: run by .ci/run with --ignored"]
fn a_killed_build_leaves_a_whole_site() {
    let dir = copy_fixture("basic");
    for n in 0..60 {
        let id = format!("ADV-2022-{n:04}");
        common::copy_tree(
            &fixture("basic").join("advisories/ADV-2023-0002"),
            &dir.path().join("advisories").join(&id),
        );
        edit(
            dir.path(),
            &format!("advisories/{id}/advisory.yaml"),
            "id: ADV-2023-0002",
            &format!("id: {id}"),
        );
    }
    let en = "advisories/ADV-2024-0001/en-US.yaml";
    let (title_a, title_b) = (
        "title: Widget Server remote code execution",
        "title: Widget Server flaw",
    );
    // The two possible sites, and how long a build takes.
    let a = dir.path().join("a");
    let start = std::time::Instant::now();
    assert!(build(dir.path(), &a).status.success());
    let took = start.elapsed();
    edit(dir.path(), en, title_a, title_b);
    let b = dir.path().join("b");
    assert!(build(dir.path(), &b).status.success());
    let (tree_a, tree_b) = (read_tree(&a), read_tree(&b));
    assert_ne!(tree_a, tree_b);

    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success()); // site = B, title = B
    let bin = assert_cmd::cargo::cargo_bin("seckb");
    let mut outcomes = Vec::new();
    let mut title_is_a = false;
    let mut journals = 0;
    for percent in [20u32, 50, 70, 85, 92, 97, 100, 105] {
        // Ask for the other site, then kill the build part-way.
        let (from, to) = if title_is_a {
            (title_a, title_b)
        } else {
            (title_b, title_a)
        };
        edit(dir.path(), en, from, to);
        title_is_a = !title_is_a;
        let mut child = std::process::Command::new(&bin)
            .env("XDG_CACHE_HOME", common::cache_home())
            .arg("--root")
            .arg(dir.path())
            .arg("build")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took * percent / 100);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Killed while moving files in: what the next build does first.
        if seckb::output::recover(&out).unwrap() {
            journals += 1;
        }
        let now = read_tree(&out);
        assert!(
            now == tree_a || now == tree_b,
            "after a kill at {percent}% of a build the site is neither whole site"
        );
        outcomes.push(if now == tree_a { "A" } else { "B" });
    }
    eprintln!("sites after each kill: {outcomes:?}; {journals} finished from a journal");
    // The next build cleans up whatever the killed ones left beside the site.
    assert!(build(dir.path(), &out).status.success());
    assert_nothing_left_beside(dir.path());
}

/// `SHA256SUMS` lists every other file of the site with its SHA-256.
#[test]
fn the_manifest_covers_every_file() {
    use sha2::Digest;
    let (_t, out) = built(&fixture("basic"));
    let tree = read_tree(&out);
    let manifest = String::from_utf8(std::fs::read(out.join("SHA256SUMS")).unwrap()).unwrap();
    let listed: Vec<(String, String)> = manifest
        .lines()
        .map(|l| {
            let (hash, path) = l.split_once("  ").unwrap();
            (path.to_string(), hash.to_string())
        })
        .collect();
    let files: Vec<&(String, Vec<u8>)> = tree.iter().filter(|(p, _)| p != "SHA256SUMS").collect();
    assert_eq!(listed.len(), files.len());
    for ((path, hash), (file, bytes)) in listed.iter().zip(files) {
        assert_eq!(path, file);
        let want: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, &want, "{path}");
    }
}

fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

/// What the build told in its JSON report: files written and unchanged.
fn write_counts(o: &std::process::Output) -> (usize, usize) {
    let r = report(o);
    (count(&r["written"]), count(&r["unchanged"]))
}

/// The JSON report of a build (`build --format json`) that succeeded.
fn report(o: &std::process::Output) -> serde_json::Value {
    let r: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    assert_eq!(r["built"], true, "{r}");
    r
}

fn count(v: &serde_json::Value) -> usize {
    usize::try_from(v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))).unwrap()
}

/// (advisories rendered, advisories, search indexes rendered, search indexes).
fn rendered(o: &std::process::Output) -> (usize, usize, usize, usize) {
    let r = &report(o)["rendered"];
    let rendered = count(&r["advisories"]);
    let all = rendered + count(&r["advisories_reused"]);
    (
        rendered,
        all,
        count(&r["search_indexed"]),
        count(&r["search_parts"]),
    )
}

/// A rebuild after editing one advisory rewrites only the files whose bytes changed (the
/// others are linked from the previous site, so keep their inode), and gives exactly what
/// a clean build gives; so does a rebuild after a template changes everything.
#[test]
fn incremental_rebuilds_rewrite_only_changed_files_and_equal_clean_builds() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    let first = build(dir.path(), &out);
    assert!(first.status.success());
    let (written, unchanged) = write_counts(&first);
    assert_eq!(unchanged, 0);
    let total = written;

    assert_eq!(rendered(&first), (2, 2, 2, 2));
    assert!(dir.path().join(".site.cache.json").is_file());

    // Nothing changed: nothing is rendered but the listings and feeds, nothing written but
    // the manifest.
    let again = build(dir.path(), &out);
    assert_eq!(write_counts(&again), (1, total - 1));
    assert_eq!(rendered(&again), (0, 2, 0, 2));

    let other_page = out.join("en-US/advisories/ADV-2023-0002/index.html");
    let edited_page = out.join("en-US/advisories/ADV-2024-0001/index.html");
    let (other_before, edited_before) = (inode(&other_page), inode(&edited_page));
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server remote code execution (edited)",
    );
    let edited = build(dir.path(), &out);
    assert!(edited.status.success());
    // Only the edited advisory is rendered; its title is searched, so the index of its
    // language (only) is rebuilt.
    assert_eq!(rendered(&edited), (1, 2, 1, 2));
    let (written, unchanged) = write_counts(&edited);
    assert_eq!(written + unchanged, total);
    assert!(
        written > 1 && written < total / 2,
        "{written} of {total} written"
    );
    assert_eq!(
        inode(&other_page),
        other_before,
        "an unchanged page was rewritten"
    );
    assert_ne!(
        inode(&edited_page),
        edited_before,
        "the edited page was not rewritten"
    );
    assert!(
        std::fs::read_to_string(&edited_page)
            .unwrap()
            .contains("(edited)")
    );

    assert_equals_clean_build(dir.path(), &out, "clean");

    // A template change reaches every page that uses it.
    common::change_base_template(dir.path());
    let rebuilt = build(dir.path(), &out);
    assert_eq!(rendered(&rebuilt), (2, 2, 0, 2));
    let (written, _) = write_counts(&rebuilt);
    let pages = read_tree(&out)
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count();
    assert!(written > pages, "{written} written, {pages} pages");
    assert_equals_clean_build(dir.path(), &out, "clean2");
}

/// A rebuild that lists the advisories again (the CSAF feed, the API index) takes the
/// entries of unchanged advisories from the previous file only if that is the file the
/// previous build wrote: a file changed by hand since is not used, and the rebuild equals a
/// clean build.
#[test]
fn lists_changed_by_hand_are_not_taken_into_a_rebuild() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success());
    let lists = [
        out.join(".well-known/csaf/white/csaf-feed-tlp-white.json"),
        out.join("api/v1/index.json"),
    ];
    // The entry of the advisory that is not edited: same size, other words.
    let (theirs, forged) = (
        "Widget Client may stop syncing",
        "Widget Client was forged here!",
    );
    assert_eq!(theirs.len(), forged.len());
    for list in &lists {
        let text = std::fs::read_to_string(list).unwrap();
        assert!(text.contains(theirs), "{}", list.display());
        std::fs::write(list, text.replace(theirs, forged)).unwrap();
    }
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server remote code execution (edited)",
    );
    assert!(build(dir.path(), &out).status.success());
    for list in &lists {
        let rebuilt = std::fs::read_to_string(list).unwrap();
        assert!(rebuilt.contains("(edited)") && rebuilt.contains(theirs));
        assert!(!rebuilt.contains(forged), "{}", list.display());
    }
    assert_equals_clean_build(dir.path(), &out, "clean");
}

/// A rebuild that changes few files updates the site folder in place (it keeps its inode)
/// and still gives exactly what a clean build gives: files and folders that a clean build
/// would not have are removed. Files added by hand stop the build unless it is forced
/// (`tests/out_folder.rs` has the refusals).
#[test]
fn a_small_rebuild_updates_the_site_in_place_and_equals_a_clean_build() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success());
    let site_inode = inode(&out);
    std::fs::write(out.join("stray.txt"), "added by hand").unwrap();
    std::fs::create_dir_all(out.join("extra/empty")).unwrap();
    std::fs::write(out.join("en-US/junk.html"), "added by hand").unwrap();
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget Server remote code execution",
        "title: Widget Server remote code execution (edited)",
    );
    let before = read_tree(&out);
    assert_eq!(build(dir.path(), &out).status.code(), Some(2));
    assert_eq!(read_tree(&out), before);
    let o = common::seckb_bin()
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(dir.path())
        .args(["build", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(inode(&out), site_inode, "the site was swapped, not updated");
    assert_equals_clean_build(dir.path(), &out, "clean");
    assert!(!out.join("extra").exists());
    assert_nothing_left_beside(dir.path());
}

/// Adding an advisory, then removing it again, each rebuild equals a clean build: what lists
/// every advisory or every page (the sitemap, the API index, the CSAF lists) follows, and
/// the removed advisory's files and folders go.
#[test]
fn adding_and_removing_an_advisory_equal_clean_builds() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    assert!(build(dir.path(), &out).status.success());
    let before = read_tree(&out);
    let added = dir.path().join("advisories/ADV-2022-0001");
    common::copy_tree(&fixture("basic").join("advisories/ADV-2023-0002"), &added);
    edit(
        dir.path(),
        "advisories/ADV-2022-0001/advisory.yaml",
        "id: ADV-2023-0002",
        "id: ADV-2022-0001",
    );
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rendered(&o).0, 1);
    assert_equals_clean_build(dir.path(), &out, "clean");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/advisories/ADV-2022-0001/"));

    std::fs::remove_dir_all(&added).unwrap();
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read_tree(&out),
        before,
        "removing it did not give the first site"
    );
    assert!(!out.join("en-US/advisories/ADV-2022-0001").exists());
}

/// The cache of an incremental build is only a hint: a damaged cache, or a site file changed
/// by hand since, means that unit is rendered again, and the result is still what a clean
/// build gives. An edit to text the search index does not hold keeps the index.
#[test]
fn a_stale_or_damaged_build_cache_costs_time_not_correctness() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    let cache = dir.path().join(".site.cache.json");
    assert!(build(dir.path(), &out).status.success());

    // A site file changed by hand: its advisory is rendered again and the file restored.
    let page = out.join("en-US/advisories/ADV-2023-0002/index.html");
    let original = std::fs::read(&page).unwrap();
    std::fs::write(&page, b"tampered").unwrap();
    let o = build(dir.path(), &out);
    assert_eq!(rendered(&o), (1, 2, 0, 2));
    assert_eq!(std::fs::read(&page).unwrap(), original);

    // A damaged cache: everything is rendered.
    std::fs::write(&cache, b"{not json").unwrap();
    let o = build(dir.path(), &out);
    assert!(o.status.success());
    assert_eq!(rendered(&o), (2, 2, 2, 2));

    // An edit the search index does not see (a new FAQ entry) keeps the index.
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "faq:",
        "faq:\n  - question: Was this edited?\n    answer: Yes, to test the build cache.",
    );
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rendered(&o), (1, 2, 0, 2));
    assert_equals_clean_build(dir.path(), &out, "clean");
}

/// With the search index in parts, an edit to one advisory's title rebuilds only the part
/// that holds it, and the result is still what a clean build gives.
#[test]
fn an_edit_rebuilds_only_its_part_of_the_search_index() {
    let dir = common::copy_repository("search:\n  records_per_part: 16\n");
    let out = dir.path().join("site");
    let first = build(dir.path(), &out);
    assert!(first.status.success());
    let (advisories, _, parts, _) = rendered(&first);
    // Three languages, each in the same number of parts.
    assert!(parts > 3 && parts % 3 == 0, "{parts} parts");

    let file = "advisories/954474/en-US.yaml";
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    edit(dir.path(), file, title, &format!("{title} (edited)"));
    let edited = build(dir.path(), &out);
    assert!(edited.status.success());
    assert_eq!(rendered(&edited), (1, advisories, 1, parts));

    assert_equals_clean_build(dir.path(), &out, "clean");
}

/// An unchanged advisory's list items and search records are not made again to key the
/// listings and search index parts that hold them: their digests are kept with its unit in
/// the build cache. A forged digest shows through (the listings and the part holding it
/// are rendered again, and the result is still what a clean build gives); a digest kept
/// with a unit whose key changed is not used.
#[test]
fn unchanged_advisories_keep_the_digests_of_their_list_items_and_records() {
    let dir = copy_fixture("basic");
    let out = dir.path().join("site");
    let cache = dir.path().join(".site.cache.json");
    assert!(build(dir.path(), &out).status.success());
    let forge = |names: &[&str], digit: &str| {
        let mut c: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        let memo = &mut c["units"]["advisory/ADV-2023-0002"]["memo"];
        for name in names {
            assert!(memo[name].is_string(), "no `{name}` in {memo}");
            memo[name] = serde_json::Value::from(digit.repeat(64));
        }
        std::fs::write(&cache, serde_json::to_vec(&c).unwrap()).unwrap();
    };
    let again = build(dir.path(), &out);
    assert_eq!(feeds_rendered(&again).0, 0);
    assert_eq!(rendered(&again).2, 0);

    forge(&["list/en-US", "search/en-US"], "0");
    let forged = build(dir.path(), &out);
    assert!(forged.status.success());
    // No advisory is rendered; the English home page and the English year, product, kind
    // and severity pages listing it are, and the English part of the index holding it.
    assert_eq!(rendered(&forged).0, 0);
    assert!(
        feeds_rendered(&forged).0 >= 4,
        "{:?}",
        feeds_rendered(&forged)
    );
    assert_eq!(rendered(&forged).2, 1);
    assert_equals_clean_build(dir.path(), &out, "clean");
    // A digest only names what it stands for: the forged ones stay with the unchanged
    // advisory, and name the listings rendered with them.
    let again = build(dir.path(), &out);
    assert_eq!((feeds_rendered(&again).0, rendered(&again).2), (0, 0));

    // Forged digests of an advisory that then changes are not used: its list item is made
    // again. The same edit renders the same in a copy whose cache was not forged.
    let twin = tempfile::tempdir().unwrap();
    common::copy_tree(dir.path(), twin.path());
    forge(&["list/en-US"], "1");
    let edit_remediation = |root: &Path| {
        edit(
            root,
            "advisories/ADV-2023-0002/en-US.yaml",
            "none: No fix is available yet.",
            "none: No fix is available yet (edited).",
        )
    };
    edit_remediation(dir.path());
    edit_remediation(twin.path());
    let edited = build(dir.path(), &out);
    assert!(edited.status.success());
    assert_eq!(rendered(&edited).0, 1);
    let twin_edited = build(twin.path(), &twin.path().join("site"));
    assert_eq!(feeds_rendered(&edited), feeds_rendered(&twin_edited));
    assert_equals_clean_build(dir.path(), &out, "clean2");
}

/// (listings and feeds rendered, listings and feeds) from the build's JSON report.
fn feeds_rendered(o: &std::process::Output) -> (usize, usize) {
    let r = &report(o)["rendered"];
    (count(&r["aggregates_rendered"]), count(&r["aggregates"]))
}

/// A rebuild after an edit renders only the listings and feed files it changes. The feed
/// files are keyed by the advisories whose items they hold: after a revision-note edit, the
/// pages of the JSON Feed and the Atom feeds with an item of the advisory are rendered, in
/// every language (its key covers all its texts), and no listing, API index or CSAF list,
/// since none shows the note: those are keyed by what they show. The listings are keyed by what they show: after a title edit, exactly the
/// listings whose bytes change are rendered. The others are taken from the previous build,
/// and the result equals a clean build.
#[test]
fn an_edit_renders_only_the_listings_and_feeds_holding_the_advisory() {
    let dir = common::copy_repository("");
    let out = dir.path().join("site");
    let first = build(dir.path(), &out);
    assert!(first.status.success());
    let (all, total) = feeds_rendered(&first);
    assert_eq!(all, total);
    // The feed files, and those with an item of 954474: item ids are
    // `tag:<host>,<published>:<id>/<revision>/<language>`.
    let is_feed = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        name == "feed.atom" || (name.starts_with("feed") && name.ends_with(".json"))
    };
    // The listings: a language's home page, product index, and the page of each year,
    // product, kind and severity; and the further pages of the long ones (`page/<n>/`).
    let is_listing = |path: &str| {
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            [_, "index.html"] | [_, "products", "index.html"] => true,
            [_, "page", _, "index.html"] => true,
            [_, facet, _, "index.html"] | [_, facet, _, "page", _, "index.html"] => {
                ["years", "products", "kinds", "severities"].contains(facet)
            }
            _ => false,
        }
    };
    let tree = read_tree(&out);
    let feeds: Vec<_> = tree.iter().filter(|(p, _)| is_feed(p)).collect();
    let listings: Vec<_> = tree.iter().filter(|(p, _)| is_listing(p)).collect();
    // The home list of the example's 145 advisories takes several pages, in every language.
    assert!(
        listings
            .iter()
            .filter(|(p, _)| p.ends_with("/page/2/index.html"))
            .count()
            >= 3
    );
    // Besides: the API index, the CSAF lists and the sitemap, one unit each.
    assert_eq!(
        feeds.len() + listings.len() + 3,
        total,
        "every listing and feed is one unit"
    );
    let holding = feeds
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(":954474/"))
        .count();
    assert!(
        holding >= 3 && holding < feeds.len() / 2,
        "{holding} of {total}"
    );

    assert_eq!(feeds_rendered(&build(dir.path(), &out)), (0, total));
    let listings_now = || -> Vec<(String, Vec<u8>)> {
        read_tree(&out)
            .into_iter()
            .filter(|(p, _)| is_listing(p))
            .collect()
    };
    let before = listings_now();
    edit(
        dir.path(),
        "advisories/954474/en-US.yaml",
        "\"1.0\": Advisory published.",
        "\"1.0\": Advisory published (edited).",
    );
    let edited = build(dir.path(), &out);
    assert!(edited.status.success());
    // The feed files holding 954474; not the API index and the CSAF lists, which show no
    // revision note, nor the sitemap, which lists the same pages.
    assert_eq!(feeds_rendered(&edited), (holding, total));
    let shown = read_tree(&out)
        .into_iter()
        .filter(|(p, b)| is_feed(p) && String::from_utf8_lossy(b).contains("published (edited)."))
        .count();
    assert!(shown >= 1, "the edited note is in a feed");
    assert_eq!(listings_now(), before);

    let file = "advisories/954474/en-US.yaml";
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    edit(dir.path(), file, title, &format!("{title} (edited)"));
    let retitled = build(dir.path(), &out);
    assert!(retitled.status.success());
    let after = listings_now();
    let changed = before
        .iter()
        .zip(&after)
        .filter(|((p, a), (q, b))| {
            assert_eq!(p, q);
            a != b
        })
        .count();
    // The English home page and the English year, product, kind and severity pages listing
    // it, at least.
    assert!(changed >= 3, "{changed} listings changed");
    // And the API index and the CSAF lists, which show every title.
    assert_eq!(feeds_rendered(&retitled), (holding + changed + 2, total));

    assert_equals_clean_build(dir.path(), &out, "clean");
}

/// The page `href` (relative, as a page writes it) leads to from the page at `from`: the
/// site path of the file served, `index.html` for a folder.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if href.ends_with('/') || href.is_empty() {
        path.push_str("/index.html");
    }
    path
}

/// Every value of `attr="..."` in `html` after each occurrence of `after`.
fn attr_values(html: &str, after: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    html.match_indices(after)
        .filter_map(|(i, _)| {
            let rest = &html[i..];
            let start = rest.find(&needle)? + needle.len();
            let end = rest[start..].find('"')?;
            Some(rest[start..start + end].to_string())
        })
        .collect()
}

/// A list longer than `listings.per_page` continues on `page/<n>/`: following the `next`
/// links from a language's home page visits every advisory once, in the site's order, each
/// page holds at most `per_page`, every page link resolves to a built page, the labels are
/// in the page's language, and the sitemap lists the pages.
#[test]
fn long_lists_are_paged_and_every_page_link_resolves() {
    let dir = common::copy_repository("listings:\n  per_page: 10\n");
    let out = dir.path().join("site");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tree: std::collections::BTreeMap<String, Vec<u8>> = read_tree(&out).into_iter().collect();
    let page = |path: &str| -> String {
        String::from_utf8(
            tree.get(path)
                .unwrap_or_else(|| panic!("no {path}"))
                .clone(),
        )
        .unwrap()
    };
    let advisories = std::fs::read_dir(dir.path().join("advisories"))
        .unwrap()
        .count();
    assert!(advisories > 20, "{advisories} advisories");
    let pages = advisories.div_ceil(10);
    let api: serde_json::Value = serde_json::from_slice(&tree["api/v1/index.json"]).unwrap();
    let site_order: Vec<String> = api["advisories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    for lang in ["en-US", "nl-NL", "de-DE"] {
        let mut path = format!("{lang}/index.html");
        let mut ids = Vec::new();
        let mut visited = 0;
        loop {
            visited += 1;
            let html = page(&path);
            let list = &html[html.find("<ol class=\"advisories\">").unwrap()..];
            let list = &list[..list.find("</ol>").unwrap()];
            let here: Vec<String> = attr_values(list, "<h3>", "href")
                .iter()
                .map(|h| {
                    h.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert!(
                !here.is_empty() && here.len() <= 10,
                "{path}: {}",
                here.len()
            );
            ids.extend(here);
            // Every link of the pager leads to a built page of the same list.
            let nav = &html[html.find("<nav class=\"pager\"").expect("a pager")..];
            let nav = &nav[..nav.find("</nav>").unwrap()];
            for href in attr_values(nav, "<a ", "href") {
                let to = resolve(&path, &href);
                assert!(tree.contains_key(&to), "{path} links {href}: no {to}");
            }
            let label = match lang {
                "nl-NL" => format!("Pagina {visited} van {pages}"),
                "de-DE" => format!("Seite {visited} von {pages}"),
                _ => format!("Page {visited} of {pages}"),
            };
            assert!(nav.contains(&format!("<p>{label}</p>")), "{path}: {nav}");
            assert!(nav.contains(&format!("<span aria-current=\"page\">{visited}</span>")));
            if visited > 1 {
                assert!(html.contains(&format!("<title>{label} · ")), "{path}");
            }
            match attr_values(&html, "<link rel=\"next\"", "href").first() {
                Some(next) => path = resolve(&path, next),
                None => break,
            }
        }
        assert_eq!(visited, pages, "{lang}");
        assert_eq!(ids, site_order, "{lang}: every advisory once, in order");
        assert!(!tree.contains_key(&format!("{lang}/page/{}/index.html", pages + 1)));
        assert!(!tree.contains_key(&format!("{lang}/page/1/index.html")));
    }
    // A long facet list is paged too, with its own first page as the way back.
    let kind = tree
        .keys()
        .find(|p| p.starts_with("en-US/kinds/") && p.ends_with("/page/2/index.html"))
        .expect("a kind with more than 10 advisories")
        .clone();
    let html = page(&kind);
    assert!(
        html.contains("<link rel=\"prev\" href=\"../../\">"),
        "{kind}"
    );
    // Every relative link of every further page resolves (the feeds, facets, languages,
    // stylesheet and advisories are a level or two further up than from a first page).
    let mut checked = 0;
    for path in tree.keys().filter(|p| p.contains("/page/")) {
        let html = page(path);
        for tag in ["<a ", "<link "] {
            for href in attr_values(&html, tag, "href") {
                if href.starts_with("https://") || href.starts_with('#') {
                    continue;
                }
                let to = resolve(path, href.split('#').next().unwrap_or_default());
                assert!(tree.contains_key(&to), "{path} links {href}: no {to}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} links");
    let sitemap = page("sitemap.xml");
    assert!(sitemap.contains("/nl-NL/page/2/</loc>"));
    assert!(sitemap.contains(&format!("/{}</loc>", kind.trim_end_matches("index.html"))));
}
