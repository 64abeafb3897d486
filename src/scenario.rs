//! Scenario files: one workload, several deployments, compared.
//!
//! ```toml
//! name = "api-2016"
//! [workload]
//! trace = "traces/api-sample.csv"   # or a [workload.generator] section
//! horizon = "30d"
//! [[deployment]]
//! name = "Lambda 512 MB + API Gateway"
//! platform = "aws-lambda-2016"
//! memory_mb = 512
//! services = ["aws-api-gateway-2016", { book = "dynamodb-2016", reads_per_request = 2 }]
//! ```
//!
//! Any settable key of the deployment's platform may appear in a
//! deployment. The file is read in two steps: serde parses it (unknown keys
//! rejected with their line), then every deployment is resolved against its
//! price book and every problem is reported at once with its line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::montecarlo::uncertain::Uncertainty;
use crate::montecarlo::uncertain_toml;
use crate::platform::Setting;
use crate::pricing;
use crate::simulation::Deployment;
use crate::slo::{RawSlo, Slo};
use crate::sweep::grid::Grid;
use crate::sweep::grid_toml;
use crate::units::{Micros, parse_span};
use crate::workload::{Fill, GeneratorOptions, GeneratorSpec, MAX_HORIZON, default_start};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    seed: Option<Spanned<u64>>,
    workload: RawWorkload,
    #[serde(default)]
    deployment: Vec<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
    slo: Option<Spanned<RawSlo>>,
    /// Read apart by [`grid_toml::resolve`], which needs the spans of
    /// everything inside it.
    sweep: Option<serde::de::IgnoredAny>,
    /// Read apart by [`uncertain_toml::resolve`], as `sweep` is.
    uncertain: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkload {
    trace: Option<Spanned<String>>,
    generator: Option<Spanned<GeneratorOptions>>,
    start: Option<Spanned<String>>,
    horizon: Option<Spanned<String>>,
    #[serde(default)]
    sort: bool,
    fill: Option<Spanned<String>>,
}

/// Where a scenario's requests come from.
#[derive(Debug, Clone)]
pub enum WorkloadSource {
    Trace { path: PathBuf, sort: bool },
    Generator(Box<GeneratorSpec>),
}

/// One deployment of a scenario.
#[derive(Debug, Clone)]
pub struct NamedDeployment {
    pub name: String,
    pub deployment: Deployment,
    /// The settings the scenario gives it, as `KEY=VALUE` (for `compare --set`
    /// to resolve it again with overrides).
    pub settings: Vec<Setting>,
}

impl NamedDeployment {
    /// The index of the deployment `target` names: its exact name, or the one
    /// name it starts (ignoring case).
    pub fn find(deployments: &[NamedDeployment], target: &str) -> std::result::Result<usize, String> {
        if let Some(index) = deployments.iter().position(|named| named.name == target) {
            return Ok(index);
        }
        let wanted = target.to_lowercase();
        let matching: Vec<usize> = (0..deployments.len())
            .filter(|&index| deployments[index].name.to_lowercase().starts_with(&wanted))
            .collect();
        let names = |indices: &mut dyn Iterator<Item = usize>| {
            indices
                .map(|index| format!("`{}`", deployments[index].name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match matching.as_slice() {
            [index] => Ok(*index),
            [] => Err(format!(
                "no deployment is named `{target}` or starts so; the deployments are {}",
                names(&mut (0..deployments.len()))
            )),
            _ => Err(format!(
                "`{target}` starts several deployment names ({}): give more of the name",
                names(&mut matching.iter().copied())
            )),
        }
    }
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub workload: WorkloadSource,
    /// Time 0 of the workload (for traces with relative times and for
    /// generators); none takes the trace's own.
    pub start: Option<DateTime<Utc>>,
    pub horizon: Option<Micros>,
    pub deployments: Vec<NamedDeployment>,
    /// The objectives results are judged by (`[slo]`); none judges them
    /// by the defaults (see [`crate::verdict`]).
    pub slo: Option<Slo>,
    /// Whether the workload is repeated to the horizon (`fill = "repeat"`).
    pub fill: Fill,
    /// The grid `costsim sweep` runs (`[sweep]`); none without one.
    pub sweep: Option<Grid>,
    /// The inputs `compare --replications` draws (`[uncertain]`); none
    /// without the table.
    pub uncertainty: Option<Uncertainty>,
}

struct Problems<'a> {
    source: &'a str,
    found: Vec<(usize, String)>,
}

impl Problems<'_> {
    fn line(&self, offset: usize) -> usize {
        self.source[..offset.min(self.source.len())].matches('\n').count() + 1
    }

    fn add(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line(offset);
        self.found
            .push((line, format!("line {line}: {}", message.into())));
    }
}

/// A TOML value as the text of a `KEY=VALUE` setting.
fn setting_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(number) => Some(number.to_string()),
        toml::Value::Float(number) => Some(number.to_string()),
        toml::Value::Boolean(flag) => Some(flag.to_string()),
        _ => None,
    }
}

