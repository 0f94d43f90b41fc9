//! The publish guard (`seckb check --against`, `seckb diff`): the fixture site is built as
//! the site "now published", then an edited copy is compared with it. Each refusal has its
//! own test with the exact finding; allowed changes pass.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{copy_fixture, edit, fixture};

const A1: &str = "advisories/ADV-2024-0001/advisory.yaml";
const A2: &str = "advisories/ADV-2023-0002/advisory.yaml";
const A1_EN: &str = "advisories/ADV-2024-0001/en-US.yaml";
const A1_NL: &str = "advisories/ADV-2024-0001/nl-NL.yaml";
const A2_EN: &str = "advisories/ADV-2023-0002/en-US.yaml";

fn seckb() -> Command {
    let mut c = common::seckb_bin();
    c.env("NO_COLOR", "1");
    c
}

/// The fixture built once: the site now published.
fn published() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = seckb()
            .arg("--root")
            .arg(fixture("basic"))
            .arg("build")
            .arg("--out")
            .arg(&site)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        (dir, site)
    })
    .1
}

/// Runs `seckb --root <root> check --against <published>`: (exit code, stderr).
fn check(root: &Path) -> (i32, String) {
    let out = seckb()
        .arg("--root")
        .arg(root)
        .arg("check")
        .arg("--against")
        .arg(published())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Asserts exit 1 and that every expected headline is in stderr.
fn refused(root: &Path, expected: &[&str]) -> String {
    let (code, err) = check(root);
    assert_eq!(code, 1, "{err}");
    for e in expected {
        assert!(err.contains(e), "missing `{e}` in:\n{err}");
    }
    assert!(err.contains("publish refused"), "{err}");
    err
}

#[test]
fn the_same_site_passes() {
    let (code, err) = check(&fixture("basic"));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 advisories kept (0 with a new revision), 0 new; 29 pages kept, 0 new"),
        "{err}"
    );
}

#[test]
fn new_advisory_revision_and_languages_pass() {
    let dir = copy_fixture("basic");
    let root = dir.path();
    // A new advisory.
    common::copy_tree(
        &root.join("advisories/ADV-2023-0002"),
        &root.join("advisories/ADV-2025-0003"),
    );
    let a3 = "advisories/ADV-2025-0003/advisory.yaml";
    edit(root, a3, "id: ADV-2023-0002", "id: ADV-2025-0003");
    edit(root, a3, "published: 2023-11-30", "published: 2025-01-15");
    edit(root, a3, "updated: 2023-11-30", "updated: 2025-01-15");
    edit(root, a3, "date: 2023-11-30", "date: 2025-01-15");
    // A new revision with new content.
    edit(root, A2, "updated: 2023-11-30", "updated: 2023-12-05");
    edit(root, A2, "version: \"1.0\"", "version: \"1.1\"");
    edit(
        root,
        A2,
        "    date: 2023-11-30\n",
        "    date: 2023-11-30\n  - number: \"1.1\"\n    date: 2023-12-05\n",
    );
    edit(root, A2_EN, "revision: \"1.0\"", "revision: \"1.1\"");
    edit(
        root,
        A2_EN,
        "may stop syncing after",
        "can stop syncing after",
    );
    edit(
        root,
        A2_EN,
        "  \"1.0\": Advisory published.\n",
        "  \"1.0\": Advisory published.\n  \"1.1\": Clarified the summary.\n",
    );
    // A new language of an advisory, and a new language of the whole site.
    std::fs::write(
        root.join("advisories/ADV-2023-0002/nl-NL.yaml"),
        "revision: \"1.1\"\ntitle: Widget Client kan stoppen met synchroniseren\n\
         summary: Widget Client kan na een update stoppen met synchroniseren.\n\
         remediations:\n  none: Er is nog geen oplossing.\n\
         revisions:\n  \"1.0\": Advies gepubliceerd.\n  \"1.1\": Samenvatting verduidelijkt.\n",
    )
    .unwrap();
    edit(
        root,
        "seckb.yaml",
        "languages: [en-US, nl-NL]",
        "languages: [en-US, nl-NL, de-DE]",
    );
    std::fs::write(root.join("i18n/de-DE.yaml"), "language_name: Deutsch\n").unwrap();

    let (code, err) = check(root);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 advisories kept (1 with a new revision), 1 new; 29 pages kept,"),
        "{err}"
    );
}

#[test]
fn removed_advisory_is_refused_with_its_pages() {
    let dir = copy_fixture("basic");
    std::fs::remove_dir_all(dir.path().join("advisories/ADV-2023-0002")).unwrap();
    refused(
        dir.path(),
        &[
            "api/v1/index.json:1:1: error[advisory-removed]: advisory `ADV-2023-0002` was \
             published and is missing from the new site",
            "en-US/advisories/ADV-2023-0002/index.html:1:1: error[page-removed]: page \
             `en-US/advisories/ADV-2023-0002/index.html` was published and is missing from the \
             new site: `https://advisories.example.org/en-US/advisories/ADV-2023-0002/` would \
             stop working",
            "error[page-removed]: page `nl-NL/advisories/ADV-2023-0002/index.html`",
            "error[page-removed]: page `en-US/years/2023/index.html`",
        ],
    );
}

