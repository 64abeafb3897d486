//! A sweep's grid: its dimensions (a parameter name and its values), zip
//! groups of dimensions that move together, and single points included or
//! excluded, from the command line (`--param NAME=VALUES`, `--zip A,B`,
//! `--include A=v,B=w`, `--exclude A=v`) or a scenario's `[sweep]` table.
//!
//! Points come in a fixed order: the Cartesian product of the dimensions
//! with the LAST dimension varying fastest (nested loops, the first
//! dimension outermost); a zip group counts as one dimension, at the
//! position of its first listed member, stepping through its members'
//! values side by side; `exclude` removes the product points that match all
//! its values; `include` points follow the product, in the order given,
//! setting the dimensions they name and leaving the others as the scenario
//! has them. Every point's id derives from its values
//! ([`super::point_id`]). Every problem of a grid is reported at once.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::outcome::ParamValue;
use super::point::Point;
use super::point_id::point_id;
use super::values::{parse_values, single_value};
use crate::error::{Error, Result};

/// The most points a grid may have.
pub const MAX_POINTS: usize = 1_000_000;

/// A swept parameter and its values, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub values: Vec<String>,
}

/// A parameter set to one value (in an included or excluded point).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub name: String,
    pub value: String,
}

/// A sweep's grid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub dimensions: Vec<Dimension>,
    /// Groups of dimension names whose values are taken side by side.
    pub zip: Vec<Vec<String>>,
    /// Points added after the product.
    pub include: Vec<Vec<Assignment>>,
    /// Product points removed: those matching every assignment of one.
    pub exclude: Vec<Vec<Assignment>>,
}

/// The part of a grid a problem is about, so a scenario can give its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Whole,
    Dimension(usize),
    Zip(usize),
    Include(usize),
    Exclude(usize),
}

/// A problem with a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridProblem {
    pub part: Part,
    pub message: String,
}

impl Part {
    /// Whether the problem stops the product being formed at all.
    fn is_about_the_product(self) -> bool {
        matches!(self, Part::Whole | Part::Dimension(_) | Part::Zip(_))
    }
}

impl GridProblem {
    fn new(part: Part, message: impl Into<String>) -> Self {
        GridProblem {
            part,
            message: message.into(),
        }
    }
}

impl Grid {
    /// The grid the command line gives; every problem at once.
    pub fn from_flags(
        params: &[String],
        zips: &[String],
        includes: &[String],
        excludes: &[String],
    ) -> Result<Grid> {
        let mut problems = Vec::new();
        let mut grid = Grid::default();
        for text in params {
            match dimension_flag(text) {
                Ok(dimension) if grid.dimensions.iter().any(|seen| seen.name == dimension.name) => {
                    problems.push(format!(
                        "--param `{}` is given twice: expected each parameter once, with all its values",
                        dimension.name
                    ));
                }
                Ok(dimension) => grid.dimensions.push(dimension),
                Err(problem) => problems.push(format!("--param `{text}`: {problem}")),
            }
        }
        for text in zips {
            match zip_flag(text) {
                Ok(group) => grid.zip.push(group),
                Err(problem) => problems.push(format!("--zip `{text}`: {problem}")),
            }
        }
        for (flag, texts, found) in [
            ("--include", includes, &mut grid.include),
            ("--exclude", excludes, &mut grid.exclude),
        ] {
            for text in texts {
                match assignments_flag(text) {
                    Ok(point) => found.push(point),
                    Err(problem) => problems.push(format!("{flag} `{text}`: {problem}")),
                }
            }
        }
        match problems.is_empty() {
            true => Ok(grid),
            false => Err(Error::usage(problems.join("\n"))),
        }
    }

    /// This grid with `flags` laid over it: a flag's dimension replaces the
    /// dimension of the same name in place, other dimensions are appended;
    /// zip groups, included and excluded points are added.
    pub fn overlaid(mut self, flags: Grid) -> Grid {
        for dimension in flags.dimensions {
            match self
                .dimensions
                .iter_mut()
                .find(|seen| seen.name == dimension.name)
            {
                Some(seen) => *seen = dimension,
                None => self.dimensions.push(dimension),
            }
        }
        self.zip.extend(flags.zip);
        self.include.extend(flags.include);
        self.exclude.extend(flags.exclude);
        self
    }

