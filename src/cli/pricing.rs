//! `costsim pricing list` and `costsim pricing show ID`: the price books, their
//! rates, limits, behaviour defaults, settable keys and sources.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{resolve_book, table_width, write_output};
use crate::error::{Error, Result};
use crate::platform::{Platform, model_for};
use crate::pricing::flat_plan_book::{AtLimit, Confidence, FlatPlanOffering, Quota};
use crate::pricing::function_book::ArchitectureRates;
use crate::pricing::pool_book::{PoolBilling, PoolOffering};
use crate::pricing::service_book::ServiceOffering;
use crate::pricing::vm_book::{VmBilling, VmOffering};
use crate::pricing::{self, Decimal, FunctionOffering, Offering, PriceBook};
use crate::report::{Align, Dialect, TextTable, dropped_note, unit_price};

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// List the shipped price books, with the date their rates took effect.
    List(ListArgs),
    /// Show one price book: rates, limits, defaults, settable keys and sources.
    Show(ShowArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PricingFormat {
    /// Aligned text for a terminal
    Table,
    /// The price books as parsed: every rate exact, with sources and notes
    Json,
}

/// Where and how a pricing command prints.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: PricingFormat,
    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Print tables at full width even when they are wider than the terminal
    #[arg(long)]
    wide: bool,
}

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim pricing list\n  \
    costsim pricing list --format json | jq -r '.[].id'\n\n\
    \"Rates effective since\" is the date the book's current rates took effect (a -2025 book may\n\
    show 2017 when its rates have not changed since), not the date they were checked.\n\n",
    exit_codes!()))]
pub struct ListArgs {
    #[command(flatten)]
    print: PrintArgs,
}

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim pricing show aws-lambda-2016\n  \
    costsim pricing show heroku-2025 --format json -o heroku.json\n  \
    costsim pricing show my-book.toml --wide\n\n",
    exit_codes!()))]
pub struct ShowArgs {
    /// Price book id (see `costsim pricing list`), path to a .toml file, or `-` for standard input
    #[arg(value_name = "ID|FILE|-")]
    platform: String,
    #[command(flatten)]
    print: PrintArgs,
}

pub fn run(command: PricingCommand) -> Result<()> {
    let (print, bytes) = match command {
        PricingCommand::List(args) => {
            let books = pricing::built_in()?;
            let width = table_width(args.print.wide, args.print.output.as_deref());
            let bytes = match args.print.format {
                PricingFormat::Json => json(&books)?,
                PricingFormat::Table => list_table(&books, width).into_bytes(),
            };
            (args.print, bytes)
        }
        PricingCommand::Show(args) => {
            let book = resolve_book(&args.platform)?;
            let width = table_width(args.print.wide, args.print.output.as_deref());
            let bytes = match args.print.format {
                PricingFormat::Json => json(&book)?,
                PricingFormat::Table => show_text(&book, width).into_bytes(),
            };
            (args.print, bytes)
        }
    };
    write_output(print.output.as_deref(), &bytes)
}

