//! Which folder a build may write its site into. A build replaces the whole output folder,
//! so a wrong `--out` would delete whatever is there: the user's own files, or the site's
//! sources. [`resolve`] refuses, before anything is read or written, an output folder that
//! is a file, that is, holds or lies inside the site's sources, or that holds something
//! other than a site seckb built; [`foreign`] then names, once the folder has been listed,
//! any file in a site seckb built that its manifest does not list (a file seckb did not
//! write).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::MANIFEST;

/// Files and folders of a site root that are its sources, which no build may write into.
pub const SOURCES: [&str; 5] = [
    "advisories",
    "i18n",
    "templates",
    crate::load::SETTINGS_FILE,
    crate::load::CATALOG_FILE,
];

/// Files every site seckb builds has, all listed in its manifest: a manifest that lists
/// them is seckb's and not some other `SHA256SUMS` (a folder of downloads has one too).
const ALWAYS_BUILT: [&str; 3] = [
    "index.html",
    "sitemap.xml",
    ".well-known/csaf/provider-metadata.json",
];

/// How many of the files seckb did not write an error names.
const NAMED: usize = 5;

/// The folder a build of the site at `root` writes into when asked for `out`: `out` itself,
/// or the folder it links to when it is a symbolic link (a common deploy setup: the link is
/// kept and its target updated). Refuses what a build must not replace.
pub fn resolve(root: &Path, out: &Path, force: bool) -> Result<PathBuf> {
    let shown = out.display();
    let link = std::fs::symlink_metadata(out)
        .ok()
        .filter(|m| m.file_type().is_symlink());
    let target =
        real(out).with_context(|| format!("cannot resolve the output folder `{shown}`"))?;
    let root =
        real(root).with_context(|| format!("cannot resolve the site root `{}`", root.display()))?;
    for source in SOURCES {
        let source = root.join(source);
        if target.starts_with(&source) {
            bail!(
                "refusing to write the site into `{shown}`: it is or lies inside the site's \
                 source `{}`, which a build would delete\n  = hint: choose a folder outside \
                 the sources, such as `site` (the default)",
                source.display()
            );
        }
    }
    if root.starts_with(&target) {
        bail!(
            "refusing to write the site into `{shown}`: it holds the site's sources (the site \
             root `{}`), which a build would delete\n  = hint: choose a folder of its own, \
             such as `site` (the default)",
            root.display()
        );
    }
    let meta = match std::fs::metadata(&target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if link.is_some() {
                bail!(
                    "refusing to write the site into `{shown}`: it is a symbolic link to `{}`, \
                     which does not exist\n  = hint: create that folder, or remove the link",
                    target.display()
                );
            }
            return Ok(target);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read `{shown}`")),
    };
    if !meta.is_dir() {
        bail!(
            "refusing to write the site into `{shown}`: {} not a folder, and a build would \
             replace it with one\n  = hint: choose another `--out`, or move the file away",
            match &link {
                Some(_) => format!("it links to `{}`, which is", target.display()),
                None => "it is".to_string(),
            }
        );
    }
    if force || built_by_seckb(&target) || is_empty(&target)? {
        return Ok(target);
    }
    let mut names = fs_err::read_dir(&target)?
        .map(|e| Ok(format!("`{}`", e?.file_name().to_string_lossy())))
        .collect::<Result<Vec<_>>>()?;
    names.sort_unstable();
    if names.len() > NAMED {
        names.truncate(NAMED);
        names.push("...".into());
    }
    bail!(
        "refusing to write the site into `{shown}`{}: it holds files seckb did not write \
         ({}), and a build replaces everything in it\n  = hint: choose an empty or new \
         folder; `--force` replaces it all the same",
        match &link {
            Some(_) => format!(" (a link to `{}`)", target.display()),
            None => String::new(),
        },
        names.join(", ")
    )
}

/// The files of the site at `target` that its manifest does not list, as an error naming
/// the first few, unless there are none: `files` are all it holds (a listing of it) and
/// `listed` whether the manifest lists a path.
pub fn foreign<'a>(
    target: &Path,
    files: impl Iterator<Item = &'a String>,
    listed: impl Fn(&str) -> bool,
) -> Result<()> {
    let mut found: Vec<&str> = files
        .map(String::as_str)
        .filter(|f| *f != MANIFEST && !listed(f))
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    found.sort_unstable();
    let count = found.len();
    let names: Vec<String> = found.iter().take(NAMED).map(|f| format!("`{f}`")).collect();
    bail!(
        "refusing to update the site `{}`: it holds {count} file{} seckb did not write ({}{}), \
         which the update would delete\n  = hint: move {} out of the site folder; `--force` \
         deletes {} all the same",
        target.display(),
        if count == 1 { "" } else { "s" },
        names.join(", "),
        if count > NAMED { ", ..." } else { "" },
        if count == 1 { "it" } else { "them" },
        if count == 1 { "it" } else { "them" },
    )
}

