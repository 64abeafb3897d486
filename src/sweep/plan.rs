//! Turns each point of a grid into what runs there: the deployments with
//! the point's settings and price books, its seed, and its workload (the
//! generator with parameters changed, the traffic scaled). Every point is
//! resolved before anything runs and every problem is reported at once,
//! naming the point, so a sweep never fails half way through a bad grid.
//!
//! A parameter's name says what it changes: `traffic`, `seed`, `platform`
//! (the book of every deployment of that book's model), `NAME.platform`,
//! `generator.KEY`, `duration_scale` (every request's duration times a
//! factor, the work per request, for every deployment), a setting `KEY`
//! (every deployment that takes it) or `NAME.KEY` (one deployment). `seed`
//! is the scenario's base seed at that point: the deployments' own draws
//! and the traffic scaling's; sweep `generator.seed` to draw another
//! workload.

use std::collections::HashMap;
use std::sync::Arc;

use super::outcome::describe_values;
use super::point::Point;
use crate::compare::MAX_SEED;
use crate::error::{Error, Result};
use crate::platform::speed::DurationScale;
use crate::platform::{Setting, model_for};
use crate::pricing::{PriceBook, resolve as resolve_book};
use crate::scenario::{NamedDeployment, Scenario, WorkloadSource};
use crate::workload::GeneratorSpec;
use crate::workload::resample::DayIndex;
use crate::workload::traffic::TrafficFactor;

/// The largest `duration_scale`: a request a thousand times longer.
const MAX_DURATION_SCALE: f64 = 1000.0;

/// Most problems listed before the rest are counted.
const MAX_PROBLEMS_SHOWN: usize = 20;

/// What runs at one point.
#[derive(Debug, Clone)]
pub struct PointPlan {
    pub point: Point,
    /// The base seed of the deployments' draws at this point.
    pub seed: u64,
    /// The generator to run instead of the scenario's (parameters changed,
    /// traffic scaled); none runs the scenario's workload.
    pub generator: Option<GeneratorSpec>,
    /// How a trace's traffic is scaled; none reads it as it is.
    pub trace_traffic: Option<TrafficFactor>,
    /// The seed of a trace's days drawn with replacement (a Monte Carlo
    /// replication's); none reads the days in order.
    pub resample: Option<u64>,
    /// The trace's days indexed once for every resampled point; none
    /// indexes them at each read.
    pub day_index: Option<Arc<DayIndex>>,
    /// Every request's duration scaled (`duration_scale`), as each
    /// deployment reads it: points that differ only in it share a read.
    pub duration_scale: DurationScale,
    pub deployments: Vec<NamedDeployment>,
}

impl PointPlan {
    /// What the point's workload is, for grouping points that can share one
    /// read: the generator's changes, the traffic and (when the traffic is
    /// thinned or copied) the seed that draws it.
    pub fn workload_key(&self) -> String {
        let changes: Vec<String> = self
            .point
            .values
            .iter()
            .filter(|param| matches!(Param::of(&param.name), Param::Traffic | Param::Generator(_)))
            .map(|param| format!("{}={:?}", param.name, param.value))
            .collect();
        let seed = self.trace_traffic.as_ref().map(|_| self.seed);
        format!("{changes:?} {seed:?} {:?}", self.resample)
    }
}

