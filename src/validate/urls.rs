//! Every address must be an absolute http, https or mailto URL (`invalid-url`), whether it
//! is a field or a link inside markdown text.

use pulldown_cmark::{Event, Parser, Tag};

use crate::diag::{Finding, Findings};
use crate::load::Project;
use crate::load::spans::Spans;

/// Why `s` is not an acceptable link target, if it is not.
pub fn url_problem(s: &str) -> Option<String> {
    match url::Url::parse(s) {
        Err(e) => Some(format!("`{s}` is not an absolute URL ({e})")),
        Ok(u) if !matches!(u.scheme(), "http" | "https" | "mailto") => Some(format!(
            "`{s}` uses the scheme `{}`; only http, https and mailto are allowed",
            u.scheme()
        )),
        Ok(u) if u.scheme() != "mailto" && u.host_str().is_none_or(str::is_empty) => {
            Some(format!("`{s}` has no host"))
        }
        Ok(_) => None,
    }
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
    fn field(&mut self, path: &str, value: &str) {
        if let Some(problem) = url_problem(value) {
            self.findings.push(
                Finding::error(self.file, self.spans.value(path), "invalid-url", problem)
                    .hint("write a full address such as `https://support.example.com/kb/123`"),
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
        c.field("base_url", &s.value.base_url);
        c.field("publisher.namespace", &s.value.publisher.namespace);
        if let Some(md) = &s.value.attribution {
            c.markdown("attribution", md);
        }
        if !s.value.base_url.ends_with('/') || s.value.base_url.starts_with("mailto:") {
            c.findings.push(
                Finding::error(
                    &s.file,
                    s.spans.value("base_url"),
                    "invalid-url",
                    format!(
                        "`base_url` `{}` must be an http(s) URL ending in `/`",
                        s.value.base_url
                    ),
                )
                .hint("e.g. `https://advisories.example.org/`"),
            );
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
    use super::{may_link, url_problem};
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
}
