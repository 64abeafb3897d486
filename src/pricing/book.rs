//! Price books: what an offering charges and how it behaves, as data.
//!
//! A price book is a TOML file (see `pricing/` for the shipped ones). It is
//! read in two steps, as cargo-deny reads its config: serde parses the raw
//! form, rejecting unknown keys and wrong types with toml's line and column;
//! then [`PriceBook::from_toml`] checks every value and reports all problems
//! at once, each with its line and key.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::flat_plan_book::{FlatPlanOffering, RawFlatPlan, validate_flat_plan};
use super::function_book::{FunctionOffering, RawFunction, validate_function};
use super::money::{Decimal, from_book};
use super::pool_book::{PoolOffering, RawPool, validate_pool};
use super::service_book::{RawService, ServiceOffering, validate_service};
use super::vm_book::{RawVm, VmOffering, validate_vm};
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    id: Spanned<String>,
    family: Spanned<String>,
    title: String,
    vendor: String,
    region: String,
    era: String,
    effective_date: Spanned<String>,
    currency: Spanned<String>,
    sources: Spanned<Vec<Spanned<toml::Value>>>,
    #[serde(default)]
    notes: Vec<String>,
    function: Option<Spanned<RawFunction>>,
    pool: Option<RawPool>,
    vm: Option<RawVm>,
    service: Option<RawService>,
    flat_plan: Option<RawFlatPlan>,
}

/// A validated price book.
#[derive(Debug, Clone, Serialize)]
pub struct PriceBook {
    pub id: String,
    pub title: String,
    pub vendor: String,
    pub region: String,
    pub era: String,
    #[serde(serialize_with = "display")]
    pub effective_date: NaiveDate,
    pub currency: String,
    pub sources: Vec<Source>,
    pub notes: Vec<String>,
    pub offering: Offering,
}

/// Where a price book's figures come from: the vendor page (or another
/// public record) a reader can open, a web.archive.org copy where the page
/// has changed since, the day it was read, and what it supports, with its
/// confidence tag ([V], [S] or [R], see `pricing/README.md`). Books may
/// still give a plain string, read as a note without a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<String>,
    pub note: String,
    /// The weakest confidence tag the note carries: what it backs is
    /// `unconfirmed` when any of it is [R].
    pub confidence: Confidence,
}

/// How sure a source is of what it backs (see `pricing/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// [V]: read on the vendor's own page or documents.
    Verified,
    /// [S]: from a secondary source.
    Secondary,
    /// [R]: an assumption or a recollection the vendor did not confirm.
    Unconfirmed,
    /// No tag.
    Untagged,
}

impl Confidence {
    /// The weakest tag in `note`: [R] over [S] over [V].
    pub fn of(note: &str) -> Self {
        if note.contains("[R]") {
            Confidence::Unconfirmed
        } else if note.contains("[S]") {
            Confidence::Secondary
        } else if note.contains("[V]") {
            Confidence::Verified
        } else {
            Confidence::Untagged
        }
    }
}

/// The note, then the link, the archived copy and the day read, on a line
/// below (as `pricing show` prints it).
impl std::fmt::Display for Source {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.write_str(&self.note)?;
        if let Some(url) = &self.url {
            write!(out, "\n    {url}")?;
        }
        if let Some(archived) = &self.archived {
            write!(out, "\n    archived copy: {archived}")?;
        }
        if let Some(accessed) = &self.accessed {
            write!(out, "\n    read {accessed}")?;
        }
        Ok(())
    }
}

/// What kind of platform a price book describes, with its family's terms.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Offering {
    Function(Box<FunctionOffering>),
    Pool(PoolOffering),
    Vm(VmOffering),
    /// A per-request service priced alongside a deployment.
    Service(ServiceOffering),
    /// Subscription plans with quotas and limits (hook.io, IronWorker).
    FlatPlan(FlatPlanOffering),
}

impl Offering {
    pub fn family(&self) -> &'static str {
        match self {
            Offering::Function(_) => "function",
            Offering::Pool(_) => "pool",
            Offering::Vm(_) => "vm",
            Offering::Service(_) => "service",
            Offering::FlatPlan(_) => "flat_plan",
        }
    }
}

pub(super) fn display<T: std::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// A number as a message shows it: plainly, or in exponent form when huge
/// or tiny (`1e300`, not three hundred digits).
fn shown(number: f64) -> String {
    if number != 0.0 && !(1e-6..1e15).contains(&number.abs()) {
        format!("{number:e}")
    } else {
        format!("{number}")
    }
}

