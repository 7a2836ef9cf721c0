//! A small document model rendered to Markdown and to self-contained HTML (inline SVG and
//! CSS, no scripts, no external requests), so both report forms say exactly the same.

use std::fmt::Write;

/// One block of a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading; level 1 is the title.
    Heading(u8, String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: headers and rows of cells.
    Table(Vec<String>, Vec<Vec<String>>),
    /// A chart: its file stem under `charts/`, a caption, and the SVG to inline in HTML.
    Chart {
        /// File stem, e.g. `savings_per_cocktail`.
        name: String,
        /// Caption.
        caption: String,
        /// SVG text.
        svg: String,
    },
}

/// Markdown, with charts linked as `charts/NAME.svg`.
pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {}\n", "#".repeat(usize::from(*level)), text);
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
            Block::Table(headers, rows) => {
                let escape = |s: &str| s.replace('|', "\\|");
                let _ = writeln!(
                    out,
                    "| {} |",
                    headers
                        .iter()
                        .map(|h| escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
                for row in rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        row.iter()
                            .map(|c| escape(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                }
                out.push('\n');
            }
            Block::Chart { name, caption, .. } => {
                let _ = writeln!(out, "![{caption}](charts/{name}.svg)\n");
            }
        }
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}\
h1{border-bottom:2px solid #0072b2}h2{margin-top:2.5rem;color:#0072b2}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}\
th{background:#f0f4f8}td.num{text-align:right;white-space:nowrap}div.wide{overflow-x:auto}table.dense{font-size:.75rem}table.dense td,table.dense th{padding:.2rem .3rem}figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}\
figcaption{font-size:.85rem;color:#555}";

/// A figure: a count, an amount (`−€ 1.234`), a share or an interval (`€ 1 – € 2`), which
/// align right and never wrap.
fn is_numeric(cell: &str) -> bool {
    let trimmed = cell.trim_start_matches(['€', '-', '\u{2212}', ' ', '\u{a0}', '+']);
    !trimmed.is_empty()
        && trimmed.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '.' | ',' | '%' | ' ' | '\u{a0}' | '€' | '\u{2013}' | '\u{2212}'
                )
        })
}

/// A self-contained HTML page.
pub fn to_html(title: &str, lang: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape_html(title)
    );
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape_html(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape_html(text));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape_html(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(headers, rows) => {
                // A matrix (a row per payer, a column per financier) fits the page in a
                // smaller type.
                let dense = if headers.len() > 8 {
                    " class=\"dense\""
                } else {
                    ""
                };
                let _ = write!(out, "<div class=\"wide\"><table{dense}>\n<thead><tr>");
                for header in headers {
                    let _ = write!(out, "<th>{}</th>", escape_html(header));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let class = if is_numeric(cell) {
                            " class=\"num\""
                        } else {
                            ""
                        };
                        let _ = write!(out, "<td{class}>{}</td>", escape_html(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table></div>\n");
            }
            Block::Chart { caption, svg, .. } => {
                // The SVG's own XML declaration is not allowed inside HTML.
                let body = svg.trim_start_matches(|c| c != '<');
                let body = if body.starts_with("<?xml") {
                    body.split_once("?>").map(|(_, rest)| rest).unwrap_or(body)
                } else {
                    body
                };
                let _ = writeln!(
                    out,
                    "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    body.trim(),
                    escape_html(caption)
                );
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_carry_the_same_content() {
        let blocks = vec![
            Block::Heading(1, "Rapport".into()),
            Block::Paragraph("Tekst met <tag> & teken".into()),
            Block::Table(
                vec!["a".into(), "b|c".into()],
                vec![vec!["1".into(), "x|y".into()]],
            ),
            Block::List(vec!["een".into()]),
        ];
        let md = to_markdown(&blocks);
        assert_eq!(
            md,
            "# Rapport\n\nTekst met <tag> & teken\n\n| a | b\\|c |\n|---|---|\n| 1 | x\\|y |\n\n- een\n\n"
        );
        let html = to_html("Rapport", "nl", &blocks);
        assert!(html.contains("<p>Tekst met &lt;tag&gt; &amp; teken</p>"));
        assert!(html.contains("<td class=\"num\">1</td>"));
        assert!(!html.contains("<script") && !html.contains("http"));
    }
}
