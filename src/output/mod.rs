//! Where a build's files go: a [`Sink`]. Two kinds: [`Memory`], an ordered map of path to
//! bytes (for `serve`, `check` and tests), and [`Staging`], a staging folder beside the
//! target that each file is written into as soon as it is rendered, so that memory does not
//! grow with the site, and that is put in place at once by [`Staging::commit`]. A failed
//! build leaves the previous site as it was.
//!
//! A sink knows files, not units: which unit made which file, and whether a unit can be
//! taken from the previous build, is the engine's ledger ([`crate::engine::Ledger`]). A sink
//! only checks that the previous build's files it is asked to keep are there as recorded.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

mod journal;
mod memory;
mod staging;
pub mod target;
pub use journal::{recover, unfinished};
pub use memory::Memory;
pub use staging::{Listing, Staging, WriteStats};

/// The name of the checksum manifest at the site root.
pub const MANIFEST: &str = "SHA256SUMS";

/// The bytes of a file of a site built in memory: shared, so that a rebuild takes a file
/// from the previous build (which `serve` still serves meanwhile) without copying it.
pub type Bytes = Arc<Vec<u8>>;

/// A file that a build wrote, as the build cache records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CachedFile {
    /// Below the site root.
    pub path: String,
    /// SHA-256 of the contents, in hex (as in `SHA256SUMS`).
    pub sha256: String,
    /// Size in bytes.
    pub len: u64,
}

/// Where a build puts its files.
pub trait Sink: Send {
    /// Adds a file; its SHA-256. A path that leaves the site, or that a file of this build
    /// has already, is refused: two outputs claiming one path is a bug worth stopping for.
    fn put(&mut self, path: String, bytes: Vec<u8>) -> Result<[u8; 32]>;

    /// Takes each group of the previous build's files into this build as they are, if every
    /// file of the group is there as recorded (same SHA-256 and size); whether each group
    /// was taken. A group not taken adds nothing, and must be made.
    fn keep(&mut self, groups: &[&[CachedFile]]) -> Result<Vec<bool>>;

    /// The bytes of the previous build's file `f`, if they are what `f` records. A file
    /// edited by hand, or left by another build than the one the cache describes, is never
    /// used.
    fn previous(&self, f: &CachedFile) -> Option<Bytes>;

    /// The paths of the files added or kept so far that begin with `prefix`, in order.
    fn paths_under(&self, prefix: &str) -> Vec<&str>;

    /// Every file of the site, in path order, with its SHA-256: once the build is done (the
    /// previous build's files that were not kept are gone from then on).
    fn digests(&mut self) -> Result<Vec<(Arc<str>, [u8; 32])>>;

    /// How many files the site has.
    fn len(&self) -> usize;

    /// Whether the site has no file.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Adds `SHA256SUMS` to a finished site: the SHA-256 of every other file, in `sha256sum`
/// format and path order, so a mirror or a deploy step can check the whole site with
/// `sha256sum -c`.
pub fn add_manifest(sink: &mut dyn Sink) -> Result<()> {
    let digests = sink.digests()?;
    let mut manifest = String::with_capacity(digests.len() * 100);
    let mut digits = [0u8; 64];
    for (path, digest) in digests {
        // Always ASCII hex digits.
        ::hex::encode_to_slice(digest, &mut digits)?;
        manifest.push_str(std::str::from_utf8(&digits)?);
        manifest.push_str("  ");
        manifest.push_str(&path);
        manifest.push('\n');
    }
    sink.put(MANIFEST.to_string(), manifest.into_bytes())?;
    Ok(())
}

/// Refuses a path that would leave the site or name a folder.
fn check_path(path: &str) -> Result<()> {
    if path
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        bail!("refusing to write outside the site: `{path}`");
    }
    Ok(())
}

/// Whether `f` records a file with this SHA-256.
fn records(f: &CachedFile, digest: &[u8; 32]) -> bool {
    crate::util::unhex(&f.sha256).as_ref() == Some(digest)
}

/// The bytes of a file seckb wrote beside or in a site (its manifest, its build cache), if
/// it is a regular file: a named pipe in its place must not hang a build, and a link is not
/// what seckb wrote.
pub fn read_own(path: &Path) -> Option<Vec<u8>> {
    use crate::load::file::{Links, read};
    // No limit of its own: these files grow with the site (1 TiB is none).
    read(path, 1 << 40, Links::Refuse).ok()?.bytes()
}
