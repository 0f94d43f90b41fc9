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
    fn a_nested_table_does_not_add_rows_to_the_outer_one() {
        let t = tables(
            "<table><tr><td>a<table><tr><td>x</td></tr><tr><td>y</td></tr></table></td></tr></table>",
        );
        assert_eq!(t[0].rows.len(), 1);
        assert_eq!(t[1].rows.len(), 2);
    }
}
