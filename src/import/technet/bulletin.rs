//! What a security bulletin holds beyond an advisory: its maximum severity, and the matrix of
//! severity rating and impact per affected product per CVE ("Severity ratings and
//! vulnerability identifiers"). The matrix is read as table structure: the row whose cells
//! name CVEs is the header, a row with one cell is a group heading ("Microsoft .NET
//! Framework 2.0 Service Pack 2"), the first cell of any other row is a product with the
//! KB of its update in brackets. The oldest layouts (2005–2006) put the CVEs in the rows and
//! the products in the columns; both are read.

use std::sync::LazyLock;

use regex::Regex;

use super::table::{Cell, tidy};
use crate::import::lexicon;
use crate::model::Severity;

static BULLETIN_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^ms\d{2}-\d{3}$").expect("valid regex"));
/// CVE ids, and the CAN candidate ids of 2005 that became CVE ids with the same number.
static CVE_OR_CAN: LazyLock<Regex> =
    // Pages also write "CVE 2008-1447" and "CVE-2008- 0105".
    LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:CVE|CAN)[-\s](\d{4})-\s?(\d{4,7})\b").expect("valid regex")
    });
/// A KB number in brackets, on its own or after a name: "(2804577)", "(KB951748)".
static KB_IN_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(\[]\s*(?:KB\s?)?(\d{6,7})\s*[)\]]").expect("valid regex"));
/// Footnote marks after a name: `*`, `**`, `[1]`, `¹`.
static FOOTNOTE_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\s*(?:\*+|\[\d+\]|[¹²³⁴⁵⁶⁷⁸⁹]))+$").expect("valid regex"));

/// Whether a document id is a bulletin's (`MS08-037`).
pub fn is_bulletin_id(id: &str) -> bool {
    BULLETIN_ID.is_match(id.trim())
}

