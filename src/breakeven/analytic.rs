//! The calculators' closed form on the same price books, for comparison
//! with the simulated crossings: a constant-rate workload at the samples'
//! mean rate with the workload's mean duration, no queueing, no cold
//! starts and a fixed fleet. A function costs requests × request price +
//! requests × duration (rounded up to the book's granularity) × GB × the
//! GB-second rate, less the free tier when the deployment takes it; a pool
//! or VM fleet costs its configured size × the month's hours × its hourly
//! price (a prorated dyno its monthly price), plus a load balancer's hours;
//! a service in front (an API gateway) adds its request price.
//! Every cost is piecewise linear in the requests per month, so each
//! crossing is solved exactly on the segment where the difference changes
//! sign. What a book has that this form cannot express is left out and
//! said in a note.

use serde::Serialize;
use serde_json::Value;

use crate::pricing::pool_book::PoolBilling;
use crate::pricing::{Decimal, Offering};
use crate::simulation::Deployment;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

/// One deployment's monthly cost as a function of requests per month N:
/// `fixed + request_price × max(0, N − free_requests) + gb_s_price ×
/// max(0, N × gb_s_per_request − free_gb_s)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostForm {
    pub deployment: String,
    pub fixed: Decimal,
    pub request_price: Decimal,
    pub free_requests: Decimal,
    pub gb_s_per_request: Decimal,
    pub gb_s_price: Decimal,
    pub free_gb_s: Decimal,
    /// What the closed form leaves out of this deployment's book.
    pub notes: Vec<String>,
}

impl CostForm {
    /// The month's cost at `requests` per month.
    pub fn cost(&self, requests: Decimal) -> Decimal {
        let paid_requests = (requests - self.free_requests).max(Decimal::ZERO);
        let paid_gb_s = (requests * self.gb_s_per_request - self.free_gb_s).max(Decimal::ZERO);
        self.fixed + self.request_price * paid_requests + self.gb_s_price * paid_gb_s
    }

    /// Where the cost's slope changes: the end of each free allowance.
    fn breakpoints(&self) -> Vec<Decimal> {
        let mut points = vec![self.free_requests];
        if !self.gb_s_per_request.is_zero() {
            points.push(self.free_gb_s / self.gb_s_per_request);
        }
        points
    }
}

/// A crossing in closed form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalyticCrossing {
    pub requests_per_month: Decimal,
    pub requests_per_second: f64,
    /// The traffic factor at which the samples' rate reaches it.
    pub factor: f64,
    /// Both deployments' monthly cost there.
    pub total: Decimal,
}

/// The closed form beside the simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytic {
    pub month_hours: u32,
    /// The constant rate at traffic ×1, requests per second.
    pub rate_at_one: f64,
    pub mean_duration_ms: f64,
    pub forms: [CostForm; 2],
    pub crossings: Vec<AnalyticCrossing>,
}

/// The closed form of `deployment` over a month of `month_hours`, with
/// requests of `mean_duration_ms`.
pub fn cost_form(name: &str, deployment: &Deployment, month_hours: u32, mean_duration_ms: f64) -> CostForm {
    let settings = deployment.configured.settings_json();
    let mut form = CostForm {
        deployment: name.to_owned(),
        fixed: Decimal::ZERO,
        request_price: Decimal::ZERO,
        free_requests: Decimal::ZERO,
        gb_s_per_request: Decimal::ZERO,
        gb_s_price: Decimal::ZERO,
        free_gb_s: Decimal::ZERO,
        notes: Vec::new(),
    };
    let hours = Decimal::from(month_hours);
    match &deployment.book.offering {
        Offering::Function(offering) => function_form(&mut form, offering, &settings, mean_duration_ms),
        Offering::Vm(offering) => {
            let kind = text(&settings, "instance_type");
            let instances = Decimal::from(whole(&settings, "instances"));
            match offering.types.get(&kind) {
                Some(vm) => form.fixed = instances * hours * vm.hourly_price,
                None => form.notes.push(format!("instance type `{kind}` not in the book")),
            }
            if settings.get("load_balancer").and_then(Value::as_bool) == Some(true)
                && let Some(balancer) = &offering.load_balancer
            {
                form.fixed += hours * balancer.hourly_price;
                form.notes
                    .push("the load balancer's per-GB charge is left out".into());
            }
            fleet_notes(&mut form, &settings, "instances");
            if offering.data_out.is_some() {
                form.notes.push("data out is left out".into());
            }
        }
        Offering::Pool(offering) => {
            let kind = text(&settings, "dyno_type");
            let dynos = Decimal::from(whole(&settings, "dynos"));
            match (offering.types.get(&kind), &offering.billing) {
                (Some(dyno), PoolBilling::Prorated { .. }) => {
                    form.fixed = dynos * dyno.price + dyno.plan_fee_per_month;
                }
                (Some(dyno), _) => form.fixed = dynos * hours * dyno.price,
                (None, _) => form.notes.push(format!("dyno type `{kind}` not in the book")),
            }
            if matches!(offering.billing, PoolBilling::InstanceHours { .. }) {
                form.notes
                    .push("the daily free instance-hours are left out".into());
            }
            fleet_notes(&mut form, &settings, "dynos");
        }
        _ => form.notes.push(format!(
            "{} has no closed form here: priced as zero",
            deployment.book.id
        )),
    }
    for book in &deployment.services {
        service_form(&mut form, book);
    }
    form
}

