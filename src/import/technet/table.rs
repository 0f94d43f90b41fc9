//! HTML tables of TechNet pages, read with a real HTML parser (html5ever through `scraper`):
//! the archive's tables carry `colspan`, `<br />` line breaks, entities, links and, in the
//! later layouts, markdown written inside the cells (`**Crítica**`). Regexes over the markup
//! got each of those wrong somewhere; a parser gets the table's structure right and leaves
//! only the reading of the text to us.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};

/// One cell: its text (line breaks kept, markup and inline markdown gone) and its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    /// A `<th>` cell.
    pub header: bool,
}

/// One table: its caption, if any, and its rows in order (header rows included).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

static TABLE: LazyLock<Selector> = LazyLock::new(|| sel("table"));
static ROW: LazyLock<Selector> = LazyLock::new(|| sel("tr"));
static CAPTION: LazyLock<Selector> = LazyLock::new(|| sel("caption"));

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

/// The tables of an HTML fragment, outermost first; a table nested in a cell is read as
/// part of that cell's text and again on its own.
pub fn tables(html: &str) -> Vec<Table> {
    let doc = Html::parse_fragment(html);
    doc.select(&TABLE).map(table).collect()
}

fn table(t: ElementRef) -> Table {
    let caption = t
        .select(&CAPTION)
        .next()
        .map(|c| text_of(c))
        .filter(|c| !c.is_empty());
    let rows = t
        .select(&ROW)
        // Rows of a nested table belong to it, not to this one.
        .filter(|tr| {
            tr.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")
                == Some(t)
        })
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| Cell {
                    text: text_of(c),
                    colspan: c
                        .value()
                        .attr("colspan")
                        .and_then(|s| s.trim().parse().ok())
                        .filter(|n| (1..=64).contains(n))
                        .unwrap_or(1),
                    header: c.value().name() == "th",
                })
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect();
    Table { caption, rows }
}

/// The text of an element: `<br>`, paragraphs and list items start new lines; spaces within
/// a line are collapsed; markdown emphasis and escapes written inside the HTML are dropped.
pub fn text_of(el: ElementRef) -> String {
    let mut raw = String::new();
    for node in el.descendants() {
        match node.value() {
            Node::Text(t) => raw.push_str(t),
            Node::Element(e) if matches!(e.name(), "br" | "p" | "div" | "li" | "tr") => {
                raw.push('\n')
            }
            _ => {}
        }
    }
    tidy(&raw)
}