#[test]
fn changed_publication_date_is_refused() {
    let dir = copy_fixture("basic");
    let root = dir.path();
    edit(root, A2, "published: 2023-11-30", "published: 2023-11-29");
    edit(root, A2, "updated: 2023-11-30", "updated: 2023-11-29");
    edit(root, A2, "date: 2023-11-30", "date: 2023-11-29");
    refused(
        root,
        &[
            "api/v1/advisories/ADV-2023-0002.json:1:1: error[published-changed]: advisory \
             `ADV-2023-0002`: the publication date changed from `2023-11-30` to `2023-11-29`",
            "error[revision-rewritten]: advisory `ADV-2023-0002`: published revision `1.0` of \
             2023-11-30 is now `1.0` of 2023-11-29",
        ],
    );
}

#[test]
fn revision_going_back_is_refused() {
    let dir = copy_fixture("basic");
    let root = dir.path();
    edit(root, A1, "updated: 2024-04-02", "updated: 2024-03-12");
    edit(root, A1, "version: \"1.1\"", "version: \"1.0\"");
    edit(root, A1, "  - number: \"1.1\"\n    date: 2024-04-02\n", "");
    edit(root, A1_EN, "revision: \"1.1\"", "revision: \"1.0\"");
    edit(root, A1_EN, "  \"1.1\": Added Widget Server 3.\n", "");
    edit(root, A1_NL, "  \"1.1\": Widget Server 3 toegevoegd.\n", "");
    let err = refused(
        root,
        &[
            "api/v1/advisories/ADV-2024-0001.json:1:1: error[revision-went-back]: advisory \
           `ADV-2024-0001`: the version went back from `1.1` to `1.0`; revision `1.1` of \
           2024-04-02 is gone",
        ],
    );
    // One cause, one finding: the texts that follow the history are not reported again.
    assert!(err.contains("1 error, 0 warnings"), "{err}");
}

#[test]
fn rewritten_revision_history_is_refused() {
    let dir = copy_fixture("basic");
    let root = dir.path();
    edit(root, A1, "updated: 2024-04-02", "updated: 2024-04-03");
    edit(root, A1, "date: 2024-04-02", "date: 2024-04-03");
    refused(
        root,
        &[
            "api/v1/advisories/ADV-2024-0001.json:1:1: error[revision-rewritten]: advisory \
           `ADV-2024-0001`: published revision `1.1` of 2024-04-02 is now `1.1` of 2024-04-03",
        ],
    );
}

#[test]
fn changed_facts_without_a_revision_are_refused() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        A1,
        "kbs: [\"5001234\"]",
        "kbs: [\"5001234\", \"5001235\"]",
    );
    let err = refused(
        dir.path(),
        &[
            "api/v1/advisories/ADV-2024-0001.json:1:1: error[content-changed]: advisory \
           `ADV-2024-0001`: its facts changed without a new revision (still `1.1`)",
        ],
    );
    assert!(
        err.contains("help: add a revision to `advisory.yaml`"),
        "{err}"
    );
}

#[test]
fn changed_text_without_a_revision_is_refused() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        A1_NL,
        "Installeer update 5001234.",
        "Installeer update 5001235.",
    );
    refused(
        dir.path(),
        &[
            "api/v1/advisories/ADV-2024-0001.json:1:1: error[content-changed]: advisory \
           `ADV-2024-0001`: the `nl-NL` text changed without a new revision (still `1.1`)",
        ],
    );
}

#[test]
fn an_outdated_translation_may_catch_up() {
    // nl-NL is at 1.0 while the advisory is at 1.1: bringing it up to date is no edit of
    // published content.
    let dir = copy_fixture("basic");
    edit(dir.path(), A1_NL, "revision: \"1.0\"", "revision: \"1.1\"");
    let (code, err) = check(dir.path());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn removed_text_is_refused() {
    let dir = copy_fixture("basic");
    std::fs::remove_file(dir.path().join(A1_NL)).unwrap();
    refused(
        dir.path(),
        &[
            "api/v1/advisories/ADV-2024-0001.json:1:1: error[text-removed]: advisory \
           `ADV-2024-0001`: its `nl-NL` text was published and is missing",
        ],
    );
}

#[test]
fn diff_of_built_sites_finds_a_missing_page_and_speaks_json() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new");
    common::copy_tree(published(), &new);
    std::fs::remove_file(new.join("nl-NL/products/widget-client/index.html")).unwrap();
    let out = seckb()
        .arg("diff")
        .arg(published())
        .arg(&new)
        .arg("--format")
        .arg("json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings,
        serde_json::json!([{
            "file": "nl-NL/products/widget-client/index.html",
            "line": 1,
            "column": 1,
            "severity": "error",
            "code": "page-removed",
            "message": "page `nl-NL/products/widget-client/index.html` was published and is \
                        missing from the new site: \
                        `https://advisories.example.org/nl-NL/products/widget-client/` would \
                        stop working",
            "hint": "published addresses stay; keep the page (or the language or product it \
                     belongs to)"
        }])
    );
    // Unchanged, it passes.
    seckb()
        .arg("diff")
        .arg(published())
        .arg(published())
        .assert()
        .success();
}

