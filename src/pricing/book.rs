//! Price books: what an offering charges and how it behaves, as data.
//!
//! A price book is a TOML file (see `pricing/` for the shipped ones). It is
//! read in two steps, as cargo-deny reads its config: serde parses the raw
//! form, rejecting unknown keys and wrong types with toml's line and column;
//! then [`PriceBook::from_toml`] checks every value and reports all problems
//! at once, each with its line and key.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::pool_book::{PoolOffering, RawPool, validate_pool};
use super::service_book::{RawService, ServiceOffering, validate_service};
use super::vm_book::{RawVm, VmOffering, validate_vm};
use crate::distribution::DurationSpec;
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
    sources: Spanned<Vec<String>>,
    #[serde(default)]
    notes: Vec<String>,
    function: Option<Spanned<RawFunction>>,
    pool: Option<RawPool>,
    vm: Option<RawVm>,
    service: Option<RawService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunction {
    limits: RawFunctionLimits,
    defaults: RawFunctionDefaults,
    billing: RawFunctionBilling,
    architectures: Spanned<BTreeMap<String, RawArchitecture>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionLimits {
    min_memory_mb: Spanned<u32>,
    max_memory_mb: Spanned<u32>,
    memory_step_mb: Spanned<u32>,
    max_duration_s: Spanned<u32>,
    max_concurrency_limit: Option<Spanned<u32>>,
    max_ephemeral_storage_mb: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionDefaults {
    architecture: Spanned<String>,
    memory_mb: Spanned<u32>,
    keep_alive_s: Spanned<f64>,
    cold_start_ms: Spanned<String>,
    concurrency_limit: Spanned<u32>,
    instance_concurrency: Spanned<u32>,
    max_duration_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionBilling {
    request_price_per_million: Spanned<f64>,
    granularity_ms: Spanned<f64>,
    minimum_billed_ms: Spanned<f64>,
    #[serde(default)]
    memory_rounding_mb: Option<Spanned<u32>>,
    #[serde(default)]
    minimum_billed_memory_mb: Option<Spanned<u32>>,
    mb_per_gb: Spanned<u32>,
    init_billed: bool,
    free_tier: Option<RawFreeTier>,
    ephemeral_storage: Option<RawEphemeralStorage>,
    data_out_price_per_gb: Option<Spanned<f64>>,
    provisioned_granularity_s: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFreeTier {
    requests: Spanned<u64>,
    gb_seconds: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEphemeralStorage {
    included_mb: Spanned<u32>,
    price_per_gb_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchitecture {
    duration_tiers: Spanned<Vec<RawTier>>,
    provisioned_price_per_gb_s: Option<Spanned<f64>>,
    provisioned_duration_price_per_gb_s: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    up_to_gb_s: Option<Spanned<f64>>,
    price_per_gb_s: Spanned<f64>,
}

/// A validated price book.
#[derive(Debug, Clone, Serialize)]
pub struct PriceBook {
    pub id: String,
    pub title: String,
    pub vendor: String,
    pub region: String,
    pub era: String,
    #[serde(serialize_with = "crate::pricing::book::display")]
    pub effective_date: NaiveDate,
    pub currency: String,
    pub sources: Vec<String>,
    pub notes: Vec<String>,
    pub offering: Offering,
}

/// What kind of platform a price book describes, with its family's terms.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Offering {
    Function(FunctionOffering),
    Pool(PoolOffering),
    Vm(VmOffering),
    /// A per-request service priced alongside a deployment.
    Service(ServiceOffering),
}

impl Offering {
    pub fn family(&self) -> &'static str {
        match self {
            Offering::Function(_) => "function",
            Offering::Pool(_) => "pool",
            Offering::Vm(_) => "vm",
            Offering::Service(_) => "service",
        }
    }
}

/// A function platform's limits, behaviour defaults and rates.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionOffering {
    pub limits: FunctionLimits,
    pub defaults: FunctionDefaults,
    pub billing: FunctionBilling,
    pub architectures: BTreeMap<String, ArchitectureRates>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionLimits {
    pub min_memory_mb: u32,
    pub max_memory_mb: u32,
    pub memory_step_mb: u32,
    pub max_duration_s: u32,
    /// The highest concurrency limit a user may ask for; none means no cap.
    pub max_concurrency_limit: Option<u32>,
    /// Largest ephemeral storage; none means storage is not configurable.
    pub max_ephemeral_storage_mb: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionDefaults {
    pub architecture: String,
    pub memory_mb: u32,
    pub keep_alive_s: f64,
    #[serde(serialize_with = "crate::pricing::book::display")]
    pub cold_start: DurationSpec,
    pub concurrency_limit: u32,
    pub instance_concurrency: u32,
    pub max_duration_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionBilling {
    pub request_price_per_million: f64,
    /// Billed duration is rounded up to a multiple of this, in microseconds.
    pub granularity_us: u64,
    pub minimum_billed_us: u64,
    /// Billed memory is rounded up to a multiple of this.
    pub memory_rounding_mb: u32,
    pub minimum_billed_memory_mb: u32,
    /// How many MB make the GB of a GB-second (1024 for AWS).
    pub mb_per_gb: u32,
    /// Whether a cold start's initialisation time is billed as duration.
    pub init_billed: bool,
    pub free_tier: Option<FreeTier>,
    pub ephemeral_storage: Option<EphemeralStorage>,
    pub data_out_price_per_gb: Option<f64>,
    /// Provisioned capacity is billed from enabling to disabling, rounded up
    /// to this many seconds.
    pub provisioned_granularity_s: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreeTier {
    pub requests: u64,
    pub gb_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EphemeralStorage {
    pub included_mb: u32,
    pub price_per_gb_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchitectureRates {
    pub duration_tiers: Vec<DurationTier>,
    pub provisioned: Option<ProvisionedRates>,
}

/// One step of a tiered GB-second price: applies to monthly usage up to
/// `up_to_gb_s` (cumulative; none for the last, open-ended tier).
#[derive(Debug, Clone, Serialize)]
pub struct DurationTier {
    pub up_to_gb_s: Option<f64>,
    pub price_per_gb_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionedRates {
    pub price_per_gb_s: f64,
    pub duration_price_per_gb_s: f64,
}

fn display<T: std::fmt::Display, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

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

    pub(super) fn price(&mut self, value: &Spanned<f64>, key: &str) -> f64 {
        let price = *value.get_ref();
        if !(price.is_finite() && price >= 0.0) {
            self.problem(
                value,
                key,
                format!("expected a price of zero or more, found {price}"),
            );
        }
        price
    }

    pub(super) fn positive<T: Copy + PartialOrd + Default + std::fmt::Display>(
        &mut self,
        value: &Spanned<T>,
        key: &str,
    ) -> T {
        let number = *value.get_ref();
        if number <= T::default() {
            self.problem(
                value,
                key,
                format!("expected a number above zero, found {number}"),
            );
        }
        number
    }

    pub(super) fn non_negative(&mut self, value: &Spanned<f64>, key: &str) -> f64 {
        let number = *value.get_ref();
        if !(number.is_finite() && number >= 0.0) {
            self.problem(value, key, format!("expected zero or more, found {number}"));
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
                format!("expected a fraction above 0 and at most 1, found {number}"),
            );
        }
        number
    }

    fn millis(&mut self, value: &Spanned<f64>, key: &str) -> u64 {
        let number = *value.get_ref();
        if !(number.is_finite() && number >= 0.0) {
            self.problem(
                value,
                key,
                format!("expected milliseconds of zero or more, found {number}"),
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

fn validate(raw: RawBook, checker: &mut Checker) -> Option<PriceBook> {
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
        ("function", Some(function), None, None, None) => {
            Some(Offering::Function(validate_function(function, checker)))
        }
        ("pool", None, Some(pool), None, None) => Some(Offering::Pool(validate_pool(pool, checker))),
        ("vm", None, None, Some(vm), None) => Some(Offering::Vm(validate_vm(vm, checker))),
        ("service", None, None, None, Some(service)) => {
            Some(Offering::Service(validate_service(service, checker)))
        }
        ("function" | "pool" | "vm" | "service", ..) => {
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
                format!("expected `function`, `pool`, `vm` or `service`, found `{other}`"),
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
        sources: raw.sources.into_inner(),
        notes: raw.notes,
        offering: offering?,
    })
}

fn validate_function(raw: Spanned<RawFunction>, checker: &mut Checker) -> FunctionOffering {
    let raw = raw.into_inner();
    let limits = &raw.limits;
    let min_memory_mb = checker.positive(&limits.min_memory_mb, "function.limits.min_memory_mb");
    let max_memory_mb = checker.positive(&limits.max_memory_mb, "function.limits.max_memory_mb");
    let memory_step_mb = checker.positive(&limits.memory_step_mb, "function.limits.memory_step_mb");
    if max_memory_mb < min_memory_mb {
        checker.problem(
            &limits.max_memory_mb,
            "function.limits.max_memory_mb",
            "must not be below min_memory_mb",
        );
    }
    let limits = FunctionLimits {
        min_memory_mb,
        max_memory_mb,
        memory_step_mb,
        max_duration_s: checker.positive(&limits.max_duration_s, "function.limits.max_duration_s"),
        max_concurrency_limit: limits
            .max_concurrency_limit
            .as_ref()
            .map(|value| checker.positive(value, "function.limits.max_concurrency_limit")),
        max_ephemeral_storage_mb: limits
            .max_ephemeral_storage_mb
            .as_ref()
            .map(|value| checker.positive(value, "function.limits.max_ephemeral_storage_mb")),
    };

    let billing = &raw.billing;
    let granularity_us = checker.millis(&billing.granularity_ms, "function.billing.granularity_ms");
    if granularity_us == 0 {
        checker.problem(
            &billing.granularity_ms,
            "function.billing.granularity_ms",
            "expected a granularity above zero (1 for per-ms billing)",
        );
    }
    let billing = FunctionBilling {
        request_price_per_million: checker.price(
            &billing.request_price_per_million,
            "function.billing.request_price_per_million",
        ),
        granularity_us: granularity_us.max(1),
        minimum_billed_us: checker.millis(&billing.minimum_billed_ms, "function.billing.minimum_billed_ms"),
        memory_rounding_mb: billing.memory_rounding_mb.as_ref().map_or(1, |value| {
            checker.positive(value, "function.billing.memory_rounding_mb")
        }),
        minimum_billed_memory_mb: billing
            .minimum_billed_memory_mb
            .as_ref()
            .map_or(0, |value| *value.get_ref()),
        mb_per_gb: checker.positive(&billing.mb_per_gb, "function.billing.mb_per_gb"),
        init_billed: billing.init_billed,
        free_tier: billing.free_tier.as_ref().map(|free| FreeTier {
            requests: *free.requests.get_ref(),
            gb_seconds: checker.price(&free.gb_seconds, "function.billing.free_tier.gb_seconds"),
        }),
        ephemeral_storage: billing
            .ephemeral_storage
            .as_ref()
            .map(|storage| EphemeralStorage {
                included_mb: *storage.included_mb.get_ref(),
                price_per_gb_s: checker.price(
                    &storage.price_per_gb_s,
                    "function.billing.ephemeral_storage.price_per_gb_s",
                ),
            }),
        data_out_price_per_gb: billing
            .data_out_price_per_gb
            .as_ref()
            .map(|value| checker.price(value, "function.billing.data_out_price_per_gb")),
        provisioned_granularity_s: billing.provisioned_granularity_s.as_ref().map_or(1, |value| {
            checker.positive(value, "function.billing.provisioned_granularity_s")
        }),
    };

    let mut architectures = BTreeMap::new();
    if raw.architectures.get_ref().is_empty() {
        checker.problem(
            &raw.architectures,
            "function.architectures",
            "expected at least one architecture with its duration prices",
        );
    }
    for (name, rates) in raw.architectures.into_inner() {
        let key = format!("function.architectures.{name}");
        let tiers = validate_tiers(&rates.duration_tiers, &key, checker);
        let provisioned = match (
            &rates.provisioned_price_per_gb_s,
            &rates.provisioned_duration_price_per_gb_s,
        ) {
            (Some(price), Some(duration)) => Some(ProvisionedRates {
                price_per_gb_s: checker.price(price, &format!("{key}.provisioned_price_per_gb_s")),
                duration_price_per_gb_s: checker
                    .price(duration, &format!("{key}.provisioned_duration_price_per_gb_s")),
            }),
            (None, None) => None,
            (Some(price), None) => {
                checker.problem(
                    price,
                    &key,
                    "provisioned prices come in pairs: add provisioned_duration_price_per_gb_s",
                );
                None
            }
            (None, Some(duration)) => {
                checker.problem(
                    duration,
                    &key,
                    "provisioned prices come in pairs: add provisioned_price_per_gb_s",
                );
                None
            }
        };
        architectures.insert(
            name,
            ArchitectureRates {
                duration_tiers: tiers,
                provisioned,
            },
        );
    }

    let defaults = &raw.defaults;
    let cold_start = DurationSpec::parse(defaults.cold_start_ms.get_ref()).unwrap_or_else(|message| {
        checker.problem(
            &defaults.cold_start_ms,
            "function.defaults.cold_start_ms",
            message,
        );
        DurationSpec::Constant(0)
    });
    if !architectures.contains_key(defaults.architecture.get_ref()) && !architectures.is_empty() {
        checker.problem(
            &defaults.architecture,
            "function.defaults.architecture",
            format!(
                "`{}` is not among the architectures ({})",
                defaults.architecture.get_ref(),
                architectures.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
    }
    let defaults = FunctionDefaults {
        architecture: defaults.architecture.get_ref().clone(),
        memory_mb: checker.positive(&defaults.memory_mb, "function.defaults.memory_mb"),
        keep_alive_s: checker.non_negative(&defaults.keep_alive_s, "function.defaults.keep_alive_s"),
        cold_start,
        concurrency_limit: checker
            .positive(&defaults.concurrency_limit, "function.defaults.concurrency_limit"),
        instance_concurrency: checker.positive(
            &defaults.instance_concurrency,
            "function.defaults.instance_concurrency",
        ),
        max_duration_s: checker.non_negative(&defaults.max_duration_s, "function.defaults.max_duration_s"),
    };
    FunctionOffering {
        limits,
        defaults,
        billing,
        architectures,
    }
}

fn validate_tiers(raw: &Spanned<Vec<RawTier>>, key: &str, checker: &mut Checker) -> Vec<DurationTier> {
    let tiers = raw.get_ref();
    if tiers.is_empty() {
        checker.problem(
            raw,
            &format!("{key}.duration_tiers"),
            "expected at least one tier",
        );
    }
    let mut previous_bound = 0.0;
    let mut validated = Vec::new();
    for (index, tier) in tiers.iter().enumerate() {
        let tier_key = format!("{key}.duration_tiers[{index}]");
        let price_per_gb_s = checker.price(&tier.price_per_gb_s, &format!("{tier_key}.price_per_gb_s"));
        let last = index + 1 == tiers.len();
        let up_to_gb_s = match (&tier.up_to_gb_s, last) {
            (Some(bound), false) => {
                let value = *bound.get_ref();
                if value.is_nan() || value <= previous_bound {
                    checker.problem(
                        bound,
                        &format!("{tier_key}.up_to_gb_s"),
                        "tier bounds must increase",
                    );
                }
                previous_bound = value;
                Some(value)
            }
            (None, true) => None,
            (Some(bound), true) => {
                checker.problem(
                    bound,
                    &format!("{tier_key}.up_to_gb_s"),
                    "the last tier is open-ended: remove its bound",
                );
                None
            }
            (None, false) => {
                checker.problem(
                    &tier.price_per_gb_s,
                    &tier_key,
                    "only the last tier may omit up_to_gb_s",
                );
                None
            }
        };
        validated.push(DurationTier {
            up_to_gb_s,
            price_per_gb_s,
        });
    }
    validated
}
