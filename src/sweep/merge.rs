//! Shards of one sweep (or one Monte Carlo, anything [`Sharded`]) merged
//! into the outcome the whole run would have had: the manifests must be
//! equal but for `shard` (so the same costsim version, scenario, grid,
//! books, seed and SLO), and every point of the grid must appear exactly
//! once. Every problem is reported at once, each
//! naming its file: a whole sweep given as a shard, a manifest field that
//! differs, points missing (with the shards that would hold them) or
//! duplicated (with both files). The merged outcome lists the points by
//! index and has no `shard`, so its files are byte for byte the unsharded
//! sweep's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::outcome::{Shard, SweepOutcome};
use crate::error::{Error, Result};

/// An outcome that runs in shards: a manifest, and units (points, runs)
/// each with an index and an id.
pub trait Sharded: Sized {
    /// One unit in messages: `point`, `run`.
    const UNIT: &'static str;
    /// The whole in messages: `sweep`, `Monte Carlo`.
    const WHOLE: &'static str;
    fn costsim_version(&self) -> &str;
    fn shard(&self) -> Option<Shard>;
    /// The manifest as JSON, compared field by field.
    fn manifest_value(&self) -> serde_json::Value;
    /// Units in the whole run, whatever the shard.
    fn unit_count(&self) -> usize;
    /// The units held: (index, id).
    fn units(&self) -> Vec<(usize, String)>;
    /// The whole from its shards (checked, the first given apart): units
    /// by index, no `shard`.
    fn assemble(first: Self, rest: Vec<Self>) -> Self;
}

impl Sharded for SweepOutcome {
    const UNIT: &'static str = "point";
    const WHOLE: &'static str = "sweep";
    fn costsim_version(&self) -> &str {
        &self.manifest.costsim_version
    }
    fn shard(&self) -> Option<Shard> {
        self.manifest.shard
    }
    fn manifest_value(&self) -> serde_json::Value {
        serde_json::to_value(&self.manifest).unwrap_or_default()
    }
    fn unit_count(&self) -> usize {
        self.manifest.point_count
    }
    fn units(&self) -> Vec<(usize, String)> {
        self.points
            .iter()
            .map(|point| (point.index, point.id.clone()))
            .collect()
    }
    fn assemble(first: Self, rest: Vec<Self>) -> Self {
        let mut manifest = first.manifest;
        manifest.shard = None;
        let mut points = first.points;
        points.extend(rest.into_iter().flat_map(|outcome| outcome.points));
        points.sort_by_key(|point| point.index);
        SweepOutcome { manifest, points }
    }
}

/// At most this many points are listed in one message.
const LISTED: usize = 20;

/// `items` joined with commas, the first [`LISTED`] of them.
fn listed(items: &[String]) -> String {
    let shown = items[..items.len().min(LISTED)].join(", ");
    if items.len() > LISTED {
        format!("{shown} and {} more", items.len() - LISTED)
    } else {
        shown
    }
}

/// The manifest as a JSON object without `shard`.
fn fields<T: Sharded>(outcome: &T) -> BTreeMap<String, serde_json::Value> {
    let mut object = match outcome.manifest_value() {
        serde_json::Value::Object(object) => object.into_iter().collect::<BTreeMap<_, _>>(),
        _ => BTreeMap::new(),
    };
    object.remove("shard");
    object
}

/// A field's value for a message: short ones in full, long ones not.
fn shown(value: Option<&serde_json::Value>) -> String {
    let text = value.map_or_else(|| "absent".to_owned(), |value| value.to_string());
    if text.chars().count() <= 60 {
        text
    } else {
        "…".into()
    }
}

/// What differs between `file`'s manifest and the first file's.
fn manifest_problems<T: Sharded>(file: &Path, outcome: &T, first: &Path, reference: &T) -> Vec<String> {
    if outcome.costsim_version() != reference.costsim_version() {
        return vec![format!(
            "{}: made by costsim {}, but {} by costsim {}: shards merge only when one costsim version ran them all",
            file.display(),
            outcome.costsim_version(),
            first.display(),
            reference.costsim_version()
        )];
    }
    let (mine, theirs) = (fields(outcome), fields(reference));
    let mut keys: Vec<&String> = mine.keys().chain(theirs.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| mine.get(*key) != theirs.get(*key))
        .map(|key| {
            let (value, other) = (shown(mine.get(key)), shown(theirs.get(key)));
            let values = if value == "…" || other == "…" {
                String::new()
            } else {
                format!(" ({value}, not {other})")
            };
            format!(
                "{}: its manifest's `{key}` differs from {}'s{values}: shards of one {} differ only in `shard`",
                file.display(),
                first.display(),
                T::WHOLE
            )
        })
        .collect()
}

