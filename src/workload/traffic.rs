//! Scaling a request stream's traffic by a factor `f` while keeping its span
//! and its shape (the sweep's `traffic` dimension).
//!
//! Each source request is emitted N times, N = floor(f), plus one more with
//! probability frac(f): below 1 this is seeded thinning (each request kept
//! with probability f), above 1 superposed copies. The first copy arrives at
//! the request's own arrival; each further copy at the arrival plus an
//! offset drawn uniformly in [0, [`JITTER_WINDOW`]). Every other field
//! (duration, function, memory, bytes out) is the source request's.
//!
//! The draws for a request depend only on (seed, its position in the
//! stream, copy number), hashed with SplitMix64, never on batching, threads
//! or what was drawn before: the same seed gives the same stream, and a
//! request's copies do not depend on the requests around it.
//!
//! The output stays in arrival order through a bounded reorder buffer: a
//! min-heap holding only copies that arrive after the latest source arrival
//! read, all within one jitter window of it, so memory grows with rate ×
//! window × ceil(f), never with the trace's length. Ties are ordered by
//! (arrival, source position, copy number). The source must be in arrival
//! order, as every source is; a request out of order is passed on as soon
//! as it is read.
//!
//! An error of the source passes through in its place: after every copy of
//! the requests before it (the buffer is emptied first) and before any copy
//! of those after it. So is a copy that would arrive after [`MAX_ARRIVAL`].

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::request::{MAX_ARRIVAL, Request};
use crate::error::{Error, Result};
use crate::units::{MICROS_PER_SECOND, Micros};

/// The window extra copies are spread over after their source request: one
/// second. Copies at the very same instant as their source would be an
/// artificial burst (N requests finding the same instances busy at once);
/// spread over a second they blend into the traffic while the shape of the
/// trace is kept at every granularity platforms scale and bill at beyond a
/// second (keep-alives, minutes, hours), and the reorder buffer holds at
/// most one second of requests.
pub const JITTER_WINDOW: Micros = MICROS_PER_SECOND;

/// The largest traffic factor: a thousand times the source.
const MAX_FACTOR: u32 = 1_000;

/// A factor to scale traffic by: an exact decimal above 0 and at most 1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrafficFactor(Decimal);

impl TrafficFactor {
    /// A decimal such as `0.25`, `2` or `1.5` (no exponent).
    pub fn parse(text: &str) -> Result<TrafficFactor, String> {
        let expected =
            || format!("traffic: expected a decimal factor above 0 and at most {MAX_FACTOR}, found `{text}`");
        let digits = text.trim();
        let plain = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
        let well_formed = match digits.split_once('.') {
            Some((whole, fraction)) => plain(whole) && plain(fraction),
            None => plain(digits),
        };
        let value = Decimal::from_str_exact(digits)
            .ok()
            .filter(|_| well_formed)
            .ok_or_else(expected)?;
        if value <= Decimal::ZERO || value > Decimal::from(MAX_FACTOR) {
            return Err(expected());
        }
        Ok(TrafficFactor(value.normalize()))
    }

    /// Whether the factor leaves the traffic as it is.
    pub fn is_one(&self) -> bool {
        self.0 == Decimal::ONE
    }

    /// The exact factor.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// The factor as a float, for scaling rates.
    pub fn as_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// This factor × `other`, for scaling twice.
    pub fn times(&self, other: &TrafficFactor) -> Result<TrafficFactor, String> {
        self.0
            .checked_mul(other.0)
            .map(|product| product.normalize())
            .filter(|product| *product > Decimal::ZERO && *product <= Decimal::from(MAX_FACTOR))
            .map(TrafficFactor)
            .ok_or_else(|| {
                format!("traffic: {self} × {other} is not a factor above 0 and at most {MAX_FACTOR}")
            })
    }

