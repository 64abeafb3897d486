//! The flat-plan model behind the platform seam: a subscription plan with
//! quotas and limits (hook.io, Webtask, Webscript, IronWorker) from a
//! `[flat_plan]` price book. It replays requests under the chosen plan
//! (`flat_plan_run.rs`), bills the plan's months and metered compute, and
//! says in the bill's notes why requests were turned away, which months
//! went over a soft quota, and which plan would have been the cheapest
//! that fits the workload (`flat_plan_fit.rs`).

use super::flat_plan_fit::advice;
use super::flat_plan_run::{FlatPlanReplay, FlatPlanRun};
use super::flat_plan_settings::{FLAT_PLAN_SETTINGS, FlatPlanSettings};
use super::seam::{Configured, ModelRun, Platform, Priced, RunOptions};
use super::settings::{Setting, SettingSpec};
use crate::engine;
use crate::error::{Error, Result};
use crate::pricing::flat_plan_book::{AtLimit, FlatPlanOffering, Plan, PlanLimits, Quota};
use crate::pricing::{Bill, FlatPlanUsage, Offering, PriceBook, bill_flat_plan};
use crate::units::Micros;
use crate::workload::RequestBatches;

/// Flat plans: hook.io, Webtask, Webscript, IronWorker.
pub struct FlatPlanModel;

impl Platform for FlatPlanModel {
    fn runs(&self, book: &PriceBook) -> bool {
        matches!(book.offering, Offering::FlatPlan(_))
    }

    fn settings(&self) -> &'static [SettingSpec] {
        FLAT_PLAN_SETTINGS
    }

    fn configure(&self, book: &PriceBook, settings: &[Setting]) -> Result<Box<dyn Configured>> {
        let offering = offering_of(book)?;
        let settings = FlatPlanSettings::resolve(&book.id, offering, settings)?;
        let plan = plan_of(book, offering, &settings.plan)?.clone();
        Ok(Box::new(FlatPlanDeployment {
            settings,
            plan,
            offering: offering.clone(),
            currency: book.currency.clone(),
        }))
    }
}

fn offering_of(book: &PriceBook) -> Result<&FlatPlanOffering> {
    match &book.offering {
        Offering::FlatPlan(offering) => Ok(offering),
        other => Err(Error::usage(format!(
            "{} is a {} price book, not a flat plan",
            book.id,
            other.family()
        ))),
    }
}

fn plan_of<'a>(book: &PriceBook, offering: &'a FlatPlanOffering, name: &str) -> Result<&'a Plan> {
    offering
        .plans
        .get(name)
        .ok_or_else(|| Error::usage(format!("{} has no plan `{name}`", book.id)))
}

#[derive(Debug)]
struct FlatPlanDeployment {
    currency: String,
    offering: FlatPlanOffering,
    plan: Plan,
    settings: FlatPlanSettings,
}

impl Configured for FlatPlanDeployment {
    fn describe(&self) -> String {
        format!(
            "plan {} (${} a month{})",
            self.settings.plan,
            self.plan.monthly_price,
            limits_text(&self.plan.limits)
        )
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn settings_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.settings).unwrap_or_default()
    }

    fn run(
        &self,
        requests: &mut dyn RequestBatches,
        options: &RunOptions,
        _bill_data_out: bool,
    ) -> Result<ModelRun> {
        let mut replay =
            FlatPlanReplay::new(&self.offering, &self.plan.limits, options.origin, options.horizon);
        let outcome = engine::run(&mut replay, requests, options.horizon)?;
        let mut run = replay.finish();
        let advice = advice(
            &self.offering,
            &self.settings.plan,
            &run.demand,
            run.usage.months.len(),
        );
        Ok(ModelRun {
            counts: run.counts,
            latency: std::mem::take(&mut run.latency),
            served_latency: std::mem::take(&mut run.served_latency),
            queueing: std::mem::take(&mut run.queueing),
            instances: run.tally.summary(run.horizon_end),
            timeline: Vec::new(),
            mean_in_system: None,
            instances_per_minute: std::mem::take(&mut run.requests_per_minute),
            horizon_end: run.horizon_end,
            beyond_horizon: outcome.beyond_horizon,
            usage: Box::new(FlatPlanPriced {
                notes: run_notes(&self.plan.limits, &run, advice),
                plan_name: self.settings.plan.clone(),
                plan: self.plan.clone(),
                currency: self.currency.clone(),
                usage: run.usage,
            }),
        })
    }
}

/// The plan's limits as the deployment line shows them.
fn limits_text(limits: &PlanLimits) -> String {
    let mut parts = Vec::new();
    if let Some(quota) = limits.requests_per_month {
        let kind = match limits.quota {
            Quota::Soft => "soft",
            Quota::Hard => "hard",
        };
        parts.push(format!("{quota} requests a month ({kind})"));
    }
    if let Some(limit) = limits.concurrency {
        let at = match limits.at_limit {
            AtLimit::Reject => "rejecting",
            AtLimit::Queue => "queueing",
        };
        parts.push(format!("concurrency {limit} ({at})"));
    }
    if let Some(seconds) = limits.time_limit_s {
        parts.push(format!("time limit {seconds} s"));
    }
    for limit in &limits.rate_limits {
        parts.push(format!("{} per {}", limit.requests, limit.per));
    }
    if let Some(days) = limits.script_lifetime_days {
        parts.push(format!("scripts expire after {days} days"));
    }
    parts.iter().map(|part| format!(", {part}")).collect()
}

/// Notes on what the plan turned away, and the plan advice.
fn run_notes(limits: &PlanLimits, run: &FlatPlanRun, advice: String) -> Vec<String> {
    let mut notes: Vec<String> = run
        .rejected
        .iter()
        .map(|(reason, count)| format!("{count} requests rejected: they {}", reason.describe(limits)))
        .collect();
    if run.counts.timed_out > 0 {
        notes.push(format!(
            "{} requests ran past the plan's time limit and were cut off",
            run.counts.timed_out
        ));
    }
    notes.push(advice);
    notes
}

#[derive(Debug)]
struct FlatPlanPriced {
    usage: FlatPlanUsage,
    plan_name: String,
    plan: Plan,
    currency: String,
    notes: Vec<String>,
}

impl Priced for FlatPlanPriced {
    fn bill(&self, until: Micros) -> Bill {
        let mut bill = bill_flat_plan(&self.currency, &self.plan_name, &self.plan, &self.usage, until);
        bill.notes.extend(self.notes.iter().cloned());
        bill
    }

    /// Another book's plan of the same name and limits prices the same run
    /// (only its money differs); any other plan needs a new run. The plan
    /// advice is the simulated book's, so a re-priced bill leaves it out.
    /// Every setting is in the simulation key: the run is re-priced with
    /// its own settings' choices.
    fn reprice(&self, book: &PriceBook, _as_deployment: &dyn Configured) -> Result<Bill> {
        let offering = offering_of(book)?;
        let plan = plan_of(book, offering, &self.plan_name)?;
        if plan.limits != self.plan.limits {
            return Err(Error::usage(format!(
                "plan `{}` of {} has other limits than this run's; simulate it instead of re-pricing",
                self.plan_name, book.id
            )));
        }
        Ok(bill_flat_plan(
            &book.currency,
            &self.plan_name,
            plan,
            &self.usage,
            Micros::MAX,
        ))
    }
}
