//! The function model behind the platform seam: configures a
//! [`FunctionPlatform`] from a `[function]` price book and prices its usage
//! with the function billing rules. Where the speed model leaves every
//! duration as recorded, a deployment's memory size and free tier change
//! only its bill: deployments that differ in no other setting share one
//! simulation, re-priced as each ([`Configured::simulation_key`]).

use serde::Serialize;

use super::function::{FunctionPlatform, FunctionRun};
use super::function_settings::{FUNCTION_SETTINGS, FunctionSettings};
use super::seam::{Configured, ModelRun, Platform, Priced, RunOptions};
use super::settings::{Setting, SettingSpec};
use crate::engine;
use crate::error::{Error, Result};
use crate::pricing::{Bill, FunctionChoices, FunctionOffering, Offering, PriceBook, bill_function};
use crate::units::{Micros, to_seconds};
use crate::workload::{Request, RequestBatches};

/// Functions: AWS Lambda, Azure Functions, Google Cloud Functions.
pub struct FunctionModel;

impl Platform for FunctionModel {
    fn runs(&self, book: &PriceBook) -> bool {
        matches!(book.offering, Offering::Function(_))
    }

    fn settings(&self) -> &'static [SettingSpec] {
        FUNCTION_SETTINGS
    }

    fn configure(&self, book: &PriceBook, settings: &[Setting]) -> Result<Box<dyn Configured>> {
        let offering = offering_of(book)?;
        Ok(Box::new(FunctionDeployment {
            settings: FunctionSettings::resolve(&book.id, offering, settings)?,
            offering: offering.clone(),
            book_id: book.id.clone(),
            currency: book.currency.clone(),
        }))
    }
}

fn offering_of(book: &PriceBook) -> Result<&FunctionOffering> {
    book.function().ok_or_else(|| {
        Error::usage(format!(
            "{} is a {} price book, not a function platform",
            book.id,
            book.offering.family()
        ))
    })
}

#[derive(Debug)]
struct FunctionDeployment {
    book_id: String,
    currency: String,
    offering: FunctionOffering,
    settings: FunctionSettings,
}

impl Configured for FunctionDeployment {
    fn describe(&self) -> String {
        let settings = &self.settings;
        let mut text = format!(
            "{} MB {}, keep-alive {} s, concurrency limit {}",
            settings.memory_mb,
            settings.architecture,
            to_seconds(settings.keep_alive),
            settings.concurrency_limit
        );
        if settings.provisioned > 0 {
            text.push_str(&format!(", {} provisioned", settings.provisioned));
        }
        let reference = if settings.reference_milli_vcpu != settings.milli_vcpu {
            format!("{} vCPUs", f64::from(settings.reference_milli_vcpu) / 1_000.0)
        } else {
            format!("{} MB", settings.reference_memory_mb)
        };
        text.push_str(&settings.speed_settings().describe(&reference));
        text
    }

    fn settings_json(&self) -> serde_json::Value {
        super::settings::as_set_values(&self.settings)
    }

