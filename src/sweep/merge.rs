//! Shards of one sweep merged into the outcome the whole sweep would have
//! had: the manifests must be equal but for `shard` (so the same costsim
//! version, scenario, grid, books, seed and SLO), and every point of the
//! grid must appear exactly once. Every problem is reported at once, each
//! naming its file: a whole sweep given as a shard, a manifest field that
//! differs, points missing (with the shards that would hold them) or
//! duplicated (with both files). The merged outcome lists the points by
//! index and has no `shard`, so its files are byte for byte the unsharded
//! sweep's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::outcome::{Manifest, PointOutcome, SweepOutcome};
use crate::error::{Error, Result};

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
fn fields(manifest: &Manifest) -> BTreeMap<String, serde_json::Value> {
    let mut object = match serde_json::to_value(manifest) {
        Ok(serde_json::Value::Object(object)) => object.into_iter().collect::<BTreeMap<_, _>>(),
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
fn manifest_problems(file: &Path, manifest: &Manifest, first: &Path, reference: &Manifest) -> Vec<String> {
    if manifest.costsim_version != reference.costsim_version {
        return vec![format!(
            "{}: made by costsim {}, but {} by costsim {}: shards merge only when one costsim version ran them all",
            file.display(),
            manifest.costsim_version,
            first.display(),
            reference.costsim_version
        )];
    }
    let (mine, theirs) = (fields(manifest), fields(reference));
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
                "{}: its manifest's `{key}` differs from {}'s{values}: shards of one sweep differ only in `shard`",
                file.display(),
                first.display()
            )
        })
        .collect()
}

/// Which files hold each point index.
type Seen<'a> = BTreeMap<usize, Vec<(&'a Path, &'a PointOutcome)>>;

fn duplicate_problems(seen: &Seen) -> Vec<String> {
    let mut pairs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (index, holders) in seen {
        for later in &holders[1..] {
            let files = (holders[0].0.display().to_string(), later.0.display().to_string());
            pairs
                .entry(files)
                .or_default()
                .push(format!("{index} ({})", later.1.id));
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
                "point{} {} {} in {place}: give each shard once",
                if points.len() == 1 { "" } else { "s" },
                listed(&points),
                if points.len() == 1 { "is" } else { "are" }
            )
        })
        .collect()
}

/// The points no file holds, and the shards that would hold them when
/// every file is a shard of one count.
fn missing_problem(shards: &[(PathBuf, SweepOutcome)], seen: &Seen, count: usize) -> Option<String> {
    let missing: Vec<usize> = (0..count).filter(|index| !seen.contains_key(index)).collect();
    if missing.is_empty() {
        return None;
    }
    let counts: Vec<usize> = shards
        .iter()
        .filter_map(|(_, outcome)| outcome.manifest.shard.map(|shard| shard.count))
        .collect();
    let hint = match counts.first() {
        Some(&of) if of > 0 && counts.iter().all(|&count| count == of) => {
            let given: Vec<usize> = shards
                .iter()
                .filter_map(|(_, outcome)| outcome.manifest.shard.map(|shard| shard.index))
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
    let (noun, verb) = if missing.len() == 1 {
        ("point", "is")
    } else {
        ("points", "are")
    };
    Some(format!(
        "{noun} {} of the sweep's {count} {verb} missing{hint}",
        listed(&names)
    ))
}

/// Merges shards read from the files named with them.
pub fn merge(shards: Vec<(PathBuf, SweepOutcome)>) -> Result<SweepOutcome> {
    let Some((first, reference)) = shards.first() else {
        return Err(Error::usage("no shard files to merge"));
    };
    let mut problems = Vec::new();
    for (file, outcome) in &shards {
        if outcome.manifest.shard.is_none() {
            problems.push(format!(
                "{}: a whole sweep (its manifest has no `shard`), not a shard: it has nothing to merge with; give the shards' files instead",
                file.display()
            ));
        }
        if file != first {
            problems.extend(manifest_problems(
                file,
                &outcome.manifest,
                first,
                &reference.manifest,
            ));
        }
    }
    let count = reference.manifest.point_count;
    let mut seen: Seen = BTreeMap::new();
    for (file, outcome) in &shards {
        for point in &outcome.points {
            if point.index >= count {
                problems.push(format!(
                    "{}: point {} ({}) is beyond the sweep's {count} points",
                    file.display(),
                    point.index,
                    point.id
                ));
            } else {
                seen.entry(point.index).or_default().push((file, point));
            }
        }
    }
    problems.extend(duplicate_problems(&seen));
    problems.extend(missing_problem(&shards, &seen, count));
    if !problems.is_empty() {
        return Err(Error::Files(problems.into_boxed_slice()));
    }
    let mut manifest = reference.manifest.clone();
    manifest.shard = None;
    let mut points: Vec<PointOutcome> = shards
        .into_iter()
        .flat_map(|(_, outcome)| outcome.points)
        .collect();
    points.sort_by_key(|point| point.index);
    Ok(SweepOutcome { manifest, points })
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