    /// `count` × f rounded to the nearest whole number (halves up), exactly;
    /// none if it overflows.
    pub fn scale_count(&self, count: u128) -> Option<u128> {
        let mantissa = u128::try_from(self.0.mantissa()).ok()?;
        let denominator = 10u128.checked_pow(self.0.scale())?;
        count
            .checked_mul(mantissa)?
            .checked_add(denominator / 2)
            .map(|product| product / denominator)
    }

    /// floor(f) and frac(f) as a probability.
    fn whole_and_fraction(&self) -> (u64, f64) {
        let whole = self.0.trunc();
        let fraction = (self.0 - whole).to_f64().unwrap_or(0.0);
        (whole.to_u64().unwrap_or(0), fraction)
    }
}

impl fmt::Display for TrafficFactor {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0.normalize())
    }
}

/// SplitMix64's finaliser (Steele, Lea and Flood): a bijection of 64 bits
/// whose outputs for consecutive inputs look independent.
fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce5_e4b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64 random bits for (seed, position, lane): lane 0 decides the number of
/// copies, lane k ≥ 1 the offset of copy k.
fn draw(seed: u64, position: u64, lane: u64) -> u64 {
    splitmix64(splitmix64(splitmix64(seed) ^ position) ^ lane)
}

/// A uniform draw in [0, 1) from the top 53 bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A uniform offset in [0, JITTER_WINDOW) microseconds.
fn jitter(bits: u64) -> Micros {
    ((u128::from(bits) * u128::from(JITTER_WINDOW)) >> 64) as Micros
}

/// A copy waiting in the reorder buffer, ordered by (arrival, source
/// position, copy number).
#[derive(Debug)]
struct Pending {
    arrival: Micros,
    position: u64,
    copy: u64,
    request: Request,
}

