//! Every address must be an absolute http, https or mailto URL (`invalid-url`), whether it
//! is a field or a link inside markdown text. Address fields are kept as the `url` crate
//! writes them ([`crate::model::normalize_url`]), so what reaches CSAF and OSV is a valid
//! URI; one the loader could not normalize is an error. The settings' addresses, which
//! become the base of every link and the publisher's id, are held to more (see
//! [`base_url_problem`], [`namespace_problem`]).

use pulldown_cmark::{Event, Parser, Tag};

use crate::diag::{Finding, Findings};
use crate::load::Project;
use crate::load::spans::Spans;

/// Why `s` is not an acceptable link target, if it is not.
pub fn url_problem(s: &str) -> Option<String> {
    let shown = s.escape_debug();
    match url::Url::parse(s) {
        Err(e) => Some(format!("`{shown}` is not an absolute URL ({e})")),
        Ok(u) if !matches!(u.scheme(), "http" | "https" | "mailto") => Some(format!(
            "`{shown}` uses the scheme `{}`; only http, https and mailto are allowed",
            u.scheme()
        )),
        Ok(u) if u.scheme() != "mailto" && u.host_str().is_none_or(str::is_empty) => {
            Some(format!("`{shown}` has no host"))
        }
        Ok(_) => None,
    }
}

/// Why `s` cannot be the `base_url` of a site, if it cannot: it must be an http(s) URL
/// without user name, password, query or fragment, ending in `/`, and written as the `url`
/// crate writes it, since it is used as typed (in `robots.txt`, every canonical link and
/// feed).
pub fn base_url_problem(s: &str) -> Option<String> {
    let shown = s.escape_debug();
    let u = match url::Url::parse(s) {
        Err(e) => return Some(format!("`{shown}` is not an absolute URL ({e})")),
        Ok(u) => u,
    };
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return Some(format!("`{shown}` must be an http(s) URL ending in `/`"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Some(format!("`{shown}` holds a user name or password"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Some(format!("`{shown}` has a query or fragment (`?`, `#`)"));
    }
    if !s.ends_with('/') {
        return Some(format!("`{shown}` must be an http(s) URL ending in `/`"));
    }
    (u.as_str() != s).then(|| format!("`{shown}` is not written in normal form; write `{u}`"))
}

/// Why `s` cannot be a publisher's namespace (CSAF `publisher.namespace`, a URI), if it
/// cannot: an http(s) URL written in normal form, where a bare host may leave out its `/`.
pub fn namespace_problem(s: &str) -> Option<String> {
    let shown = s.escape_debug();
    let u = match url::Url::parse(s) {
        Err(e) => return Some(format!("`{shown}` is not an absolute URL ({e})")),
        Ok(u) => u,
    };
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return Some(format!("`{shown}` must be an http(s) URL"));
    }
    let normal = u.as_str();
    let bare = normal.strip_suffix('/').filter(|_| u.path() == "/");
    (normal != s && bare != Some(s))
        .then(|| format!("`{shown}` is not written in normal form; write `{normal}`"))
}

/// Whether CommonMark text can hold a link or image at all: an inline one needs `](`, a
/// reference one a definition `[label]:`, an autolink `<`. Most text has none of these,
/// and is then not parsed (parsing every text was a fifth of `validate`).
fn may_link(md: &str) -> bool {
    memchr::memmem::find(md.as_bytes(), b"](").is_some()
        || memchr::memmem::find(md.as_bytes(), b"]:").is_some()
        || memchr::memchr(b'<', md.as_bytes()).is_some()
}

struct Ctx<'a> {
    file: &'a str,
    spans: &'a Spans,
    findings: &'a mut Findings,
}

impl Ctx<'_> {
    /// An address field, which the loader normalized if it could.
    fn field(&mut self, path: &str, value: &str) {
        if let Some(problem) = url_problem(value) {
            self.findings.push(
                Finding::error(self.file, self.spans.value(path), "invalid-url", problem)
                    .hint("write a full address such as `https://support.example.com/kb/123`"),
            );
        } else if url::Url::parse(value).is_ok_and(|u| u.as_str() != value) {
            // The loader normalized every address it could: this one holds what the parser
            // would drop or encode silently.
            self.findings.push(
                Finding::error(
                    self.file,
                    self.spans.value(path),
                    "invalid-url",
                    format!(
                        "`{}` holds a space or control character, which a URL cannot hold",
                        value.escape_debug()
                    ),
                )
                .hint("percent-encode it (a space is `%20`) or remove it"),
            );
        }
    }

    /// A setting that must pass `problem`.
    fn setting(&mut self, path: &str, value: &str, problem: fn(&str) -> Option<String>) {
        if let Some(problem) = problem(value) {
            self.findings.push(
                Finding::error(
                    self.file,
                    self.spans.value(path),
                    "invalid-url",
                    format!("`{path}` {problem}"),
                )
                .hint("e.g. `https://advisories.example.org/`"),
            );
        }
    }

    fn markdown(&mut self, path: &str, md: &str) {
        if !may_link(md) {
            return;
        }
        for ev in Parser::new(md) {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = ev
                && let Some(problem) = url_problem(&dest_url)
            {
                self.findings.push(
                    Finding::error(
                        self.file,
                        self.spans.value(path),
                        "invalid-url",
                        format!("link in `{path}`: {problem}"),
                    )
                    .hint("links in text must be full http, https or mailto addresses"),
                );
            }
        }
    }
}