/// The longest span a book may give (keep-alive, time limits, boot): ten
/// years, far below where microsecond arithmetic could wrap.
pub const MAX_BOOK_SECONDS: f64 = 315_360_000.0;

/// Collects problems with their line numbers while a raw book is checked.
pub(super) struct Checker<'a> {
    source: &'a str,
    /// (line, message), reported in line order.
    problems: Vec<(usize, String)>,
}

impl Checker<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.source[..offset.min(self.source.len())].matches('\n').count() + 1
    }

    pub(super) fn problem<T>(&mut self, at: &Spanned<T>, key: &str, message: impl std::fmt::Display) {
        let line = self.line_of(at.span().start);
        self.problems
            .push((line, format!("line {line}: `{key}`: {message}")));
    }

    /// A price: a decimal of zero or more, exactly as written.
    pub(super) fn price(&mut self, value: &Spanned<f64>, key: &str) -> Decimal {
        self.decimal(value, key, "a price of zero or more")
    }

    /// A quantity (an allowance, a bound): a decimal of zero or more.
    pub(super) fn quantity(&mut self, value: &Spanned<f64>, key: &str) -> Decimal {
        self.decimal(value, key, "a quantity of zero or more")
    }

    fn decimal(&mut self, value: &Spanned<f64>, key: &str, expected: &str) -> Decimal {
        let number = *value.get_ref();
        match from_book(number).filter(|decimal| !decimal.is_sign_negative()) {
            Some(decimal) => decimal,
            None => {
                self.problem(
                    value,
                    key,
                    format!("expected {expected}, found {}", shown(number)),
                );
                Decimal::ZERO
            }
        }
    }

    /// A discount: a share of the price from 0 (excluded) to 1, exactly.
    pub(super) fn discount(&mut self, value: &Spanned<f64>, key: &str) -> Decimal {
        self.fraction(value, key);
        from_book(*value.get_ref()).unwrap_or(Decimal::ZERO)
    }

    /// A span in seconds, from zero up to [`MAX_BOOK_SECONDS`].
    pub(super) fn seconds(&mut self, value: &Spanned<f64>, key: &str) -> f64 {
        let number = *value.get_ref();
        if !(number.is_finite() && (0.0..=MAX_BOOK_SECONDS).contains(&number)) {
            self.problem(
                value,
                key,
                format!(
                    "expected seconds from 0 to {MAX_BOOK_SECONDS} (ten years), found {}",
                    shown(number)
                ),
            );
            return 0.0;
        }
        number
    }

    pub(super) fn positive<T: Copy + PartialOrd + Default + std::fmt::Display>(
        &mut self,
        value: &Spanned<T>,
        key: &str,
    ) -> T {
        let number = *value.get_ref();
        if number.partial_cmp(&T::default()) != Some(std::cmp::Ordering::Greater) {
            self.problem(
                value,
                key,
                format!("expected a number above zero, found {number}"),
            );
        }
        number
    }

    /// A share between 0 (excluded) and 1 (included).
    pub(super) fn fraction(&mut self, value: &Spanned<f64>, key: &str) -> f64 {
        let number = *value.get_ref();
        if !(number > 0.0 && number <= 1.0) {
            self.problem(
                value,
                key,
                format!(
                    "expected a fraction above 0 and at most 1, found {}",
                    shown(number)
                ),
            );
        }
        number
    }

    pub(super) fn millis(&mut self, value: &Spanned<f64>, key: &str) -> u64 {
        let number = *value.get_ref();
        if !(number.is_finite() && (0.0..=MAX_BOOK_SECONDS * 1_000.0).contains(&number)) {
            self.problem(
                value,
                key,
                format!(
                    "expected milliseconds from 0 to {} (ten years), found {number}",
                    MAX_BOOK_SECONDS * 1_000.0
                ),
            );
            return 0;
        }
        (number * 1_000.0).round() as u64
    }
}

impl PriceBook {
    /// Parses and validates a price book; `label` names its file in messages.
    pub fn from_toml(label: &str, source: &str) -> Result<Self> {
        let raw: RawBook = toml::from_str(source)
            .map_err(|error| Error::file(label.to_owned(), vec![error.to_string().trim_end().to_owned()]))?;
        let mut checker = Checker {
            source,
            problems: Vec::new(),
        };
        let book = validate(raw, &mut checker);
        if checker.problems.is_empty() {
            book.ok_or_else(|| {
                Error::file(
                    label.to_owned(),
                    vec!["the price book describes no offering".into()],
                )
            })
        } else {
            checker.problems.sort_by_key(|(line, _)| *line);
            Err(Error::file(
                label.to_owned(),
                checker.problems.into_iter().map(|(_, message)| message).collect(),
            ))
        }
    }

