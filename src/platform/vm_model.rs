//! The VM-group model behind the platform seam: configures a
//! [`ServerFarm`] from a `[vm]` price book (EC2) behind a least-loaded load
//! balancer and prices its instance intervals with the VM billing rules.

use chrono::{DateTime, Utc};

use super::farm::FarmRun;
use super::run_farm;
use super::seam::{Configured, ModelRun, Platform, Priced, RunOptions};
use super::settings::{Setting, SettingSpec};
use super::vm_settings::{VM_SETTINGS, VmAutoscale, VmSettings};
use crate::error::{Error, Result};
use crate::pricing::vm_book::{VmBilling, VmOffering};
use crate::pricing::{Bill, Offering, PriceBook, VmChoices, bill_vm};
use crate::units::Micros;
use crate::workload::RequestBatches;

/// A schedule as `schedule` takes it: runs of hours with one count,
/// `0-7:2,8-19:6,20-23:3`.
fn schedule_text(counts: &[u32; 24]) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut first = 0;
    for hour in 1..=counts.len() {
        if hour == counts.len() || counts[hour] != counts[first] {
            runs.push(format!("{first}-{}:{}", hour - 1, counts[first]));
            first = hour;
        }
    }
    runs.join(",")
}

/// VM groups: EC2 instances behind a load balancer.
pub struct VmModel;

impl Platform for VmModel {
    fn runs(&self, book: &PriceBook) -> bool {
        matches!(book.offering, Offering::Vm(_))
    }

    fn settings(&self) -> &'static [SettingSpec] {
        VM_SETTINGS
    }

    fn configure(&self, book: &PriceBook, settings: &[Setting]) -> Result<Box<dyn Configured>> {
        let offering = offering_of(book)?;
        Ok(Box::new(VmDeployment {
            settings: VmSettings::resolve(&book.id, offering, settings)?,
            offering: offering.clone(),
            currency: book.currency.clone(),
        }))
    }
}

fn offering_of(book: &PriceBook) -> Result<&VmOffering> {
    match &book.offering {
        Offering::Vm(offering) => Ok(offering),
        other => Err(Error::usage(format!(
            "{} is a {} price book, not a VM group",
            book.id,
            other.family()
        ))),
    }
}

#[derive(Debug)]
struct VmDeployment {
    currency: String,
    offering: VmOffering,
    settings: VmSettings,
}

impl Configured for VmDeployment {
    fn describe(&self) -> String {
        let settings = &self.settings;
        let mut text = format!(
            "{} × {} ({} requests each), {} billing",
            settings.instances,
            settings.instance_type,
            settings.capacity,
            match settings.billing {
                VmBilling::Hourly => "hourly",
                VmBilling::PerSecond => "per-second",
            }
        );
        if settings.autoscale != VmAutoscale::Off {
            text.push_str(&format!(
                ", autoscaling {}-{}",
                settings.min_instances, settings.max_instances
            ));
        }
        if settings.spot {
            text.push_str(", spot");
        }
        if settings.reserved > 0 {
            text.push_str(&format!(", {} reserved", settings.reserved));
        }
        text.push_str(
            &settings
                .speed_settings()
                .describe(&settings.reference_instance_type),
        );
        text
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn settings_json(&self) -> serde_json::Value {
        let mut value = super::settings::as_set_values(&self.settings);
        if let (Some(schedule), Some(map)) = (self.settings.schedule, value.as_object_mut()) {
            map.insert("schedule".into(), schedule_text(&schedule).into());
        }
        value
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
            Box::new(VmUsagePriced {
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
struct VmUsagePriced {
    run: FarmRun,
    offering: VmOffering,
    currency: String,
    choices: VmChoices,
    origin: DateTime<Utc>,
}

impl VmUsagePriced {
    fn bill_with(&self, currency: &str, offering: &VmOffering, until: Micros) -> Bill {
        if until == 0 {
            return Bill::new(currency, Vec::new(), Default::default());
        }
        let (usage, end) = if until >= self.run.horizon_end {
            (self.run.usage.clone(), self.run.horizon_end)
        } else {
            (self.run.usage.until(until), until)
        };
        bill_vm(
            currency,
            offering,
            &self.choices,
            &usage,
            &self.run.instances,
            self.origin,
            end,
        )
    }
}

impl Priced for VmUsagePriced {
    fn bill(&self, until: Micros) -> Bill {
        self.bill_with(&self.currency, &self.offering, until)
    }

    /// Every setting is in the simulation key: the run is re-priced with
    /// its own settings' choices.
    fn reprice(&self, book: &PriceBook, _as_deployment: &dyn Configured) -> Result<Bill> {
        let offering = offering_of(book)?;
        if !offering.types.contains_key(&self.choices.instance_type) {
            return Err(Error::usage(format!(
                "{} has no type `{}`",
                book.id, self.choices.instance_type
            )));
        }
        Ok(self.bill_with(&book.currency, offering, Micros::MAX))
    }
}
