//! Opening the files of a site without following symbolic links or blocking on special files.
//!
//! The rule: no symbolic link under the site root is followed (the root itself may be one),
//! and only regular files are read. A link is refused by what it is, not where it points:
//! where it points can change between a check and the open, and a check cannot see that
//! race. A named pipe swapped in after the check cannot hang the reader either: the file is
//! opened without blocking and without following a link, and what was opened is checked
//! again (`fstat`) before a byte is read.

use std::io::Read as _;
use std::path::Path;

/// Why an entry of the site is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A symbolic link.
    Symlink,
    /// A folder where a file was expected.
    Folder,
    /// A named pipe, socket or device.
    Special(&'static str),
}

impl Refused {
    /// What the entry is, for a message: "a symbolic link", "a named pipe (FIFO)".
    pub fn what(self) -> &'static str {
        match self {
            Refused::Symlink => "a symbolic link",
            Refused::Folder => "a folder",
            Refused::Special(what) => what,
        }
    }
}

/// What stands at a path, by its metadata (taken without following a link): `None` for a
/// regular file.
pub fn refused(meta: &std::fs::Metadata) -> Option<Refused> {
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    if ft.is_symlink() {
        return Some(Refused::Symlink);
    }
    if ft.is_dir() {
        return Some(Refused::Folder);
    }
    Some(Refused::Special(special(&ft)))
}