    /// The function offering, if this book describes a function platform.
    pub fn function(&self) -> Option<&FunctionOffering> {
        match &self.offering {
            Offering::Function(offering) => Some(offering),
            _ => None,
        }
    }
}

fn validate(mut raw: RawBook, checker: &mut Checker) -> Option<PriceBook> {
    let flat_plan = flat_plan_section(&mut raw, checker);
    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        checker.problem(
            &raw.id,
            "id",
            format!("expected letters, digits, `-`, `_` or `.`, found `{id}`"),
        );
    }
    let effective_date =
        NaiveDate::parse_from_str(raw.effective_date.get_ref(), "%Y-%m-%d").unwrap_or_else(|_| {
            checker.problem(
                &raw.effective_date,
                "effective_date",
                format!(
                    "expected a date like 2016-01-01, found `{}`",
                    raw.effective_date.get_ref()
                ),
            );
            NaiveDate::default()
        });
    if raw.currency.get_ref() != "USD" {
        checker.problem(&raw.currency, "currency", "only USD price books are supported");
    }
    if raw.sources.get_ref().is_empty() {
        checker.problem(
            &raw.sources,
            "sources",
            "a price book must name at least one source",
        );
    }
    let family = raw.family.get_ref().as_str();
    let offering = match (family, raw.function, raw.pool, raw.vm, raw.service) {
        ("function", Some(function), None, None, None) => Some(Offering::Function(Box::new(
            validate_function(function.into_inner(), checker),
        ))),
        ("pool", None, Some(pool), None, None) => Some(Offering::Pool(validate_pool(pool, checker))),
        ("vm", None, None, Some(vm), None) => Some(Offering::Vm(validate_vm(vm, checker))),
        ("service", None, None, None, Some(service)) => {
            Some(Offering::Service(validate_service(service, checker)))
        }
        ("flat_plan", None, None, None, None) if flat_plan.is_some() => flat_plan.map(Offering::FlatPlan),
        ("function" | "pool" | "vm" | "service" | "flat_plan", ..) => {
            checker.problem(
                &raw.family,
                "family",
                format!("a {family} price book needs a [{family}] section and no other family's section"),
            );
            None
        }
        (other, ..) => {
            checker.problem(
                &raw.family,
                "family",
                format!("expected `function`, `pool`, `vm`, `service` or `flat_plan`, found `{other}`"),
            );
            None
        }
    };
    Some(PriceBook {
        id,
        title: raw.title,
        vendor: raw.vendor,
        region: raw.region,
        era: raw.era,
        effective_date,
        currency: raw.currency.into_inner(),
        sources: raw
            .sources
            .into_inner()
            .iter()
            .filter_map(|source| validate_source(source, checker))
            .collect(),
        notes: raw.notes,
        offering: offering?,
    })
}

/// The validated `[flat_plan]` section, if any; a problem when the book is
/// of another family.
fn flat_plan_section(raw: &mut RawBook, checker: &mut Checker) -> Option<FlatPlanOffering> {
    let section = raw.flat_plan.take()?;
    if raw.family.get_ref() != "flat_plan" {
        checker.problem(
            &raw.family,
            "family",
            "a [flat_plan] section belongs in a book of family `flat_plan`",
        );
    }
    Some(validate_flat_plan(section, checker))
}

fn is_link(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://")) && !text.contains(char::is_whitespace)
}