pub fn check(p: &Project, findings: &mut Findings) {
    if let Some(s) = &p.settings {
        let mut c = Ctx {
            file: &s.file,
            spans: &s.spans,
            findings,
        };
        c.setting("base_url", &s.value.base_url, base_url_problem);
        c.setting(
            "publisher.namespace",
            &s.value.publisher.namespace,
            namespace_problem,
        );
        if let Some(t) = &s.value.translator {
            c.setting("translator.namespace", &t.namespace, namespace_problem);
        }
        if let Some(md) = &s.value.attribution {
            c.markdown("attribution", md);
        }
    }
    for t in p.site_texts.values() {
        let mut c = Ctx {
            file: &t.file,
            spans: &t.spans,
            findings,
        };
        c.markdown("support", &t.value.support);
        c.markdown("disclaimer", &t.value.disclaimer);
    }
    super::per_advisory(p, findings, |adv, findings| {
        if let Some(f) = &adv.facts {
            let mut c = Ctx {
                file: &f.file,
                spans: &f.spans,
                findings,
            };
            for (i, r) in f.value.references.iter().enumerate() {
                c.field(&format!("references[{i}].url"), &r.url);
            }
            for (i, r) in f.value.remediations.iter().enumerate() {
                if let Some(u) = &r.url {
                    c.field(&format!("remediations[{i}].url"), u);
                }
            }
            for (i, a) in f.value.acknowledgments.iter().enumerate() {
                if let Some(u) = &a.url {
                    c.field(&format!("acknowledgments[{i}].url"), u);
                }
            }
        }
        for t in adv.texts.values() {
            let mut c = Ctx {
                file: &t.file,
                spans: &t.spans,
                findings,
            };
            let v = &t.value;
            c.markdown("summary", &v.summary);
            for (path, md) in [
                ("overview.purpose", &v.overview.purpose),
                ("overview.status", &v.overview.status),
                ("overview.recommendation", &v.overview.recommendation),
            ] {
                if let Some(md) = md {
                    c.markdown(path, md);
                }
            }
            for (i, q) in v.faq.iter().enumerate() {
                c.markdown(&format!("faq[{i}].answer"), &q.answer);
            }
            for (i, s) in v.symptoms.iter().enumerate() {
                c.markdown(&format!("symptoms[{i}].description"), &s.description);
            }
            for (i, a) in v.suggested_actions.iter().enumerate() {
                c.markdown(&format!("suggested_actions[{i}].body"), &a.body);
            }
            for (k, md) in &v.remediations {
                c.markdown(&format!("remediations.{k}"), md);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{base_url_problem, may_link, namespace_problem, url_problem};
    use pulldown_cmark::{Event, Parser, Tag};

    /// Text that `may_link` skips has no link or image when parsed.
    #[test]
    fn text_skipped_for_links_has_none() {
        let links = |md: &str| {
            Parser::new(md)
                .filter(|e| matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. })))
                .count()
        };
        for md in [
            "[a](https://x.org)",
            "![i](http://x.org/i.png)",
            "see [the bulletin][b]\n\n[b]: https://x.org",
            "[b]\n\n[b]:\n  https://x.org",
            "> [q]: https://x.org\n> [q]",
            "<https://x.org>",
            "<secure@example.org>",
            "[a](<https://x.org/a b>)",
            "[text]\n(not a link)",
            "plain text, a [bracket] and (parens)",
            "a ] : b",
            "",
        ] {
            if !may_link(md) {
                assert_eq!(links(md), 0, "{md:?}");
            }
        }
        assert!(!may_link("plain text, a [bracket] and (parens)"));
        assert!(may_link("[a](https://x.org)"));
        assert!(may_link("[b]: https://x.org"));
        assert!(may_link("<https://x.org>"));
    }

    #[test]
    fn only_web_and_mail_urls() {
        assert_eq!(url_problem("https://example.org/a"), None);
        assert_eq!(url_problem("mailto:secure@example.org"), None);
        assert!(
            url_problem("javascript:alert(1)")
                .unwrap()
                .contains("scheme `javascript`")
        );
        assert!(url_problem("/relative").is_some());
        assert!(url_problem("ftp://x/").is_some());
        assert!(url_problem("data:text/html,x").is_some());
    }

    #[test]
    fn base_urls_and_namespaces() {
        assert_eq!(base_url_problem("https://advisories.example.org/"), None);
        assert_eq!(base_url_problem("http://example.org/sub/dir/"), None);
        for (bad, why) in [
            ("https://example.org", "ending in `/`"),
            ("mailto:a@example.org/", "http(s)"),
            ("ftp://example.org/", "http(s)"),
            ("https://user:pw@example.org/", "user name"),
            ("https://example.org/?q=1/", "query"),
            ("https://example.org/#x/", "fragment"),
            ("HTTPS://Example.ORG/", "write `https://example.org/`"),
            (
                "https://example.org/a b/",
                "write `https://example.org/a%20b/`",
            ),
            ("https://example.org/\"><x/", "normal form"),
            ("/relative/", "not an absolute URL"),
        ] {
            let p = base_url_problem(bad).unwrap_or_default();
            assert!(p.contains(why), "{bad}: {p}");
        }
        assert_eq!(namespace_problem("https://example.org"), None);
        assert_eq!(namespace_problem("https://example.org/"), None);
        assert_eq!(namespace_problem("https://www.microsoft.com/msrc"), None);
        assert!(namespace_problem("https://example.org/a\"b").is_some());
        assert!(namespace_problem("mailto:a@example.org").is_some());
        assert!(namespace_problem("https://Example.org").is_some());
    }
}
