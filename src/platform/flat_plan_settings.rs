//! A flat-plan deployment's settings: which of the book's plans it is on.

use serde::Serialize;

use super::settings::{Kind, Setting, SettingSpec, Values};
use crate::error::{Error, Result, SettingProblem};
use crate::pricing::flat_plan_book::FlatPlanOffering;

/// The keys a flat-plan deployment accepts.
pub const FLAT_PLAN_SETTINGS: &[SettingSpec] = &[SettingSpec {
    key: "plan",
    kind: Kind::Name,
    doc: "the plan subscribed to (see the book's plans, e.g. free)",
}];

#[derive(Debug, Clone, Serialize)]
pub struct FlatPlanSettings {
    pub plan: String,
}

impl FlatPlanSettings {
    pub fn resolve(book_id: &str, offering: &FlatPlanOffering, settings: &[Setting]) -> Result<Self> {
        let (values, mut problems) = Values::parse(FLAT_PLAN_SETTINGS, settings, "flat-plan");
        let plan = values
            .text("plan")
            .map_or_else(|| offering.default_plan.clone(), str::to_owned);
        if !offering.plans.contains_key(&plan) {
            problems.push(SettingProblem::at(
                "plan",
                format!(
                    "setting `plan`: {book_id} has no plan `{plan}`; its plans: {}",
                    offering.plans.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        Error::settings(problems)?;
        Ok(FlatPlanSettings { plan })
    }
}
