//! The units of a build: each output file belongs to one, and an incremental build decides
//! per unit whether to render it or take its files from the previous build
//! ([`crate::engine::incremental`]). A unit is named by a typed [`UnitId`]; the build cache writes
//! it as the text [`UnitId`]'s `Display` gives and reads it back with `FromStr`.

use std::fmt;
use std::str::FromStr;

/// A unit of a build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitId {
    /// An advisory's own files: its page in every language, its API, CSAF and OSV documents.
    Advisory(String),
    /// A page of a listing of a language: the home list (`dir` empty) or the list of a
    /// facet value (`years/2008/`), page `page` from 1.
    Listing {
        lang: String,
        dir: String,
        page: usize,
    },
    /// The product index of a language.
    Products { lang: String },
    /// Page `page` (from 1) of the JSON Feed of a language.
    JsonFeed { lang: String, page: usize },
    /// The Atom feed of a language, or of one product in it.
    Atom {
        lang: String,
        product: Option<String>,
    },
    /// The index of the JSON API.
    ApiIndex,
    /// The lists of the CSAF provider: ROLIE feed, `index.txt`, `changes.csv`.
    CsafLists,
    /// The sitemap.
    Sitemap,
    /// Part `part` of the search index of a language (by Pagefind's lower-case tag).
    Search { lang: String, part: usize },
}

/// What a list unit shows of each advisory, digested per advisory so that the list can be
/// keyed without making it again ([`crate::engine::incremental::Aggregates::digest`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Its item in the listings of a language.
    ListItem(&'a str),
    /// Its entry in the API index.
    ApiEntry,
    /// Its documents' entries in the CSAF lists.
    CsafEntries,
    /// Its record in the search index of a language.
    SearchRecord(&'a str),
}

/// Files as a unit makes them: paths below the site root, and their bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// A unit whose files show pieces of many advisories (a page of a listing or of a feed) and
/// possibly more: what the engine needs to decide whether to make it again, and how.
pub struct Gathered<'a, P> {
    pub id: UnitId,
    /// Everything it shows besides its members' pieces (where it is, its heading, the
    /// facets beside a list...), digested ([`crate::util::digest_of`]).
    pub what: [u8; 32],
    /// The pieces it shows, in order: the advisory (an index into the site's), and a label
    /// naming which of its pieces (a revision, for a feed; empty where each advisory has one).
    pub members: Vec<(usize, &'a str)>,
    /// Makes its files from its members' pieces, given in the order of `members`.
    #[allow(clippy::type_complexity)]
    pub render: Box<dyn Fn(&[(&P, &str)]) -> anyhow::Result<Files> + Sync + 'a>,
}

/// A file that lists one JSON entry per member (the API index, the CSAF feed): a list unit
/// whose previous file the engine reads back, so that on a rebuild the entries of members
/// whose own unit was taken from the previous build are written as they were
/// ([`Listed::Kept`]) rather than made and serialized again.
pub struct Spliced<'a, P> {
    pub id: UnitId,
    /// As [`Gathered::members`].
    pub members: Vec<(usize, &'a str)>,
    /// The file that holds the entries, below the site root.
    pub file: String,
    /// The entries of that file as seckb wrote it, by their id, as the exact text they have
    /// in it (empty when it is not such a file).
    pub entries: fn(&[u8]) -> rustc_hash::FxHashMap<&str, &serde_json::value::RawValue>,
    /// The id of a member's entry in that file.
    #[allow(clippy::type_complexity)]
    pub entry_id: Box<dyn Fn(usize, &str) -> std::borrow::Cow<'a, str> + Sync + 'a>,
    /// Makes the unit's files from its entries, each with its member, in the order of
    /// `members`, given about how large the previous file was (to size the new one's buffer).
    #[allow(clippy::type_complexity)]
    pub render:
        Box<dyn Fn(&[(Listed<P>, (usize, &str))], usize) -> anyhow::Result<Files> + Sync + 'a>,
}

/// An entry of a [`Spliced`] list: made now, or kept as the exact text it has in the
/// previous file (its pretty-printed text at the same depth, which serde_json writes
/// verbatim).
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum Listed<'p, P> {
    Made(&'p P),
    Kept(&'p serde_json::value::RawValue),
}

// Both are references, whatever `P` is (a derive would ask `P: Copy`).
impl<P> Clone for Listed<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Listed<'_, P> {}

impl UnitId {
    /// The unit of the advisory `id`.
    pub fn advisory(id: &str) -> UnitId {
        UnitId::Advisory(id.to_string())
    }

    /// The unit of part `part` of the search index of `lang`.
    pub fn search(lang: &str, part: usize) -> UnitId {
        UnitId::Search {
            lang: lang.to_lowercase(),
            part,
        }
    }

    /// The advisory whose unit this is.
    pub fn advisory_id(&self) -> Option<&str> {
        match self {
            UnitId::Advisory(id) => Some(id),
            _ => None,
        }
    }
}

/// The folder of page `n` of a listing below the listing's own: none for the first.
fn page_dir(n: usize) -> String {
    if n <= 1 {
        String::new()
    } else {
        format!("page/{n}/")
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitId::Advisory(id) => write!(f, "advisory/{id}"),
            UnitId::Listing { lang, dir, page } => {
                write!(f, "list/{lang}/{dir}{}", page_dir(*page))
            }
            UnitId::Products { lang } => write!(f, "list/{lang}/products"),
            UnitId::JsonFeed { lang, page } => write!(f, "feed/{lang}/json/{page}"),
            UnitId::Atom {
                lang,
                product: None,
            } => write!(f, "feed/{lang}/atom"),
            UnitId::Atom {
                lang,
                product: Some(p),
            } => write!(f, "feed/{lang}/atom/{p}"),
            UnitId::ApiIndex => f.write_str("api/index"),
            UnitId::CsafLists => f.write_str("csaf/lists"),
            UnitId::Sitemap => f.write_str("sitemap"),
            UnitId::Search { lang, part } => write!(f, "search/{lang}/{part}"),
        }
    }
}

/// A unit name that is not one [`UnitId`] writes.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownUnit;

impl FromStr for UnitId {
    type Err = UnknownUnit;

    fn from_str(s: &str) -> Result<UnitId, UnknownUnit> {
        let number = |n: &str| n.parse::<usize>().map_err(|_| UnknownUnit);
        // Every unit name has a kind, a `/` and more, but the sitemap's.
        let (kind, rest) = s.split_once('/').unwrap_or((s, ""));
        let id = match (kind, rest) {
            ("api", "index") => UnitId::ApiIndex,
            ("csaf", "lists") => UnitId::CsafLists,
            ("sitemap", "") => UnitId::Sitemap,
            ("advisory", id) if !id.is_empty() => UnitId::Advisory(id.to_string()),
            ("search", rest) => {
                let (lang, part) = rest.split_once('/').ok_or(UnknownUnit)?;
                UnitId::Search {
                    lang: lang.to_string(),
                    part: number(part)?,
                }
            }
            ("feed", rest) => {
                let (lang, rest) = rest.split_once('/').ok_or(UnknownUnit)?;
                let lang = lang.to_string();
                match rest.split_once('/').unwrap_or((rest, "")) {
                    ("json", page) => UnitId::JsonFeed {
                        lang,
                        page: number(page)?,
                    },
                    ("atom", "") => UnitId::Atom {
                        lang,
                        product: None,
                    },
                    ("atom", product) => UnitId::Atom {
                        lang,
                        product: Some(product.to_string()),
                    },
                    _ => return Err(UnknownUnit),
                }
            }
            ("list", rest) => {
                let (lang, dir) = rest.split_once('/').ok_or(UnknownUnit)?;
                let lang = lang.to_string();
                if dir == "products" {
                    return Ok(UnitId::Products { lang });
                }
                // `<dir>page/<n>/` after the first page; a facet folder ends in `/` (and may
                // itself end in `page/`, for a product of that id).
                let paged = dir.rsplit_once("page/").and_then(|(dir, n)| {
                    let n = n.strip_suffix('/')?.parse().ok()?;
                    (dir.is_empty() || dir.ends_with('/')).then_some((dir, n))
                });
                let (dir, page) = paged.unwrap_or((dir, 1));
                UnitId::Listing {
                    lang,
                    dir: dir.to_string(),
                    page,
                }
            }
            _ => return Err(UnknownUnit),
        };
        Ok(id)
    }
}

impl serde::Serialize for UnitId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for UnitId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<UnitId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom(format!("not a unit of a build: `{s}`")))
    }
}