impl Scenario {
    /// Reads a scenario; `label` names it in messages and `base` is the
    /// folder relative paths in it start from.
    pub fn from_toml(label: &str, source: &str, base: &Path) -> Result<Self> {
        let raw: RawScenario = toml::from_str(source)
            .map_err(|error| Error::file(label, vec![error.to_string().trim_end().to_owned()]))?;
        let mut problems = Problems {
            source,
            found: Vec::new(),
        };
        let name = raw.name.get_ref().trim().to_owned();
        if name.is_empty() {
            problems.add(raw.name.span().start, "`name`: expected a scenario name");
        }
        let workload = &raw.workload;
        let source_of_requests = resolve_source(workload, base, raw.name.span().end, &mut problems);
        let start = resolve_start(workload, &mut problems);
        let horizon = resolve_horizon(workload, &mut problems);
        let slo = raw
            .slo
            .as_ref()
            .and_then(|table| resolve_slo(table, &mut problems));
        let fill = resolve_fill(workload, horizon.is_some(), &mut problems);
        let sweep = match raw.sweep {
            Some(_) => resolve_sweep(source, &mut problems),
            None => None,
        };
        let uncertainty = match raw.uncertain {
            Some(_) => resolve_uncertainty(source, &source_of_requests, &mut problems),
            None => None,
        };
        if let Some(seed) = raw
            .seed
            .as_ref()
            .filter(|seed| *seed.get_ref() > crate::compare::MAX_SEED)
        {
            problems.add(
                seed.span().start,
                "`seed`: expected a whole number from 0 to 2^53 - 1 (9007199254740991)",
            );
        }
        if raw.deployment.is_empty() {
            problems.add(source.len(), "expected at least one [[deployment]]");
        }
        let mut deployments = Vec::new();
        let mut names = Vec::new();
        for table in &raw.deployment {
            if let Some(deployment) = resolve_deployment(table, &mut problems, &mut names) {
                deployments.push(deployment);
            }
        }
        if !problems.found.is_empty() {
            problems.found.sort_by_key(|(line, _)| *line);
            return Err(Error::file(
                label,
                problems.found.into_iter().map(|(_, message)| message).collect(),
            ));
        }
        let Some(workload) = source_of_requests else {
            return Err(Error::file(label, vec!["no workload".into()]));
        };
        Ok(Scenario {
            name,
            seed: raw.seed.as_ref().map_or(1, |seed| *seed.get_ref()),
            workload,
            start: start.or(match workload_needs_start(&raw.workload) {
                true => Some(default_start()),
                false => None,
            }),
            horizon,
            deployments,
            slo,
            fill,
            sweep,
            uncertainty,
        })
    }

    /// Reads a scenario file.
    pub fn load(path: &Path) -> Result<Self> {
        let source = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&path.display().to_string(), &source, base)
    }

    /// A folder name for the scenario's reports.
    pub fn folder_name(&self) -> String {
        folder_name_of(&self.name)
    }
}

/// A folder name for the reports of the scenario called `name`: characters
/// other than letters, digits, `-`, `_` and `.` become `-`.
pub fn folder_name_of(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(['-', '.']).to_owned();
    if cleaned.is_empty() {
        "scenario".into()
    } else {
        cleaned
    }
}