/// One `sources` entry: a table `{ url, archived, accessed, note }` or a
/// plain string (a note without a link).
fn validate_source(entry: &Spanned<toml::Value>, checker: &mut Checker) -> Option<Source> {
    let table = match entry.get_ref() {
        toml::Value::String(note) => {
            return Some(Source {
                url: None,
                archived: None,
                accessed: None,
                confidence: Confidence::of(note),
                note: note.clone(),
            });
        }
        toml::Value::Table(table) => table,
        _ => {
            checker.problem(
                entry,
                "sources",
                "expected a table { url, archived, accessed, note } or a string",
            );
            return None;
        }
    };
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str).map(str::to_owned);
    for key in table.keys() {
        if !["url", "archived", "accessed", "note"].contains(&key.as_str()) {
            checker.problem(
                entry,
                "sources",
                format!("unknown key `{key}` (expected url, archived, accessed, note)"),
            );
        }
    }
    let url = text("url");
    if !url.as_deref().is_some_and(is_link) {
        checker.problem(
            entry,
            "sources.url",
            "expected a link starting with https:// or http://",
        );
    }
    let archived = text("archived");
    if table.contains_key("archived") && !archived.as_deref().is_some_and(is_link) {
        checker.problem(
            entry,
            "sources.archived",
            "expected a link starting with https:// or http://",
        );
    }
    let accessed = text("accessed");
    let read_on = |date: &str| NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    if !accessed.as_deref().is_some_and(read_on) {
        checker.problem(
            entry,
            "sources.accessed",
            "expected the date the source was read, like 2026-12-01",
        );
    }
    let note = text("note").unwrap_or_default();
    if note.trim().is_empty() {
        checker.problem(
            entry,
            "sources.note",
            "expected what the source supports, with its tag [V], [S] or [R]",
        );
    }
    Some(Source {
        url,
        archived,
        accessed,
        confidence: Confidence::of(&note),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service book with `sources` as given.
    fn book(sources: &str) -> String {
        format!(
            "id = \"x\"\nfamily = \"service\"\ntitle = \"X\"\nvendor = \"V\"\nregion = \"r\"\nera = \"2016\"\n\
             effective_date = \"2016-01-01\"\ncurrency = \"USD\"\nsources = [\n{sources}\n]\n\
             [service]\nname = \"X\"\nrequest_tiers = [{{ price_per_million = 1.0 }}]\n"
        )
    }

    #[test]
    fn a_source_is_a_link_with_an_archived_copy_a_date_and_a_note() {
        let text = book(
            "  { url = \"https://example.com/p\", archived = \"https://web.archive.org/web/2016/https://example.com/p\", accessed = \"2026-12-01\", note = \"[V] $1 per million\" },\n  \"a plain note [S]\",",
        );
        let parsed = PriceBook::from_toml("x.toml", &text).expect("valid");
        assert_eq!(
            parsed.sources[0],
            Source {
                url: Some("https://example.com/p".into()),
                archived: Some("https://web.archive.org/web/2016/https://example.com/p".into()),
                accessed: Some("2026-12-01".into()),
                note: "[V] $1 per million".into(),
                confidence: Confidence::Verified,
            }
        );
        assert_eq!(parsed.sources[1].url, None);
        assert_eq!(parsed.sources[1].confidence, Confidence::Secondary);
        assert_eq!(
            parsed.sources[0].to_string(),
            "[V] $1 per million\n    https://example.com/p\n    archived copy: https://web.archive.org/web/2016/https://example.com/p\n    read 2026-12-01"
        );
    }

    #[test]
    fn a_source_is_as_sure_as_its_weakest_tag() {
        assert_eq!(Confidence::of("[V]: $0.20 per million"), Confidence::Verified);
        assert_eq!(Confidence::of("[V]/[S]: Arm rates"), Confidence::Secondary);
        assert_eq!(
            Confidence::of("[V] for the shares, [R] for 2016"),
            Confidence::Unconfirmed
        );
        assert_eq!(Confidence::of("no tag"), Confidence::Untagged);
    }

    #[test]
    fn bad_sources_are_reported_with_their_line_and_key() {
        // `sources = [` is line 9, the good entry line 10, the bad one line 11.
        let text = book(
            "  { url = \"https://example.com\", accessed = \"2026-12-01\", note = \"ok [V]\" },\n  { url = \"example.com\", accessed = \"Dec 2026\", note = \"\", page = 3 },",
        );
        let message = PriceBook::from_toml("x.toml", &text)
            .expect_err("invalid")
            .to_string();
        for expected in [
            "line 11: `sources`: unknown key `page`",
            "line 11: `sources.url`: expected a link",
            "line 11: `sources.accessed`: expected the date",
            "line 11: `sources.note`: expected what the source supports",
        ] {
            assert!(message.contains(expected), "{expected} not in {message}");
        }
    }

    #[test]
    fn every_shipped_book_cites_links_read_on_a_date() {
        for book in super::super::built_in().expect("shipped books parse") {
            for source in &book.sources {
                assert!(
                    source.url.is_some(),
                    "{}: a source without a link: {}",
                    book.id,
                    source.note
                );
                assert!(
                    source.accessed.is_some(),
                    "{}: no access date: {}",
                    book.id,
                    source.note
                );
                assert!(!source.note.contains("FACTS.md"), "{}: {}", book.id, source.note);
            }
        }
    }
}