    /// Every setting but the memory size (with the reference size the
    /// speed model reads) when no request's duration depends on it, and the
    /// free tier, which only the bill reads.
    fn simulation_key(&self) -> String {
        let mut settings = self.settings.clone();
        if settings.duration_scale(&self.offering).is_unchanged() {
            settings.memory_mb = 0;
            settings.reference_memory_mb = 0;
        }
        settings.free_tier = false;
        super::settings::as_set_values(&settings).to_string()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    /// A row's memory is rounded up to the next configurable size by the
    /// model, so only sizes beyond the largest are refused.
    fn check_request(&self, request: &Request) -> std::result::Result<(), (&'static str, String)> {
        let max = self.offering.limits.memory.max();
        match request.memory_mb {
            Some(memory_mb) if memory_mb > max => Err((
                "memory_mb",
                format!("expected at most {max} MB on {}, found {memory_mb}", self.book_id),
            )),
            _ => Ok(()),
        }
    }

    fn run(
        &self,
        requests: &mut dyn RequestBatches,
        options: &RunOptions,
        bill_data_out: bool,
    ) -> Result<ModelRun> {
        let mut model = FunctionPlatform::new(
            self.settings.clone(),
            &self.offering,
            options.origin,
            options.horizon,
            options.seed,
        );
        let outcome = engine::run(&mut model, requests, options.horizon)?;
        let mut run = model.finish();
        let served_latency = std::mem::take(&mut run.latency);
        let mut latency = served_latency.clone();
        latency.merge(&run.timed_out_latency);
        let mut instances = run.instances.summary(run.horizon_end);
        // Instance-based billing charges every second alive: nothing is
        // warm and unbilled there (its idle time is the bill's).
        let warm_unbilled_us = if self.settings.instance_based == Some(true) {
            0
        } else {
            run.warm_unbilled_us
        };
        instances.warm_unbilled_seconds = Some(to_seconds(warm_unbilled_us));
        Ok(ModelRun {
            counts: run.counts,
            latency,
            served_latency,
            queueing: std::mem::take(&mut run.queueing),
            instances,
            timeline: Vec::new(),
            mean_in_system: None,
            instances_per_minute: std::mem::take(&mut run.instances_per_minute),
            horizon_end: run.horizon_end,
            beyond_horizon: outcome.beyond_horizon,
            usage: Box::new(FunctionUsagePriced {
                bill_data_out,
                choices: self.settings.pricing_choices(bill_data_out),
                metering: Metering::of(&self.offering, &self.settings),
                offering: self.offering.clone(),
                currency: self.currency.clone(),
                run,
            }),
        })
    }
}

/// What the model applied per request before summing, so a book that
/// meters otherwise needs a new run, not a re-pricing.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Metering {
    granularity_us: u64,
    minimum_us: u64,
    memory_rounding_mb: u32,
    minimum_memory_mb: u32,
    init_billed: bool,
    sizes: String,
    provisioned_granularity_s: u32,
}

impl Metering {
    fn of(offering: &FunctionOffering, settings: &FunctionSettings) -> Self {
        Metering {
            granularity_us: settings.granularity_us,
            ..Metering::of_book(offering)
        }
    }

    fn of_book(offering: &FunctionOffering) -> Self {
        let billing = &offering.billing;
        Metering {
            granularity_us: billing.granularity_us,
            minimum_us: billing.minimum_billed_us,
            memory_rounding_mb: billing.memory_rounding_mb,
            minimum_memory_mb: billing.minimum_billed_memory_mb,
            init_billed: billing.init_billed,
            sizes: offering.limits.memory.describe(),
            provisioned_granularity_s: billing.provisioned_granularity_s,
        }
    }
}

#[derive(Debug)]
struct FunctionUsagePriced {
    bill_data_out: bool,
    run: FunctionRun,
    offering: FunctionOffering,
    currency: String,
    choices: FunctionChoices,
    metering: Metering,
}

impl Priced for FunctionUsagePriced {
    fn bill(&self, until: Micros) -> Bill {
        let usage = if until == Micros::MAX {
            self.run.usage.clone()
        } else {
            self.run.usage_until(until)
        };
        bill_function(&self.currency, &self.offering, &self.choices, &usage)
    }

    /// Priced as `as_deployment`, whose memory size may differ: its own
    /// size's requests are then billed at its size (the run's durations
    /// did not depend on it, as the simulation key says).
    fn reprice(&self, book: &PriceBook, as_deployment: &dyn Configured) -> Result<Bill> {
        let Some(deployment) = as_deployment.as_any().downcast_ref::<FunctionDeployment>() else {
            return Err(Error::usage(format!(
                "{} is not a function deployment; simulate it instead of re-pricing",
                book.id
            )));
        };
        let offering = offering_of(book)?;
        let book_metering = Metering::of_book(offering);
        if book_metering != self.metering {
            return Err(Error::usage(format!(
                "{} meters usage differently from this run (granularity, minimums, memory sizes or INIT billing); simulate it instead of re-pricing",
                book.id
            )));
        }
        let choices = deployment.settings.pricing_choices(self.bill_data_out);
        if !offering.architectures.contains_key(&choices.architecture) {
            return Err(Error::usage(format!(
                "{} prices no `{}` architecture",
                book.id, choices.architecture
            )));
        }
        let choices = FunctionChoices {
            free_tier: choices.free_tier && offering.billing.free_tier.is_some(),
            ..choices
        };
        if choices.memory_mb == self.choices.memory_mb {
            return Ok(bill_function(&book.currency, offering, &choices, &self.run.usage));
        }
        let usage = self.run.usage_at_memory(choices.memory_mb);
        Ok(bill_function(&book.currency, offering, &choices, &usage))
    }
}
