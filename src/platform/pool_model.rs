//! The dyno-pool model behind the platform seam: configures a
//! [`ServerFarm`] from a `[pool]` price book (Heroku, App Engine) and prices
//! its instance intervals with the pool billing rules.

use chrono::{DateTime, Utc};

use super::farm::FarmRun;
use super::pool_settings::{POOL_SETTINGS, PoolAutoscale, PoolSettings};
use super::seam::{Configured, ModelRun, Platform, Priced, RunOptions};
use super::settings::{Setting, SettingSpec};
use super::{Routing, run_farm};
use crate::error::{Error, Result};
use crate::pricing::pool_book::PoolOffering;
use crate::pricing::{Bill, Offering, PoolChoices, PriceBook, bill_pool};
use crate::units::Micros;
use crate::workload::RequestBatches;

/// Dyno pools: Heroku, Google App Engine.
pub struct PoolModel;

impl Platform for PoolModel {
    fn runs(&self, book: &PriceBook) -> bool {
        matches!(book.offering, Offering::Pool(_))
    }

    fn settings(&self) -> &'static [SettingSpec] {
        POOL_SETTINGS
    }

    fn configure(&self, book: &PriceBook, settings: &[Setting]) -> Result<Box<dyn Configured>> {
        let offering = offering_of(book)?;
        Ok(Box::new(PoolDeployment {
            settings: PoolSettings::resolve(&book.id, offering, settings)?,
            offering: offering.clone(),
            currency: book.currency.clone(),
        }))
    }
}

fn offering_of(book: &PriceBook) -> Result<&PoolOffering> {
    match &book.offering {
        Offering::Pool(offering) => Ok(offering),
        other => Err(Error::usage(format!(
            "{} is a {} price book, not a dyno pool",
            book.id,
            other.family()
        ))),
    }
}

#[derive(Debug)]
struct PoolDeployment {
    currency: String,
    offering: PoolOffering,
    settings: PoolSettings,
}

impl Configured for PoolDeployment {
    fn describe(&self) -> String {
        let settings = &self.settings;
        let mut text = format!(
            "{} × {} with {} worker{}, {} routing",
            settings.dynos,
            settings.dyno_type,
            settings.workers,
            if settings.workers == 1 { "" } else { "s" },
            match settings.routing {
                Routing::Random => "random",
                Routing::Shared => "shared-queue",
            }
        );
        if settings.autoscale != PoolAutoscale::Off {
            text.push_str(&format!(
                ", autoscaling {}-{}",
                settings.min_dynos, settings.max_dynos
            ));
        }
        text.push_str(&settings.speed_settings().describe(&settings.reference_dyno_type));
        text
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn settings_json(&self) -> serde_json::Value {
        super::settings::as_set_values(&self.settings)
    }

    fn run(
        &self,
        requests: &mut dyn RequestBatches,
        options: &RunOptions,
        _bill_data_out: bool,
    ) -> Result<ModelRun> {
        let config = self
            .settings
            .farm_config(&self.offering, super::origin_into_day(options.origin));
        run_farm(config, requests, options, |run| {
            Box::new(PoolUsagePriced {
                choices: self.settings.pricing_choices(),
                offering: self.offering.clone(),
                currency: self.currency.clone(),
                origin: options.origin,
                run,
            })
        })
    }
}

#[derive(Debug)]
struct PoolUsagePriced {
    run: FarmRun,
    offering: PoolOffering,
    currency: String,
    choices: PoolChoices,
    origin: DateTime<Utc>,
}

impl Priced for PoolUsagePriced {
    fn bill(&self, until: Micros) -> Bill {
        let usage = if until == Micros::MAX {
            self.run.usage.clone()
        } else {
            self.run.usage.until(until)
        };
        bill_pool(
            &self.currency,
            &self.offering,
            &self.choices,
            &usage,
            &self.run.instances,
            self.origin,
        )
    }

    /// Every setting is in the simulation key: the run is re-priced with
    /// its own settings' choices.
    fn reprice(&self, book: &PriceBook, _as_deployment: &dyn Configured) -> Result<Bill> {
        let offering = offering_of(book)?;
        if std::mem::discriminant(&offering.billing) != std::mem::discriminant(&self.offering.billing) {
            return Err(Error::usage(format!(
                "{} bills instances by another rule; simulate it instead of re-pricing",
                book.id
            )));
        }
        if !offering.types.contains_key(&self.choices.dyno_type) {
            return Err(Error::usage(format!(
                "{} has no type `{}`",
                book.id, self.choices.dyno_type
            )));
        }
        Ok(bill_pool(
            &book.currency,
            offering,
            &self.choices,
            &self.run.usage,
            &self.run.instances,
            self.origin,
        ))
    }
}