/// The workload's `fill`: `repeat` needs a horizon to fill and a trace read
/// in arrival order (it is read again for every copy).
/// The trace or the generator of `[workload]`; exactly one must be given
/// (a problem at `missing_at` otherwise).
fn resolve_source(
    workload: &RawWorkload,
    base: &Path,
    missing_at: usize,
    problems: &mut Problems,
) -> Option<WorkloadSource> {
    match (&workload.trace, &workload.generator) {
        (Some(trace), None) => Some(WorkloadSource::Trace {
            path: base.join(trace.get_ref()),
            sort: workload.sort,
        }),
        (None, Some(generator)) => match generator.get_ref().to_spec(base) {
            Ok(spec) => Some(WorkloadSource::Generator(Box::new(spec))),
            Err(found) => {
                for problem in found {
                    problems.add(generator.span().start, format!("[workload.generator] {problem}"));
                }
                None
            }
        },
        _ => {
            problems.add(
                missing_at,
                "[workload]: give either `trace = \"file.csv\"` or a [workload.generator] section",
            );
            None
        }
    }
}

/// `workload.start`, an RFC 3339 timestamp.
fn resolve_start(workload: &RawWorkload, problems: &mut Problems) -> Option<DateTime<Utc>> {
    let text = workload.start.as_ref()?;
    DateTime::parse_from_rfc3339(text.get_ref())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            problems.add(
                text.span().start,
                format!(
                    "`workload.start`: expected an RFC 3339 timestamp, found `{}`",
                    text.get_ref()
                ),
            )
        })
        .ok()
}

/// `workload.horizon`: a span above zero, at most 100 years (as
/// `--horizon` is: a zero horizon would simulate nothing).
fn resolve_horizon(workload: &RawWorkload, problems: &mut Problems) -> Option<Micros> {
    let text = workload.horizon.as_ref()?;
    let span = parse_span(text.get_ref(), "s")
        .map_err(|problem| problems.add(text.span().start, format!("`workload.horizon`: {problem}")))
        .ok()?;
    if span == 0 || span > MAX_HORIZON {
        problems.add(
            text.span().start,
            "`workload.horizon`: expected a span above zero and at most 100 years (36525d)",
        );
        return None;
    }
    Some(span)
}

/// The `[slo]` table, each problem at its objective's line.
fn resolve_slo(table: &Spanned<RawSlo>, problems: &mut Problems) -> Option<Slo> {
    match table.get_ref().validate() {
        Ok(slo) => Some(slo),
        Err(found) => {
            for (offset, problem) in found {
                problems.add(offset.max(table.span().start), problem);
            }
            None
        }
    }
}

/// The `[sweep]` table of the scenario's text, each problem at its line.
fn resolve_sweep(source: &str, problems: &mut Problems) -> Option<Grid> {
    match grid_toml::resolve(source) {
        Ok(grid) => grid,
        Err(found) => {
            for (offset, problem) in found {
                problems.add(offset, problem);
            }
            None
        }
    }
}

fn resolve_uncertainty(
    source: &str,
    workload: &Option<WorkloadSource>,
    problems: &mut Problems,
) -> Option<Uncertainty> {
    let generator = matches!(workload, Some(WorkloadSource::Generator(_)));
    match uncertain_toml::resolve(source, generator) {
        Ok(uncertainty) => uncertainty,
        Err(found) => {
            for (offset, problem) in found {
                problems.add(offset, problem);
            }
            None
        }
    }
}

fn resolve_fill(workload: &RawWorkload, has_horizon: bool, problems: &mut Problems) -> Fill {
    let Some(text) = &workload.fill else {
        return Fill::None;
    };
    let at = text.span().start;
    match Fill::parse(text.get_ref()) {
        Ok(Fill::Repeat) if !has_horizon => {
            problems.add(
                at,
                "`workload.fill`: `repeat` needs a `horizon` to fill, e.g. horizon = \"30d\"",
            );
            Fill::None
        }
        Ok(Fill::Repeat) if workload.sort => {
            problems.add(
                at,
                "`workload.fill`: `repeat` reads the trace again for every copy, in arrival order, and cannot be combined with `sort = true` (sort the trace once with `costsim trace import --from csv FILE --sort`)",
            );
            Fill::None
        }
        Ok(fill) => fill,
        Err(problem) => {
            problems.add(at, format!("`workload.fill`: {problem}"));
            Fill::None
        }
    }
}