/// `table` within `width`, with a note naming the columns left out.
fn fitted(table: &TextTable, width: Option<usize>) -> String {
    let (text, dropped) = table.render_fitted(width);
    if dropped.is_empty() {
        text
    } else {
        format!("{text}{}\n", dropped_note(&dropped))
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|error| Error::usage(format!("cannot encode as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn list_table(books: &[PriceBook], width: Option<usize>) -> String {
    let mut table = TextTable::new(&[
        ("Id", Align::Left),
        ("Family", Align::Left),
        ("Vendor", Align::Left),
        ("Era", Align::Left),
        ("Rates effective since", Align::Left),
        ("Title", Align::Left),
    ]);
    for book in books {
        table.row(vec![
            book.id.clone(),
            book.offering.family().into(),
            book.vendor.clone(),
            book.era.clone(),
            book.effective_date.to_string(),
            book.title.clone(),
        ]);
    }
    fitted(&table, width)
}

fn show_text(book: &PriceBook, width: Option<usize>) -> String {
    let mut out = format!(
        "{} — {}\nVendor {}, region {}, era {}, rates effective since {}, prices in {}.\n\n",
        book.id, book.title, book.vendor, book.region, book.era, book.effective_date, book.currency
    );
    match &book.offering {
        Offering::Function(offering) => show_function(offering, &mut out),
        Offering::Pool(offering) => show_pool(offering, &mut out),
        Offering::Vm(offering) => show_vm(offering, &mut out),
        Offering::Service(offering) => show_service(offering, &mut out),
        Offering::FlatPlan(offering) => show_flat_plan(offering, &mut out),
    }
    if let Some(model) = model_for(book) {
        settings_help(book, model, width, &mut out);
    }
    out.push_str("\nSources:\n");
    for source in &book.sources {
        out.push_str(&format!("  - {source}\n"));
    }
    if !book.notes.is_empty() {
        out.push_str("\nNotes:\n");
        for note in &book.notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    out
}

/// The rates of a function book: requests, then each architecture's
/// duration, CPU and provisioned prices, then instance time (Cloud Run).
fn function_rates(offering: &FunctionOffering) -> TextTable {
    let billing = &offering.billing;
    let mut rates = TextTable::new(&[
        ("Rate", Align::Left),
        ("Price", Align::Right),
        ("Per", Align::Left),
    ]);
    rates.row(vec![
        "Requests".into(),
        unit_price(billing.request_price_per_million),
        "million requests".into(),
    ]);
    for (architecture, architecture_rates) in &offering.architectures {
        architecture_rows(architecture, architecture_rates, &mut rates);
    }
    if let Some(storage) = &billing.ephemeral_storage {
        rates.row(vec![
            format!("Ephemeral storage above {} MB", storage.included_mb),
            unit_price(storage.price_per_gb_s),
            "GB-s".into(),
        ]);
    }
    if let Some(instance_time) = &billing.instance_time {
        let based = &instance_time.instance_based;
        let request = &instance_time.request_based;
        for (name, price, per) in [
            (
                "CPU, request-based",
                request.cpu_price_per_vcpu_s,
                "vCPU-s while serving",
            ),
            (
                "Memory, request-based",
                request.memory_price_per_gib_s,
                "GiB-s while serving",
            ),
            (
                "Idle minimum instances, CPU",
                instance_time.idle_cpu_price_per_vcpu_s,
                "vCPU-s",
            ),
            (
                "Idle minimum instances, memory",
                instance_time.idle_memory_price_per_gib_s,
                "GiB-s",
            ),
            (
                "CPU, instance-based",
                based.cpu_price_per_vcpu_s,
                "vCPU-s of instance life",
            ),
            (
                "Memory, instance-based",
                based.memory_price_per_gib_s,
                "GiB-s of instance life",
            ),
        ] {
            rates.row(vec![name.into(), unit_price(price), per.into()]);
        }
    }
    rates
}

fn architecture_rows(architecture: &str, architecture_rates: &ArchitectureRates, rates: &mut TextTable) {
    for tier in &architecture_rates.duration_tiers {
        let scope = match tier.up_to {
            Some(bound) => format!("GB-s, monthly usage up to {bound} GB-s"),
            None => "GB-s".into(),
        };
        rates.row(vec![
            format!("Duration ({architecture})"),
            unit_price(tier.price),
            scope,
        ]);
    }
    for tier in &architecture_rates.cpu_tiers {
        let scope = match tier.up_to {
            Some(bound) => format!("GHz-s, monthly usage up to {bound} GHz-s"),
            None => "GHz-s".into(),
        };
        rates.row(vec![
            format!("CPU ({architecture})"),
            unit_price(tier.price),
            scope,
        ]);
    }
    if let Some(provisioned) = &architecture_rates.provisioned {
        rates.row(vec![
            format!("Provisioned concurrency ({architecture})"),
            unit_price(provisioned.price_per_gb_s),
            "GB-s configured".into(),
        ]);
        rates.row(vec![
            format!("Provisioned duration ({architecture})"),
            unit_price(provisioned.duration_price_per_gb_s),
            "GB-s".into(),
        ]);
    }
}

fn show_function(offering: &FunctionOffering, out: &mut String) {
    let billing = &offering.billing;
    let limits = &offering.limits;
    let defaults = &offering.defaults;
    let rates = function_rates(offering);
    out.push_str(&rates.render(Dialect::Terminal));
    out.push_str(&crate::pricing::cpu_time::describe(billing));
    if let Some(instance_time) = &billing.instance_time {
        out.push_str(&format!(
            "\nFree each month: request-based {} vCPU-s and {} GiB-s; instance-based {} vCPU-s and {} GiB-s.",
            instance_time.request_based.free_vcpu_seconds,
            instance_time.request_based.free_gib_seconds,
            instance_time.instance_based.free_vcpu_seconds,
            instance_time.instance_based.free_gib_seconds
        ));
    }
    if let Some(data_out) = &billing.data_out {
        out.push_str(&format!("\nData out: {}.", data_out.describe()));
    }
    out.push_str(&format!(
        "\nBilling: duration rounded up to {} ms (minimum {} ms); GB = {} MB; cold-start time {}.\n",
        billing.granularity_us as f64 / 1_000.0,
        billing.minimum_billed_us as f64 / 1_000.0,
        billing.mb_per_gb,
        if billing.init_billed {
            "billed"
        } else {
            "not billed"
        }
    ));
    if billing.memory_rounding_mb > 1 {
        out.push_str(&format!(
            "Memory billed in steps of {} MB, at least {} MB.\n",
            billing.memory_rounding_mb, billing.minimum_billed_memory_mb
        ));
    }
    if let Some(free) = &billing.free_tier {
        let cpu = if free.ghz_seconds.is_zero() {
            String::new()
        } else {
            format!(", {} GHz-s", free.ghz_seconds)
        };
        out.push_str(&format!(
            "Free each month: {} requests and {} GB-s{cpu}.\n",
            free.requests, free.gb_seconds
        ));
    }
    out.push_str(&format!(
        "Limits: memory {}; at most {} s per request.\n",
        limits.memory.describe(),
        limits.max_duration_s
    ));
    out.push_str(&format!(
        "CPU per instance: {}; the share of each duration set by cpu_fraction scales with it (default 0: durations as recorded, whatever the size).\n",
        limits.cpu.describe()
    ));
    out.push_str(&format!(
        "Defaults: architecture {}, memory {} MB, keep-alive {} s, cold start {}, concurrency limit {}, \
         {} request(s) per instance, time limit {} s.\n",
        defaults.architecture,
        defaults.memory_mb,
        defaults.keep_alive_s,
        defaults.cold_start,
        defaults.concurrency_limit,
        defaults.instance_concurrency,
        defaults.max_duration_s
    ));
}

/// The model's settings: each key with what it takes, this book's default
/// (the settings a deployment resolves to without overrides) and its doc.
fn settings_help(book: &PriceBook, model: &dyn Platform, width: Option<usize>, out: &mut String) {
    let defaults = model
        .configure(book, &[])
        .map(|configured| configured.settings_json())
        .unwrap_or_default();
    let mut table = TextTable::new(&[
        ("Setting (--set KEY=VALUE)", Align::Left),
        ("Default", Align::Left),
        ("Takes", Align::Left),
        ("Meaning", Align::Left),
    ]);
    for spec in model.settings() {
        let default = match &defaults[spec.key] {
            serde_json::Value::Null => "-".to_owned(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        table.row(vec![
            spec.key.into(),
            default,
            spec.kind.describe(),
            spec.doc.into(),
        ]);
    }
    out.push('\n');
    out.push_str(&fitted(&table, width));
}

fn show_pool(offering: &PoolOffering, out: &mut String) {
    let per = match offering.billing {
        PoolBilling::Prorated { .. } => "month",
        PoolBilling::InstanceHours { .. } | PoolBilling::Hourly { .. } => "hour",
    };
    let mut types = TextTable::new(&[
        ("Type", Align::Left),
        ("Price", Align::Right),
        ("Per", Align::Left),
        ("Memory (MB)", Align::Right),
        ("Speed", Align::Right),
        ("Notes", Align::Left),
    ]);
    for (name, kind) in &offering.types {
        let mut notes = Vec::new();
        if kind.sleeps {
            notes.push("sleeps".to_owned());
        }
        if kind.autoscaling {
            notes.push("autoscales".to_owned());
        }
        if kind.plan_fee_per_month > Decimal::ZERO {
            notes.push(format!("plan {}/month", unit_price(kind.plan_fee_per_month)));
        }
        if kind.confidence == Confidence::Unconfirmed {
            notes.push("[R] unconfirmed".to_owned());
        }
        types.row(vec![
            name.clone(),
            unit_price(kind.price),
            per.into(),
            kind.memory_mb.to_string(),
            kind.speed.to_string(),
            notes.join(", "),
        ]);
    }
    out.push_str(&types.render(Dialect::Terminal));
    match offering.billing {
        PoolBilling::Prorated { seconds_per_month } => out.push_str(&format!(
            "\nBilling: prorated to the second at the monthly price / {seconds_per_month} s, at most the monthly price per dyno per calendar month.\n"
        )),
        PoolBilling::InstanceHours {
            accrual_tail_min,
            daily_free_instance_hours,
        } => out.push_str(&format!(
            "\nBilling: instance-hours from start until {accrual_tail_min} minutes after the last request; {daily_free_instance_hours} free instance-hours a day (Pacific time, in units of the cheapest class).\n"
        )),
        PoolBilling::Hourly { hours_per_month } => {
            out.push_str("\nBilling: every second of each instance's life at the hourly price, serving or not.");
            if let Some(hours) = hours_per_month {
                out.push_str(&format!(" The portal quoted monthly prices for {hours} hours."));
            }
            out.push('\n');
        }
    }
    if let Some(hours) = offering.free_hours_per_month {
        out.push_str(&format!("Free dyno hours: {hours} a month for sleeping types.\n"));
    }
    if offering.sleep_after_s > 0.0 {
        out.push_str(&format!(
            "Sleeping types sleep after {} s without traffic and take {} s to wake.\n",
            offering.sleep_after_s, offering.wake_s
        ));
    }
    let defaults = &offering.defaults;
    out.push_str(&format!(
        "Defaults: {} × {} with {} worker(s), {} routing, router timeout {} s, boot {} s; autoscaling between {} and {} on p95 {} ms or utilisation {} over a {} s window.\n",
        defaults.dynos,
        defaults.dyno_type,
        defaults.workers,
        defaults.routing,
        defaults.router_timeout_s,
        defaults.boot_s,
        defaults.min_dynos,
        defaults.max_dynos,
        defaults.target_p95_ms,
        defaults.target_utilization,
        defaults.autoscale_window_s
    ));
}

fn show_vm(offering: &VmOffering, out: &mut String) {
    let mut types = TextTable::new(&[
        ("Type", Align::Left),
        ("vCPUs", Align::Right),
        ("Memory (GB)", Align::Right),
        ("On-demand", Align::Right),
        ("Reserved", Align::Right),
        ("Spot", Align::Right),
    ]);
    for (name, kind) in &offering.types {
        types.row(vec![
            name.clone(),
            kind.vcpus.to_string(),
            kind.memory_gb.to_string(),
            format!("{}/h", unit_price(kind.hourly_price)),
            if kind.task.is_some() {
                "-".to_owned()
            } else {
                format!(
                    "{}/h",
                    unit_price(kind.hourly_price * (Decimal::ONE - offering.reserved_discount))
                )
            },
            format!(
                "{}/h",
                unit_price(kind.hourly_price * (Decimal::ONE - offering.spot_discount))
            ),
        ]);
    }
    out.push_str(&types.render(Dialect::Terminal));
    out.push_str(&crate::pricing::task_book::describe_tasks(offering));
    out.push_str(&match offering.billing {
        VmBilling::Hourly => "\nBilling: every started instance-hour in full.\n".to_owned(),
        VmBilling::PerSecond => format!(
            "\nBilling: per second, at least {} s per launch.\n",
            offering.minimum_billed_s
        ),
    });
    if let Some(balancer) = &offering.load_balancer {
        out.push_str(&format!(
            "Load balancer: {}/hour and {}/GB processed.\n",
            unit_price(balancer.hourly_price),
            unit_price(balancer.price_per_gb)
        ));
    }
    if let Some(data_out) = &offering.data_out {
        out.push_str(&format!("Data out: {}.\n", data_out.describe()));
    }
    let defaults = &offering.defaults;
    out.push_str(&format!(
        "Defaults: {} × {}, {} requests per vCPU, boot {} s, cooldown {} s, target utilisation {} ({} periods to scale out, {} to scale in), load balancer {}.\n",
        defaults.instances,
        defaults.instance_type,
        defaults.requests_per_vcpu,
        defaults.boot_s,
        defaults.cooldown_s,
        defaults.target_utilization,
        defaults.evaluation_periods,
        defaults.scale_in_periods,
        defaults.load_balancer
    ));
}

fn show_service(offering: &ServiceOffering, out: &mut String) {
    let mut tiers = TextTable::new(&[("Requests in a month", Align::Left), ("Price", Align::Right)]);
    let mut from = Decimal::ZERO;
    for tier in &offering.request_tiers {
        let range = match tier.up_to {
            Some(to) => format!("{from}M to {to}M"),
            None if from.is_zero() => "all".to_owned(),
            None => format!("over {from}M"),
        };
        tiers.row(vec![range, format!("{}/M", unit_price(tier.price))]);
        from = tier.up_to.unwrap_or(from);
    }
    out.push_str(&format!(
        "{} in front of a deployment (scenario `services`):\n",
        offering.name
    ));
    if !offering.request_tiers.is_empty() {
        out.push_str(&tiers.render(Dialect::Terminal));
    }
    if let Some(data_out) = &offering.data_out {
        out.push_str(&format!("Data out: {}.\n", data_out.describe()));
    }
    out.push_str(&offering.meters.describe());
    let keys = crate::pricing::service_settings::known_keys(offering);
    if !keys.is_empty() {
        out.push_str(&format!(
            "Deployment keys (scenario `services = [{{ book = ..., KEY = VALUE }}]`): {}.\n",
            keys.join(", ")
        ));
    }
}

fn show_flat_plan(offering: &FlatPlanOffering, out: &mut String) {
    let mut plans = TextTable::new(&[
        ("Plan", Align::Left),
        ("Per month", Align::Right),
        ("Requests/month", Align::Right),
        ("Concurrency", Align::Right),
        ("Time limit (s)", Align::Right),
        ("Rate limits", Align::Left),
        ("Other", Align::Left),
    ]);
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let mut by_price: Vec<_> = offering.plans.iter().collect();
    by_price.sort_by_key(|(name, plan)| (plan.monthly_price, *name));
    for (name, plan) in by_price {
        let limits = &plan.limits;
        let mut other = Vec::new();
        if let Some(price) = plan.price_per_compute_hour {
            other.push(format!(
                "{} compute-hours included, then {}/hour",
                plan.included_compute_hours,
                unit_price(price)
            ));
        }
        if let Some(memory) = limits.memory_mb {
            other.push(format!("{memory} MB"));
        }
        if let Some(days) = limits.script_lifetime_days {
            other.push(format!("scripts expire after {days} days"));
        }
        if plan.confidence == Confidence::Unconfirmed {
            other.push("[R] unconfirmed".to_owned());
        }
        plans.row(vec![
            name.clone(),
            unit_price(plan.monthly_price),
            or_dash(limits.requests_per_month.map(|quota| match limits.quota {
                Quota::Soft => format!("{quota} (soft)"),
                Quota::Hard => format!("{quota} (hard)"),
            })),
            or_dash(limits.concurrency.map(|limit| match limits.at_limit {
                AtLimit::Reject => format!("{limit} (rejects)"),
                AtLimit::Queue => format!("{limit} (queues)"),
            })),
            or_dash(limits.time_limit_s.map(|seconds| seconds.to_string())),
            limits
                .rate_limits
                .iter()
                .map(|limit| format!("{}/{}", limit.requests, limit.per))
                .collect::<Vec<_>>()
                .join(", "),
            other.join("; "),
        ]);
    }
    out.push_str(&plans.render(Dialect::Terminal));
    out.push_str(&format!(
        "\nBilling: the plan's monthly price for each calendar month (UTC) the run spans, started months in full; requests over a soft quota are served and reported, over a hard limit rejected. Default plan: {}.\n",
        offering.default_plan
    ));
    for (name, plan) in &offering.plans {
        if let Some(note) = &plan.note {
            out.push_str(&format!("{name}: {note}\n"));
        }
    }
}
