//! The report's conclusion in words, written from the numbers: the
//! cheapest deployment (as [`cheapest`] chooses it) and by how much, the
//! line item that dominates each bill, each bill's idle share, and the
//! caveats a reader should weigh (failed requests, unconfirmed prices, and
//! the results' warnings: repeated samples, horizons past the trace, books
//! out of their era).

use super::comparison::{cheapest, failed};
use super::format::{dollars, quantity};
use crate::compare::NamedResult;
use crate::pricing::Decimal;
use crate::pricing::money::to_f64;
use crate::simulation::SimulationResult;
use crate::verdict::{self, Status};

/// The conclusion's sentences: findings first, then caveats.
pub struct Conclusion {
    pub findings: Vec<String>,
    pub caveats: Vec<String>,
}

pub fn conclude(results: &[NamedResult]) -> Conclusion {
    let mut findings = Vec::new();
    match cheapest(results) {
        Some(best) => findings.push(cheapest_sentence(results, best)),
        None if !results.is_empty() => {
            findings.push(verdict::no_best_note(results.iter().map(|named| &named.result)));
        }
        None => {}
    }
    findings.extend(results.iter().filter_map(dominant_item));
    findings.extend(results.iter().map(idle_sentence));
    let mut caveats: Vec<String> = results.iter().flat_map(caveats_of).collect();
    let warnings: Vec<(&str, &[String])> = results
        .iter()
        .map(|named| (named.name.as_str(), named.result.warnings.as_slice()))
        .collect();
    caveats.extend(verdict::shared_warnings(&warnings));
    Conclusion { findings, caveats }
}

fn share(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        "0%".to_owned()
    } else {
        format!("{:.0}%", to_f64(part) / to_f64(whole) * 100.0)
    }
}

fn cheapest_sentence(results: &[NamedResult], best: usize) -> String {
    let winner = &results[best];
    let total = winner.result.bill.total;
    let others: Vec<String> = results
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != best)
        .map(|(_, named)| {
            let other = named.result.bill.total;
            if other == total {
                return format!("{} costs the same", named.name);
            }
            let ratio = if total.is_zero() {
                String::new()
            } else {
                format!(", {:.2} times as much", to_f64(other) / to_f64(total))
            };
            format!(
                "{} costs {} more ({}{ratio})",
                named.name,
                dollars(other - total),
                dollars(other)
            )
        })
        .collect();
    let qualifier = match winner.result.verdict.status {
        Status::Meets => " that meets the SLO",
        _ => "",
    };
    let mut sentence = format!(
        "{} is the cheapest{qualifier} at {}.",
        winner.name,
        dollars(total)
    );
    if !others.is_empty() {
        sentence.push_str(&format!(" {}.", others.join("; ")));
    }
    sentence
}

/// "API Gateway requests is $10.30 of Lambda's $10.69 (96%)."
fn dominant_item(named: &NamedResult) -> Option<String> {
    let bill = &named.result.bill;
    let item = bill.line_items.iter().max_by(|a, b| a.amount.cmp(&b.amount))?;
    if item.amount.is_zero() {
        return None;
    }
    Some(format!(
        "{} is {} of {}'s {} ({}).",
        item.item,
        dollars(item.amount),
        named.name,
        dollars(bill.total),
        share(item.amount, bill.total)
    ))
}

fn idle_sentence(named: &NamedResult) -> String {
    let bill = &named.result.bill;
    if bill.idle.amount.is_zero() {
        format!("{} pays nothing for idle capacity.", named.name)
    } else {
        format!(
            "{} pays {} ({} of its bill) for capacity that served nothing.",
            named.name,
            dollars(bill.idle.amount),
            share(bill.idle.amount, bill.total)
        )
    }
}

/// Whether a price book's sources or notes carry an unconfirmed [R] figure.
fn unconfirmed_books(result: &SimulationResult) -> Vec<String> {
    std::iter::once(&result.price_book)
        .chain(&result.services)
        .filter(|book| book.sources.iter().any(|source| source.note.contains("[R]")))
        .map(|book| book.id.clone())
        .collect()
}

fn caveats_of(named: &NamedResult) -> Vec<String> {
    let result = &named.result;
    let mut caveats = Vec::new();
    let failures = failed(result);
    if failures > 0 {
        caveats.push(format!(
            "{} did not answer {} of {} requests well (throttled, timed out or interrupted).",
            named.name,
            quantity(failures as f64),
            quantity(result.requests.total as f64)
        ));
    }
    let books = unconfirmed_books(result);
    if !books.is_empty() {
        caveats.push(format!(
            "{} is priced with figures not confirmed by a vendor [R] in {}.",
            named.name,
            books.join(", ")
        ));
    }
    for note in result.bill.notes.iter().filter(|note| note.contains("[R]")) {
        caveats.push(format!("{}: {note}", named.name));
    }
    caveats
}