fn workload_needs_start(workload: &RawWorkload) -> bool {
    workload.generator.is_some()
}

type DeploymentTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// What a `[[deployment]]` table says besides its name and platform: its
/// settings, its services, and where each key stands (for messages).
struct DeploymentEntries {
    settings: Vec<Setting>,
    /// Service book ids with their settings (`{ book = …, KEY = VALUE }`).
    services: Vec<(String, Vec<Setting>)>,
    key_offsets: Vec<(String, usize)>,
}

impl DeploymentEntries {
    fn offset_of(&self, key: &str, fallback: usize) -> usize {
        self.key_offsets
            .iter()
            .find(|(name, _)| name == key)
            .map_or(fallback, |(_, offset)| *offset)
    }
}

/// The string value of `key` with the offset of the key, if present.
fn text_entry(entries: &DeploymentTable, key: &str) -> Option<(usize, Option<String>)> {
    entries
        .iter()
        .find(|(name, _)| name.get_ref() == key)
        .map(|(name, value)| (name.span().start, value.get_ref().as_str().map(str::to_owned)))
}

fn resolve_deployment(
    table: &Spanned<DeploymentTable>,
    problems: &mut Problems,
    names: &mut Vec<String>,
) -> Option<NamedDeployment> {
    let at = table.span().start;
    let entries = table.get_ref();
    let name = deployment_name(entries, at, problems)?;
    if names.contains(&name) {
        problems.add(at, format!("[[deployment]] `{name}`: the name is used twice"));
    }
    names.push(name.clone());
    let (platform_offset, platform) = match text_entry(entries, "platform") {
        Some((offset, Some(platform))) => (offset, platform),
        Some((offset, None)) => {
            problems.add(
                offset,
                format!("deployment `{name}`: `platform`: expected a price book id or path"),
            );
            return None;
        }
        None => {
            problems.add(at, format!("deployment `{name}`: missing `platform`"));
            return None;
        }
    };
    let found = deployment_entries(entries, &name, problems);
    let book = match pricing::resolve(&platform) {
        Ok(book) => book,
        Err(error) => {
            problems.add(
                platform_offset,
                format!("deployment `{name}`: `platform`: {error}"),
            );
            return None;
        }
    };
    let services_offset = found.offset_of("services", at);
    let mut service_books = Vec::new();
    for (service, settings) in &found.services {
        match pricing::resolve(service) {
            Ok(book) => service_books.push((book, settings.clone())),
            Err(error) => problems.add(
                services_offset,
                format!("deployment `{name}`: `services`: {error}"),
            ),
        }
    }
    let deployment = match Deployment::resolve(book, &found.settings) {
        Ok(deployment) => deployment,
        Err(Error::Settings(settings_problems)) => {
            for problem in settings_problems.iter() {
                let offset = problem.key.as_deref().map_or(at, |key| found.offset_of(key, at));
                problems.add(offset, format!("deployment `{name}`: {}", problem.message));
            }
            return None;
        }
        Err(error) => {
            problems.add(platform_offset, format!("deployment `{name}`: {error}"));
            return None;
        }
    };
    match deployment.with_configured_services(service_books) {
        Ok(deployment) => Some(NamedDeployment {
            name,
            deployment,
            settings: found.settings,
        }),
        Err(error) => {
            problems.add(
                services_offset,
                format!("deployment `{name}`: `services`: {error}"),
            );
            None
        }
    }
}