    /// Whether nothing at all is given (no dimensions, zip groups, included
    /// or excluded points).
    pub fn is_empty(&self) -> bool {
        self.dimensions.is_empty()
            && self.zip.is_empty()
            && self.include.is_empty()
            && self.exclude.is_empty()
    }

    /// The grid's points in grid order; every problem at once.
    pub fn points(&self) -> std::result::Result<Vec<Point>, Vec<String>> {
        self.expand()
            .map_err(|problems| problems.into_iter().map(|problem| problem.message).collect())
    }

    /// The grid's points in grid order, or every problem with the part of
    /// the grid it is about.
    pub fn expand(&self) -> std::result::Result<Vec<Point>, Vec<GridProblem>> {
        let mut problems = self.shape_problems();
        if problems.iter().any(|problem| problem.part.is_about_the_product()) {
            return Err(problems);
        }
        let sound = |part: fn(usize) -> Part, count: usize| -> Vec<usize> {
            (0..count)
                .filter(|index| problems.iter().all(|problem| problem.part != part(*index)))
                .collect()
        };
        let excludes = sound(Part::Exclude, self.exclude.len());
        let includes = sound(Part::Include, self.include.len());
        let (mut points, hits) = self.product(&excludes);
        for (index, hits) in excludes.iter().zip(hits) {
            if hits == 0 {
                problems.push(GridProblem::new(
                    Part::Exclude(*index),
                    format!(
                        "exclude `{}` matches no point of the grid: is a name or value mistyped?",
                        assignments_text(&self.exclude[*index])
                    ),
                ));
            }
        }
        let product_length = points.len();
        points.extend(includes.iter().map(|index| self.included(&self.include[*index])));
        if points.is_empty() && problems.is_empty() {
            problems.push(GridProblem::new(
                Part::Whole,
                "every point of the grid is excluded: nothing to sweep",
            ));
        }
        let points = self.identified(points, product_length, &includes, &mut problems);
        match problems.is_empty() {
            true => Ok(points),
            false => Err(problems),
        }
    }

