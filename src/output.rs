//! The built site in memory (an ordered map of path to bytes) and its atomic write to disk:
//! the new tree is written beside the target and swapped in by renames, so a failed build
//! leaves the previous site as it was.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha384};

/// The name of the checksum manifest at the site root.
pub const MANIFEST: &str = "SHA256SUMS";

/// A site as files: `/`-separated relative paths to contents, in sorted order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    /// Adds a file; two pages claiming the same path is a bug worth stopping for.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Result<()> {
        let path = path.into();
        if path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            bail!("refusing to write outside the site: `{path}`");
        }
        if self.files.insert(path.clone(), bytes.into()).is_some() {
            bail!("two outputs claim the path `{path}`");
        }
        Ok(())
    }

    /// Adds `SHA256SUMS`: the SHA-256 of every other file, in `sha256sum` format and path
    /// order, so a mirror or a deploy step can check the whole site with `sha256sum -c`.
    pub fn add_manifest(&mut self) -> Result<()> {
        let mut manifest = String::new();
        for (path, bytes) in &self.files {
            let digest = sha2::Sha256::digest(bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            manifest.push_str(&format!("{hex}  {path}\n"));
        }
        self.add(MANIFEST, manifest)
    }

    /// The files, in path order.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// Reads a built site back from disk, e.g. the one now published, to compare a new
    /// build with it. Symbolic links are not followed (a build never writes any).
    pub fn read_dir(dir: &Path) -> Result<Output> {
        fn walk(base: &Path, dir: &Path, out: &mut Output) -> Result<()> {
            let mut entries = fs_err::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let path = e.path();
                let kind = e.file_type()?;
                if kind.is_dir() {
                    walk(base, &path, out)?;
                } else if kind.is_file() {
                    let rel = path
                        .strip_prefix(base)
                        .context("a file outside the site")?
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    out.add(rel, fs_err::read(&path)?)?;
                }
            }
            Ok(())
        }
        if !dir.is_dir() {
            bail!("`{}` is not a folder", dir.display());
        }
        let mut out = Output::default();
        walk(dir, dir, &mut out)?;
        Ok(out)
    }

    /// Writes the site into `out`, replacing what was there only once everything is written:
    /// the new tree goes into a staging folder beside `out`, then the two are exchanged in
    /// one atomic rename (Linux `renameat2(RENAME_EXCHANGE)`), so at every instant `out` is
    /// either the whole old site or the whole new one, even if the process is killed.
    pub fn write_atomic(&self, out: &Path) -> Result<()> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::env::current_dir().context("cannot read the current directory")?,
        };
        fs_err::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        remove_stale(&parent, &name);
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a staging folder in `{}`", parent.display()))?;
        for (rel, bytes) in &self.files {
            let path = staging.path().join(rel);
            if let Some(dir) = path.parent() {
                fs_err::create_dir_all(dir)?;
            }
            fs_err::write(&path, bytes)?;
        }
        if !out.exists() {
            fs_err::rename(staging.keep(), out)?;
            return Ok(());
        }
        if exchange(staging.path(), out).is_ok() {
            // `staging` now holds the previous site; dropping it deletes it.
            return Ok(());
        }
        // No atomic exchange here (another OS or file system): move the old site aside,
        // the new one in, then delete the old one; a kill between the two renames leaves
        // the old site in `.<name>.old-*`.
        let staged = staging.keep();
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)
            .context("cannot create a folder for the previous site")?
            .keep();
        fs_err::rename(out, old.join(&name))?;
        if let Err(e) = fs_err::rename(&staged, out) {
            let _ = fs_err::rename(old.join(&name), out);
            return Err(e.into());
        }
        fs_err::remove_dir_all(&old)?;
        Ok(())
    }
}

/// Swaps two directories atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this platform"))
}

/// Removes staging folders that a killed build left beside the site.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with(&format!(".{name}.new-")) || n.starts_with(&format!(".{name}.old-")) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The Subresource Integrity value of a file, `sha384-<base64>`, for the `integrity`
/// attribute of the element that loads it.
pub fn integrity(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_is_sri_sha384() {
        // The example in the Subresource Integrity specification; also what
        // `openssl dgst -sha384 -binary | base64` gives for these bytes.
        assert_eq!(
            integrity(b"alert('Hello, world.');"),
            "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
        );
    }

    #[test]
    fn refuses_traversal_and_collisions() {
        let mut o = Output::default();
        assert!(o.add("../x", "a").is_err());
        assert!(o.add("a//b", "a").is_err());
        o.add("a/b.html", "1").unwrap();
        assert!(o.add("a/b.html", "2").is_err());
    }

    #[test]
    fn replaces_the_whole_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut first = Output::default();
        first.add("old.html", "old").unwrap();
        first.write_atomic(&out).unwrap();
        let mut second = Output::default();
        second.add("new/index.html", "new").unwrap();
        second.write_atomic(&out).unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("new/index.html")).unwrap(),
            "new"
        );
        // No staging folders are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
