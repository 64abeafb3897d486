//! Exporters of a replicated comparison's [`Summary`]: the charts (a fan
//! of cumulative cost, the totals' histograms with box plots, the tornado
//! of one-at-a-time swings), `report.html`, and the report folder holding
//! them beside the files the caller renders (`montecarlo.json`,
//! `montecarlo.csv`). Money is exact in the summary; charts convert it to
//! floating point only to draw.

pub mod charts;
pub mod csv;
mod distribution_chart;
mod fan_chart;
pub mod html;
pub mod json;
pub mod terminal;
mod tornado_chart;

use std::path::Path;

use crate::error::Result;
use crate::montecarlo::summary::{Probability, Quantile, Spread, Summary};
use crate::output;
use crate::pricing::Decimal;

/// Writes the report into `folder`, replaced whole and atomically: `files`
/// (name, contents) as given, each chart as SVG and PNG, and `report.html`;
/// returns how many files the folder holds.
pub fn write_report(summary: &Summary, folder: &Path, mut files: Vec<(String, Vec<u8>)>) -> Result<usize> {
    let charts = charts::montecarlo_charts(summary)?;
    for chart in &charts {
        files.push((format!("{}.svg", chart.name), chart.svg.clone().into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png.clone()));
    }
    files.push((
        "report.html".to_owned(),
        html::render(summary, &charts).into_bytes(),
    ));
    output::replace_folder(folder, &files)?;
    Ok(files.len())
}

/// The quantile of `spread` at `percent`, if it was asked for.
pub(crate) fn quantile_at<T>(spread: &Spread<T>, percent: i64) -> Option<&Quantile<T>> {
    spread
        .quantiles
        .iter()
        .find(|quantile| quantile.percent == Decimal::from(percent))
}

/// The spread's widest range: its lowest and highest quantiles, when they
/// differ in level.
pub(crate) fn widest<T>(spread: &Spread<T>) -> Option<(&Quantile<T>, &Quantile<T>)> {
    let low = spread.quantiles.first()?;
    let high = spread.quantiles.last()?;
    (high.percent > low.percent).then_some((low, high))
}

/// A share as a percentage to at most one decimal: `87%`, `4.2%`, `0.5%`.
pub(crate) fn percent(share: f64) -> String {
    let value = if share.is_finite() { share * 100.0 } else { 0.0 };
    let text = format!("{value:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_owned() + "%"
}

/// A probability with its standard error: `3% ± 1.2%`.
pub(crate) fn probability(probability: Probability) -> String {
    format!(
        "{} ± {}",
        percent(probability.value),
        percent(probability.standard_error)
    )
}

/// The simulated span in words: `30 days`, `1.5 days`, `12 hours`.
pub(crate) fn period(horizon_s: f64) -> String {
    let (unit, name) = crate::report::charts::aggregate::time_unit(horizon_s);
    let count = if horizon_s.is_finite() {
        horizon_s / unit
    } else {
        0.0
    };
    let text = format!("{count:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let name = if text == "1" {
        name.trim_end_matches('s')
    } else {
        name
    };
    format!("{text} {name}")
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_spans_read_as_words() {
        assert_eq!(percent(0.87), "87%");
        assert_eq!(percent(0.042426), "4.2%");
        assert_eq!(percent(f64::NAN), "0%");
        let three = Probability {
            value: 0.03,
            standard_error: 0.012,
        };
        assert_eq!(probability(three), "3% ± 1.2%");
        // 30 × 86,400 s = 30 days; 3.5 days; within two days, hours: 36 h.
        assert_eq!(period(2_592_000.0), "30 days");
        assert_eq!(period(302_400.0), "3.5 days");
        assert_eq!(period(129_600.0), "36 hours");
        assert_eq!(period(43_200.0), "12 hours");
        assert_eq!(period(3_600.0), "1 hour");
    }

    #[test]
    fn the_folder_holds_the_given_files_the_charts_and_the_page() {
        let parent = tempfile::tempdir().expect("a temporary folder");
        let folder = parent.path().join("api-2016-mc");
        let given = vec![("montecarlo.json".to_owned(), b"{}\n".to_vec())];
        write_report(&sample::summary(), &folder, given).expect("the report");
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .expect("the folder")
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "cost-fan.png",
                "cost-fan.svg",
                "montecarlo.json",
                "report.html",
                "tornado.png",
                "tornado.svg",
                "total-distribution.png",
                "total-distribution.svg"
            ]
        );
        assert_eq!(
            std::fs::read(folder.join("montecarlo.json")).expect("kept"),
            b"{}\n"
        );
        // Drawn again from the same summary: the same bytes.
        let page = std::fs::read(folder.join("report.html")).expect("the page");
        let charts = charts::montecarlo_charts(&sample::summary()).expect("charts");
        assert_eq!(page, html::render(&sample::summary(), &charts).into_bytes());
        let png = std::fs::read(folder.join("tornado.png")).expect("the tornado");
        assert_eq!(png, charts[2].png);
    }
}