    /// The grid as the manifest carries it: the same shape as its serde
    /// form (`dimensions` with `name` and `values`, `zip`, `include` and
    /// `exclude` as lists of `name`/`value` pairs), in the grid's order.
    pub fn to_json(&self) -> Value {
        let texts = |items: &[String]| Value::Array(items.iter().cloned().map(Value::String).collect());
        let points = |points: &[Vec<Assignment>]| {
            Value::Array(
                points
                    .iter()
                    .map(|point| {
                        Value::Array(
                            point
                                .iter()
                                .map(|assignment| {
                                    serde_json::json!({ "name": assignment.name, "value": assignment.value })
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            )
        };
        let dimensions = self
            .dimensions
            .iter()
            .map(
                |dimension| serde_json::json!({ "name": dimension.name, "values": texts(&dimension.values) }),
            )
            .collect();
        serde_json::json!({
            "dimensions": Value::Array(dimensions),
            "zip": Value::Array(self.zip.iter().map(|group| texts(group)).collect()),
            "include": points(&self.include),
            "exclude": points(&self.exclude),
        })
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.dimensions
            .iter()
            .position(|dimension| dimension.name == name)
    }

    /// Problems found before expanding: names, zip groups, included and
    /// excluded points, and the number of points.
    fn shape_problems(&self) -> Vec<GridProblem> {
        let mut problems = Vec::new();
        if self.dimensions.is_empty() && self.include.is_empty() {
            problems.push(GridProblem::new(
                Part::Whole,
                "the grid is empty: expected at least one dimension (`--param NAME=VALUES` or a key of [sweep])",
            ));
        }
        self.dimension_problems(&mut problems);
        self.zip_problems(&mut problems);
        for (kind, points) in [("include", &self.include), ("exclude", &self.exclude)] {
            for (index, point) in points.iter().enumerate() {
                let part = match kind {
                    "include" => Part::Include(index),
                    _ => Part::Exclude(index),
                };
                for message in self.point_problems(kind, point) {
                    problems.push(GridProblem::new(part, message));
                }
            }
        }
        if !problems.iter().any(|problem| problem.part.is_about_the_product()) {
            self.count_problem(&mut problems);
        }
        problems
    }

    fn dimension_problems(&self, problems: &mut Vec<GridProblem>) {
        let mut names = HashSet::new();
        for (index, dimension) in self.dimensions.iter().enumerate() {
            let name = &dimension.name;
            let mut problem =
                |message: String| problems.push(GridProblem::new(Part::Dimension(index), message));
            if name.trim().is_empty() {
                problem("expected a parameter name, found an empty one".into());
            }
            if !names.insert(name.as_str()) {
                problem(format!(
                    "dimension `{name}` is given twice: expected each parameter once"
                ));
            }
            if dimension.values.is_empty() {
                problem(format!("dimension `{name}`: expected at least one value"));
            }
            let mut values = HashSet::new();
            for value in &dimension.values {
                if !values.insert(value.as_str()) {
                    problem(format!(
                        "dimension `{name}`: the value `{value}` appears twice: expected each value once"
                    ));
                }
            }
        }
    }

    fn zip_problems(&self, problems: &mut Vec<GridProblem>) {
        let mut zipped: HashMap<&str, usize> = HashMap::new();
        for (index, group) in self.zip.iter().enumerate() {
            let text = group.join(",");
            let mut messages = Vec::new();
            if group.len() < 2 {
                messages.push(format!(
                    "zip `{text}`: expected two or more dimensions that move together, e.g. `memory_mb,cpu`"
                ));
            }
            let mut lengths = Vec::new();
            for (position, name) in group.iter().enumerate() {
                if group[..position].contains(name) {
                    messages.push(format!("zip `{text}`: `{name}` is named twice"));
                    continue;
                }
                match self.position(name) {
                    Some(found) => {
                        lengths.push(format!("{name} has {}", self.dimensions[found].values.len()))
                    }
                    None => messages.push(format!("zip `{text}`: `{name}` {}", self.not_a_dimension())),
                }
                match zipped.get(name.as_str()) {
                    Some(other) => messages.push(format!(
                        "zip `{text}`: `{name}` is already zipped in `{}`: expected each dimension in one zip group at most",
                        self.zip[*other].join(",")
                    )),
                    None => {
                        zipped.insert(name, index);
                    }
                }
            }
            let sizes: HashSet<usize> = group
                .iter()
                .filter_map(|name| self.position(name))
                .map(|found| self.dimensions[found].values.len())
                .collect();
            if sizes.len() > 1 {
                messages.push(format!(
                    "zip `{text}`: expected dimensions with as many values each, found {}",
                    lengths.join(", ")
                ));
            }
            problems.extend(
                messages
                    .into_iter()
                    .map(|message| GridProblem::new(Part::Zip(index), message)),
            );
        }
    }

    fn not_a_dimension(&self) -> String {
        let names: Vec<&str> = self
            .dimensions
            .iter()
            .map(|dimension| dimension.name.as_str())
            .collect();
        match names.is_empty() {
            true => "is not a dimension of the grid (it has none)".into(),
            false => format!(
                "is not a dimension of the grid (dimensions: {})",
                names.join(", ")
            ),
        }
    }

    /// Problems of one included or excluded point.
    fn point_problems(&self, kind: &str, point: &[Assignment]) -> Vec<String> {
        let text = assignments_text(point);
        if point.is_empty() {
            return vec![format!("{kind}: expected at least one NAME=VALUE")];
        }
        let mut problems = Vec::new();
        for (position, assignment) in point.iter().enumerate() {
            let name = &assignment.name;
            if self.position(name).is_none() {
                problems.push(format!("{kind} `{text}`: `{name}` {}", self.not_a_dimension()));
            }
            if point[..position].iter().any(|earlier| earlier.name == *name) {
                problems.push(format!("{kind} `{text}`: `{name}` is given twice"));
            }
        }
        problems
    }

    fn count_problem(&self, problems: &mut Vec<GridProblem>) {
        let lengths: Vec<usize> = self.axes().iter().map(|axis| axis.length).collect();
        let product = lengths
            .iter()
            .try_fold(1_usize, |total, length| total.checked_mul(*length));
        let total = product.and_then(|product| product.checked_add(self.include.len()));
        if total.is_none_or(|total| total > MAX_POINTS) {
            let factors: Vec<String> = lengths.iter().map(ToString::to_string).collect();
            problems.push(GridProblem::new(
                Part::Whole,
                format!(
                    "the grid has {} points ({} plus {} included): expected at most {MAX_POINTS}",
                    total.map_or_else(|| "too many".into(), |total| total.to_string()),
                    factors.join(" × "),
                    self.include.len()
                ),
            ));
        }
    }

    /// The product's axes in order: single dimensions, and zip groups at
    /// their first listed member's position.
    fn axes(&self) -> Vec<Axis> {
        let mut axes = Vec::new();
        for (position, dimension) in self.dimensions.iter().enumerate() {
            let group = self.zip.iter().find(|group| group.contains(&dimension.name));
            let members: Vec<usize> = match group {
                None => vec![position],
                Some(group) if group[0] == dimension.name => {
                    group.iter().filter_map(|name| self.position(name)).collect()
                }
                Some(_) => continue,
            };
            axes.push(Axis {
                members,
                length: dimension.values.len(),
            });
        }
        axes
    }

    /// Value positions (one per dimension) as the point's values.
    fn named(&self, positions: Vec<usize>) -> Vec<ParamValue> {
        self.dimensions
            .iter()
            .zip(positions)
            .map(|(dimension, position)| ParamValue {
                name: dimension.name.clone(),
                value: Some(dimension.values[position].clone()),
            })
            .collect()
    }

    fn included(&self, point: &[Assignment]) -> Vec<ParamValue> {
        self.dimensions
            .iter()
            .map(|dimension| ParamValue {
                name: dimension.name.clone(),
                value: point
                    .iter()
                    .find(|assignment| assignment.name == dimension.name)
                    .map(|assignment| assignment.value.clone()),
            })
            .collect()
    }

    /// The product's points without the excluded ones, and how many
    /// points each of `excludes` removed.
    fn product(&self, excludes: &[usize]) -> (Vec<Vec<ParamValue>>, Vec<usize>) {
        let axes = self.axes();
        let mut hits = vec![0_usize; excludes.len()];
        let mut points = Vec::new();
        for positions in Product::new(&axes, self.dimensions.len()) {
            let values = self.named(positions);
            let mut excluded = false;
            for (hit, index) in hits.iter_mut().zip(excludes) {
                if matches(&values, &self.exclude[*index]) {
                    *hit += 1;
                    excluded = true;
                }
            }
            if !excluded {
                points.push(values);
            }
        }
        (points, hits)
    }

    /// The points numbered in order with their ids; a problem for every id
    /// already taken (an included point equal to another point, or a hash
    /// collision).
    /// `points` holds the product's `product_length` points, then the
    /// `includes`' points.
    fn identified(
        &self,
        points: Vec<Vec<ParamValue>>,
        product_length: usize,
        includes: &[usize],
        problems: &mut Vec<GridProblem>,
    ) -> Vec<Point> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut identified: Vec<Point> = Vec::with_capacity(points.len());
        for (index, values) in points.into_iter().enumerate() {
            let id = point_id(&values);
            if let Some(&other) = seen.get(&id) {
                let (part, what) = match index.checked_sub(product_length).map(|nth| includes[nth]) {
                    Some(include) => (
                        Part::Include(include),
                        format!("include `{}`", assignments_text(&self.include[include])),
                    ),
                    None => (Part::Whole, format!("point {index} ({})", values_text(&values))),
                };
                let message = match identified[other].values == values {
                    true => format!("{what} is the same point as point {other}: expected each point once"),
                    false => format!(
                        "{what} has the id `{id}` of point {other} ({}): the two cannot be told apart; change a value slightly",
                        values_text(&identified[other].values)
                    ),
                };
                problems.push(GridProblem::new(part, message));
            }
            seen.insert(id.clone(), index);
            identified.push(Point { index, id, values });
        }
        identified
    }
}

/// One axis of the product: a dimension, or a zip group's members, whose
/// value positions advance together.
struct Axis {
    members: Vec<usize>,
    length: usize,
}

/// The product's value positions (one per dimension), the last axis
/// varying fastest.
struct Product<'a> {
    axes: &'a [Axis],
    digits: Option<Vec<usize>>,
    dimension_count: usize,
}

impl<'a> Product<'a> {
    fn new(axes: &'a [Axis], dimension_count: usize) -> Self {
        let digits = match axes.is_empty() || axes.iter().any(|axis| axis.length == 0) {
            true => None,
            false => Some(vec![0; axes.len()]),
        };
        Product {
            axes,
            digits,
            dimension_count,
        }
    }
}

impl Iterator for Product<'_> {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let digits = self.digits.as_mut()?;
        let mut positions = vec![0; self.dimension_count];
        for (axis, digit) in self.axes.iter().zip(digits.iter()) {
            for member in &axis.members {
                positions[*member] = *digit;
            }
        }
        let mut carried = true;
        for (axis, digit) in self.axes.iter().zip(digits.iter_mut()).rev() {
            *digit += 1;
            if *digit < axis.length {
                carried = false;
                break;
            }
            *digit = 0;
        }
        if carried {
            self.digits = None;
        }
        Some(positions)
    }
}

/// Whether the point's values match every assignment.
fn matches(values: &[ParamValue], point: &[Assignment]) -> bool {
    point.iter().all(|assignment| {
        values.iter().any(|param| {
            param.name == assignment.name && param.value.as_deref() == Some(assignment.value.as_str())
        })
    })
}

fn assignments_text(point: &[Assignment]) -> String {
    let pairs: Vec<String> = point
        .iter()
        .map(|assignment| format!("{}={}", assignment.name, assignment.value))
        .collect();
    pairs.join(",")
}

fn values_text(values: &[ParamValue]) -> String {
    let pairs: Vec<String> = values
        .iter()
        .filter_map(|param| {
            param
                .value
                .as_ref()
                .map(|value| format!("{}={value}", param.name))
        })
        .collect();
    pairs.join(", ")
}

/// `NAME=VALUES`.
fn dimension_flag(text: &str) -> std::result::Result<Dimension, String> {
    let (name, values) = text
        .split_once('=')
        .ok_or("expected NAME=VALUES, e.g. `memory_mb=128,256,512` or `keep_alive_s=60..600:60`")?;
    let name = name.trim();
    if name.is_empty() {
        return Err("expected a parameter name before `=`".into());
    }
    Ok(Dimension {
        name: name.to_owned(),
        values: parse_values(values)?,
    })
}

/// `A,B,…`.
fn zip_flag(text: &str) -> std::result::Result<Vec<String>, String> {
    let names: Vec<String> = text.split(',').map(|name| name.trim().to_owned()).collect();
    if names.len() < 2 || names.iter().any(String::is_empty) {
        return Err("expected two or more dimension names separated by commas, e.g. `memory_mb,cpu`".into());
    }
    Ok(names)
}

/// `A=v,B=w,…`.
fn assignments_flag(text: &str) -> std::result::Result<Vec<Assignment>, String> {
    text.split(',')
        .map(|pair| {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                format!("expected NAME=VALUE pairs separated by commas, e.g. `memory_mb=3008,keep_alive_s=900`, found `{pair}`")
            })?;
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("expected a parameter name before `=` in `{pair}`"));
            }
            let value = single_value(value).map_err(|problem| format!("`{name}`: {problem}"))?;
            Ok(Assignment {
                name: name.to_owned(),
                value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dimension(name: &str, values: &[&str]) -> Dimension {
        Dimension {
            name: name.into(),
            values: values.iter().map(|value| (*value).to_owned()).collect(),
        }
    }

    fn point(pairs: &[(&str, &str)]) -> Vec<Assignment> {
        pairs
            .iter()
            .map(|(name, value)| Assignment {
                name: (*name).into(),
                value: (*value).into(),
            })
            .collect()
    }

    fn grid(dimensions: Vec<Dimension>) -> Grid {
        Grid {
            dimensions,
            ..Grid::default()
        }
    }

    /// Each point as `name=value` texts (`name=-` when unset), in order.
    fn listed(grid: &Grid) -> Vec<String> {
        let points = grid.points().unwrap_or_else(|problems| panic!("{problems:?}"));
        points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                assert_eq!(point.index, index);
                assert_eq!(point.id, point_id(&point.values));
                let pairs: Vec<String> = point
                    .values
                    .iter()
                    .map(|param| format!("{}={}", param.name, param.value.as_deref().unwrap_or("-")))
                    .collect();
                pairs.join(" ")
            })
            .collect()
    }

    fn problems(grid: &Grid) -> Vec<String> {
        match grid.points() {
            Ok(points) => panic!("expected problems, found {} points", points.len()),
            Err(problems) => problems,
        }
    }

    fn texts(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn the_last_dimension_varies_fastest() {
        let two_by_three = grid(vec![
            dimension("memory_mb", &["128", "256"]),
            dimension("keep_alive_s", &["60", "120", "180"]),
        ]);
        assert_eq!(
            listed(&two_by_three),
            [
                "memory_mb=128 keep_alive_s=60",
                "memory_mb=128 keep_alive_s=120",
                "memory_mb=128 keep_alive_s=180",
                "memory_mb=256 keep_alive_s=60",
                "memory_mb=256 keep_alive_s=120",
                "memory_mb=256 keep_alive_s=180",
            ]
        );
        assert_eq!(listed(&grid(vec![dimension("seed", &["1"])])), ["seed=1"]);
    }

    #[test]
    fn a_zip_group_steps_as_one_dimension_at_its_first_members_place() {
        let mut zipped = grid(vec![
            dimension("a", &["1", "2", "3"]),
            dimension("b", &["p", "q"]),
            dimension("c", &["10", "20", "30"]),
        ]);
        zipped.zip = vec![texts(&["a", "c"])];
        // Axes (a,c) then b: 3 × 2 = 6 points, b fastest.
        assert_eq!(
            listed(&zipped),
            [
                "a=1 b=p c=10",
                "a=1 b=q c=10",
                "a=2 b=p c=20",
                "a=2 b=q c=20",
                "a=3 b=p c=30",
                "a=3 b=q c=30",
            ]
        );
        // Listed c first, the group stands at c's place: axes b then (c,a).
        zipped.zip = vec![texts(&["c", "a"])];
        assert_eq!(
            listed(&zipped),
            [
                "a=1 b=p c=10",
                "a=2 b=p c=20",
                "a=3 b=p c=30",
                "a=1 b=q c=10",
                "a=2 b=q c=20",
                "a=3 b=q c=30",
            ]
        );
    }

    #[test]
    fn excluded_points_leave_and_included_points_follow_the_product() {
        let mut sweep = grid(vec![dimension("a", &["1", "2"]), dimension("b", &["x", "y"])]);
        sweep.exclude = vec![point(&[("a", "2"), ("b", "y")])];
        sweep.include = vec![point(&[("a", "3")]), point(&[("b", "z"), ("a", "1")])];
        assert_eq!(
            listed(&sweep),
            ["a=1 b=x", "a=1 b=y", "a=2 b=x", "a=3 b=-", "a=1 b=z"]
        );
        // An exclude naming one value removes every point with it.
        sweep.exclude = vec![point(&[("a", "1")])];
        assert_eq!(listed(&sweep), ["a=2 b=x", "a=2 b=y", "a=3 b=-", "a=1 b=z"]);
        // An excluded point may come back as an included one.
        sweep.exclude = vec![point(&[("a", "2"), ("b", "y")])];
        sweep.include = vec![point(&[("a", "2"), ("b", "y")])];
        assert_eq!(listed(&sweep), ["a=1 b=x", "a=1 b=y", "a=2 b=x", "a=2 b=y"]);
    }

    #[test]
    fn ids_survive_added_values_and_reordered_dimensions() {
        let ids = |grid: Grid| -> Vec<(String, String)> {
            let points = grid.points().unwrap_or_else(|problems| panic!("{problems:?}"));
            let mut found: Vec<(String, String)> = points
                .iter()
                .map(|point| {
                    let memory = point.value("memory_mb").unwrap_or("-");
                    let platform = point.value("platform").unwrap_or("-");
                    (format!("{memory}/{platform}"), point.id.clone())
                })
                .collect();
            found.sort();
            found
        };
        let before = ids(grid(vec![
            dimension("memory_mb", &["128", "256"]),
            dimension("platform", &["aws-lambda-2016"]),
        ]));
        let more = ids(grid(vec![
            dimension("memory_mb", &["128", "256"]),
            dimension("platform", &["aws-lambda-2016", "aws-lambda-2025"]),
        ]));
        let reordered = ids(grid(vec![
            dimension("platform", &["aws-lambda-2016"]),
            dimension("memory_mb", &["256", "128"]),
        ]));
        assert_eq!(before.len(), 2);
        assert!(
            before.iter().all(|pair| more.contains(pair)),
            "{before:?} {more:?}"
        );
        assert_eq!(more.len(), 4);
        assert_eq!(before, reordered);
    }

    #[test]
    fn flags_make_a_grid() {
        let flags = Grid::from_flags(
            &texts(&[
                "memory_mb=128,256",
                "keep_alive_s = 60..180:60",
                "Lambda 512.platform=aws-lambda-2025",
            ]),
            &texts(&["memory_mb, keep_alive_s"]),
            &texts(&["memory_mb=3008,keep_alive_s=900.0"]),
            &texts(&["memory_mb=128"]),
        );
        let flags = flags.unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            flags,
            Grid {
                dimensions: vec![
                    dimension("memory_mb", &["128", "256"]),
                    dimension("keep_alive_s", &["60", "120", "180"]),
                    dimension("Lambda 512.platform", &["aws-lambda-2025"]),
                ],
                zip: vec![texts(&["memory_mb", "keep_alive_s"])],
                include: vec![point(&[("memory_mb", "3008"), ("keep_alive_s", "900")])],
                exclude: vec![point(&[("memory_mb", "128")])],
            }
        );
        assert!(!flags.is_empty());
        assert!(Grid::default().is_empty());
    }

    #[test]
    fn every_bad_flag_is_named_at_once() {
        let error = Grid::from_flags(
            &texts(&["memory_mb", "=1,2", "keep_alive_s=600..60:60", "seed=1", "seed=2"]),
            &texts(&["memory_mb", "a,,b"]),
            &texts(&["memory_mb:3008", "memory_mb=1..3:1"]),
            &texts(&["=5"]),
        )
        .expect_err("nine problems");
        assert!(error.is_usage());
        assert_eq!(
            error.to_string(),
            [
                "--param `memory_mb`: expected NAME=VALUES, e.g. `memory_mb=128,256,512` or `keep_alive_s=60..600:60`",
                "--param `=1,2`: expected a parameter name before `=`",
                "--param `keep_alive_s=600..60:60`: expected a range whose start (600) is at most its end (60), found `600..60:60`; ranges ascend, list the values to sweep downwards",
                "--param `seed` is given twice: expected each parameter once, with all its values",
                "--zip `memory_mb`: expected two or more dimension names separated by commas, e.g. `memory_mb,cpu`",
                "--zip `a,,b`: expected two or more dimension names separated by commas, e.g. `memory_mb,cpu`",
                "--include `memory_mb:3008`: expected NAME=VALUE pairs separated by commas, e.g. `memory_mb=3008,keep_alive_s=900`, found `memory_mb:3008`",
                "--include `memory_mb=1..3:1`: `memory_mb`: expected one value, found 3 in `1..3:1`",
                "--exclude `=5`: expected a parameter name before `=` in `=5`",
            ]
            .join("\n")
        );
    }

    #[test]
    fn flags_replace_the_scenarios_dimensions_of_the_same_name() {
        let mut scenario = grid(vec![
            dimension("memory_mb", &["128"]),
            dimension("seed", &["1", "2"]),
        ]);
        scenario.exclude = vec![point(&[("seed", "2")])];
        let mut flags = grid(vec![
            dimension("traffic", &["0.5", "2"]),
            dimension("memory_mb", &["512", "1024"]),
        ]);
        flags.include = vec![point(&[("seed", "3")])];
        let overlaid = scenario.overlaid(flags);
        assert_eq!(
            overlaid.dimensions,
            [
                dimension("memory_mb", &["512", "1024"]),
                dimension("seed", &["1", "2"]),
                dimension("traffic", &["0.5", "2"]),
            ]
        );
        assert_eq!(overlaid.exclude, [point(&[("seed", "2")])]);
        assert_eq!(overlaid.include, [point(&[("seed", "3")])]);
    }

    #[test]
    fn the_manifest_form_is_the_serde_form() {
        let mut sweep = grid(vec![
            dimension("memory_mb", &["128", "256"]),
            dimension("cpu", &["1", "2"]),
        ]);
        sweep.zip = vec![texts(&["memory_mb", "cpu"])];
        sweep.include = vec![point(&[("memory_mb", "3008")])];
        let json = sweep.to_json();
        assert_eq!(
            json.to_string(),
            r#"{"dimensions":[{"name":"memory_mb","values":["128","256"]},{"name":"cpu","values":["1","2"]}],"exclude":[],"include":[[{"name":"memory_mb","value":"3008"}]],"zip":[["memory_mb","cpu"]]}"#
        );
        assert_eq!(serde_json::from_value::<Grid>(json).ok(), Some(sweep));
    }

    #[test]
    fn bad_grids_explain_themselves() {
        assert_eq!(
            problems(&Grid::default()),
            [
                "the grid is empty: expected at least one dimension (`--param NAME=VALUES` or a key of [sweep])"
            ]
        );
        let mut sweep = grid(vec![
            dimension("a", &["1", "2"]),
            dimension("b", &["x", "y", "z"]),
            dimension("a", &["3"]),
            dimension("c", &["1", "1.0", "1"]),
            dimension("d", &[]),
        ]);
        sweep.zip = vec![texts(&["a", "b", "e"]), texts(&["b", "b"]), texts(&["c"])];
        sweep.include = vec![point(&[("f", "1")]), vec![], point(&[("a", "1"), ("a", "2")])];
        sweep.exclude = vec![point(&[("g", "1")])];
        assert_eq!(
            problems(&sweep),
            [
                "dimension `a` is given twice: expected each parameter once",
                "dimension `c`: the value `1` appears twice: expected each value once",
                "dimension `d`: expected at least one value",
                "zip `a,b,e`: `e` is not a dimension of the grid (dimensions: a, b, a, c, d)",
                "zip `a,b,e`: expected dimensions with as many values each, found a has 2, b has 3",
                "zip `b,b`: `b` is already zipped in `a,b,e`: expected each dimension in one zip group at most",
                "zip `b,b`: `b` is named twice",
                "zip `c`: expected two or more dimensions that move together, e.g. `memory_mb,cpu`",
                "include `f=1`: `f` is not a dimension of the grid (dimensions: a, b, a, c, d)",
                "include: expected at least one NAME=VALUE",
                "include `a=1,a=2`: `a` is given twice",
                "exclude `g=1`: `g` is not a dimension of the grid (dimensions: a, b, a, c, d)",
            ]
        );
    }

    #[test]
    fn points_that_cannot_be_told_apart_or_excludes_that_match_nothing_are_refused() {
        let mut sweep = grid(vec![dimension("a", &["1", "2"]), dimension("b", &["x"])]);
        sweep.include = vec![
            point(&[("b", "x"), ("a", "2")]),
            point(&[("a", "5")]),
            point(&[("a", "5")]),
        ];
        sweep.exclude = vec![point(&[("a", "3")]), point(&[("a", "1"), ("b", "y")])];
        assert_eq!(
            problems(&sweep),
            [
                "exclude `a=3` matches no point of the grid: is a name or value mistyped?",
                "exclude `a=1,b=y` matches no point of the grid: is a name or value mistyped?",
                "include `b=x,a=2` is the same point as point 1: expected each point once",
                "include `a=5` is the same point as point 3: expected each point once",
            ]
        );
        let mut emptied = grid(vec![dimension("a", &["1", "2"])]);
        emptied.exclude = vec![point(&[("a", "1")]), point(&[("a", "2")])];
        assert_eq!(
            problems(&emptied),
            ["every point of the grid is excluded: nothing to sweep"]
        );
    }

    #[test]
    fn more_than_a_million_points_are_refused_before_any_is_made() {
        let values: Vec<String> = (0..1000).map(|value| value.to_string()).collect();
        let thousand = |name: &str| Dimension {
            name: name.into(),
            values: values.clone(),
        };
        let mut sweep = grid(vec![thousand("a"), thousand("b")]);
        // 1000 × 1000 = 1,000,000: the most allowed; one included point more is too many.
        assert!(sweep.shape_problems().is_empty());
        sweep.include = vec![point(&[("a", "5000")])];
        assert_eq!(
            problems(&sweep),
            ["the grid has 1000001 points (1000 × 1000 plus 1 included): expected at most 1000000"]
        );
        let huge = grid(vec![
            thousand("a"),
            thousand("b"),
            thousand("c"),
            thousand("d"),
            thousand("e"),
            thousand("f"),
            thousand("g"),
        ]);
        assert_eq!(
            problems(&huge),
            [
                "the grid has too many points (1000 × 1000 × 1000 × 1000 × 1000 × 1000 × 1000 plus 0 included): expected at most 1000000"
            ]
        );
    }
}