/// Which files hold each unit's index, with the unit's id.
type Seen<'a> = BTreeMap<usize, Vec<(&'a Path, String)>>;

fn duplicate_problems(seen: &Seen, unit: &str) -> Vec<String> {
    let mut pairs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (index, holders) in seen {
        for later in &holders[1..] {
            let files = (holders[0].0.display().to_string(), later.0.display().to_string());
            pairs
                .entry(files)
                .or_default()
                .push(format!("{index} ({})", later.1));
        }
    }
    pairs
        .into_iter()
        .map(|((first, second), points)| {
            let place = if first == second {
                format!("{first} twice")
            } else {
                format!("both {first} and {second}")
            };
            format!(
                "{unit}{} {} {} in {place}: give each shard once",
                if points.len() == 1 { "" } else { "s" },
                listed(&points),
                if points.len() == 1 { "is" } else { "are" }
            )
        })
        .collect()
}

/// The points no file holds, and the shards that would hold them when
/// every file is a shard of one count.
fn missing_problem<T: Sharded>(shards: &[(PathBuf, T)], seen: &Seen, count: usize) -> Option<String> {
    let missing: Vec<usize> = (0..count).filter(|index| !seen.contains_key(index)).collect();
    if missing.is_empty() {
        return None;
    }
    let counts: Vec<usize> = shards
        .iter()
        .filter_map(|(_, outcome)| outcome.shard().map(|shard| shard.count))
        .collect();
    let hint = match counts.first() {
        Some(&of) if of > 0 && counts.iter().all(|&count| count == of) => {
            let given: Vec<usize> = shards
                .iter()
                .filter_map(|(_, outcome)| outcome.shard().map(|shard| shard.index))
                .collect();
            let mut absent: Vec<usize> = missing.iter().map(|index| index % of + 1).collect();
            absent.sort_unstable();
            absent.dedup();
            if absent.iter().all(|shard| !given.contains(shard)) {
                let names: Vec<String> = absent.iter().map(ToString::to_string).collect();
                let plural = if absent.len() == 1 { "" } else { "s" };
                format!(": shard{plural} {} of {of} not given?", listed(&names))
            } else {
                ": a shard's file is incomplete?".to_owned()
            }
        }
        _ => String::new(),
    };
    let names: Vec<String> = missing.iter().map(ToString::to_string).collect();
    let (plural, verb) = if missing.len() == 1 {
        ("", "is")
    } else {
        ("s", "are")
    };
    Some(format!(
        "{unit}{plural} {} of the {whole}'s {count} {verb} missing{hint}",
        listed(&names),
        unit = T::UNIT,
        whole = T::WHOLE
    ))
}