impl Pending {
    fn key(&self) -> (Micros, u64, u64) {
        (self.arrival, self.position, self.copy)
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// The scaled stream (see the module's documentation).
pub struct Scaled<I> {
    source: I,
    factor: TrafficFactor,
    whole: u64,
    fraction: f64,
    seed: u64,
    /// Position of the next source item, from 0.
    position: u64,
    /// The latest source arrival read: copies up to it can be emitted.
    frontier: Micros,
    buffer: BinaryHeap<Reverse<Pending>>,
    /// An error waiting for the buffer to empty.
    held: Option<Error>,
    finished: bool,
}

/// `requests` with their traffic scaled by `factor`, drawing from `seed`.
pub fn scale<I>(requests: I, factor: &TrafficFactor, seed: u64) -> Scaled<I>
where
    I: Iterator<Item = Result<Request>>,
{
    let (whole, fraction) = factor.whole_and_fraction();
    Scaled {
        source: requests,
        factor: *factor,
        whole,
        fraction,
        seed,
        position: 0,
        frontier: 0,
        buffer: BinaryHeap::new(),
        held: None,
        finished: false,
    }
}

impl<I> Scaled<I> {
    /// The source stream (for screening rows against the reader). Its
    /// position may be up to one jitter window of requests ahead of the
    /// request last emitted.
    pub fn inner(&self) -> &I {
        &self.source
    }

    /// Copies waiting in the reorder buffer.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// How many copies the request at `position` gets.
    fn copies(&self, position: u64) -> u64 {
        let extra = self.fraction > 0.0 && unit(draw(self.seed, position, 0)) < self.fraction;
        self.whole + u64::from(extra)
    }

    /// Copy `copy`'s offset after its source request: none for the first.
    fn offset(&self, position: u64, copy: u64) -> Micros {
        if copy == 0 {
            0
        } else {
            jitter(draw(self.seed, position, copy))
        }
    }

    /// Puts the copies of `request` in the buffer, or hands back its only
    /// copy when nothing is buffered (nothing can come before it then); the
    /// error for a copy that would arrive too late.
    fn place(&mut self, position: u64, request: Request) -> Result<Option<Request>> {
        let copies = self.copies(position);
        let too_late = (0..copies)
            .map(|copy| self.offset(position, copy))
            .find(|offset| {
                request
                    .arrival
                    .checked_add(*offset)
                    .is_none_or(|at| at > MAX_ARRIVAL)
            });
        if let Some(offset) = too_late {
            return Err(self.too_late(position, &request, offset));
        }
        if copies == 1 && self.buffer.is_empty() {
            return Ok(Some(request));
        }
        for copy in 0..copies {
            let arrival = request.arrival + self.offset(position, copy);
            self.buffer.push(Reverse(Pending {
                arrival,
                position,
                copy,
                request: Request { arrival, ..request },
            }));
        }
        Ok(None)
    }

    fn too_late(&self, position: u64, request: &Request, offset: Micros) -> Error {
        Error::file(
            format!("traffic {}", self.factor),
            vec![format!(
                "request {} of the workload arrives at {} µs; a copy {} µs later would arrive after the latest arrival a workload may have ({MAX_ARRIVAL} µs, 100 years)",
                position + 1,
                request.arrival,
                offset
            )],
        )
    }

    /// The earliest buffered copy, if nothing still to be read can come
    /// before it.
    fn ready(&mut self) -> Option<Request> {
        let earliest = self.buffer.peek()?;
        if !(self.finished || self.held.is_some() || earliest.0.arrival <= self.frontier) {
            return None;
        }
        self.buffer.pop().map(|Reverse(pending)| pending.request)
    }
}

impl<I> Iterator for Scaled<I>
where
    I: Iterator<Item = Result<Request>>,
{
    type Item = Result<Request>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.factor.is_one() {
            return self.source.next();
        }
        loop {
            if let Some(request) = self.ready() {
                return Some(Ok(request));
            }
            if let Some(error) = self.held.take() {
                return Some(Err(error));
            }
            if self.finished {
                return None;
            }
            let position = self.position;
            match self.source.next() {
                None => self.finished = true,
                Some(Err(error)) => {
                    self.position += 1;
                    self.held = Some(error);
                }
                Some(Ok(request)) => {
                    self.position += 1;
                    self.frontier = self.frontier.max(request.arrival);
                    match self.place(position, request) {
                        Ok(Some(request)) => return Some(Ok(request)),
                        Ok(None) => {}
                        Err(error) => self.held = Some(error),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::FunctionId;
    use proptest::prelude::*;

    fn factor(text: &str) -> TrafficFactor {
        TrafficFactor::parse(text).expect("a valid factor")
    }

    /// `count` requests `gap` µs apart, each with its position as bytes out.
    fn stream(count: u64, gap: Micros) -> Vec<Request> {
        (0..count)
            .map(|position| Request {
                arrival: position * gap,
                duration: 1_000 + position,
                function: FunctionId((position % 3) as u32),
                memory_mb: Some(128),
                bytes_out: position,
            })
            .collect()
    }

    fn scaled(requests: &[Request], factor_text: &str, seed: u64) -> Vec<Request> {
        scale(requests.iter().copied().map(Ok), &factor(factor_text), seed)
            .map(|request| request.expect("no error"))
            .collect()
    }

    fn sorted(requests: &[Request]) -> bool {
        requests.windows(2).all(|pair| pair[0].arrival <= pair[1].arrival)
    }

    #[test]
    fn factors_parse_to_their_canonical_decimal() {
        assert_eq!(factor("1.50").to_string(), "1.5");
        assert_eq!(factor(" 2 ").to_string(), "2");
        assert_eq!(factor("0.001").to_string(), "0.001");
        assert_eq!(factor("1000").to_string(), "1000");
        assert!(factor("1.0").is_one());
        assert!(!factor("1.01").is_one());
        for bad in [
            "0",
            "-1",
            "1000.5",
            "1e3",
            "1_0",
            ".5",
            "2.",
            "fast",
            "",
            "0.0000000000000000000000000001234",
        ] {
            let problem = TrafficFactor::parse(bad).expect_err(bad);
            assert_eq!(
                problem,
                format!("traffic: expected a decimal factor above 0 and at most 1000, found `{bad}`")
            );
        }
    }

    #[test]
    fn counts_scale_exactly_and_round_halves_up() {
        // 3 × 0.5 = 1.5 → 2; 7 × 0.1 = 0.7 → 1; 10 × 2.5 = 25; 1 × 0.001 → 0.
        assert_eq!(factor("0.5").scale_count(3), Some(2));
        assert_eq!(factor("0.1").scale_count(7), Some(1));
        assert_eq!(factor("2.5").scale_count(10), Some(25));
        assert_eq!(factor("0.001").scale_count(1), Some(0));
        assert_eq!(factor("1000").scale_count(u128::MAX), None);
    }

    #[test]
    fn factor_one_is_the_identity() {
        // Out of order on purpose: identity passes anything through as is.
        let mut requests = stream(1_000, 7_919);
        requests.swap(10, 500);
        assert_eq!(scaled(&requests, "1", 42), requests);
    }

    #[test]
    fn halving_keeps_about_half_and_the_same_seed_keeps_the_same_ones() {
        // Binomial(100,000, 0.5): mean 50,000, σ = sqrt(100,000 × 0.5 × 0.5)
        // = 158.1, so ±4σ = ±632.
        let requests = stream(100_000, 10_000);
        let kept = scaled(&requests, "0.5", 7);
        assert!(
            (kept.len() as f64 - 50_000.0).abs() <= 4.0 * 158.1,
            "{}",
            kept.len()
        );
        assert_eq!(kept, scaled(&requests, "0.5", 7));
        assert_ne!(kept, scaled(&requests, "0.5", 8));
        // Thinning keeps whole requests at their arrivals, in order.
        assert!(
            kept.iter()
                .all(|request| requests[request.bytes_out as usize] == *request)
        );
        assert!(sorted(&kept));
    }

    #[test]
    fn doubling_doubles_the_count_exactly_and_stays_in_order() {
        let requests = stream(10_000, 250_000);
        let doubled = scaled(&requests, "2", 3);
        assert_eq!(doubled.len(), 20_000);
        assert!(sorted(&doubled));
        for request in &doubled {
            let source = requests[request.bytes_out as usize];
            assert!(request.arrival >= source.arrival && request.arrival < source.arrival + JITTER_WINDOW);
            assert_eq!(
                Request {
                    arrival: source.arrival,
                    ..*request
                },
                source
            );
        }
    }

    #[test]
    fn two_and_a_half_gives_two_copies_plus_a_half_chance_of_a_third() {
        // 200,000 + Binomial(100,000, 0.5): mean 250,000, σ = 158.1 as above.
        let requests = stream(100_000, 10_000);
        let copies = scaled(&requests, "2.5", 11);
        assert!(
            (copies.len() as f64 - 250_000.0).abs() <= 4.0 * 158.1,
            "{}",
            copies.len()
        );
        assert!(sorted(&copies));
    }

    #[test]
    fn ties_are_ordered_by_arrival_position_and_copy() {
        // Every request at time 0: copy 0 of each comes first in source
        // order (offset 0), then the jittered copies by their arrival.
        let requests: Vec<Request> = stream(5, 0);
        let copies = scaled(&requests, "2", 1);
        let firsts: Vec<u64> = copies[..5].iter().map(|request| request.bytes_out).collect();
        assert_eq!(firsts, [0, 1, 2, 3, 4]);
        assert!(copies[..5].iter().all(|request| request.arrival == 0));
        assert!(sorted(&copies));
    }

    #[test]
    fn the_buffer_holds_at_most_one_window_of_copies() {
        // One request every 100 ms, ×3: the buffer holds at most the extra
        // copies of the requests of the last window, 10 requests × 2 = 20,
        // however long the stream (10,000 requests, 1,000 s).
        let requests = stream(10_000, 100_000);
        let mut stream = scale(requests.iter().copied().map(Ok), &factor("3"), 5);
        let mut most = 0;
        let mut count = 0;
        while let Some(request) = stream.next() {
            request.expect("no error");
            count += 1;
            most = most.max(stream.buffered());
        }
        assert_eq!(count, 30_000);
        assert!((1..=20).contains(&most), "{most}");
        // Thinning never buffers: a kept request has no copy to wait for.
        let mut thinned = scale(requests.iter().copied().map(Ok), &factor("0.5"), 5);
        while let Some(request) = thinned.next() {
            request.expect("no error");
            assert_eq!(thinned.buffered(), 0);
        }
    }

    #[test]
    fn an_error_passes_in_its_place() {
        // Requests 0..4, an error, requests 5..9, ×2: every copy of 0..4
        // comes before the error, none of 5..9.
        let requests = stream(10, 2_000_000);
        let items = requests.iter().enumerate().flat_map(|(index, request)| {
            let error = (index == 5).then(|| Err(Error::usage("bad row")));
            error.into_iter().chain([Ok(*request)])
        });
        let out: Vec<Result<Request>> = scale(items, &factor("2"), 9).collect();
        assert_eq!(out.len(), 21);
        let at = out.iter().position(Result::is_err).expect("the error");
        assert_eq!(at, 10);
        assert!(
            out[..at]
                .iter()
                .all(|item| matches!(item, Ok(request) if request.bytes_out < 5))
        );
        assert!(
            out[at + 1..]
                .iter()
                .all(|item| matches!(item, Ok(request) if request.bytes_out >= 5))
        );
        assert_eq!(out[at].as_ref().expect_err("error").to_string(), "bad row");
    }

    #[test]
    fn a_copy_past_the_latest_arrival_is_an_error_naming_the_request() {
        let mut requests = stream(3, 1_000);
        requests[2].arrival = MAX_ARRIVAL;
        let out: Vec<Result<Request>> = scale(requests.iter().copied().map(Ok), &factor("2"), 1).collect();
        // Requests 1 and 2 with their copies, then the error for request 3.
        assert_eq!(out.len(), 5);
        let error = out[4].as_ref().expect_err("too late").to_string();
        assert!(
            error.starts_with("traffic 2: request 3 of the workload arrives at 3155760000000000 µs; a copy"),
            "{error}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Sorted output, every source request present floor(f) or ceil(f)
        /// times, each copy within the window after its source.
        #[test]
        fn output_is_sorted_and_each_request_appears_floor_or_ceil_times(
            gaps in prop::collection::vec(0u64..1_500_000, 1..200),
            thousandths in 1u32..5_000,
            seed in any::<u64>(),
        ) {
            let mut arrival = 0;
            let requests: Vec<Request> = gaps.iter().enumerate().map(|(position, gap)| {
                arrival += gap;
                Request { arrival, duration: 1, function: FunctionId(0), memory_mb: None, bytes_out: position as u64 }
            }).collect();
            let text = (Decimal::from(thousandths) / Decimal::from(1_000)).to_string();
            let f = factor(&text);
            let out = scaled(&requests, &text, seed);
            prop_assert!(sorted(&out));
            let floor = f.as_decimal().floor().to_u64().unwrap_or(0);
            let ceil = f.as_decimal().ceil().to_u64().unwrap_or(0);
            let mut seen = vec![0u64; requests.len()];
            for request in &out {
                let source = requests[request.bytes_out as usize];
                prop_assert!(request.arrival >= source.arrival && request.arrival < source.arrival + JITTER_WINDOW);
                seen[request.bytes_out as usize] += 1;
            }
            prop_assert!(seen.iter().all(|times| *times == floor || *times == ceil));
        }
    }
}
