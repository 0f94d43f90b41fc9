//! Command-line interface; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Where to keep what was parsed, so that the next run parses only the files that
    /// changed [default: a folder for this site in the user's cache folder, e.g.
    /// `~/.cache/seckb/parse/`].
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file, and neither read nor write the parse cache.
    #[arg(long, global = true, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The folder of the parse cache, or `None` with `--no-cache`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        self.cache_dir
            .clone()
            .or_else(|| crate::load::cache::default_dir(&self.root))
    }
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
        /// Where to write the site [default: `<root>/site`]: a new or empty folder, or one
        /// that seckb built (a symbolic link to one is kept, and its target updated). A
        /// folder that is or holds the site's sources, or a file, is refused.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write into a folder that holds files seckb did not write, deleting them.
        #[arg(long)]
        force: bool,
        /// `json`: what the build did (files written and kept, units rendered and reused)
        /// and its findings as one JSON object on stdout, for scripts and CI, in place of
        /// the summary line; the messages for people stay on stderr.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    /// Publish guard: build the site in memory (or read `--site`) and compare it with the
    /// site now published; refuse (exit 1) if a published advisory, page address,
    /// publication date or revision would go, or content changed without a new revision.
    Check {
        /// The site now published (a folder built by seckb).
        #[arg(long, value_name = "OLD_SITE")]
        against: PathBuf,
        /// Compare this built site instead of building `--root`.
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Publish guard between two built sites: exit 1 if NEW would break what OLD published
    /// (same rules as `check --against`).
    Diff {
        /// The site now published.
        old: PathBuf,
        /// The site about to be published.
        new: PathBuf,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    /// Import advisories from another format into the site.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

/// Formats `seckb import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Microsoft TechNet advisories: one Markdown file per advisory per language, with
    /// TechNet front matter. Editions of the same advisory are merged into one advisory
    /// with a text per language (exit 1 if any file failed).
    Technet(TechnetArgs),
    /// CSAF 2.0 JSON documents, such as a provider's `.well-known/csaf/` folder. A
    /// translation (`<id>-<lang>` with `source_lang`) is merged with its original into one
    /// advisory with a text per language; what seckb cannot hold is reported (exit 1 if any
    /// file failed).
    Csaf(CsafArgs),
    /// OSV entries (schema 1.x, any ecosystem), such as a database's `osv/` export: one
    /// advisory per entry, exported again as the same entry; what seckb cannot hold is
    /// reported (exit 1 if any file failed).
    Osv(OsvArgs),
}

/// Options every `seckb import` takes.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The site to import into [default: `--root`].
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Report what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite advisories that already exist (otherwise they are kept, and only texts in
    /// languages they lack are added).
    #[arg(long)]
    pub force: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// Options of `seckb import csaf`.
#[derive(Debug, Args)]
pub struct CsafArgs {
    /// CSAF files, or folders to search for `*.json` (provider metadata and ROLIE feeds
    /// there are skipped; hash files are not read).
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: ImportArgs,
}

/// Options of `seckb import osv`.
#[derive(Debug, Args)]
pub struct OsvArgs {
    /// OSV files, or folders to search for `*.json` (JSON files there that are no OSV
    /// entry are skipped).
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: ImportArgs,
    /// Source and licence of the content, written as a comment atop each imported file.
    #[arg(long, value_name = "TEXT")]
    pub attribution: Option<String>,
}

/// Options of `seckb import technet`.
#[derive(Debug, Args)]
pub struct TechnetArgs {
    /// Markdown files, or folders to search for `*.md` (files there without front matter,
    /// such as a README, are skipped).
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: ImportArgs,
    /// Source and licence of the content, written as a comment atop each imported file.
    #[arg(long, value_name = "TEXT")]
    pub attribution: Option<String>,
    /// Vendor of the products found in the advisories.
    #[arg(long, value_name = "NAME", default_value = "Microsoft")]
    pub vendor: String,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: a headline, a source snippet and a hint each, on stderr.
    Text,
    /// For tools: one JSON array on stdout.
    Json,
}

/// How the import report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people: each advisory with what became structured, what stayed prose and the
    /// warnings, then the errors and a summary, on stderr.
    Text,
    /// For tools: one JSON object on stdout.
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
