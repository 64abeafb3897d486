//! CSV: one tidy row per result, for analysts. Fixed columns first, then one
//! `cost_<item>` column per line item, in the bill's order. Amounts are
//! unrounded.

use crate::error::{Error, Result};
use crate::simulation::SimulationResult;

/// `Duration, tier 1` → `duration_tier_1`.
pub(super) fn slug(item: &str) -> String {
    let mut slug = String::new();
    for c in item.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').to_owned()
}

pub fn render(result: &SimulationResult) -> Result<Vec<u8>> {
    let mut header: Vec<String> = [
        "platform",
        "deployment",
        "start",
        "horizon_s",
        "requests_total",
        "requests_served",
        "cold_starts",
        "throttled",
        "timed_out",
        "latency_ms_mean",
        "latency_ms_p50",
        "latency_ms_p95",
        "latency_ms_p99",
        "latency_ms_max",
        "instances_peak",
        "instances_mean",
        "instance_seconds",
        "busy_seconds",
        "idle_paid_seconds",
        "idle_amount",
        "warm_unbilled_seconds",
        "total",
    ]
    .iter()
    .map(|name| (*name).to_owned())
    .collect();
    let requests = &result.requests;
    let latency = &result.latency_ms;
    let instances = &result.instances;
    let mut row: Vec<String> = vec![
        result.platform.clone(),
        result.deployment.clone(),
        result.start.clone(),
        result.horizon_s.to_string(),
        requests.total.to_string(),
        requests.served.to_string(),
        requests.cold_starts.to_string(),
        requests.throttled.to_string(),
        requests.timed_out.to_string(),
        latency.mean.to_string(),
        latency.p50.to_string(),
        latency.p95.to_string(),
        latency.p99.to_string(),
        latency.max.to_string(),
        instances.peak.to_string(),
        instances.mean.to_string(),
        instances.instance_seconds.to_string(),
        instances.busy_seconds.to_string(),
        result.bill.idle.seconds.to_string(),
        result.bill.idle.amount.to_string(),
        warm_unbilled(result),
        result.bill.total.to_string(),
    ];
    for item in &result.bill.line_items {
        header.push(format!("cost_{}", slug(&item.item)));
        row.push(item.amount.to_string());
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let encode = |error: csv::Error| Error::usage(format!("cannot encode the result as CSV: {error}"));
    writer.write_record(&header).map_err(encode)?;
    writer.write_record(&row).map_err(encode)?;
    writer
        .into_inner()
        .map_err(|error| Error::usage(format!("cannot encode the result as CSV: {error}")))
}

/// The `warm_unbilled_seconds` cell: empty for platforms that bill every
/// second an instance lives.
pub fn warm_unbilled(result: &SimulationResult) -> String {
    result
        .instances
        .warm_unbilled_seconds
        .map_or(String::new(), |seconds| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn item_names_become_column_names() {
        assert_eq!(slug("Duration, tier 1"), "duration_tier_1");
        assert_eq!(slug("Data transfer out"), "data_transfer_out");
        assert_eq!(slug("Requests"), "requests");
    }
}
