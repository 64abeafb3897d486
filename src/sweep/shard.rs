//! Which shard of a sweep to run. `--shard K/N` counts K from 1 to N (as
//! `cargo nextest --partition count:K/N` does); the point at index i (grid
//! order, from 0) belongs to shard (i mod N) + 1, round robin, so every
//! shard gets a spread of the grid and the shards together hold every point
//! exactly once. Without `--shard` the shard comes from the environment:
//! a Slurm array task is shard `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN + 1`
//! of `SLURM_ARRAY_TASK_COUNT` (so `--array=0-7` and `--array=1-8` both give
//! shards 1 to 8; the array must be contiguous); a Kubernetes Indexed Job's
//! pod is shard `JOB_COMPLETION_INDEX + 1` of `--shard-count N`.

use super::outcome::Shard;
use super::point::Point;

/// `K/N`, K from 1 to N.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let shape = || format!("expected K/N with K from 1 to N, e.g. `3/8`, found `{text}`");
    let (index, count) = text.trim().split_once('/').ok_or_else(shape)?;
    let index: usize = index.trim().parse().map_err(|_| shape())?;
    let count: usize = count.trim().parse().map_err(|_| shape())?;
    if count == 0 {
        return Err(format!("expected at least one shard (N of K/N), found `{text}`"));
    }
    if index == 0 || index > count {
        return Err(format!(
            "expected K from 1 to {count} (shards count from 1), found `{text}`"
        ));
    }
    Ok(Shard { index, count })
}

/// The shard the environment names, if any (see the module's doc);
/// `shard_count` is `--shard-count`, `var` reads a variable.
pub fn from_environment(
    shard_count: Option<usize>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, String> {
    if shard_count == Some(0) {
        return Err("--shard-count: expected at least 1, found 0".into());
    }
    if let Some(task_id) = var("SLURM_ARRAY_TASK_ID") {
        let shard = slurm_shard(&task_id, &var)?;
        return match shard_count {
            Some(count) if count != shard.count => Err(format!(
                "--shard-count {count} disagrees with SLURM_ARRAY_TASK_COUNT={}; leave --shard-count out in a Slurm array job",
                shard.count
            )),
            _ => Ok(Some(shard)),
        };
    }
    match (var("JOB_COMPLETION_INDEX"), shard_count) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(
            "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but --shard-count is not: give --shard-count N, the Job's completions"
                .into(),
        ),
        (None, Some(count)) => Err(format!(
            "--shard-count {count} needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or a Slurm array job; elsewhere give --shard K/{count}"
        )),
        (Some(index), Some(count)) => {
            let index = whole_number("JOB_COMPLETION_INDEX", &index)?;
            if index >= count {
                return Err(format!(
                    "JOB_COMPLETION_INDEX={index}: expected an index from 0 to {} (below --shard-count {count})",
                    count - 1
                ));
            }
            Ok(Some(Shard {
                index: index + 1,
                count,
            }))
        }
    }
}

fn slurm_shard(task_id: &str, var: &impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let required = |name: &str| {
        let text = var(name).ok_or_else(|| {
            format!(
                "SLURM_ARRAY_TASK_ID is set but {name} is not: expected Slurm to set both in an array job"
            )
        })?;
        whole_number(name, &text)
    };
    let task_id = whole_number("SLURM_ARRAY_TASK_ID", task_id)?;
    let minimum = required("SLURM_ARRAY_TASK_MIN")?;
    let count = required("SLURM_ARRAY_TASK_COUNT")?;
    if count == 0 {
        return Err("SLURM_ARRAY_TASK_COUNT=0: expected at least 1".into());
    }
    match task_id.checked_sub(minimum) {
        Some(offset) if offset < count => Ok(Shard {
            index: offset + 1,
            count,
        }),
        _ => Err(format!(
            "SLURM_ARRAY_TASK_ID={task_id}: expected an id from SLURM_ARRAY_TASK_MIN={minimum} to {} (SLURM_ARRAY_TASK_COUNT={count}); the array must be contiguous, like --array=0-{}",
            minimum.saturating_add(count - 1),
            count - 1
        )),
    }
}

fn whole_number(name: &str, text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name}: expected a whole number, found `{text}`"))
}

/// The points of `shard`, in grid order; all of them without a shard (and
/// none for a shard of a count of zero, which `parse_shard` never gives).
pub fn select(points: Vec<Point>, shard: Option<Shard>) -> Vec<Point> {
    points
        .into_iter()
        .filter(|point| holds(shard, point.index))
        .collect()
}

