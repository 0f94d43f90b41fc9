//! Small helpers every layer may use: they depend on nothing in seckb.

/// An id of the code of this seckb (a hash of its sources, made by `build.rs`): a cache
/// written by other code is not used.
pub const BUILD_ID: &str = env!("SECKB_BUILD_ID");

use anyhow::Result;
use base64::Engine;
use sha2::{Digest, Sha384};

/// The value of the thread `handle`, once it has ended; a panic in it goes on in the caller.
pub fn joined<T>(handle: std::thread::JoinHandle<T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// FNV-1a: a hash that is the same in every build and on every machine (std's hashers are
/// seeded), for choosing where a file or record goes.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The 32 bytes of a 64-digit lowercase hex string (a SHA-256 as [`hex`] writes it).
pub fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    ::hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
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

/// Maps `items` with `f` in parallel, a chunk at a time, and hands each result to `then` in
/// the order of `items`: the work is parallel, the output order deterministic, and only one
/// chunk of results is held in memory at a time.
pub fn par_chunked<T, R>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
    mut then: impl FnMut(R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    use rayon::prelude::*;
    for chunk in items.chunks(256) {
        let results: Vec<R> = chunk.par_iter().map(&f).collect::<Result<_>>()?;
        for r in results {
            then(r)?;
        }
    }
    Ok(())
}

/// Phase timings on stderr when `SECKB_TIMINGS` is set: where a build spends its time.
pub struct Timings(Option<std::cell::Cell<std::time::Instant>>);

impl Timings {
    pub fn new() -> Timings {
        Timings(
            std::env::var_os("SECKB_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    pub fn lap(&self, what: &str) {
        if let Some(start) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {what:<24} {:>8.3} s",
                (now - start.get()).as_secs_f64()
            );
            start.set(now);
        }
    }
}

impl Default for Timings {
    fn default() -> Timings {
        Timings::new()
    }
}

/// Feeds [`Hash`](std::hash::Hash) into SHA-256, for a key of structured data without
/// serializing it.
#[derive(Default)]
pub struct ShaHasher(sha2::Sha256);

impl ShaHasher {
    /// The SHA-256 of all that was hashed.
    pub fn finish_sha256(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl std::hash::Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the SHA-256 is used.
        0
    }
}

/// The SHA-256 of what `value` hashes (with [`Hash`](std::hash::Hash)).
pub fn digest_of<T: std::hash::Hash + ?Sized>(value: &T) -> [u8; 32] {
    let mut h = ShaHasher::default();
    value.hash(&mut h);
    h.finish_sha256()
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
    fn stable_hash_is_fnv1a() {
        // FNV-1a's published test values: the offset basis for no bytes, and "a".
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
