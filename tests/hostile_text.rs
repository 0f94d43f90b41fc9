//! Hostile text at the size limit: markdown nested deep enough to make the HTML sanitizer
//! take quadratic time is refused at once, with its position; text nested just under the
//! limit builds; characters XML cannot hold never reach the feeds.
//!
//! Time bounds are for the debug binaries the tests run (measured figures are in the
//! comments); a release build is about ten times faster.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{copy_fixture, edit};
use seckb::load::MAX_FILE_BYTES;
use seckb::markdown::MAX_NESTING;

const EN: &str = "advisories/ADV-2024-0001/en-US.yaml";

/// The basic fixture with the English summary made of `line` repeated (each indented as a
/// block scalar's line), up to `size` bytes of file.
fn site_with_summary(line: &str, size: u64) -> tempfile::TempDir {
    let dir = copy_fixture("basic");
    let path = dir.path().join(EN);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("summary: |\n").expect("summary") + "summary: |\n".len();
    let end = text[start..].find("\noverview:").expect("overview") + start + 1;
    let (head, tail) = (&text[..start], &text[end..]);
    let line = format!("  {line}\n");
    let room = usize::try_from(size).unwrap() - head.len() - tail.len();
    let body = line.repeat(room / line.len());
    std::fs::write(&path, format!("{head}{body}{tail}")).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() <= MAX_FILE_BYTES);
    dir
}

/// Runs `seckb build`; its exit code, stderr and how long it took.
fn build(root: &Path) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let out = common::seckb_bin()
        .arg("--no-cache")
        .arg("--root")
        .arg(root)
        .arg("build")
        .output()
        .expect("runs");
    let took = started.elapsed();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
    )
}

/// Shapes one nesting level over the limit, each line of the summary, as the first pass
/// cannot clear them: block quotes, ordered lists, lists in block quotes, emphasis, raw
/// block elements and end tags that close nothing (which the HTML parser answers by
/// searching the whole stack).
fn too_deep_lines() -> Vec<(&'static str, String)> {
    let n = MAX_NESTING + 1;
    vec![
        ("block quotes", format!("{}x", "> ".repeat(n))),
        ("ordered lists", format!("{}x", "1. ".repeat(n / 2 + 1))),
        ("lists in quotes", format!("{}x", "> - ".repeat(n / 3 + 1))),
        // Strong emphasis takes two `*`.
        (
            "emphasis",
            format!("{}x{}", "*".repeat(2 * n), "*".repeat(2 * n)),
        ),
        ("raw blocks", "<div>".repeat(n)),
        ("stray end tags", format!("x {}", "<b></i>".repeat(n))),
    ]
}

/// Before this rule, 50,000 `>` (55 KB) took 25 s and 3.9 MB of nested block quotes 85 s;
/// each shape here, at 4 MiB, is refused in 1.1 to 2.6 s by a debug build (0.11 to 0.38 s
/// in release), most of it reading the YAML.
#[test]
fn too_deep_markdown_at_the_size_limit_is_refused_quickly() {
    for (shape, line) in too_deep_lines() {
        let dir = site_with_summary(&line, MAX_FILE_BYTES);
        let (code, stderr, took) = build(dir.path());
        assert_eq!(code, Some(1), "{shape}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{EN}:5:3: error[markdown-too-deep]: the markdown at `summary` nests more than {MAX_NESTING} deep"
            )),
            "{shape}: {}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(
            took < Duration::from_secs(8),
            "{shape}: refused in {took:?}"
        );
        eprintln!("{shape}: refused in {took:?}");
    }
}

/// The worst shape found just under the limit (every line a list nested as deep as
/// allowed: the most elements, each as deep as allowed) builds, in time linear in its size.
/// At 4 MiB it takes a debug build 80 s and a release build 9.5 s (158 s in debug while the
/// feeds rendered the text again): the sanitizer's cost per element (millions of them),
/// not the depth. Here it is a sixteenth of that, 256 KiB: 8 s in debug.
/// Run the full size with `cargo test --test hostile_text -- --ignored`.
#[test]
fn deep_but_allowed_markdown_builds() {
    let took = builds_at(MAX_FILE_BYTES / 16);
    assert!(took < Duration::from_secs(30), "built in {took:?}");
}

#[test]
#[ignore = "about 80 s in a debug build; run it with `--ignored`"]
fn deep_but_allowed_markdown_builds_at_the_size_limit() {
    let took = builds_at(MAX_FILE_BYTES);
    assert!(took < Duration::from_secs(240), "built in {took:?}");
}

fn builds_at(size: u64) -> Duration {
    // Each `1. ` opens a list and an item: two levels; one level is left for the item's
    // text.
    let line = format!("{}x", "1. ".repeat((MAX_NESTING - 1) / 2));
    let dir = site_with_summary(&line, size);
    let (code, stderr, took) = build(dir.path());
    assert_eq!(code, Some(0), "{}", &stderr[..stderr.len().min(2000)]);
    let page = std::fs::read_to_string(
        dir.path()
            .join("site/en-US/advisories/ADV-2024-0001/index.html"),
    )
    .unwrap();
    assert!(page.contains("<ol>\n<li>\n<ol>"), "the lists are rendered");
    eprintln!("{size} bytes: built in {took:?}");
    took
}

/// A control character in a title never reaches the Atom feed, which XML could not parse.
#[test]
fn control_characters_do_not_reach_the_feeds() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        EN,
        "title: Widget Server remote code execution",
        "title: \"Widget\\0Server\\e[31m\"",
    );
    let (code, stderr, _) = build(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{EN}:2:8: error[control-character]")),
        "{stderr}"
    );
    assert!(!dir.path().join("site").exists(), "nothing was published");
}
