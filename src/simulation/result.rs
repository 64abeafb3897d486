//! What one deployment did and cost: the JSON contract of `simulate` and
//! of each deployment of `compare`.

use serde::Serialize;

use crate::metrics::{InstanceSummary, LatencySummary, RequestCounts};
use crate::pricing::era::PricedPeriod;
use crate::pricing::{Bill, PriceBook, Source};
use crate::series::RunSeries;
use crate::verdict::Verdict;

/// The price book a result was priced with.
#[derive(Debug, Clone, Serialize)]
pub struct BookReference {
    pub id: String,
    pub title: String,
    pub effective_date: String,
    pub sources: Vec<Source>,
}

impl BookReference {
    pub fn of(book: &PriceBook) -> Self {
        BookReference {
            id: book.id.clone(),
            title: book.title.clone(),
            effective_date: book.effective_date.to_string(),
            sources: book.sources.clone(),
        }
    }
}

/// What one deployment did and cost. This is the JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct SimulationResult {
    pub platform: String,
    pub deployment: String,
    pub start: String,
    pub horizon_s: f64,
    pub requests: RequestCounts,
    /// Requests arriving after the horizon, read but not simulated.
    pub requests_beyond_horizon: u64,
    /// What the client saw: served requests, and timed-out ones at the
    /// timeout (router, load balancer or time limit).
    pub latency_ms: LatencySummary,
    /// The served requests' own latency, timed-out ones left out.
    pub served_latency_ms: LatencySummary,
    /// Time from arrival until a request starts executing (queueing,
    /// cold starts, wake-ups).
    pub queue_ms: LatencySummary,
    pub instances: InstanceSummary,
    /// (seconds, live instances) at each change, for dyno pools and VMs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances_over_time: Vec<(f64, u32)>,
    /// Time-averaged number of requests queued or in service (dyno pools
    /// and VMs), which Little's law ties to throughput × mean latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_in_system: Option<f64>,
    pub bill: Bill,
    pub price_book: BookReference,
    /// Service price books priced alongside, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<BookReference>,
    pub settings: serde_json::Value,
    pub seed: u64,
    /// The workload's own durations as recorded (the requests within the
    /// horizon), against which a result without an SLO is judged.
    pub recorded_duration_ms: LatencySummary,
    /// Meets or misses the SLO, or without one ok or degraded.
    pub verdict: Verdict,
    /// Each book's stretches of the run and its standing in them (in effect,
    /// before its effective date, or superseded by a newer book).
    pub price_periods: Vec<PricedPeriod>,
    /// What a reader should know before trusting the numbers: the horizon
    /// past the trace, a repeated sample, a book out of its era.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Data for charts; not part of the JSON contract.
    #[serde(skip)]
    pub series: RunSeries,
}
