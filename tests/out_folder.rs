//! The output folder: a build writes only into a folder that is new, empty, or a site seckb
//! built, and never into the site's sources; anything else is refused with exit 2 before a
//! byte changes. Each case checks that every byte of the user's files is still there.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{copy_fixture, read_tree};

fn seckb_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    common::seckb_bin()
        .env("NO_COLOR", "1")
        .current_dir(cwd)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

/// `seckb --root <root> build <args>`, run from the site root.
fn build(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    seckb_in(root, &all)
}

/// Asserts exit 2 with an error that says `why`; returns the error text.
fn refused(out: &std::process::Output, why: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(why), "expected `{why}` in: {err}");
    assert!(err.contains("hint:"), "no hint: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn write(path: &Path, bytes: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A folder of the user's own, never built by seckb.
fn users_folder(dir: &Path) {
    write(&dir.join("thesis.txt"), "four years of work\n");
    write(&dir.join("docs/a.md"), "# notes\n");
}

#[test]
fn a_folder_of_the_users_is_refused_unless_forced() {
    let site = copy_fixture("basic");
    let mine = tempfile::tempdir().unwrap();
    users_folder(mine.path());
    let before = read_tree(mine.path());
    let out = mine.path().to_str().unwrap();
    let err = refused(&build(site.path(), &["--out", out]), "did not write");
    assert!(err.contains("`thesis.txt`"), "{err}");
    assert_eq!(read_tree(mine.path()), before);
    // Asked to, it replaces them.
    assert!(
        build(site.path(), &["--out", out, "--force"])
            .status
            .success()
    );
    assert!(mine.path().join("index.html").is_file());
    assert!(!mine.path().join("thesis.txt").exists());
}

#[test]
fn the_site_root_its_sources_and_their_parents_are_refused() {
    let site = copy_fixture("basic");
    let root = site.path();
    let before = read_tree(root);
    let absolute = root.to_str().unwrap();
    for out in [
        absolute,
        ".",
        "/",
        "advisories/ADV-2024-0001",
        "advisories",
        "i18n",
        "seckb.yaml",
        "templates/site",
        "advisories/../advisories",
    ] {
        // `--force` does not override these.
        let err = refused(&build(root, &["--out", out, "--force"]), "source");
        assert!(!err.contains("without a name"), "{err}");
        assert_eq!(read_tree(root), before, "after --out {out}");
    }
    // Also when the root is named with `--root` from elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = seckb_in(
        elsewhere.path(),
        &[
            "--root",
            absolute,
            "build",
            "--out",
            &format!("{absolute}/advisories"),
        ],
    );
    refused(&out, "source");
    assert_eq!(read_tree(root), before);
}