/// What a parameter's name changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param<'a> {
    Traffic,
    DurationScale,
    Seed,
    /// The price book of one deployment, or of every deployment of its model.
    Platform(Option<&'a str>),
    Generator(&'a str),
    /// A setting of one deployment, or of every deployment that takes it.
    Setting(Option<&'a str>, &'a str),
}

impl<'a> Param<'a> {
    fn of(name: &'a str) -> Self {
        match name {
            "traffic" => return Param::Traffic,
            "duration_scale" => return Param::DurationScale,
            "seed" => return Param::Seed,
            "platform" => return Param::Platform(None),
            _ => {}
        }
        if let Some(key) = name.strip_prefix("generator.") {
            return Param::Generator(key);
        }
        match name.rsplit_once('.') {
            Some((target, "platform")) => Param::Platform(Some(target)),
            Some((target, key)) => Param::Setting(Some(target), key),
            None => Param::Setting(None, name),
        }
    }
}

/// Resolves every point, or reports every problem (bad usage).
pub fn plan(scenario: &Scenario, points: Vec<Point>) -> Result<Vec<PointPlan>> {
    let mut books = BookCache::default();
    let mut plans = Vec::with_capacity(points.len());
    let mut problems = Vec::new();
    for point in points {
        match plan_point(scenario, &point, &mut books) {
            Ok(plan) => plans.push(plan),
            Err(found) => problems.extend(
                found
                    .into_iter()
                    .map(|problem| format!("point {} ({}): {problem}", point.index, describe(&point))),
            ),
        }
    }
    if problems.is_empty() {
        return Ok(plans);
    }
    let more = problems.len().saturating_sub(MAX_PROBLEMS_SHOWN);
    problems.truncate(MAX_PROBLEMS_SHOWN);
    if more > 0 {
        problems.push(format!("… and {more} more problems"));
    }
    Err(Error::usage(problems.join("\n")))
}

/// The values `point` sets, in words.
pub fn describe(point: &Point) -> String {
    describe_values(&point.values)
}

/// The changes one point makes, sorted by what they change.
#[derive(Default)]
struct Changes<'a> {
    seed: Option<u64>,
    duration_scale: Option<DurationScale>,
    traffic: Option<TrafficFactor>,
    generator: Vec<(&'a str, &'a str)>,
    platforms: Vec<(Option<&'a str>, &'a str)>,
    settings: Vec<(Option<&'a str>, Setting)>,
}

fn plan_point(
    scenario: &Scenario,
    point: &Point,
    books: &mut BookCache,
) -> std::result::Result<PointPlan, Vec<String>> {
    let mut problems = Vec::new();
    let changes = sort_changes(point, &mut problems);
    let (generator, trace_traffic) = workload_of(scenario, &changes, &mut problems);
    let deployments = deployments_of(scenario, &changes, books, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PointPlan {
        point: point.clone(),
        seed: changes.seed.unwrap_or(scenario.seed),
        generator,
        trace_traffic,
        resample: None,
        day_index: None,
        duration_scale: changes.duration_scale.unwrap_or(DurationScale::UNCHANGED),
        deployments,
    })
}

fn sort_changes<'a>(point: &'a Point, problems: &mut Vec<String>) -> Changes<'a> {
    let mut changes = Changes::default();
    for param in &point.values {
        let Some(value) = param.value.as_deref() else {
            continue;
        };
        match Param::of(&param.name) {
            Param::Traffic => match TrafficFactor::parse(value) {
                Ok(factor) => changes.traffic = Some(factor),
                Err(problem) => problems.push(format!("traffic: {problem}")),
            },
            Param::DurationScale => match value.parse::<f64>() {
                Ok(factor) if factor.is_finite() && factor > 0.0 && factor <= MAX_DURATION_SCALE => {
                    changes.duration_scale = Some(DurationScale::of(factor));
                }
                _ => problems.push(format!(
                    "duration_scale: expected a factor above 0 and at most {MAX_DURATION_SCALE} \
                     (every request's duration times it, e.g. 1.5), found `{value}`"
                )),
            },
            Param::Seed => match value.parse::<u64>() {
                Ok(seed) if seed <= MAX_SEED => changes.seed = Some(seed),
                _ => problems.push(format!(
                    "seed: expected a whole number from 0 to 2^53 - 1, found `{value}`"
                )),
            },
            Param::Generator(key) => changes.generator.push((key, value)),
            Param::Platform(target) => changes.platforms.push((target, value)),
            Param::Setting(target, key) => changes.settings.push((
                target,
                Setting {
                    key: key.to_owned(),
                    value: value.to_owned(),
                },
            )),
        }
    }
    changes
}

/// The point's generator (parameters changed, traffic scaled) or, for a
/// trace, how its traffic is scaled.
fn workload_of(
    scenario: &Scenario,
    changes: &Changes,
    problems: &mut Vec<String>,
) -> (Option<GeneratorSpec>, Option<TrafficFactor>) {
    let traffic = changes.traffic.filter(|factor| !factor.is_one());
    let spec = match &scenario.workload {
        WorkloadSource::Generator(spec) => spec,
        WorkloadSource::Trace { .. } => {
            for (key, _) in &changes.generator {
                problems.push(format!(
                    "generator.{key}: the scenario's workload is a trace, not a [workload.generator]"
                ));
            }
            return (None, traffic);
        }
    };
    if changes.generator.is_empty() && traffic.is_none() {
        return (None, None);
    }
    let mut changed: GeneratorSpec = (**spec).clone();
    for (key, value) in &changes.generator {
        match changed.with_parameter(key, value) {
            Ok(spec) => changed = spec,
            Err(problem) => problems.push(format!("generator.{key}: {problem}")),
        }
    }
    if let Some(factor) = &traffic {
        match changed.scaled(factor) {
            Ok(spec) => changed = spec,
            Err(problem) => problems.push(format!("traffic: {problem}")),
        }
    }
    (Some(changed), None)
}

/// The scenario's deployments with the point's books, then its settings.
fn deployments_of(
    scenario: &Scenario,
    changes: &Changes,
    books: &mut BookCache,
    problems: &mut Vec<String>,
) -> Vec<NamedDeployment> {
    let deployments = &scenario.deployments;
    let mut chosen: Vec<Option<PriceBook>> = vec![None; deployments.len()];
    for (target, id) in &changes.platforms {
        let book = match books.get(id) {
            Ok(book) => book,
            Err(problem) => {
                problems.push(format!("{}: {problem}", platform_name(*target)));
                continue;
            }
        };
        match platform_takers(deployments, *target, &book) {
            Ok(takers) => takers
                .into_iter()
                .for_each(|index| chosen[index] = Some(book.clone())),
            Err(problem) => problems.push(format!("{}: {problem}", platform_name(*target))),
        }
    }
    let mut extra: Vec<Vec<Setting>> = vec![Vec::new(); deployments.len()];
    for (target, setting) in &changes.settings {
        let takers = match target {
            Some(target) => NamedDeployment::find(deployments, target).map(|index| vec![index]),
            None => setting_takers(deployments, &setting.key),
        };
        match takers {
            Ok(takers) => takers
                .into_iter()
                .for_each(|index| extra[index].push(setting.clone())),
            Err(problem) => problems.push(format!("{}: {problem}", setting_name(*target, &setting.key))),
        }
    }
    deployments
        .iter()
        .zip(chosen.into_iter().zip(extra))
        .map(|(named, (book, extra))| rebuilt(named, book, extra, problems))
        .collect()
}

