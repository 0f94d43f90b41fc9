//! Importing advisories from other formats into a site.

pub mod dates;