/// The deployment's non-empty `name`, or a problem.
fn deployment_name(entries: &DeploymentTable, at: usize, problems: &mut Problems) -> Option<String> {
    match text_entry(entries, "name") {
        Some((_, Some(name))) if !name.trim().is_empty() => Some(name),
        Some((offset, _)) => {
            problems.add(offset, "[[deployment]] `name`: expected a non-empty string");
            None
        }
        None => {
            problems.add(at, "[[deployment]]: missing `name`");
            None
        }
    }
}

/// Every key of a deployment but its name and platform: `services`, and
/// settings as `KEY=VALUE` text.
fn deployment_entries(entries: &DeploymentTable, name: &str, problems: &mut Problems) -> DeploymentEntries {
    let mut found = DeploymentEntries {
        settings: Vec::new(),
        services: Vec::new(),
        key_offsets: Vec::new(),
    };
    for (key, value) in entries {
        let key_name = key.get_ref().as_str();
        found.key_offsets.push((key_name.to_owned(), key.span().start));
        match key_name {
            "name" | "platform" => {}
            "services" => match value.get_ref().as_array().map(|list| service_entries(list)) {
                Some(Some(services)) => found.services.extend(services),
                _ => problems.add(
                    key.span().start,
                    format!(
                        "deployment `{name}`: `services`: expected a list of price book ids or tables like {{ book = \"dynamodb-2025\", reads_per_request = 2 }}"
                    ),
                ),
            },
            _ => match setting_text(value.get_ref()) {
                Some(text) => found.settings.push(Setting {
                    key: key_name.to_owned(),
                    value: text,
                }),
                None => problems.add(
                    key.span().start,
                    format!("deployment `{name}`: `{key_name}`: expected a string, number or true/false"),
                ),
            },
        }
    }
    found
}