/// Whether `dir` is a site seckb built: its manifest is seckb's (it lists the files every
/// build writes), or a build left its journal beside it.
fn built_by_seckb(dir: &Path) -> bool {
    if super::unfinished(dir).is_some() {
        return true;
    }
    let Some(text) = super::read_own(&dir.join(MANIFEST)) else {
        return false;
    };
    // Lines are `<sha256>  <path>\n`; a search of the bytes, as the manifest of a large
    // site has a million lines.
    ALWAYS_BUILT
        .iter()
        .all(|f| memchr::memmem::find(&text, format!("  {f}\n").as_bytes()).is_some())
}

fn is_empty(dir: &Path) -> Result<bool> {
    Ok(fs_err::read_dir(dir)?.next().is_none())
}

/// `path` made absolute with every symbolic link in the part of it that exists resolved;
/// the rest, which does not exist yet, is taken as written (`..` there removes the name
/// before it, which cannot be a link).
fn real(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut real = PathBuf::new();
    let mut exists = true;
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => real.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                if exists {
                    match std::fs::canonicalize(&real) {
                        Ok(resolved) => real = resolved,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            // A link whose target does not exist: where it points.
                            if let Ok(to) = std::fs::read_link(&real) {
                                real.pop();
                                real = real.join(to);
                                real = absolute_lexical(&real);
                            }
                            exists = false;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
    }
    Ok(real)
}

/// `path` with `.` and `..` removed by name, for a path none of whose parts exist.
fn absolute_lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_root() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for d in ["advisories/A-1", "i18n"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("seckb.yaml"), "x").unwrap();
        dir
    }

    #[test]
    fn a_new_or_empty_folder_is_taken_and_a_link_resolved() {
        let root = site_root();
        let r = root.path();
        let real_root = std::fs::canonicalize(r).unwrap();
        assert_eq!(
            resolve(r, &r.join("site"), false).unwrap(),
            real_root.join("site")
        );
        assert_eq!(
            resolve(r, &r.join("a/../b/./site"), false).unwrap(),
            real_root.join("b/site")
        );
        std::fs::create_dir(r.join("www")).unwrap();
        std::os::unix::fs::symlink(r.join("www"), r.join("site")).unwrap();
        assert_eq!(
            resolve(r, &r.join("site"), false).unwrap(),
            real_root.join("www")
        );
    }

    #[test]
    fn sources_files_and_folders_of_others_are_refused() {
        let root = site_root();
        let r = root.path();
        for out in [
            r.to_path_buf(),
            r.join("."),
            r.join("advisories"),
            r.join("advisories/A-1"),
            r.join("advisories/new/site"),
            r.join("seckb.yaml"),
            r.join("templates/x"),
            r.join("advisories/A-1/../../i18n"),
            PathBuf::from("/"),
        ] {
            let e = format!("{:#}", resolve(r, &out, true).unwrap_err());
            assert!(e.contains("source"), "{}: {e}", out.display());
        }
        std::fs::write(r.join("file"), "mine").unwrap();
        let e = format!("{:#}", resolve(r, &r.join("file"), true).unwrap_err());
        assert!(e.contains("not a folder"), "{e}");
        std::fs::create_dir(r.join("docs")).unwrap();
        std::fs::write(r.join("docs/thesis.txt"), "mine").unwrap();
        let e = format!("{:#}", resolve(r, &r.join("docs"), false).unwrap_err());
        assert!(e.contains("`thesis.txt`") && e.contains("--force"), "{e}");
        assert!(resolve(r, &r.join("docs"), true).is_ok());
    }

    #[test]
    fn a_manifest_is_seckbs_only_when_it_lists_what_every_build_writes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), "abc  ubuntu.iso\n").unwrap();
        assert!(!built_by_seckb(dir.path()));
        // A file of that name in a folder is not the file at the root.
        let nested: String = ALWAYS_BUILT
            .iter()
            .map(|f| format!("00  x/{f}\n"))
            .collect();
        std::fs::write(dir.path().join(MANIFEST), nested).unwrap();
        assert!(!built_by_seckb(dir.path()));
        let lines: String = ALWAYS_BUILT.iter().map(|f| format!("00  {f}\n")).collect();
        std::fs::write(dir.path().join(MANIFEST), lines).unwrap();
        assert!(built_by_seckb(dir.path()));
    }

    #[test]
    fn files_the_manifest_does_not_list_are_named() {
        let files: Vec<String> = ["SHA256SUMS", "index.html", "CNAME"]
            .map(String::from)
            .to_vec();
        let e = foreign(Path::new("site"), files.iter(), |f| f == "index.html").unwrap_err();
        assert!(
            format!("{e:#}").contains("1 file seckb did not write (`CNAME`)"),
            "{e:#}"
        );
        assert!(foreign(Path::new("site"), files[..2].iter(), |f| f == "index.html").is_ok());
    }
}