fn platform_name(target: Option<&str>) -> String {
    target.map_or_else(|| "platform".to_owned(), |target| format!("{target}.platform"))
}

fn setting_name(target: Option<&str>, key: &str) -> String {
    target.map_or_else(|| key.to_owned(), |target| format!("{target}.{key}"))
}

/// The deployments a `platform` value applies to: the one named, which
/// must be of the book's model, or every deployment of the book's model.
fn platform_takers(
    deployments: &[NamedDeployment],
    target: Option<&str>,
    book: &PriceBook,
) -> std::result::Result<Vec<usize>, String> {
    if model_for(book).is_none() {
        return Err(format!("{} is a service, not a platform", book.id));
    }
    // One model runs each family of offerings.
    let family = book.offering.family();
    let same_model = |named: &NamedDeployment| named.deployment.book.offering.family() == family;
    match target {
        Some(target) => {
            let index = NamedDeployment::find(deployments, target)?;
            if same_model(&deployments[index]) {
                Ok(vec![index])
            } else {
                Err(format!(
                    "{} is a {} price book and `{}` runs {}, a {} book: a platform dimension swaps books of one model",
                    book.id,
                    book.offering.family(),
                    deployments[index].name,
                    deployments[index].deployment.book.id,
                    deployments[index].deployment.book.offering.family()
                ))
            }
        }
        None => {
            let takers: Vec<usize> = (0..deployments.len())
                .filter(|&index| same_model(&deployments[index]))
                .collect();
            if takers.is_empty() {
                Err(format!(
                    "no deployment runs a {} price book like {}",
                    book.offering.family(),
                    book.id
                ))
            } else {
                Ok(takers)
            }
        }
    }
}

fn setting_takers(deployments: &[NamedDeployment], key: &str) -> std::result::Result<Vec<usize>, String> {
    let takers: Vec<usize> = (0..deployments.len())
        .filter(|&index| deployments[index].deployment.takes(key))
        .collect();
    if takers.is_empty() {
        Err(format!(
            "no deployment's platform takes `{key}` (`costsim pricing show ID` lists each platform's keys)"
        ))
    } else {
        Ok(takers)
    }
}

/// `named` under `book` (if the point swaps it) with `extra` settings
/// replacing its own of the same keys.
fn rebuilt(
    named: &NamedDeployment,
    book: Option<PriceBook>,
    extra: Vec<Setting>,
    problems: &mut Vec<String>,
) -> NamedDeployment {
    if book.is_none() && extra.is_empty() {
        return named.clone();
    }
    let mut settings = named.settings.clone();
    for setting in extra {
        settings.retain(|own| own.key != setting.key);
        settings.push(setting);
    }
    let book = book.unwrap_or_else(|| named.deployment.book.clone());
    match named.deployment.rebuilt(book, &settings) {
        Ok(deployment) => NamedDeployment {
            name: named.name.clone(),
            deployment,
            settings,
        },
        Err(error) => {
            let messages = match error {
                Error::Settings(found) => found.iter().map(|problem| problem.message.clone()).collect(),
                other => vec![other.to_string()],
            };
            problems.extend(
                messages
                    .into_iter()
                    .map(|message| format!("deployment `{}`: {message}", named.name)),
            );
            named.clone()
        }
    }
}

/// Price books by the text a point gives, each looked up once.
#[derive(Default)]
struct BookCache {
    found: HashMap<String, std::result::Result<PriceBook, String>>,
}

impl BookCache {
    fn get(&mut self, id: &str) -> std::result::Result<PriceBook, String> {
        self.found
            .entry(id.to_owned())
            .or_insert_with(|| resolve_book(id).map_err(|error| error.to_string()))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::Param;

    #[test]
    fn names_say_what_they_change() {
        assert_eq!(Param::of("traffic"), Param::Traffic);
        assert_eq!(Param::of("seed"), Param::Seed);
        assert_eq!(Param::of("platform"), Param::Platform(None));
        assert_eq!(Param::of("Lambda.platform"), Param::Platform(Some("Lambda")));
        assert_eq!(Param::of("generator.rate"), Param::Generator("rate"));
        assert_eq!(Param::of("memory_mb"), Param::Setting(None, "memory_mb"));
        assert_eq!(
            Param::of("Heroku 2 x Standard-1X.dynos"),
            Param::Setting(Some("Heroku 2 x Standard-1X"), "dynos")
        );
    }
}