/// A service in front (an API gateway): its first request tier's price
/// added to each request; its other meters named in a note.
fn service_form(form: &mut CostForm, book: &crate::pricing::PriceBook) {
    let Offering::Service(service) = &book.offering else {
        return;
    };
    if let Some(first) = service.request_tiers.first() {
        form.request_price += first.price / Decimal::from(1_000_000);
    }
    if service.request_tiers.len() > 1 {
        form.notes.push(format!(
            "{}: the first request tier's price is used, later tiers are left out",
            book.id
        ));
    }
    let meters = &service.meters;
    let other_meters = !meters.units.is_empty()
        || meters.storage.is_some()
        || !meters.capacity.is_empty()
        || meters.node_fee.is_some();
    if other_meters || service.data_out.is_some() {
        form.notes.push(format!(
            "{}: charges other than per request are left out",
            book.id
        ));
    }
}

fn function_form(
    form: &mut CostForm,
    offering: &crate::pricing::FunctionOffering,
    settings: &Value,
    mean_duration_ms: f64,
) {
    let billing = &offering.billing;
    form.request_price = billing.request_price_per_million / Decimal::from(1_000_000);
    let granularity = settings
        .get("granularity_us")
        .and_then(Value::as_u64)
        .unwrap_or(billing.granularity_us)
        .max(1);
    let duration_us = (mean_duration_ms * 1000.0).ceil().max(0.0) as u64;
    let billed_us = duration_us
        .div_ceil(granularity)
        .saturating_mul(granularity)
        .max(billing.minimum_billed_us);
    let rounding = billing.memory_rounding_mb.max(1);
    let memory_mb = whole(settings, "memory_mb")
        .div_ceil(rounding)
        .saturating_mul(rounding)
        .max(billing.minimum_billed_memory_mb);
    let gb = Decimal::from(memory_mb) / Decimal::from(billing.mb_per_gb.max(1));
    form.gb_s_per_request = gb * Decimal::from(billed_us) / Decimal::from(1_000_000);
    let architecture = text(settings, "architecture");
    match offering.architectures.get(&architecture) {
        Some(rates) => {
            if let Some(first) = rates.duration_tiers.first() {
                form.gb_s_price = first.price;
            }
            if rates.duration_tiers.len() > 1 {
                form.notes
                    .push("the GB-second rate is the first tier's: later tiers are left out".into());
            }
            if !rates.cpu_tiers.is_empty() {
                form.notes
                    .push("CPU-time (GHz-second) charges are left out".into());
            }
        }
        None => form
            .notes
            .push(format!("architecture `{architecture}` not in the book")),
    }
    if settings.get("free_tier").and_then(Value::as_bool) == Some(true)
        && let Some(free) = &billing.free_tier
    {
        form.free_requests = Decimal::from(free.requests);
        form.free_gb_s = free.gb_seconds;
    }
    if billing.data_out.is_some() {
        form.notes.push("data out is left out".into());
    }
    if billing.instance_time.is_some() || billing.cpu_time.is_some() || billing.subscription.is_some() {
        form.notes
            .push("instance-time, CPU-time and subscription charges are left out".into());
    }
}

fn fleet_notes(form: &mut CostForm, settings: &Value, size_key: &str) {
    let autoscale = settings.get("autoscale").and_then(Value::as_str);
    if autoscale.is_some_and(|mode| mode != "off" && mode != "none") {
        form.notes.push(format!(
            "autoscaling is not expressed: a fixed fleet of the configured {size_key}"
        ));
    }
    if settings.get("reserved").and_then(Value::as_u64).unwrap_or(0) > 0
        || settings.get("spot").and_then(Value::as_bool) == Some(true)
    {
        form.notes
            .push("reserved and spot discounts are left out: on-demand prices".into());
    }
}

