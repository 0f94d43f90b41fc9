//! Gives the binary an id of the code it was built from (`SECKB_BUILD_ID`): a hash of the
//! sources, default templates, manifest and lock file. An incremental build reuses a cached
//! output only when it was made by the same id, so a new seckb (or a locally changed one)
//! never serves pages rendered by the old code.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn main() {
    let mut h = DefaultHasher::new();
    for input in ["src", "templates", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={input}");
        hash_tree(Path::new(input), &mut h);
    }
    println!(
        "cargo:rustc-env=SECKB_BUILD_ID={}-{:016x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        h.finish()
    );
}

/// Hashes the relative paths and contents of the files below `path`, in sorted order.
fn hash_tree(path: &Path, h: &mut DefaultHasher) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            hash_tree(&e, h);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.hash(h);
        bytes.hash(h);
    }
}