/// Merges shards read from the files named with them.
pub fn merge<T: Sharded>(shards: Vec<(PathBuf, T)>) -> Result<T> {
    let Some((first, reference)) = shards.first() else {
        return Err(Error::usage("no shard files to merge"));
    };
    let mut problems = Vec::new();
    for (file, outcome) in &shards {
        if outcome.shard().is_none() {
            problems.push(format!(
                "{}: a whole {} (its manifest has no `shard`), not a shard: it has nothing to merge with; give the shards' files instead",
                file.display(),
                T::WHOLE
            ));
        }
        if file != first {
            problems.extend(manifest_problems(file, outcome, first, reference));
        }
    }
    let count = reference.unit_count();
    let mut seen: Seen = BTreeMap::new();
    for (file, outcome) in &shards {
        for (index, id) in outcome.units() {
            if index >= count {
                problems.push(format!(
                    "{}: {} {index} ({id}) is beyond the {}'s {count} {}s",
                    file.display(),
                    T::UNIT,
                    T::WHOLE,
                    T::UNIT
                ));
            } else {
                seen.entry(index).or_default().push((file, id));
            }
        }
    }
    problems.extend(duplicate_problems(&seen, T::UNIT));
    problems.extend(missing_problem(&shards, &seen, count));
    if !problems.is_empty() {
        return Err(Error::Files(problems.into_boxed_slice()));
    }
    let mut outcomes = shards.into_iter().map(|(_, outcome)| outcome);
    let first = outcomes
        .next()
        .ok_or_else(|| Error::usage("no shard files to merge"))?;
    Ok(T::assemble(first, outcomes.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;
    use crate::sweep::outcome::Shard;

    /// The sample's two points as shards `index` of `count`, round robin.
    fn shard(index: usize, count: usize) -> (PathBuf, SweepOutcome) {
        let mut outcome = sample::outcome();
        outcome.manifest.shard = Some(Shard { index, count });
        outcome.points.retain(|point| point.index % count + 1 == index);
        (PathBuf::from(format!("shard-{index}-of-{count}.json")), outcome)
    }

    fn problems(shards: Vec<(PathBuf, SweepOutcome)>) -> Vec<String> {
        match merge(shards) {
            Err(Error::Files(problems)) => problems.into_vec(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn shards_in_any_order_merge_into_the_whole() {
        let merged = merge(vec![shard(2, 2), shard(1, 2)]).expect("merged");
        assert_eq!(merged, sample::outcome());
    }

    #[test]
    fn a_missing_shard_is_named() {
        // With 3 shards of 2 points, shard 3 holds none; without shard 2,
        // point 1 (1 mod 3 + 1 = 2) is missing.
        assert_eq!(
            problems(vec![shard(1, 3), shard(3, 3)]),
            ["point 1 of the sweep's 2 is missing: shard 2 of 3 not given?"]
        );
    }

    #[test]
    fn a_duplicated_shard_names_both_files() {
        let (path, outcome) = shard(2, 2);
        let copy = (PathBuf::from("copy.json"), outcome.clone());
        assert_eq!(
            problems(vec![shard(1, 2), (path, outcome), copy]),
            ["point 1 (f0e1d2c3b4a5) is in both shard-2-of-2.json and copy.json: give each shard once"]
        );
    }

    #[test]
    fn every_difference_and_a_whole_sweep_are_reported_at_once() {
        let (path, mut outcome) = shard(2, 2);
        outcome.manifest.seed = 8;
        outcome.manifest.grid =
            serde_json::json!({"dimensions": "something else entirely, and long enough to elide"});
        let whole = (PathBuf::from("sweep.json"), sample::outcome());
        assert_eq!(
            problems(vec![shard(1, 2), (path, outcome), whole]),
            [
                "shard-2-of-2.json: its manifest's `grid` differs from shard-1-of-2.json's: shards of one sweep differ only in `shard`",
                "shard-2-of-2.json: its manifest's `seed` differs from shard-1-of-2.json's (8, not 7): shards of one sweep differ only in `shard`",
                "sweep.json: a whole sweep (its manifest has no `shard`), not a shard: it has nothing to merge with; give the shards' files instead",
                "point 0 (0a1b2c3d4e5f) is in both shard-1-of-2.json and sweep.json: give each shard once",
                "point 1 (f0e1d2c3b4a5) is in both shard-2-of-2.json and sweep.json: give each shard once",
            ]
        );
    }

    #[test]
    fn another_version_is_named_alone() {
        let (path, mut outcome) = shard(2, 2);
        outcome.manifest.costsim_version = "0.2.0".into();
        outcome.manifest.seed = 9;
        assert_eq!(
            problems(vec![shard(1, 2), (path, outcome)]),
            [
                "shard-2-of-2.json: made by costsim 0.2.0, but shard-1-of-2.json by costsim 0.1.0: shards merge only when one costsim version ran them all"
            ]
        );
    }

    #[test]
    fn a_point_beyond_the_grid_is_named() {
        let (path, mut outcome) = shard(2, 2);
        outcome.points[0].index = 5;
        let found = problems(vec![shard(1, 2), (path, outcome)]);
        assert_eq!(
            found,
            [
                "shard-2-of-2.json: point 5 (f0e1d2c3b4a5) is beyond the sweep's 2 points",
                "point 1 of the sweep's 2 is missing: a shard's file is incomplete?",
            ]
        );
    }
}