impl fmt::Display for Piece<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Piece::ListItem(lang) => write!(f, "list/{lang}"),
            Piece::ApiEntry => f.write_str("api"),
            Piece::CsafEntries => f.write_str("csaf"),
            Piece::SearchRecord(lang) => write!(f, "search/{lang}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_reads_back_as_written() {
        let s = |s: &str| s.to_string();
        let units = [
            UnitId::advisory("954474"),
            UnitId::advisory("ADV/odd"),
            UnitId::Listing {
                lang: s("en-US"),
                dir: s(""),
                page: 1,
            },
            UnitId::Listing {
                lang: s("en-US"),
                dir: s(""),
                page: 3,
            },
            UnitId::Listing {
                lang: s("nl-NL"),
                dir: s("years/2008/"),
                page: 2,
            },
            UnitId::Listing {
                lang: s("nl-NL"),
                dir: s("products/page/"),
                page: 1,
            },
            UnitId::Products { lang: s("de-DE") },
            UnitId::JsonFeed {
                lang: s("en-US"),
                page: 12,
            },
            UnitId::Atom {
                lang: s("en-US"),
                product: None,
            },
            UnitId::Atom {
                lang: s("en-US"),
                product: Some(s("windows-xp")),
            },
            UnitId::ApiIndex,
            UnitId::CsafLists,
            UnitId::Sitemap,
            UnitId::search("en-US", 4),
        ];
        for unit in units {
            let text = unit.to_string();
            assert_eq!(text.parse::<UnitId>(), Ok(unit.clone()), "{text}");
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(serde_json::from_str::<UnitId>(&json).unwrap(), unit);
        }
        assert_eq!(UnitId::search("en-US", 0).to_string(), "search/en-us/0");
        for bad in [
            "",
            "advisory/",
            "feed/en-US/rss",
            "search/en-us/x",
            "list/en-US",
        ] {
            assert_eq!(bad.parse::<UnitId>(), Err(UnknownUnit), "{bad}");
        }
    }
}
