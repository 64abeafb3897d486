//! `report.html` of a break-even search: self-contained (the chart's SVG
//! inline), with the crossings, where the comparison ends, the closed form
//! beside it and every sample in a table.

use std::fmt::Write as _;

use super::{curve, money, render_terminal};
use crate::breakeven::outcome::{Breakeven, short};
use crate::report::html::escape;

/// The page.
pub fn render(outcome: &Breakeven, svg: &str, alt: &str) -> String {
    let [a, b] = &outcome.deployments;
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Break-even: {} and {}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }}\n\
         table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: right; }}\n\
         th:first-child, td:first-child {{ text-align: left; }} pre {{ background: #f6f6f6; padding: 1em; white-space: pre-wrap; overflow-wrap: anywhere; }}\n\
         figure {{ margin: 1em 0; }} svg {{ max-width: 100%; height: auto; }}\n\
         </style>\n</head>\n<body>\n<h1>Break-even of {} in {}</h1>\n<p>Between <strong>{}</strong> and <strong>{}</strong>.</p>\n",
        escape(a),
        escape(b),
        escape(&outcome.dimension),
        escape(&outcome.scenario),
        escape(a),
        escape(b)
    );
    let _ = write!(
        page,
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n<h2>Crossings</h2>\n<pre>{}</pre>\n",
        escape(alt),
        escape(&render_terminal(outcome))
    );
    samples_table(&mut page, outcome);
    page.push_str("</body>\n</html>\n");
    page
}

fn samples_table(page: &mut String, outcome: &Breakeven) {
    let [a, b] = &outcome.deployments;
    let _ = write!(
        page,
        "<h2>Samples</h2>\n<table>\n<tr><th>{} factor</th><th>requests/s</th><th>{}</th><th>verdict</th><th>{}</th><th>verdict</th></tr>\n",
        escape(&outcome.dimension),
        escape(a),
        escape(b)
    );
    for sample in curve(outcome) {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&sample.value),
            short(sample.requests_per_second),
            money(sample.sides[0].total),
            escape(&sample.sides[0].verdict),
            money(sample.sides[1].total),
            escape(&sample.sides[1].verdict)
        );
    }
    page.push_str("</table>\n");
}
