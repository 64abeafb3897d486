//! What `compare` changes in a scenario from the command line, and where
//! the report of a changed scenario goes.
//!
//! `--set KEY=VALUE` changes every deployment whose platform takes `KEY`
//! (an error if none does); `--set NAME.KEY=VALUE` changes one deployment,
//! named exactly or by a prefix that only its name starts with (ignoring
//! case). Keys have no dots, so the last dot before `=` ends the name. A
//! scenario run with `--trace`, `--seed`, `--horizon` or `--set` writes its
//! report to `reports/<scenario>+<each change>/`, never over the report of
//! the scenario as written.

use crate::error::{Error, Result};
use crate::platform::Setting;
use crate::scenario::{NamedDeployment, Scenario};

/// One `--set`, as typed and as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOverride {
    /// The deployment name (or prefix) before the key; none for all.
    pub target: Option<String>,
    pub setting: Setting,
}

impl SetOverride {
    /// Parses `KEY=VALUE` or `NAME.KEY=VALUE`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let expected =
            || format!("expected KEY=VALUE or DEPLOYMENT.KEY=VALUE (e.g. Heroku.dynos=3), found `{text}`");
        let (left, value) = text.split_once('=').ok_or_else(expected)?;
        let (target, key) = match left.rsplit_once('.') {
            Some((name, key)) => (Some(name.trim().to_owned()), key.trim()),
            None => (None, left.trim()),
        };
        if key.is_empty() || target.as_deref().is_some_and(str::is_empty) {
            return Err(expected());
        }
        Ok(SetOverride {
            target,
            setting: Setting {
                key: key.to_owned(),
                value: value.trim().to_owned(),
            },
        })
    }
}

/// Every `--set` of the command line, parsed (bad usage at the first that
/// is not `[DEPLOYMENT.]KEY=VALUE`).
pub fn parse_all(settings: &[String]) -> Result<Vec<SetOverride>> {
    settings
        .iter()
        .map(|text| SetOverride::parse(text).map_err(|problem| Error::usage(format!("--set: {problem}"))))
        .collect()
}

/// Applies `overrides` to `scenario`'s deployments, resolving each changed
/// one again; every problem is reported at once, as bad usage.
pub fn apply(scenario: &mut Scenario, overrides: &[SetOverride]) -> Result<()> {
    let deployments = &scenario.deployments;
    let mut extra: Vec<Vec<Setting>> = vec![Vec::new(); deployments.len()];
    let mut problems = Vec::new();
    for item in overrides {
        let text = format!("--set {}", describe(item));
        match &item.target {
            Some(target) => match NamedDeployment::find(deployments, target) {
                Ok(index) => extra[index].push(item.setting.clone()),
                Err(problem) => problems.push(format!("{text}: {problem}")),
            },
            None => {
                let takers: Vec<usize> = (0..deployments.len())
                    .filter(|&index| deployments[index].deployment.takes(&item.setting.key))
                    .collect();
                if takers.is_empty() {
                    problems.push(format!(
                        "{text}: no deployment's platform takes `{}` (`costsim pricing show ID` lists each platform's keys)",
                        item.setting.key
                    ));
                }
                for index in takers {
                    extra[index].push(item.setting.clone());
                }
            }
        }
    }
    for (named, extra) in scenario.deployments.iter_mut().zip(extra) {
        if !extra.is_empty()
            && let Err(problem) = resolve_again(named, extra)
        {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::usage(problems.join("\n")))
    }
}

fn describe(item: &SetOverride) -> String {
    match &item.target {
        Some(target) => format!("{target}.{}={}", item.setting.key, item.setting.value),
        None => format!("{}={}", item.setting.key, item.setting.value),
    }
}

/// Resolves `named` again with `extra` settings replacing its own of the
/// same keys.
fn resolve_again(named: &mut NamedDeployment, extra: Vec<Setting>) -> std::result::Result<(), String> {
    let mut settings = named.settings.clone();
    for setting in extra {
        settings.retain(|own| own.key != setting.key);
        settings.push(setting);
    }
    let resolved = named.deployment.rebuilt(named.deployment.book.clone(), &settings);
    match resolved {
        Ok(deployment) => {
            named.deployment = deployment;
            named.settings = settings;
            Ok(())
        }
        Err(Error::Settings(found)) => Err(found
            .iter()
            .map(|problem| format!("--set, deployment `{}`: {}", named.name, problem.message))
            .collect::<Vec<_>>()
            .join("\n")),
        Err(error) => Err(format!("--set, deployment `{}`: {error}", named.name)),
    }
}

/// Longest folder name made of readable changes; longer ones are hashed.
const MAX_FOLDER_NAME: usize = 100;

/// The report folder's name: the scenario's, then `+` and each change
/// (`api-2016+trace-api-sample+seed-7+Heroku.dynos-3`), characters other
/// than letters, digits, `-`, `_` and `.` made `-`. Past
/// [`MAX_FOLDER_NAME`] characters the changes are summed up as
/// `+<n>-changes-<hash>`.
pub fn folder_name(scenario: &str, changes: &[String]) -> String {
    if changes.is_empty() {
        return scenario.to_owned();
    }
    let readable: String = changes
        .iter()
        .map(|change| format!("+{}", safe(change)))
        .collect();
    if scenario.len() + readable.len() <= MAX_FOLDER_NAME {
        return format!("{scenario}{readable}");
    }
    // FNV-1a: stable across runs and releases, unlike the std hasher.
    let hash = changes
        .join("\n")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{scenario}+{}-changes-{hash:016x}", changes.len())
}

fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_one_deployment_or_all() {
        let one = SetOverride::parse("Heroku 2 x Standard-1X.dynos = 3").expect("valid");
        assert_eq!(one.target.as_deref(), Some("Heroku 2 x Standard-1X"));
        assert_eq!(
            (one.setting.key.as_str(), one.setting.value.as_str()),
            ("dynos", "3")
        );
        let all = SetOverride::parse("cpu=0.5").expect("valid");
        assert_eq!((all.target, all.setting.value.as_str()), (None, "0.5"));
        for bad in ["dynos", "=3", ".dynos=3", "Heroku.=3"] {
            assert!(SetOverride::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn changed_scenarios_get_folders_of_their_own() {
        assert_eq!(folder_name("api-2016", &[]), "api-2016");
        assert_eq!(
            folder_name(
                "api-2016",
                &["trace-api-sample".into(), "Heroku 2 x Standard-1X.dynos=3".into()]
            ),
            "api-2016+trace-api-sample+Heroku-2-x-Standard-1X.dynos-3"
        );
        let long = vec!["x".repeat(120)];
        let name = folder_name("api-2016", &long);
        assert!(
            name.starts_with("api-2016+1-changes-") && name.len() == 8 + 11 + 16,
            "{name}"
        );
        assert_eq!(name, folder_name("api-2016", &long));
    }
}