#[cfg(unix)]
fn special(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a named pipe (FIFO)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special(_ft: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// What reading a file gave.
#[derive(Debug)]
pub enum Read {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// The file is larger than the limit; it was not read.
    TooLarge(u64),
    /// The entry is not a regular file; it was not read.
    Refused(Refused),
}

impl Read {
    /// The bytes, if the file was read.
    pub fn bytes(self) -> Option<Vec<u8>> {
        match self {
            Read::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Whether a link at the last component of the path is followed: never under the site root;
/// files the user names on the command line (import sources) and the parse cache, which
/// live elsewhere, may be links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Refuse,
    Follow,
}

/// The text of the site's file `rel`, read as `seckb build` reads it: not through a link,
/// only from a regular file, at most [`crate::load::MAX_FILE_BYTES`]; for the commands that
/// read a file of the site outside the loader (`import`, `new`).
pub fn site_text(root: &Path, rel: &str) -> anyhow::Result<String> {
    use anyhow::{Context, bail};
    let bytes = match read_in(root, rel, crate::load::MAX_FILE_BYTES)? {
        Read::Bytes(bytes) => bytes,
        Read::TooLarge(size) => bail!(
            "`{rel}` is {size} bytes, more than the limit of {}",
            crate::load::MAX_FILE_BYTES
        ),
        Read::Refused(refused) => bail!(
            "`{rel}` is {}, not a regular file; seckb follows no link inside the site; `seckb validate` says more",
            refused.what()
        ),
    };
    // Not normalised: `import` grows the file in its own style (`append_languages`).
    String::from_utf8(bytes)
        .with_context(|| format!("`{rel}` is not valid UTF-8; `seckb validate` says where"))
}

/// Reads the regular file at `path`, of at most `limit` bytes. An IO error (the file is
/// missing, unreadable) is an error; what the entry is, or its size, is an answer.
pub fn read(path: &Path, limit: u64, links: Links) -> std::io::Result<Read> {
    read_with(path, limit, links, || open(path, links))
}

/// [`read`] of the file at `rel` (`/`-separated) under the site root `root`, following no
/// link. On Linux no folder on the way may be a link either, which the kernel checks as it
/// opens the file (`openat2` with `RESOLVE_NO_SYMLINKS`): a folder listed as real and then
/// swapped for a link cannot lead the open outside the site.
pub fn read_in(root: &Path, rel: &str, limit: u64) -> std::io::Result<Read> {
    let path = root.join(rel);
    read_with(&path, limit, Links::Refuse, || open_in(root, rel, &path))
}

fn read_with(
    path: &Path,
    limit: u64,
    links: Links,
    open: impl FnOnce() -> std::io::Result<std::fs::File>,
) -> std::io::Result<Read> {
    let meta = match links {
        Links::Refuse => fs_err::symlink_metadata(path)?,
        Links::Follow => fs_err::metadata(path)?,
    };
    if let Some(r) = refused(&meta) {
        return Ok(Read::Refused(r));
    }
    if meta.len() > limit {
        return Ok(Read::TooLarge(meta.len()));
    }
    let file = match open() {
        Ok(f) => f,
        // A link put in place after the check above.
        Err(e) if is_loop(&e) => return Ok(Read::Refused(Refused::Symlink)),
        Err(e) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("{e} (`{}`)", path.display()),
            ));
        }
    };
    // What was opened may not be what was checked: look again at the open file itself.
    let meta = file.metadata()?;
    if let Some(r) = refused(&meta) {
        return Ok(Read::Refused(r));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    // A file growing while read still stops at the limit.
    (&file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Read::TooLarge(bytes.len() as u64));
    }
    Ok(Read::Bytes(bytes))
}

#[cfg(unix)]
fn open(path: &Path, links: Links) -> std::io::Result<std::fs::File> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = OFlags::NONBLOCK;
    if links == Links::Refuse {
        flags |= OFlags::NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

#[cfg(target_os = "linux")]
fn open_in(root: &Path, rel: &str, path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags};
    use rustix::io::Errno;
    // The root itself may be a link: it is opened as any path is.
    let dir = rustix::fs::open(
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH;
    match rustix::fs::openat2(&dir, rel, flags, Mode::empty(), resolve) {
        Ok(fd) => Ok(std::fs::File::from(fd)),
        // A kernel before 5.6, or a sandbox that forbids the call: the last component is
        // still not followed.
        Err(Errno::NOSYS | Errno::PERM | Errno::INVAL) => open(path, Links::Refuse),
        // A way out of the root (`..`) is refused as a link is.
        Err(Errno::XDEV) => Err(std::io::Error::from(Errno::LOOP)),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_in(_root: &Path, _rel: &str, path: &Path) -> std::io::Result<std::fs::File> {
    open(path, Links::Refuse)
}

#[cfg(not(unix))]
fn open(path: &Path, _links: Links) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(unix)]
fn is_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}

#[cfg(not(unix))]
fn is_loop(_e: &std::io::Error) -> bool {
    false
}

/// What stands at the folder `path` under the site root, without following a link: `Ok(None)`
/// when it is a real folder, `Ok(Some(..))` when it is something else, an error when it is
/// missing or cannot be inspected.
pub fn folder(path: &Path) -> std::io::Result<Option<Refused>> {
    let meta = std::fs::symlink_metadata(path)?;
    let ft = meta.file_type();
    Ok(if ft.is_dir() {
        None
    } else if ft.is_symlink() {
        Some(Refused::Symlink)
    } else if ft.is_file() {
        Some(Refused::Special("a file"))
    } else {
        Some(Refused::Special(special(&ft)))
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_pipes_and_folders_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "x: 1\n").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let fifo = dir.path().join("fifo.yaml");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();

        let bytes = read(&file, 100, Links::Refuse).unwrap().bytes();
        assert_eq!(bytes.as_deref(), Some(&b"x: 1\n"[..]));
        assert!(matches!(
            read(&link, 100, Links::Refuse).unwrap(),
            Read::Refused(Refused::Symlink)
        ));
        assert!(read(&link, 100, Links::Follow).unwrap().bytes().is_some());
        // Opening a pipe without a writer would block: it is refused before and after open.
        for links in [Links::Refuse, Links::Follow] {
            assert!(matches!(
                read(&fifo, 100, links).unwrap(),
                Read::Refused(Refused::Special("a named pipe (FIFO)"))
            ));
        }
        assert!(matches!(
            read(dir.path(), 100, Links::Refuse).unwrap(),
            Read::Refused(Refused::Folder)
        ));
        assert!(matches!(
            read(&file, 3, Links::Refuse).unwrap(),
            Read::TooLarge(5)
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn no_folder_on_the_way_may_be_a_link() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.yaml"), "x: 1\n").unwrap();
        std::fs::create_dir(root.path().join("real")).unwrap();
        std::fs::write(root.path().join("real/x.yaml"), "x: 1\n").unwrap();
        // As if `a` had been listed as a folder, then swapped for a link.
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join("a")).unwrap();
        assert!(
            read_in(root.path(), "real/x.yaml", 100)
                .unwrap()
                .bytes()
                .is_some()
        );
        assert!(matches!(
            read_in(root.path(), "a/x.yaml", 100).unwrap(),
            Read::Refused(Refused::Symlink)
        ));
        // The root itself may be a link.
        let link = elsewhere.path().join("root");
        std::os::unix::fs::symlink(root.path(), &link).unwrap();
        assert!(
            read_in(&link, "real/x.yaml", 100)
                .unwrap()
                .bytes()
                .is_some()
        );
    }

    #[test]
    fn the_open_itself_does_not_follow_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "x: 1\n").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        // As if the link had been swapped in between the check and the open.
        let err = open(&link, Links::Refuse).unwrap_err();
        assert!(is_loop(&err), "{err}");
    }
}
