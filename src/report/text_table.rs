//! One table model rendered in two dialects: aligned plain text for a
//! terminal and GitHub-flavoured Markdown. Exporters build a [`TextTable`]
//! once and pick the dialect, so the two never drift apart.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Terminal,
    Markdown,
}

#[derive(Debug, Clone)]
pub struct TextTable {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn new(columns: &[(&str, Align)]) -> Self {
        TextTable {
            headers: columns.iter().map(|(name, _)| (*name).to_owned()).collect(),
            align: columns.iter().map(|(_, align)| *align).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, dialect: Dialect) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|column| {
                self.rows
                    .iter()
                    .filter_map(|row| row.get(column))
                    .chain(std::iter::once(&self.headers[column]))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let pad = |cell: &str, column: usize| {
            let fill = " ".repeat(widths[column].saturating_sub(cell.chars().count()));
            match self.align[column] {
                Align::Left => format!("{cell}{fill}"),
                Align::Right => format!("{fill}{cell}"),
            }
        };
        let line = |cells: &[String]| -> String {
            let padded: Vec<String> = (0..self.headers.len())
                .map(|column| pad(cells.get(column).map_or("", String::as_str), column))
                .collect();
            match dialect {
                Dialect::Terminal => padded.join("  ").trim_end().to_owned(),
                Dialect::Markdown => format!("| {} |", padded.join(" | ")),
            }
        };
        let mut out = line(&self.headers);
        out.push('\n');
        let rule: Vec<String> = widths
            .iter()
            .zip(&self.align)
            .map(|(&width, align)| match (dialect, align) {
                (Dialect::Terminal, _) => "-".repeat(width),
                (Dialect::Markdown, Align::Left) => format!(":{}", "-".repeat(width.max(3) - 1)),
                (Dialect::Markdown, Align::Right) => format!("{}:", "-".repeat(width.max(3) - 1)),
            })
            .collect();
        out.push_str(&match dialect {
            Dialect::Terminal => rule.join("  "),
            Dialect::Markdown => format!(
                "|{}|",
                rule.iter()
                    .map(|r| format!(" {r} "))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        });
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TextTable {
        let mut table = TextTable::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        table.row(vec!["Requests".into(), "$0.40".into()]);
        table.row(vec!["Duration".into(), "$18.34".into()]);
        table
    }

    #[test]
    fn terminal_dialect_aligns_columns() {
        assert_eq!(
            sample().render(Dialect::Terminal),
            "Item      Amount\n--------  ------\nRequests   $0.40\nDuration  $18.34\n"
        );
    }

    #[test]
    fn markdown_dialect_marks_alignment() {
        assert_eq!(
            sample().render(Dialect::Markdown),
            "| Item     | Amount |\n| :------- | -----: |\n| Requests |  $0.40 |\n| Duration | $18.34 |\n"
        );
    }
}