/// The CVE ids a text names, in order, once each; `CAN-` ids as the CVE ids they became.
pub fn cve_ids(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in CVE_OR_CAN.captures_iter(text) {
        let id = format!("CVE-{}-{}", &c[1], &c[2]);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The severity a rating word names (see [`lexicon::rating`]).
pub fn severity(lang: &str, text: &str) -> Option<Severity> {
    lexicon::rating(lang, text).map(|i| {
        [
            Severity::Critical,
            Severity::Important,
            Severity::Moderate,
            Severity::Low,
        ][i]
    })
}

/// The maximum severity a bulletin's title states after its id ("... MS08-037 - Importante").
pub fn title_severity(lang: &str, title: &str) -> Option<Severity> {
    let (_, tail) = title.rsplit_once([' ', '-', '–', '—', ':', '：'])?;
    severity(lang, tail).or_else(|| {
        let (_, tail) = title
            .rsplit_once(" - ")
            .or_else(|| title.rsplit_once(" – "))?;
        severity(lang, tail)
    })
}

/// A product as a matrix row or software table names it: the name without footnote marks,
/// escapes and the KB numbers in brackets, which are returned apart.
pub fn product_name(cell: &str) -> (String, Vec<String>) {
    let text = tidy(cell).replace('\n', " ");
    let kbs = KB_IN_BRACKETS
        .captures_iter(&text)
        .map(|c| c[1].to_string())
        .collect();
    let name = KB_IN_BRACKETS.replace_all(&text, " ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = FOOTNOTE_MARK.replace(&name, "");
    let name = name.trim_end_matches([',', ';', ':', '\\', ' ']).trim();
    (name.to_string(), kbs)
}

/// One product's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub product: String,
    /// KB numbers of its updates, from the row.
    pub kbs: Vec<String>,
    /// The rating per CVE it is affected by: (CVE, severity, impact in the page's words).
    pub ratings: Vec<(String, Option<Severity>, String)>,
}

/// The severity matrix of a bulletin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// The CVEs it rates, in the order of the page.
    pub cves: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

impl Matrix {
    fn push(
        &mut self,
        product: String,
        kbs: Vec<String>,
        cve: &str,
        rating: (Option<Severity>, String),
    ) {
        if !self.cves.iter().any(|c| c == cve) {
            self.cves.push(cve.to_string());
        }
        let row = match self.rows.iter().position(|r| r.product == product) {
            Some(i) => &mut self.rows[i],
            None => {
                self.rows.push(MatrixRow {
                    product,
                    kbs: Vec::new(),
                    ratings: Vec::new(),
                });
                self.rows.last_mut().expect("just pushed")
            }
        };
        for kb in kbs {
            if !row.kbs.contains(&kb) {
                row.kbs.push(kb);
            }
        }
        if !row.ratings.iter().any(|(c, _, _)| c == cve) {
            row.ratings.push((cve.to_string(), rating.0, rating.1));
        }
    }
}

/// A matrix cell: the rating on its first line and the impact after it; None when the cell
/// says the CVE does not apply, or is empty.
fn rating_cell(lang: &str, text: &str) -> Option<(Option<Severity>, String)> {
    let t = text.trim();
    if t.is_empty() || lexicon::not_applicable(lang, t) {
        return None;
    }
    let mut lines = t.lines();
    let first = lines.next().unwrap_or_default();
    match severity(lang, first) {
        Some(s) => Some((Some(s), lines.collect::<Vec<_>>().join(" "))),
        // "Important Spoofing" on one line, as some cells run the two together.
        None => match first.split_once(' ') {
            Some((w, rest)) if severity(lang, w).is_some() => {
                Some((severity(lang, w), rest.trim().to_string()))
            }
            _ => Some((None, t.replace('\n', " "))),
        },
    }
}

/// Reads the rows of a table as a severity matrix, if it is one.
pub fn matrix(lang: &str, rows: &[Vec<Cell>]) -> Option<Matrix> {
    let header = rows
        .iter()
        .position(|r| r.iter().skip(1).any(|c| !cve_ids(&c.text).is_empty()));
    match header {
        Some(h) => by_columns(lang, &rows[h], &rows[h + 1..]),
        None => by_rows(lang, rows),
    }
}

/// CVEs in the header's columns, products in the rows.
fn by_columns(lang: &str, header: &[Cell], body: &[Vec<Cell>]) -> Option<Matrix> {
    let columns: Vec<Vec<String>> = header.iter().map(|c| cve_ids(&c.text)).collect();
    let width = header.len();
    let mut m = Matrix::default();
    for row in body {
        let filled = row.iter().filter(|c| !c.text.trim().is_empty()).count();
        // A group heading spans the row, or stands alone in it.
        if row.len() < width.min(2) || filled <= 1 {
            continue;
        }
        let (product, kbs) = product_name(&row[0].text);
        if product.is_empty() || !cve_ids(&product).is_empty() {
            continue;
        }
        for (j, cell) in row.iter().enumerate().skip(1) {
            let Some(cves) = columns.get(j) else { break };
            // A matrix cell rates: a table that lists CVEs beside their titles (the
            // "vulnerability information" list of later bulletins) has no rating, and its
            // rows are no products.
            if let Some(r @ (Some(_), _)) = rating_cell(lang, &cell.text) {
                for cve in cves {
                    m.push(product.clone(), kbs.clone(), cve, r.clone());
                }
            }
        }
    }
    (!m.rows.is_empty()).then_some(m)
}

/// CVEs in the first column, products in the header row; a column of no ratings is the
/// impact of each CVE.
fn by_rows(lang: &str, rows: &[Vec<Cell>]) -> Option<Matrix> {
    let header = rows.first()?;
    let body: Vec<&Vec<Cell>> = rows[1..]
        .iter()
        .filter(|r| r.first().is_some_and(|c| !cve_ids(&c.text).is_empty()))
        .collect();
    if body.is_empty() {
        return None;
    }
    let rated = |j: usize| {
        body.iter().any(|r| {
            r.get(j)
                .and_then(|c| rating_cell(lang, &c.text))
                .is_some_and(|(s, _)| s.is_some())
        })
    };
    let impact_col = (1..header.len()).find(|j| !rated(*j));
    let mut m = Matrix::default();
    for row in &body {
        let cves = cve_ids(&row[0].text);
        let impact = impact_col
            .and_then(|j| row.get(j))
            .map(|c| c.text.replace('\n', " "))
            .unwrap_or_default();
        for (j, cell) in row.iter().enumerate().skip(1) {
            if Some(j) == impact_col || !rated(j) {
                continue;
            }
            let Some(h) = header.get(j) else { break };
            let (product, kbs) = product_name(&h.text);
            if product.is_empty() {
                continue;
            }
            if let Some((s, own)) = rating_cell(lang, &cell.text) {
                let impact = if own.is_empty() { impact.clone() } else { own };
                for cve in &cves {
                    m.push(product.clone(), kbs.clone(), cve, (s, impact.clone()));
                }
            }
        }
    }
    (!m.rows.is_empty()).then_some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::technet::table::tables;

    #[test]
    fn cve_ids_as_pages_write_them() {
        assert_eq!(
            cve_ids("A (CAN-2005-1984), B - CVE-2008- 0105, C: CVE 2008-1447, again CVE-2008-1447"),
            ["CVE-2005-1984", "CVE-2008-0105", "CVE-2008-1447"]
        );
    }

    #[test]
    fn title_severity_in_several_languages() {
        let s = title_severity(
            "es-ES",
            "Boletín de seguridad de Microsoft MS08-037 - Importante",
        );
        assert_eq!(s, Some(Severity::Important));
        let s = title_severity("de-DE", "Microsoft Security Bulletin MS08-040 – Hoch");
        assert_eq!(s, Some(Severity::Important));
        let s = title_severity("nl-NL", "Microsoft Beveiligingsbulletin MS08-041 - Kritiek");
        assert_eq!(s, Some(Severity::Critical));
        assert_eq!(
            title_severity("es-ES", "Boletín de seguridad de Microsoft MS08-037"),
            None
        );
    }

    #[test]
    fn product_names_lose_kbs_and_footnotes_only() {
        assert_eq!(
            product_name("Microsoft .NET Framework 2.0 Service Pack 2 en Windows Vista\n(2804580)"),
            (
                "Microsoft .NET Framework 2.0 Service Pack 2 en Windows Vista".to_string(),
                vec!["2804580".to_string()]
            )
        );
        assert_eq!(
            product_name("Windows Server 2008 para sistemas x64*").0,
            "Windows Server 2008 para sistemas x64"
        );
        assert_eq!(product_name("Windows 7 [1]\\").0, "Windows 7");
        assert_eq!(product_name("(3108604)").0, "");
    }

    #[test]
    fn reads_a_matrix_with_group_rows_and_not_applicable_cells() {
        let html = r#"<table>
<tr><td>Software afectado</td><td>Vulnerabilidad A (CVE-2013-1336)</td><td>Vulnerabilidad B (CVE-2013-1337)</td><td>Clasificación de gravedad acumulada</td></tr>
<tr><td colspan="4">Microsoft .NET Framework 2.0 Service Pack 2</td></tr>
<tr><td>Microsoft .NET Framework 2.0 SP2 en Windows Vista<br/>(2804580)</td><td>**Importante**<br/>Suplantación de identidad</td><td>No aplicable</td><td>**Importante**</td></tr>
<tr><td>Windows 8*</td><td>Crítica<br/>Ejecución remota de código</td><td>Moderada<br/>Denegación de servicio</td><td>Crítica</td></tr>
</table>"#;
        let t = &tables(html)[0];
        let m = matrix("es-ES", &t.rows).expect("a matrix");
        assert_eq!(m.cves, ["CVE-2013-1336", "CVE-2013-1337"]);
        assert_eq!(m.rows.len(), 2, "{m:#?}");
        assert_eq!(
            m.rows[0].product,
            "Microsoft .NET Framework 2.0 SP2 en Windows Vista"
        );
        assert_eq!(m.rows[0].kbs, ["2804580"]);
        assert_eq!(
            m.rows[0].ratings,
            [(
                "CVE-2013-1336".to_string(),
                Some(Severity::Important),
                "Suplantación de identidad".to_string()
            )]
        );
        assert_eq!(m.rows[1].product, "Windows 8");
        assert_eq!(m.rows[1].ratings[1].1, Some(Severity::Moderate));
    }

    /// Plain-text rows as table cells.
    fn cells(rows: &[Vec<&str>]) -> Vec<Vec<Cell>> {
        (rows.iter())
            .map(|r| {
                (r.iter())
                    .map(|t| Cell {
                        text: t.to_string(),
                        colspan: 1,
                        header: false,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_list_of_cves_beside_their_titles_is_no_matrix() {
        let rows = cells(&[
            vec!["Título de la vulnerabilidad", "Número CVE"],
            vec!["Vulnerabilidad en el uso de CMarkup", "CVE-2013-0020"],
            vec!["Vulnerabilidad en el uso de vtable", "CVE-2013-0021"],
        ]);
        assert_eq!(matrix("es-ES", &rows), None);
    }

    #[test]
    fn reads_the_transposed_matrix_of_2005() {
        let rows = cells(&[
            vec![
                "Identificadores de vulnerabilidad",
                "Consecuencia de la vulnerabilidad",
                "Windows 2000",
                "Windows Server 2003",
            ],
            vec![
                "Vulnerabilidad en la cola (CAN-2005-1984)",
                "Ejecución remota de código",
                "Crítica",
                "Moderada",
            ],
            vec!["Gravedad acumulada", "", "Crítica", "Moderada"],
        ]);
        let m = matrix("es-ES", &rows).expect("a matrix");
        assert_eq!(m.cves, ["CVE-2005-1984"]);
        let names: Vec<&str> = m.rows.iter().map(|r| r.product.as_str()).collect();
        assert_eq!(names, ["Windows 2000", "Windows Server 2003"]);
        assert_eq!(m.rows[1].ratings[0].1, Some(Severity::Moderate));
        assert_eq!(m.rows[1].ratings[0].2, "Ejecución remota de código");
    }
}