#[test]
fn a_file_is_not_replaced_by_a_folder() {
    let site = copy_fixture("basic");
    let file = site.path().join("some-file");
    write(&file, "mine\n");
    refused(
        &build(site.path(), &["--out", "some-file", "--force"]),
        "not a folder",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
}

#[test]
fn a_file_the_site_did_not_have_is_kept_unless_forced() {
    let site = copy_fixture("basic");
    let root = site.path();
    assert!(build(root, &[]).status.success());
    write(&root.join("site/CNAME"), "advisories.example.org\n");
    let before = read_tree(&root.join("site"));
    common::edit(
        root,
        "advisories/ADV-2024-0001/en-US.yaml",
        "title: Widget",
        "title: Edited Widget",
    );
    let err = refused(&build(root, &[]), "1 file seckb did not write (`CNAME`)");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(read_tree(&root.join("site")), before);
    assert!(build(root, &["--force"]).status.success());
    assert!(!root.join("site/CNAME").exists());
    // The site is seckb's again: the next build needs no `--force`.
    assert!(build(root, &[]).status.success());
}

#[test]
fn a_new_an_empty_and_a_built_folder_are_written() {
    let site = copy_fixture("basic");
    let root = site.path();
    std::fs::create_dir(root.join("empty")).unwrap();
    for out in ["new/site", "empty"] {
        let o = build(root, &["--out", out]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(root.join(out).join("index.html").is_file());
        // A site seckb built is built into again.
        assert!(build(root, &["--out", out]).status.success());
    }
}

#[test]
fn a_link_to_a_site_updates_its_target_and_stays_a_link() {
    let site = copy_fixture("basic");
    let root = site.path();
    let www = tempfile::tempdir().unwrap();
    let target = www.path().join("html");
    std::fs::create_dir(&target).unwrap();
    std::os::unix::fs::symlink(&target, root.join("site")).unwrap();
    for _ in 0..2 {
        let o = build(root, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            std::fs::symlink_metadata(root.join("site"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(target.join("index.html").is_file());
        common::edit(
            root,
            "advisories/ADV-2024-0001/en-US.yaml",
            "Widget Server remote code",
            "XWidget Server remote code",
        );
    }
    let page = std::fs::read_to_string(target.join("en-US/advisories/ADV-2024-0001/index.html"));
    assert!(page.unwrap().contains("XWidget Server"));
    // A link to a folder of the user's is refused, and the folder kept.
    let mine = tempfile::tempdir().unwrap();
    users_folder(mine.path());
    let before = read_tree(mine.path());
    std::fs::remove_file(root.join("site")).unwrap();
    std::os::unix::fs::symlink(mine.path(), root.join("site")).unwrap();
    refused(&build(root, &[]), "did not write");
    assert_eq!(read_tree(mine.path()), before);
    // A link to nothing is refused too, and left as it is.
    std::fs::remove_file(root.join("site")).unwrap();
    std::os::unix::fs::symlink(www.path().join("gone"), root.join("site")).unwrap();
    refused(&build(root, &[]), "does not exist");
    assert!(!www.path().join("gone").exists());
}

#[test]
fn import_refuses_a_file_and_linked_advisories() {
    let site = copy_fixture("basic");
    let root = site.path();
    assert!(build(root, &[]).status.success());
    let csaf = root.join("site/.well-known/csaf");
    let csaf = csaf.to_str().unwrap();
    // `--into` a file.
    let file = root.join("some-file");
    write(&file, "mine\n");
    let o = seckb_in(root, &["import", "csaf", csaf, "--into", "some-file"]);
    refused(&o, "not a folder");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
    // An `advisories/` that links elsewhere, or an advisory folder that does.
    let into = copy_fixture("basic");
    let elsewhere = tempfile::tempdir().unwrap();
    users_folder(elsewhere.path());
    let before = read_tree(elsewhere.path());
    let advisories = into.path().join("advisories");
    std::fs::remove_dir_all(&advisories).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &advisories).unwrap();
    let into_arg = into.path().to_str().unwrap();
    let o = seckb_in(
        root,
        &["import", "csaf", csaf, "--into", into_arg, "--force"],
    );
    refused(&o, "symbolic link");
    std::fs::remove_file(&advisories).unwrap();
    std::fs::create_dir(&advisories).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), advisories.join("ADV-2024-0001")).unwrap();
    let o = seckb_in(
        root,
        &["import", "csaf", csaf, "--into", into_arg, "--force"],
    );
    refused(&o, "symbolic link");
    assert_eq!(read_tree(elsewhere.path()), before);
}

#[test]
fn a_pipe_in_place_of_the_manifest_or_the_cache_does_not_hang_a_build() {
    let site = copy_fixture("basic");
    let root = site.path();
    assert!(build(root, &[]).status.success());
    let fifo = |path: &Path| {
        std::fs::remove_file(path).unwrap();
        let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mkfifoat(rustix::fs::CWD, path, mode).unwrap();
    };
    // The build cache: the build goes on without it, rendering everything.
    fifo(&root.join(".site.cache.json"));
    let o = build(root, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2 of 2 advisories"));
    // The manifest: not seckb's, so the folder is refused as someone else's.
    fifo(&root.join("site/SHA256SUMS"));
    refused(&build(root, &[]), "did not write");
}
