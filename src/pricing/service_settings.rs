//! What a deployment says about a service in front of (or on) it: units per
//! request (`reads_per_request = 2`), stored GB (`storage_gb`) and
//! provisioned units (`read_capacity_units`), checked against the keys the
//! service's book prices. A scenario writes them in the service's table
//! (`services = [{ book = "dynamodb-2025", reads_per_request = 2 }]`), the
//! command line after the id (`--service dynamodb-2025:reads_per_request=2`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::money::Decimal;
use super::service_book::ServiceOffering;
use super::service_meters::UnitKind;
use crate::platform::Setting;

/// A service's counts for one deployment, defaults filled in from its book.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceSettings {
    /// Units of each kind per request.
    pub per_request: BTreeMap<UnitKind, Decimal>,
    pub storage_gb: Decimal,
    /// Provisioned units of each kind.
    pub capacity_units: BTreeMap<UnitKind, u32>,
}

impl ServiceSettings {
    /// The book's defaults.
    pub fn defaults(service: &ServiceOffering) -> Self {
        let meters = &service.meters;
        ServiceSettings {
            per_request: meters
                .units
                .iter()
                .map(|unit| (unit.count, unit.default_per_request))
                .collect(),
            storage_gb: meters
                .storage
                .as_ref()
                .map_or(Decimal::ZERO, |storage| storage.default_gb),
            capacity_units: meters
                .capacity
                .iter()
                .map(|rate| (rate.count, rate.default_units))
                .collect(),
        }
    }

    /// The defaults with `settings` applied; each problem names its key.
    pub fn resolve(service: &ServiceOffering, settings: &[Setting]) -> Result<Self, Vec<(String, String)>> {
        let mut resolved = ServiceSettings::defaults(service);
        let mut problems = Vec::new();
        for setting in settings {
            if let Err(message) = resolved.apply(service, setting) {
                problems.push((setting.key.clone(), message));
            }
        }
        if problems.is_empty() {
            Ok(resolved)
        } else {
            Err(problems)
        }
    }

    fn apply(&mut self, service: &ServiceOffering, setting: &Setting) -> Result<(), String> {
        let key = setting.key.as_str();
        let meters = &service.meters;
        if let Some(unit) = meters
            .units
            .iter()
            .find(|unit| unit.count.per_request_key() == key)
        {
            let count = parse_quantity(&setting.value, key)?;
            self.per_request.insert(unit.count, count);
        } else if key == "storage_gb" && meters.storage.is_some() {
            self.storage_gb = parse_quantity(&setting.value, key)?;
        } else if let Some(rate) = meters
            .capacity
            .iter()
            .find(|rate| rate.count.capacity_key() == key)
        {
            let units = setting.value.parse::<u32>().map_err(|_| {
                format!(
                    "`{key}`: expected a whole number of units, found `{}`",
                    setting.value
                )
            })?;
            self.capacity_units.insert(rate.count, units);
        } else {
            let known = known_keys(service);
            return Err(if known.is_empty() {
                format!("`{key}`: {} takes no settings", service.name)
            } else {
                format!(
                    "`{key}`: unknown for {}; expected one of {}",
                    service.name,
                    known.join(", ")
                )
            });
        }
        Ok(())
    }
}

fn parse_quantity(text: &str, key: &str) -> Result<Decimal, String> {
    text.parse::<Decimal>()
        .ok()
        .filter(|value| !value.is_sign_negative() && *value <= Decimal::from(1_000_000))
        .ok_or_else(|| format!("`{key}`: expected a number from 0 to 1,000,000, found `{text}`"))
}

/// The keys `service` takes, as `pricing show` and messages list them.
pub fn known_keys(service: &ServiceOffering) -> Vec<String> {
    let meters = &service.meters;
    let mut keys: Vec<String> = meters
        .units
        .iter()
        .map(|unit| unit.count.per_request_key())
        .collect();
    if meters.storage.is_some() {
        keys.push("storage_gb".to_owned());
    }
    keys.extend(meters.capacity.iter().map(|rate| rate.count.capacity_key()));
    keys
}

/// Splits `--service ID:KEY=VALUE,KEY=VALUE` into the id and its settings.
pub fn parse_service_argument(text: &str) -> Result<(&str, Vec<Setting>), String> {
    let Some((id, rest)) = text.split_once(':') else {
        return Ok((text, Vec::new()));
    };
    let settings = rest
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| Setting::parse(part).map_err(|problem| format!("--service {id}: {problem}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((id, settings))
}