/// Runs seckb with `args`: (exit code, stderr, how long it took).
fn run(args: &[&std::ffi::OsStr]) -> (i32, String, Duration) {
    let start = Instant::now();
    let out = seckb().args(args).output().unwrap();
    let took = start.elapsed();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        took,
    )
}

/// A folder as big as a small project's (20,000 files in 100 folders) that is no site;
/// the files are hard links to one file, so making it is quick while reading it is not.
fn big_folder(dir: &Path) {
    let one = dir.with_extension("file");
    std::fs::write(&one, vec![b'x'; 16 * 1024]).unwrap();
    for d in 0..100 {
        let sub = dir.join(format!("d{d:03}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..200 {
            std::fs::hard_link(&one, sub.join(format!("f{f:03}.txt"))).unwrap();
        }
    }
}

const HINT: &str = "= hint: give the folder `seckb build` writes (`site/` by default); a site \
                    built by seckb has `SHA256SUMS` and `api/v1/index.json` at its root";

/// `seckb diff /etc /usr` read both trees before it found that neither is a site; a folder
/// that is not a site is now refused before anything in it is read, naming the argument.
#[test]
fn folders_that_are_not_sites_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    big_folder(&old);
    big_folder(&new);
    let (code, err, took) = run(&["diff".as_ref(), old.as_ref(), new.as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "error: `{}` (`OLD`, the first argument) is not a site built by seckb: it has no \
             `SHA256SUMS` at its root",
            old.display()
        )),
        "{err}"
    );
    assert!(err.contains(HINT), "{err}");
    // Reading the two folders is slow; the check only looks at two names in each. The
    // bound leaves room for a busy machine.
    assert!(took < Duration::from_millis(1000), "took {took:?}");

    // The second argument is named when it is the one that is not a site.
    let (code, err, took) = run(&["diff".as_ref(), published().as_ref(), new.as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` (`NEW`, the second argument) is not a site built by seckb",
            new.display()
        )),
        "{err}"
    );
    assert!(took < Duration::from_millis(1000), "took {took:?}");
}

#[test]
fn a_missing_folder_or_a_file_or_a_site_without_its_index_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let (code, err, _) = run(&["diff".as_ref(), missing.as_ref(), published().as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` (`OLD`, the first argument) does not exist",
            missing.display()
        )),
        "{err}"
    );
    assert!(err.contains(HINT), "{err}");
    let file = published().join("SHA256SUMS");
    let (code, err, _) = run(&["diff".as_ref(), published().as_ref(), file.as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` (`NEW`, the second argument) is a file, not the folder of a site",
            file.display()
        )),
        "{err}"
    );
    // A manifest alone is not enough: the comparison starts from the API index.
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    std::fs::write(bare.join("SHA256SUMS"), "").unwrap();
    let (code, err, _) = run(&["diff".as_ref(), bare.as_ref(), published().as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is not a site built by seckb: it has no `api/v1/index.json` at its root"),
        "{err}"
    );
}

/// `check --against` and `check --site` refuse a folder that is not a site before the site
/// is validated and built.
#[test]
fn check_refuses_a_folder_that_is_not_a_site_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    big_folder(&big);
    let root = fixture("basic");
    let (code, err, took) = run(&[
        "--root".as_ref(),
        root.as_ref(),
        "check".as_ref(),
        "--against".as_ref(),
        big.as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` (`--against`) is not a site built by seckb: it has no `SHA256SUMS` at its root",
            big.display()
        )),
        "{err}"
    );
    assert!(err.contains(HINT), "{err}");
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    let (code, err, _) = run(&[
        "check".as_ref(),
        "--against".as_ref(),
        published().as_ref(),
        "--site".as_ref(),
        big.as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` (`--site`) is not a site built by seckb",
            big.display()
        )),
        "{err}"
    );
}

#[test]
fn check_refuses_a_site_that_does_not_validate() {
    let dir = copy_fixture("basic");
    edit(dir.path(), A1, "kind: bulletin", "kind: bulletn");
    let (code, err) = check(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[unknown-value]"), "{err}");
    assert!(err.contains("check stopped"), "{err}");
}

#[test]
fn check_reads_a_built_site_with_site() {
    let out = seckb()
        .arg("check")
        .arg("--against")
        .arg(published())
        .arg("--site")
        .arg(published())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// A site that a killed build left part-way through an update (its journal beside it) is
/// not compared: it is part old, part new.
#[test]
fn a_site_with_an_unfinished_update_is_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_tree(published(), &site);
    std::fs::write(dir.path().join(".site.journal"), "{}").unwrap();
    let out = seckb()
        .arg("diff")
        .arg(published())
        .arg(&site)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("part-way through an update") && err.contains(".site.journal"),
        "{err}"
    );
}
