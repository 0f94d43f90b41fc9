//! Hostile text at the size limit: markdown nested deep enough to make the HTML sanitizer
//! take quadratic time, or making more elements than the sanitizer handles in reasonable
//! time, is refused at once, with its position; text just under both limits builds;
//! characters XML cannot hold never reach the feeds.
//!
//! Time bounds are for the binaries the tests run: generous for a debug build, the bound the
//! project promises (2 s to build) for a release build (`cargo test --release --test
//! hostile_text`). Measured figures are in `bench/RESULTS.md`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{copy_fixture, edit};
use seckb::load::MAX_FILE_BYTES;
use seckb::markdown::{MAX_ELEMENTS, MAX_NESTING, elements};

const EN: &str = "advisories/ADV-2024-0001/en-US.yaml";

/// The basic fixture with the English summary made of `line` repeated (each indented as a
/// block scalar's line), up to `size` bytes of file.
fn site_with_summary(line: &str, size: u64) -> tempfile::TempDir {
    site_with_summary_of(&[], line, size)
}

/// The basic fixture with the English summary made of the lines of `first`, each repeated
/// as often as it says, then of `line` repeated up to `size` bytes of file.
fn site_with_summary_of(first: &[(&str, usize)], line: &str, size: u64) -> tempfile::TempDir {
    let dir = copy_fixture("basic");
    let path = dir.path().join(EN);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("summary: |\n").expect("summary") + "summary: |\n".len();
    let end = text[start..].find("\noverview:").expect("overview") + start + 1;
    let (head, tail) = (&text[..start], &text[end..]);
    let indent = |line: &str| {
        if line.is_empty() {
            "\n".to_string()
        } else {
            format!("  {line}\n")
        }
    };
    let mut body: String = first
        .iter()
        .map(|(line, times)| indent(line).repeat(*times))
        .collect();
    let line = indent(line);
    let room = usize::try_from(size).unwrap() - head.len() - tail.len() - body.len();
    body.push_str(&line.repeat(room / line.len()));
    std::fs::write(&path, format!("{head}{body}{tail}")).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() <= MAX_FILE_BYTES);
    dir
}

/// A time bound: `debug` for a debug build, `release` for a release build.
fn bound(debug: u64, release: u64) -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) {
        debug
    } else {
        release
    })
}

/// Runs `seckb build`; its exit code, stderr and how long it took. One build at a time, so
/// that the tests of this file do not share the cores while they are timed.
fn build(root: &Path) -> (Option<i32>, String, Duration) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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
        assert!(took < bound(8, 2), "{shape}: refused in {took:?}");
        eprintln!("{shape}: refused in {took:?}");
    }
}

/// The line of the worst shape found under the depth limit: lists nested as deep as allowed,
/// the most elements for their bytes, each as deep as allowed (the sanitizer's parser takes
/// longer for an element the deeper it is). Each `1. ` opens a list and an item: two
/// levels; one level is left for the item's text.
fn deepest_lists() -> String {
    format!("{}x", "1. ".repeat((MAX_NESTING - 1) / 2))
}

/// A shape of summary: its name, its first lines with how often each is repeated, and the
/// line repeated after them up to the size limit.
type Shape = (&'static str, Vec<(String, usize)>, String);

/// Shapes that make more elements than a file may, each line of the summary: the deepest
/// lists, paragraphs, emphasis, and a table whose every one-letter row makes a cell for each
/// column of its head.
fn too_many_elements() -> Vec<Shape> {
    let columns = "|a".repeat(100);
    let delimiter = "|-".repeat(100);
    vec![
        ("deepest lists", vec![], deepest_lists()),
        ("paragraphs", vec![], "x\n".to_string()),
        ("emphasis", vec![], "*a* ".repeat(20)),
        ("table", vec![(columns, 1), (delimiter, 1)], "x".to_string()),
    ]
}

#[test]
fn markdown_with_too_many_elements_at_the_size_limit_is_refused_quickly() {
    for (shape, first, line) in too_many_elements() {
        let first: Vec<(&str, usize)> = first.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        let dir = site_with_summary_of(&first, &line, MAX_FILE_BYTES);
        let (code, stderr, took) = build(dir.path());
        assert_eq!(code, Some(1), "{shape}: {stderr}");
        let headline = format!(
            "{EN}:5:3: error[markdown-too-large]: the markdown of this file makes more than {MAX_ELEMENTS} HTML elements"
        );
        assert!(
            stderr.contains(&headline) && stderr.contains("of the text at `summary`"),
            "{shape}: {}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(took < bound(15, 2), "{shape}: refused in {took:?}");
        eprintln!("{shape}: refused in {took:?}");
    }
}

/// The worst shape found under both limits, at the size limit, builds: as many of the
/// deepest lists as a file may have, then plain text up to the size limit.
#[test]
fn the_worst_allowed_markdown_at_the_size_limit_builds() {
    let lists = deepest_lists();
    // Room for the elements of the fixture's other texts.
    let times = (MAX_ELEMENTS - 100) / elements(&format!("{lists}\n"));
    let words = "plain words with nothing to mark up, ".repeat(20);
    let dir = site_with_summary_of(&[(&lists, times), ("", 1)], &words, MAX_FILE_BYTES);
    let text = std::fs::read_to_string(dir.path().join(EN)).unwrap();
    assert!(text.len() as u64 > MAX_FILE_BYTES - 1024);
    let (code, stderr, took) = build(dir.path());
    assert_eq!(code, Some(0), "{}", &stderr[..stderr.len().min(2000)]);
    let page = std::fs::read_to_string(
        dir.path()
            .join("site/en-US/advisories/ADV-2024-0001/index.html"),
    )
    .unwrap();
    assert!(page.contains("<ol>\n<li>\n<ol>"), "the lists are rendered");
    assert!(
        page.contains("plain words with nothing"),
        "the text is rendered"
    );
    assert!(took < bound(30, 2), "built in {took:?}");
    eprintln!("built in {took:?}");
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