/// `services` entries: ids, or tables with a `book` and its settings;
/// none when an entry is neither.
fn service_entries(list: &[toml::Value]) -> Option<Vec<(String, Vec<Setting>)>> {
    list.iter()
        .map(|item| match item {
            toml::Value::String(id) => Some((id.clone(), Vec::new())),
            toml::Value::Table(table) => {
                let id = table.get("book")?.as_str()?.to_owned();
                let settings = table
                    .iter()
                    .filter(|(key, _)| key.as_str() != "book")
                    .map(|(key, value)| {
                        setting_text(value).map(|text| Setting {
                            key: key.clone(),
                            value: text,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some((id, settings))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name = "demo"
[workload]
trace = "t.csv"
horizon = "1d"

[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
memory_mb = 512
services = ["aws-api-gateway-2016"]

[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dynos = 2
"#;

    #[test]
    fn a_good_scenario_resolves_every_deployment() {
        let scenario = Scenario::from_toml("s.toml", GOOD, Path::new("base")).expect("valid");
        assert_eq!(scenario.name, "demo");
        assert_eq!(scenario.deployments.len(), 2);
        assert_eq!(scenario.deployments[0].deployment.services.len(), 1);
        assert_eq!(scenario.horizon, Some(86_400_000_000));
        assert!(
            matches!(&scenario.workload, WorkloadSource::Trace { path, .. } if path == Path::new("base/t.csv"))
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let bad = GOOD
            .replace("memory_mb = 512", "memory_mb = 500")
            .replace("dynos = 2", "dynos = 2\nwarmth = 3")
            .replace("\"aws-api-gateway-2016\"", "\"aws-api-gateway-1999\"")
            .replace("horizon = \"1d\"", "horizon = \"soon\"");
        let error = Scenario::from_toml("s.toml", &bad, Path::new(".")).expect_err("four problems");
        let text = error.to_string();
        assert!(text.contains("s.toml: line 4: `workload.horizon`"), "{text}");
        let zero = GOOD.replace("horizon = \"1d\"", "horizon = \"0s\"");
        let error = Scenario::from_toml("s.toml", &zero, Path::new("base")).expect_err("zero horizon");
        assert!(
            error.to_string().contains(
                "s.toml: line 4: `workload.horizon`: expected a span above zero and at most 100 years"
            ),
            "{error}"
        );
        assert!(
            text.contains("s.toml: line 9: deployment `Lambda`: setting `memory_mb`"),
            "{text}"
        );
        assert!(
            text.contains(
                "s.toml: line 10: deployment `Lambda`: `services`: unknown platform `aws-api-gateway-1999`"
            ),
            "{text}"
        );
        assert!(
            text.contains("s.toml: line 16: deployment `Heroku`: unknown setting `warmth`"),
            "{text}"
        );
    }

    #[test]
    fn services_take_their_counts_in_a_table() {
        let with_counts = GOOD.replace(
            "services = [\"aws-api-gateway-2016\"]",
            "services = [\"aws-api-gateway-2016\", { book = \"dynamodb-2025\", reads_per_request = 2, storage_gb = 30 }]",
        );
        let scenario = Scenario::from_toml("s.toml", &with_counts, Path::new(".")).expect("valid");
        let lambda = &scenario.deployments[0].deployment;
        assert_eq!(lambda.services.len(), 2);
        let dynamodb = &lambda.service_settings[1];
        assert_eq!(dynamodb.storage_gb, pricing::Decimal::from(30));
        assert_eq!(
            dynamodb.per_request.values().copied().collect::<Vec<_>>(),
            [pricing::Decimal::from(2), pricing::Decimal::ONE]
        );
        let wrong = with_counts.replace("reads_per_request", "gets_per_request");
        let error = Scenario::from_toml("s.toml", &wrong, Path::new(".")).expect_err("unknown key");
        assert!(
            error.to_string().contains(
                "line 10: deployment `Lambda`: `services`: dynamodb-2025: `gets_per_request`: unknown for DynamoDB; expected one of reads_per_request, writes_per_request, storage_gb"
            ),
            "{error}"
        );
    }

    #[test]
    fn slo_and_fill_are_read_and_checked_with_their_lines() {
        let with = GOOD.replace("horizon = \"1d\"", "horizon = \"1d\"\nfill = \"repeat\"")
            + "\n[slo]\np99_ms = 1000\nmax_failed_fraction = 0.001\n";
        let scenario = Scenario::from_toml("s.toml", &with, Path::new(".")).expect("valid");
        assert_eq!(scenario.fill, Fill::Repeat);
        assert_eq!(
            scenario.slo.map(|slo| slo.describe()).as_deref(),
            Some("p99 ≤ 1 s, failed ≤ 0.1%")
        );
        let bad = GOOD.replace("horizon = \"1d\"", "fill = \"repeat\"") + "\n[slo]\np99_ms = \"fast\"\n";
        let error = Scenario::from_toml("s.toml", &bad, Path::new(".")).expect_err("a string limit");
        assert!(
            error
                .to_string()
                .contains("invalid type: string \"fast\", expected f64"),
            "{error}"
        );
        let bad = GOOD.replace("horizon = \"1d\"", "fill = \"repeat\"") + "\n[slo]\np95_ms = -1\n";
        let text = Scenario::from_toml("s.toml", &bad, Path::new("."))
            .expect_err("two problems")
            .to_string();
        assert!(
            text.contains("s.toml: line 4: `workload.fill`: `repeat` needs a `horizon`"),
            "{text}"
        );
        assert!(
            text.contains("s.toml: line 18: `slo.p95_ms`: expected milliseconds"),
            "{text}"
        );
        let empty = GOOD.to_owned() + "\n[slo]\n";
        let text = Scenario::from_toml("s.toml", &empty, Path::new("."))
            .expect_err("empty")
            .to_string();
        assert!(
            text.contains("s.toml: line 17: [slo]: expected at least one objective"),
            "{text}"
        );
    }

    #[test]
    fn unknown_top_level_keys_are_rejected() {
        let error = Scenario::from_toml("s.toml", &format!("colour = 1\n{GOOD}"), Path::new("."))
            .expect_err("bad key");
        assert!(error.to_string().contains("unknown field `colour`"), "{error}");
    }

    #[test]
    fn folder_names_are_safe() {
        let mut scenario = Scenario::from_toml("s.toml", GOOD, Path::new(".")).expect("valid");
        scenario.name = "API 2016 / cheap?".into();
        assert_eq!(scenario.folder_name(), "API-2016---cheap");
    }
}
