//! Era checks: a price book holds for the dates from its effective date
//! until a newer book of the same product takes over. A run priced with a
//! book before its effective date, or after its successor's, is priced with
//! rates that were not the ones billed then: it is split into periods, each
//! with the book's standing in it, and warned about.
//!
//! Books of one product are known by their id: the id without its era, a
//! trailing `-YYYY` (`aws-lambda-2016` and `aws-lambda-2025` are both
//! `aws-lambda`; `ec2-2016` and `ec2-2025` are `ec2`). A book's successor is
//! the shipped book of its product with the next later effective date.

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{PriceBook, built_in};

/// A book's standing in a stretch of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Before the book's effective date.
    BeforeEffectiveDate,
    InEffect,
    /// After a newer book of the same product took over.
    Superseded,
}

/// A stretch of the run and the book that priced it (JSON: `price_periods`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedPeriod {
    pub book: String,
    /// Start (included) and end (excluded), RFC 3339.
    pub from: String,
    pub to: String,
    pub standing: Standing,
    /// The book in effect instead, with its effective date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    #[serde(skip)]
    instants: (DateTime<Utc>, DateTime<Utc>),
}

/// A book as the era check sees it: its id and effective date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    pub id: String,
    pub effective: NaiveDate,
}

/// The product a book id prices: the id without a trailing `-YYYY`.
pub fn product(id: &str) -> &str {
    match id.rsplit_once('-') {
        Some((product, year)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => product,
        _ => id,
    }
}

/// The book of `edition`'s product that takes over from it: the one with
/// the next later effective date among `catalog`.
pub fn successor<'a>(edition: &Edition, catalog: &'a [Edition]) -> Option<&'a Edition> {
    catalog
        .iter()
        .filter(|other| {
            other.id != edition.id
                && product(&other.id) == product(&edition.id)
                && other.effective > edition.effective
        })
        .min_by_key(|other| other.effective)
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