/// Whether `shard` (every unit without one) holds the unit at `index`:
/// round robin, index i in shard (i mod N) + 1.
pub fn holds(shard: Option<Shard>, index: usize) -> bool {
    shard.is_none_or(|Shard { index: at, count }| index.checked_rem(count).map(|rest| rest + 1) == Some(at))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn shard(index: usize, count: usize) -> Shard {
        Shard { index, count }
    }

    fn environment(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn points(count: usize) -> Vec<Point> {
        (0..count)
            .map(|index| Point {
                index,
                id: format!("{index:012x}"),
                values: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn shards_parse_counting_from_one() {
        assert_eq!(parse_shard("3/8"), Ok(shard(3, 8)));
        assert_eq!(parse_shard(" 1 / 1 "), Ok(shard(1, 1)));
        assert_eq!(parse_shard("8/8"), Ok(shard(8, 8)));
        assert_eq!(
            parse_shard("0/8"),
            Err("expected K from 1 to 8 (shards count from 1), found `0/8`".into())
        );
        assert_eq!(
            parse_shard("9/8"),
            Err("expected K from 1 to 8 (shards count from 1), found `9/8`".into())
        );
        assert_eq!(
            parse_shard("0/0"),
            Err("expected at least one shard (N of K/N), found `0/0`".into())
        );
        for junk in ["3", "3/", "/8", "a/8", "3/8/2", "-1/8", "3.5/8", ""] {
            assert_eq!(
                parse_shard(junk),
                Err(format!(
                    "expected K/N with K from 1 to N, e.g. `3/8`, found `{junk}`"
                )),
                "{junk}"
            );
        }
    }

    #[test]
    fn shards_together_hold_every_point_exactly_once() {
        for count in 1..=5 {
            let mut seen = Vec::new();
            for index in 1..=count {
                let chosen = select(points(11), Some(shard(index, count)));
                // Round robin: shard K holds K-1, K-1+N, K-1+2N, ... in grid order.
                let expected: Vec<usize> = (index - 1..11).step_by(count).collect();
                let indexes: Vec<usize> = chosen.iter().map(|point| point.index).collect();
                assert_eq!(indexes, expected, "shard {index}/{count}");
                seen.extend(indexes);
            }
            seen.sort_unstable();
            assert_eq!(seen, (0..11).collect::<Vec<_>>(), "N = {count}");
        }
        assert_eq!(select(points(3), None).len(), 3);
        // A shard built by hand with no count selects nothing rather than dividing by zero.
        assert!(select(points(3), Some(shard(1, 0))).is_empty());
        // Three shards of eleven points: 0,3,6,9 / 1,4,7,10 / 2,5,8.
        let second: Vec<usize> = select(points(11), Some(shard(2, 3)))
            .iter()
            .map(|point| point.index)
            .collect();
        assert_eq!(second, [1, 4, 7, 10]);
    }

    #[test]
    fn slurm_arrays_give_the_shard_whether_they_count_from_zero_or_one() {
        let zero_based = environment(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(from_environment(None, zero_based), Ok(Some(shard(1, 4))));
        let one_based = environment(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(from_environment(None, &one_based), Ok(Some(shard(4, 4))));
        assert_eq!(from_environment(Some(4), &one_based), Ok(Some(shard(4, 4))));
        assert_eq!(
            from_environment(Some(3), &one_based),
            Err("--shard-count 3 disagrees with SLURM_ARRAY_TASK_COUNT=4; leave --shard-count out in a Slurm array job".into())
        );
        // 10-12: ids 10, 11, 12 are shards 1, 2, 3 of 3.
        let offset = environment(&[
            ("SLURM_ARRAY_TASK_ID", "11"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(from_environment(None, offset), Ok(Some(shard(2, 3))));
    }

    #[test]
    fn bad_slurm_variables_are_named() {
        let stepped = environment(&[
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            from_environment(None, stepped),
            Err("SLURM_ARRAY_TASK_ID=8: expected an id from SLURM_ARRAY_TASK_MIN=0 to 3 (SLURM_ARRAY_TASK_COUNT=4); the array must be contiguous, like --array=0-3".into())
        );
        let junk = environment(&[
            ("SLURM_ARRAY_TASK_ID", "three"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            from_environment(None, junk),
            Err("SLURM_ARRAY_TASK_ID: expected a whole number, found `three`".into())
        );
        let no_count = environment(&[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "0")]);
        assert_eq!(
            from_environment(None, no_count),
            Err("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: expected Slurm to set both in an array job".into())
        );
        let zero = environment(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "0"),
        ]);
        assert_eq!(
            from_environment(None, zero),
            Err("SLURM_ARRAY_TASK_COUNT=0: expected at least 1".into())
        );
        let bad_minimum = environment(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "-1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ]);
        assert_eq!(
            from_environment(None, bad_minimum),
            Err("SLURM_ARRAY_TASK_MIN: expected a whole number, found `-1`".into())
        );
    }

    #[test]
    fn kubernetes_indexed_jobs_count_from_zero_with_a_shard_count() {
        let first = environment(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(from_environment(Some(8), &first), Ok(Some(shard(1, 8))));
        let last = environment(&[("JOB_COMPLETION_INDEX", "7")]);
        assert_eq!(from_environment(Some(8), &last), Ok(Some(shard(8, 8))));
        let past = environment(&[("JOB_COMPLETION_INDEX", "8")]);
        assert_eq!(
            from_environment(Some(8), &past),
            Err("JOB_COMPLETION_INDEX=8: expected an index from 0 to 7 (below --shard-count 8)".into())
        );
        assert_eq!(
            from_environment(None, &first),
            Err("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but --shard-count is not: give --shard-count N, the Job's completions".into())
        );
        let junk = environment(&[("JOB_COMPLETION_INDEX", "")]);
        assert_eq!(
            from_environment(Some(8), junk),
            Err("JOB_COMPLETION_INDEX: expected a whole number, found ``".into())
        );
    }

    #[test]
    fn no_environment_means_the_whole_sweep() {
        let nothing = environment(&[("SLURM_JOB_ID", "42")]);
        assert_eq!(from_environment(None, &nothing), Ok(None));
        assert_eq!(
            from_environment(Some(4), &nothing),
            Err("--shard-count 4 needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or a Slurm array job; elsewhere give --shard K/4".into())
        );
        assert_eq!(
            from_environment(Some(0), &nothing),
            Err("--shard-count: expected at least 1, found 0".into())
        );
    }
}
