//! One table model rendered in two dialects: aligned plain text for a
//! terminal and GitHub-flavoured Markdown. Exporters build a [`TextTable`]
//! once and pick the dialect, so the two never drift apart. On a terminal of
//! known width, [`TextTable::render_fitted`] wraps a last text column, or
//! drops columns from the right and says which.

/// The narrowest a wrapped column gets.
pub const MIN_WRAPPED: usize = 16;

/// `text` in lines of at most `room` characters, broken at spaces (a longer
/// word is cut).
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > room {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..room).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > room && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `row`'s cells within `widths` (cells beyond are dropped), as one line
/// or several where a cell wraps.
fn wrap_row(row: &[String], widths: &[usize]) -> Vec<Vec<String>> {
    let cells: Vec<Vec<String>> = widths
        .iter()
        .enumerate()
        .map(|(column, &room)| {
            let cell = row.get(column).map_or("", String::as_str);
            if cell.chars().count() <= room {
                vec![cell.to_owned()]
            } else {
                wrap(cell, room)
            }
        })
        .collect();
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
    (0..lines)
        .map(|line| {
            cells
                .iter()
                .map(|column| column.get(line).cloned().unwrap_or_default())
                .collect()
        })
        .collect()
}

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

    /// The terminal dialect within `width` characters (none: unlimited):
    /// the table as is if it fits; else with its text columns (left-aligned,
    /// but the first) narrowed, the widest first, and their cells wrapped, each
    /// column keeping at least [`MIN_WRAPPED`] characters and its header;
    /// else also without the columns at the right that do not fit (never
    /// the first), and the names of those dropped.
    pub fn render_fitted(&self, width: Option<usize>) -> (String, Vec<String>) {
        let Some(width) = width else {
            return (self.render(Dialect::Terminal), Vec::new());
        };
        let mut widths = self.widths();
        let total = |widths: &[usize]| widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        if total(&widths) <= width {
            return (self.render(Dialect::Terminal), Vec::new());
        }
        let floor = |column: usize| MIN_WRAPPED.max(self.headers[column].chars().count());
        while total(&widths) > width {
            let widest = (1..widths.len())
                .filter(|&column| self.align[column] == Align::Left && widths[column] > floor(column))
                .max_by_key(|&column| (widths[column], std::cmp::Reverse(column)));
            // One character at a time, so the widest columns end up alike.
            let Some(column) = widest else { break };
            widths[column] -= 1;
        }
        let mut kept = widths.len();
        while kept > 1 && total(&widths[..kept]) > width {
            kept -= 1;
        }
        let narrower = TextTable {
            headers: self.headers[..kept].to_vec(),
            align: self.align[..kept].to_vec(),
            rows: self
                .rows
                .iter()
                .flat_map(|row| wrap_row(row, &widths[..kept]))
                .collect(),
        };
        (narrower.render(Dialect::Terminal), self.headers[kept..].to_vec())
    }

    fn widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|column| {
                self.rows
                    .iter()
                    .filter_map(|row| row.get(column))
                    .chain(std::iter::once(&self.headers[column]))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    pub fn render(&self, dialect: Dialect) -> String {
        let widths = self.widths();
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
    fn a_wide_table_wraps_its_last_text_column() {
        let mut table = TextTable::new(&[("Key", Align::Left), ("Meaning", Align::Left)]);
        table.row(vec![
            "dynos".into(),
            "how many dynos run from the start of the trace".into(),
        ]);
        // "dynos" (5) + 2 spaces leaves 16 of 23 for the meaning, whose
        // longest line is then "how many dynos" (14).
        let (text, dropped) = table.render_fitted(Some(23));
        assert_eq!(
            text,
            "Key    Meaning\n-----  --------------\n\
             dynos  how many dynos\n       run from the\n       start of the\n       trace\n"
        );
        assert!(dropped.is_empty());
    }

    #[test]
    fn the_widest_text_columns_are_narrowed_alike() {
        let mut table = TextTable::new(&[("Key", Align::Left), ("A", Align::Left), ("B", Align::Left)]);
        table.row(vec![
            "k".into(),
            "aaaa aaaa aaaa aaaa aaaa".into(),
            "bbbb bbbb bbbb bbbb".into(),
        ]);
        // 3 + 2 + 24 + 2 + 19 = 50 characters, 8 too many for 42: A loses 5
        // to match B (19), then A and B lose one each in turn: A 17, B 18.
        // A wraps to "aaaa aaaa aaaa" (14) and "aaaa aaaa", B to
        // "bbbb bbbb bbbb" (14) and "bbbb".
        let (text, dropped) = table.render_fitted(Some(42));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "Key  A               B",
                "---  --------------  --------------",
                "k    aaaa aaaa aaaa  bbbb bbbb bbbb",
                "     aaaa aaaa       bbbb",
            ]
        );
        assert!(dropped.is_empty());
    }

    #[test]
    fn a_table_too_wide_to_wrap_drops_columns_at_the_right() {
        // Item 8 + 2 + Amount 6 = 16 characters; with 15, Amount goes.
        let (text, dropped) = sample().render_fitted(Some(15));
        assert_eq!(text, "Item\n--------\nRequests\nDuration\n");
        assert_eq!(dropped, ["Amount"]);
        assert_eq!(
            sample().render_fitted(Some(16)).0,
            sample().render(Dialect::Terminal)
        );
        assert_eq!(sample().render_fitted(None).1, Vec::<String>::new());
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn markdown_dialect_marks_alignment() {
        assert_eq!(
            sample().render(Dialect::Markdown),
            "| Item     | Amount |\n| :------- | -----: |\n| Requests |  $0.40 |\n| Duration | $18.34 |\n"
        );
    }
}