/// The run from `from` to `to` split where `edition`'s standing changes.
pub fn periods(
    edition: &Edition,
    successor: Option<&Edition>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<PricedPeriod> {
    let effective = midnight(edition.effective);
    let takeover = successor.map(|next| midnight(next.effective));
    let standing_at = |moment: DateTime<Utc>| {
        if moment < effective {
            Standing::BeforeEffectiveDate
        } else if takeover.is_some_and(|takeover| moment >= takeover) {
            Standing::Superseded
        } else {
            Standing::InEffect
        }
    };
    let mut cuts: Vec<DateTime<Utc>> = [Some(effective), takeover]
        .into_iter()
        .flatten()
        .filter(|cut| from < *cut && *cut < to)
        .collect();
    cuts.insert(0, from);
    cuts.push(to.max(from));
    cuts.windows(2)
        .map(|pair| {
            let standing = standing_at(pair[0]);
            PricedPeriod {
                book: edition.id.clone(),
                from: pair[0].to_rfc3339_opts(SecondsFormat::AutoSi, true),
                to: pair[1].to_rfc3339_opts(SecondsFormat::AutoSi, true),
                standing,
                superseded_by: successor
                    .filter(|_| standing == Standing::Superseded)
                    .map(|next| format!("{} (effective {})", next.id, next.effective)),
                instants: (pair[0], pair[1]),
            }
        })
        .collect()
}

/// A moment as a warning shows it: the date alone at midnight.
fn shown(moment: DateTime<Utc>) -> String {
    if moment.time() == NaiveTime::MIN {
        moment.format("%Y-%m-%d").to_string()
    } else {
        moment.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

/// A warning for every period priced out of the book's era.
pub fn warnings(edition: &Edition, periods: &[PricedPeriod]) -> Vec<String> {
    periods
        .iter()
        .filter_map(|period| {
            let (from, to) = (shown(period.instants.0), shown(period.instants.1));
            match (period.standing, &period.superseded_by) {
                (Standing::BeforeEffectiveDate, _) => Some(format!(
                    "{} (effective {}) prices {from} to {to}, before its effective date: its rates may not be the ones billed then",
                    edition.id, edition.effective
                )),
                (Standing::Superseded, Some(next)) => Some(format!(
                    "{} (effective {}) prices {from} to {to}, after {next} took over: price that stretch with the newer book",
                    edition.id, edition.effective
                )),
                _ => None,
            }
        })
        .collect()
}

/// The shipped books as editions, read once.
fn shipped() -> &'static [Edition] {
    static EDITIONS: OnceLock<Vec<Edition>> = OnceLock::new();
    EDITIONS.get_or_init(|| {
        // The shipped books are checked by the catalog's tests; were one
        // unreadable, the check would only lose its successors.
        built_in()
            .unwrap_or_default()
            .iter()
            .map(|book| Edition {
                id: book.id.clone(),
                effective: book.effective_date,
            })
            .collect()
    })
}

/// `book`'s periods over the run from `from` to `to`, with a warning for
/// every one out of its era, against the shipped books.
pub fn check(book: &PriceBook, from: DateTime<Utc>, to: DateTime<Utc>) -> (Vec<PricedPeriod>, Vec<String>) {
    let edition = Edition {
        id: book.id.clone(),
        effective: book.effective_date,
    };
    let periods = periods(&edition, successor(&edition, shipped()), from, to);
    let warnings = warnings(&edition, &periods);
    (periods, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(id: &str, effective: &str) -> Edition {
        Edition {
            id: id.into(),
            effective: effective.parse().expect("date"),
        }
    }

    fn moment(text: &str) -> DateTime<Utc> {
        text.parse().expect("RFC 3339")
    }

    #[test]
    fn products_are_ids_without_their_era() {
        assert_eq!(product("aws-lambda-2016"), "aws-lambda");
        assert_eq!(product("ec2-2025"), "ec2");
        assert_eq!(product("my-book"), "my-book");
        assert_eq!(product("plan-v2"), "plan-v2");
        let catalog = [
            edition("ec2-2016", "2016-01-13"),
            edition("ec2-2025", "2017-10-02"),
            edition("heroku-2016", "2016-06-01"),
        ];
        assert_eq!(successor(&catalog[0], &catalog), Some(&catalog[1]));
        assert_eq!(successor(&catalog[1], &catalog), None);
        assert_eq!(successor(&catalog[2], &catalog), None);
    }

    #[test]
    fn january_2016_on_a_june_book_is_before_its_date() {
        let heroku = edition("heroku-2016", "2016-06-01");
        let found = periods(
            &heroku,
            None,
            moment("2016-01-01T00:00:00Z"),
            moment("2016-02-01T00:00:00Z"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].standing, Standing::BeforeEffectiveDate);
        assert_eq!(
            warnings(&heroku, &found),
            vec![
                "heroku-2016 (effective 2016-06-01) prices 2016-01-01 to 2016-02-01, before its effective date: its rates may not be the ones billed then"
            ]
        );
    }

    #[test]
    fn a_run_across_both_dates_is_split_in_three() {
        // ec2-2016 from 2016-01-13, ec2-2025 from 2017-10-02: a run from
        // 2016-01-01 to 2017-11-01 is before, in effect, then superseded.
        let old = edition("ec2-2016", "2016-01-13");
        let new = edition("ec2-2025", "2017-10-02");
        let found = periods(
            &old,
            Some(&new),
            moment("2016-01-01T00:00:00Z"),
            moment("2017-11-01T00:00:00Z"),
        );
        let stretches: Vec<_> = found
            .iter()
            .map(|period| (period.from.as_str(), period.to.as_str(), period.standing))
            .collect();
        assert_eq!(
            stretches,
            vec![
                (
                    "2016-01-01T00:00:00Z",
                    "2016-01-13T00:00:00Z",
                    Standing::BeforeEffectiveDate
                ),
                ("2016-01-13T00:00:00Z", "2017-10-02T00:00:00Z", Standing::InEffect),
                (
                    "2017-10-02T00:00:00Z",
                    "2017-11-01T00:00:00Z",
                    Standing::Superseded
                ),
            ]
        );
        assert_eq!(
            found[2].superseded_by.as_deref(),
            Some("ec2-2025 (effective 2017-10-02)")
        );
        let said = warnings(&old, &found);
        assert_eq!(said.len(), 2);
        assert_eq!(
            said[1],
            "ec2-2016 (effective 2016-01-13) prices 2017-10-02 to 2017-11-01, after ec2-2025 (effective 2017-10-02) took over: price that stretch with the newer book"
        );
    }

    #[test]
    fn a_run_inside_the_era_says_nothing() {
        let lambda = edition("aws-lambda-2016", "2016-01-01");
        let found = periods(
            &lambda,
            None,
            moment("2016-01-01T00:00:00Z"),
            moment("2016-01-01T00:00:00Z"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].standing, Standing::InEffect);
        assert!(warnings(&lambda, &found).is_empty());
        // The shipped lambda-2016 book is superseded on 2025-08-01.
        let shipped_book = crate::pricing::resolve("aws-lambda-2016").expect("shipped");
        let (found, said) = check(
            &shipped_book,
            moment("2025-07-01T00:00:00Z"),
            moment("2025-08-02T12:00:00Z"),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(
            said,
            vec![
                "aws-lambda-2016 (effective 2016-01-01) prices 2025-08-01 to 2025-08-02T12:00:00Z, after aws-lambda-2025 (effective 2025-08-01) took over: price that stretch with the newer book"
            ]
        );
    }
}