/// Collapses spaces within lines, drops empty lines and inline markdown (`**`, `\*`).
pub fn tidy(raw: &str) -> String {
    raw.lines()
        .map(|l| {
            let l = l
                .replace("**", "")
                .replace("\\*", "*")
                .replace("\\\\", "\\");
            let l = l.trim_end_matches('\\');
            l.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows of every table in the fragment, each cell's text in place of its markup.
pub fn rows(html: &str) -> Vec<Vec<String>> {
    tables(html)
        .into_iter()
        .flat_map(|t| t.rows)
        .map(|r| r.into_iter().map(|c| c.text).collect())
        .collect()
}

/// An HTML block holding a table, as a Markdown (GFM) table: pages put markdown inside
/// their HTML tables (`**Kritisch**`), which a page would show literally if the HTML were
/// kept. Cells keep their links and inline markdown; their lines are joined with `<br>`.
/// None when the block is not one table with rows, or nests tables.
pub fn to_markdown(html: &str) -> Option<String> {
    let doc = Html::parse_fragment(html);
    let mut found = doc.select(&TABLE);
    let t = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let rows: Vec<Vec<String>> = t
        .select(&ROW)
        .map(|tr| {
            let mut cells = Vec::new();
            for c in (tr.children().filter_map(ElementRef::wrap))
                .filter(|c| matches!(c.value().name(), "td" | "th"))
            {
                let mut raw = String::new();
                inline(c, &mut raw);
                let lines: Vec<String> = (raw.lines())
                    .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                    .map(|l| l.trim_end_matches('\\').trim_end().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                cells.push(lines.join("<br>").replace('|', "\\|"));
                let span: usize = (c.value().attr("colspan"))
                    .and_then(|s| s.trim().parse().ok())
                    .filter(|n| (1..=64).contains(n))
                    .unwrap_or(1);
                cells.extend(std::iter::repeat_n(String::new(), span - 1));
            }
            cells
        })
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect();
    let width = rows.iter().map(Vec::len).max()?;
    let line = |r: &[String]| {
        let mut cells: Vec<&str> = r.iter().map(String::as_str).collect();
        cells.resize(width, "");
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(width))];
    out.extend(rows[1..].iter().map(|r| line(r)));
    let caption = t
        .select(&CAPTION)
        .next()
        .map(text_of)
        .filter(|c| !c.is_empty());
    Some(match caption {
        Some(c) => format!("{c}\n\n{}", out.join("\n")),
        None => out.join("\n"),
    })
}

/// The text of an element with its links as markdown links; `<br>` and blocks break lines.
fn inline(el: ElementRef, out: &mut String) {
    for node in el.children() {
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let Some(child) = ElementRef::wrap(node) else {
                    continue;
                };
                match e.name() {
                    "br" => out.push('\n'),
                    "a" => match e.attr("href") {
                        Some(href) if href.starts_with("http") => {
                            let mut text = String::new();
                            inline(child, &mut text);
                            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                            out.push_str(&format!("[{text}]({})", href.replace(' ', "%20")));
                        }
                        _ => inline(child, out),
                    },
                    "strong" | "b" => {
                        out.push_str("**");
                        inline(child, out);
                        out.push_str("**");
                    }
                    "p" | "div" | "li" => {
                        out.push('\n');
                        inline(child, out);
                        out.push('\n');
                    }
                    _ => inline(child, out),
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spans_breaks_entities_and_markdown_in_cells() {
        let t = tables(
            r#"<table><caption>Gravedad</caption>
<tr><td colspan="3">Microsoft .NET Framework 2.0</td></tr>
<tr><th>Software</th><td>**Importante**<br />
Suplantaci&oacute;n de identidad</td><td>Windows Server 2008 para sistemas x64&#42;</td></tr>
</table>"#,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].caption.as_deref(), Some("Gravedad"));
        assert_eq!(t[0].rows[0][0].colspan, 3);
        assert!(t[0].rows[1][0].header);
        assert_eq!(
            t[0].rows[1][1].text,
            "Importante\nSuplantación de identidad"
        );
        assert_eq!(
            t[0].rows[1][2].text,
            "Windows Server 2008 para sistemas x64*"
        );
    }

    #[test]
    fn an_html_table_becomes_a_markdown_table_with_its_links_and_emphasis() {
        let md = to_markdown(
            r#"<p></p><table><thead><tr><th>Producto</th><th>Gravedad</th></tr></thead>
<tbody><tr><td><a href="http://example.org/d">Windows 7</a>\*</td><td><strong>Crítica</strong><br />
Ejecución | remota</td></tr><tr><td colspan="2">Nota</td></tr></tbody></table>"#,
        )
        .unwrap();
        assert_eq!(
            md,
            "| Producto | Gravedad |\n| --- | --- |\n| [Windows 7](http://example.org/d)\\* | **Crítica**<br>Ejecución \\| remota |\n| Nota |  |"
        );
    }

    #[test]
    fn a_nested_table_does_not_add_rows_to_the_outer_one() {
        let t = tables(
            "<table><tr><td>a<table><tr><td>x</td></tr><tr><td>y</td></tr></table></td></tr></table>",
        );
        assert_eq!(t[0].rows.len(), 1);
        assert_eq!(t[1].rows.len(), 2);
    }
}
