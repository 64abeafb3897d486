//! The price books shipped in `pricing/` (every `.toml` there, embedded by
//! `build.rs`), and the lookup that turns a `--platform` argument (an id or
//! a path) into a book.

use std::path::Path;

use super::PriceBook;
use crate::error::{Error, Result};

/// (file name, contents) of every shipped price book: each `pricing/*.toml`,
/// found by `build.rs`.
const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_books.rs"));

/// Parses every shipped price book, in id order.
pub fn built_in() -> Result<Vec<PriceBook>> {
    let mut books = BUILT_IN
        .iter()
        .map(|(label, source)| PriceBook::from_toml(label, source))
        .collect::<Result<Vec<_>>>()?;
    books.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(books)
}

/// Finds a shipped book by id, or loads a TOML file when `platform` names
/// one (ends in `.toml` or contains a path separator).
pub fn resolve(platform: &str) -> Result<PriceBook> {
    if platform.ends_with(".toml") || platform.contains(std::path::MAIN_SEPARATOR) || platform.contains('/') {
        let path = Path::new(platform);
        let source = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        return PriceBook::from_toml(platform, &source);
    }
    let books = built_in()?;
    let known: Vec<&str> = books.iter().map(|book| book.id.as_str()).collect();
    let message = format!(
        "unknown platform `{platform}`: expected one of {} or a path to a price-book .toml file (see `costsim pricing list`)",
        known.join(", ")
    );
    books
        .into_iter()
        .find(|book| book.id == platform)
        .ok_or_else(|| Error::usage(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_book_validates_and_ids_match_file_names() {
        let books = built_in().expect("shipped books are valid");
        assert_eq!(books.len(), BUILT_IN.len());
        for (label, source) in BUILT_IN {
            let book = PriceBook::from_toml(label, source).expect("valid");
            assert_eq!(*label, format!("pricing/{}.toml", book.id));
        }
    }

    #[test]
    fn unknown_ids_list_the_known_ones() {
        let error = resolve("aws-lambda-1999").expect_err("unknown");
        assert!(error.is_usage());
        assert!(
            error.to_string().contains("aws-lambda-2016, aws-lambda-2025"),
            "{error}"
        );
    }

    #[test]
    fn book_problems_are_all_reported_with_lines() {
        let source = include_str!("../../pricing/aws-lambda-2016.toml")
            .replace(
                "request_price_per_million = 0.20",
                "request_price_per_million = -1.0",
            )
            .replace("\nmemory_mb = 128\n", "\nmemory_mb = 0\n")
            .replace(
                "cold_start_ms = \"lognormal:median=250ms,p99=1s\"",
                "cold_start_ms = \"soon\"",
            );
        let error = PriceBook::from_toml("bad.toml", &source).expect_err("three problems");
        let text = error.to_string();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(
            text.contains("`function.billing.request_price_per_million`: expected a price"),
            "{text}"
        );
        assert!(
            text.contains("`function.defaults.memory_mb`: expected a number above zero"),
            "{text}"
        );
        assert!(text.contains("`function.defaults.cold_start_ms`"), "{text}");
        assert!(
            text.lines().all(|line| line.starts_with("bad.toml: line ")),
            "{text}"
        );
        // Problems come in file order.
        let lines: Vec<u32> = text
            .lines()
            .filter_map(|line| {
                line.strip_prefix("bad.toml: line ")?
                    .split(':')
                    .next()?
                    .parse()
                    .ok()
            })
            .collect();
        assert!(lines.windows(2).all(|pair| pair[0] <= pair[1]), "{text}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let source = include_str!("../../pricing/aws-lambda-2016.toml")
            .replace("era = \"2016\"", "era = \"2016\"\ncolour = \"blue\"");
        let error = PriceBook::from_toml("bad.toml", &source).expect_err("unknown key");
        let text = error.to_string();
        assert!(
            text.contains("unknown field `colour`") && text.contains("line 9"),
            "{text}"
        );
    }
}
