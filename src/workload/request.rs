//! The one currency every workload source produces and every platform model
//! consumes: a request with its arrival time and execution time.

use std::collections::HashMap;

use crate::units::Micros;

/// Index of a function (an application endpoint) within one trace; names are
/// interned by [`FunctionNames`] so that requests stay small and `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(pub u32);

impl FunctionId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The latest arrival any source may produce: 100 years after the origin,
/// the longest horizon ([`MAX_HORIZON`]). Hourly meters and chart series
/// then stay within tens of megabytes, and every time a model computes
/// (arrival plus waits, durations and keep-alives of at most ten years)
/// fits in a `u64` with room to spare.
pub const MAX_ARRIVAL: Micros = MAX_HORIZON;

/// The longest request: ten years, as long as the longest span a setting
/// or price book may give.
pub const MAX_DURATION: Micros = 10 * 365 * 86_400 * 1_000_000;

/// The longest horizon a run may price: 100 years. Bills walk calendar
/// months and pools' dyno-months at every cost-curve sample, so a far longer
/// horizon costs time without adding a meaningful answer.
/// (100 × 365.25 days.)
pub const MAX_HORIZON: Micros = 36_525 * 86_400 * 1_000_000;

/// One request of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Arrival, as an offset from the trace origin.
    pub arrival: Micros,
    /// Execution time on the trace's reference hardware, excluding any cold start.
    pub duration: Micros,
    pub function: FunctionId,
    /// Memory for this request, overriding the deployment's setting.
    pub memory_mb: Option<u32>,
    /// Bytes sent back to the client.
    pub bytes_out: u64,
}

impl Request {
    /// Whether the request sets fields of its own that a platform may
    /// refuse (its memory, its bytes out): only such requests are checked
    /// against a platform's limits (see
    /// [`crate::platform::Configured::check_request`]).
    #[inline(always)]
    pub fn has_own_fields(&self) -> bool {
        self.memory_mb.is_some() || self.bytes_out != 0
    }
}

#[cfg(test)]
impl Request {
    /// A request of the default function at `arrival`, lasting `duration`
    /// (for tests).
    pub fn at(arrival: Micros, duration: Micros) -> Self {
        Request {
            arrival,
            duration,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        }
    }
}

/// The name given to requests of a trace without a `function` column.
pub const DEFAULT_FUNCTION: &str = "default";

/// Interns function names, handing out dense [`FunctionId`]s in order of first
/// appearance. Its size grows with the number of distinct functions, never
/// with the number of requests.
#[derive(Debug, Default, Clone)]
pub struct FunctionNames {
    names: Vec<String>,
    ids: HashMap<String, FunctionId>,
}

impl FunctionNames {
    pub fn intern(&mut self, name: &str) -> FunctionId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = FunctionId(self.names.len() as u32);
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    pub fn name(&self, id: FunctionId) -> &str {
        &self.names[id.index()]
    }
}