fn text(settings: &Value, key: &str) -> String {
    settings
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn whole(settings: &Value, key: &str) -> u32 {
    settings
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|value| u32::try_from(value).ok())
        .unwrap_or(0)
}

/// Every crossing of `forms` between `low` and `high` requests per month,
/// exactly: the difference is linear between breakpoints.
pub fn crossings(forms: &[CostForm; 2], low: Decimal, high: Decimal) -> Vec<Decimal> {
    let mut points: Vec<Decimal> = forms
        .iter()
        .flat_map(CostForm::breakpoints)
        .filter(|point| *point > low && *point < high)
        .collect();
    points.push(low);
    points.push(high);
    points.sort();
    points.dedup();
    let difference = |requests: Decimal| forms[0].cost(requests) - forms[1].cost(requests);
    let mut found: Vec<Decimal> = Vec::new();
    for segment in points.windows(2) {
        let (start, end) = (segment[0], segment[1]);
        let (at_start, at_end) = (difference(start), difference(end));
        if at_start.is_zero() {
            found.push(start);
        } else if !at_end.is_zero() && at_start.is_sign_negative() != at_end.is_sign_negative() {
            found.push(start + at_start * (end - start) / (at_start - at_end));
        }
    }
    if difference(high).is_zero() {
        found.push(high);
    }
    found.dedup();
    found
}

/// The closed form for `forms` over the factor range, at `rate_at_one`
/// requests per second per unit of traffic.
pub fn analytic(
    forms: [CostForm; 2],
    range: [f64; 2],
    rate_at_one: f64,
    month_hours: u32,
    mean_duration_ms: f64,
) -> Analytic {
    let month_seconds = f64::from(month_hours) * 3600.0;
    let per_factor = rate_at_one * month_seconds;
    let requests_at = |factor: f64| Decimal::from_f64(factor * per_factor).unwrap_or_default();
    let crossings = crossings(&forms, requests_at(range[0]), requests_at(range[1]))
        .into_iter()
        .map(|requests| {
            let per_month = requests.to_f64().unwrap_or(f64::NAN);
            AnalyticCrossing {
                requests_per_month: requests,
                requests_per_second: per_month / month_seconds,
                factor: per_month / per_factor,
                total: forms[0].cost(requests),
            }
        })
        .collect();
    Analytic {
        month_hours,
        rate_at_one,
        mean_duration_ms,
        forms,
        crossings,
    }
}

#[cfg(test)]
mod tests {
    use super::{CostForm, crossings, service_form};
    use crate::pricing::Decimal;

    fn dec(text: &str) -> Decimal {
        text.parse().expect("decimal")
    }

    fn form(fixed: &str, request: &str, gb_s: &str, price: &str) -> CostForm {
        CostForm {
            deployment: "x".into(),
            fixed: dec(fixed),
            request_price: dec(request),
            free_requests: Decimal::ZERO,
            gb_s_per_request: dec(gb_s),
            gb_s_price: dec(price),
            free_gb_s: Decimal::ZERO,
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_function_meets_a_fixed_fleet_at_fixed_cost_over_cost_per_request() {
        // Lambda 512 MB, 100 ms: 0.0000002 + 0.05 GB-s × 0.00001667 =
        // 0.0000002 + 0.0000008335 = 0.0000010335 per request. One t2.small
        // for 744 h: 744 × 0.026 = 19.344. 19.344 / 0.0000010335 =
        // 19344000000 / 1033.5 = 18,716,981.132… requests a month.
        let lambda = form("0", "0.0000002", "0.05", "0.00001667");
        let vm = form("19.344", "0", "0", "0");
        let found = crossings(&[lambda, vm], dec("1"), dec("100000000"));
        assert_eq!(found.len(), 1);
        let expected = dec("19344000000") / dec("1033.5");
        assert_eq!(found[0], expected);
    }

    #[test]
    fn an_api_gateway_adds_its_request_price() {
        // API Gateway 2016: $3.50 per million = 0.0000035 a request, on top
        // of Lambda's 0.0000002.
        let book = crate::pricing::resolve("aws-api-gateway-2016").expect("bundled book");
        let mut lambda = form("0", "0.0000002", "0.05", "0.00001667");
        service_form(&mut lambda, &book);
        assert_eq!(lambda.request_price, dec("0.0000037"));
    }
}
