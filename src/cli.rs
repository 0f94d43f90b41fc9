//! Command-line interface; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// seckb: a multilingual security-advisory knowledge base.
///
/// Advisories are YAML files under `advisories/`; `seckb validate` checks them and
/// `seckb build` renders the static site.
#[derive(Debug, Parser)]
#[command(name = "seckb", version, about, long_about = None)]
pub struct Cli {
    /// The site root: the folder holding `seckb.yaml`, `products.yaml`, `i18n/` and `advisories/`.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every file and report all problems at once (exit 1 on errors).
    Validate {
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Validate again whenever a file changes (until Ctrl-C).
        #[arg(long)]
        watch: bool,
    },
    /// Validate, then render the site; the previous output stays if anything fails.
    Build {
        /// Where to write the site [default: `<root>/site`].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the JSON Schema of a kind of file, or write them all with `--write`.
    Schema {
        /// Which file's schema to print.
        #[arg(value_enum, default_value_t = SchemaKind::Advisory)]
        kind: SchemaKind,
        /// Write every schema into this folder instead (e.g. `schemas`).
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
    },
    /// Build into memory and serve on 127.0.0.1, rebuilding and reloading open pages when
    /// a file changes.
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Create `advisories/<ID>/` with every field written out and commented, as a draft
    /// that validates at once.
    New {
        /// The advisory id, e.g. `ADV-2025-0001`; it becomes the folder name and URL.
        id: String,
        /// Languages to create text files for; the first is the source language
        /// [default: the site's default language].
        #[arg(long = "lang", value_name = "LANG")]
        langs: Vec<String>,
        /// The date of the first revision, YYYY-MM-DD [default: today, UTC].
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: a headline, a source snippet and a hint each, on stderr.
    Text,
    /// For tools: one JSON array on stdout.
    Json,
}

/// The kinds of file seckb reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// `advisories/<id>/advisory.yaml`
    Advisory,
    /// `advisories/<id>/<lang>.yaml`
    Text,
    /// `products.yaml`
    Products,
    /// `seckb.yaml`
    Settings,
    /// `i18n/<lang>.yaml`
    SiteText,
}
