//! A scenario's `[sweep]` table: the grid `costsim sweep` runs when no flag
//! replaces it, with the meaning the flags have.
//!
//! ```toml
//! [sweep]
//! memory_mb = [128, 256, 512]        # a list (numbers, strings, true/false)
//! cpu = "0.25,0.5,1"                 # a string: a comma list or a range
//! keep_alive_s = "60..600:60"
//! seed = 7                           # one value
//! "Heroku.dynos" = [1, 2]            # one deployment's setting, quoted ...
//! generator.rate = [5, 10]           # ... or as a dotted key
//! zip = [["memory_mb", "cpu"]]
//! include = [{ memory_mb = 3008, keep_alive_s = 900 }]
//! exclude = [{ memory_mb = 128, seed = 7 }]
//! ```
//!
//! Every key but `zip`, `include` and `exclude` is a dimension, in the
//! order the file writes them; nested tables (dotted keys, `[sweep.NAME]`)
//! join their keys with dots, so `Heroku.dynos = [1, 2]` and
//! `"Heroku.dynos" = [1, 2]` are the same dimension (a deployment named
//! `zip`, `include` or `exclude` is written quoted: `"zip.dynos"`). A list's
//! items are single values (a string in a list is not split or read as a
//! range); `include`/`exclude` give one value per name. The scenario's text
//! is read a second time as spanned TOML, so every value's line is known,
//! and every problem is reported at its line, all at once.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::grid::{Assignment, Dimension, Grid, Part};
use super::values::{MAX_VALUES, canonical_value, parse_values, single_value};

type Key<'a> = Spanned<std::borrow::Cow<'a, str>>;
type Node<'a> = Spanned<DeValue<'a>>;

/// A problem at a byte offset of the scenario.
pub type Located = (usize, String);

/// Where each part of the grid was written, for the grid's own problems.
#[derive(Default)]
struct Offsets {
    table: usize,
    dimensions: Vec<usize>,
    zip: Vec<usize>,
    include: Vec<usize>,
    exclude: Vec<usize>,
}

impl Offsets {
    fn of(&self, part: Part) -> usize {
        let found = match part {
            Part::Whole => None,
            Part::Dimension(index) => self.dimensions.get(index),
            Part::Zip(index) => self.zip.get(index),
            Part::Include(index) => self.include.get(index),
            Part::Exclude(index) => self.exclude.get(index),
        };
        found.copied().unwrap_or(self.table)
    }
}

/// The grid the `[sweep]` table of a scenario's text gives (none without
/// one), or every problem at its offset.
pub fn resolve(source: &str) -> Result<Option<Grid>, Vec<Located>> {
    let document = DeTable::parse(source).map_err(|error| vec![(0, error.to_string())])?;
    let Some(table) = document.get_ref().get("sweep") else {
        return Ok(None);
    };
    let at = table.span().start;
    let DeValue::Table(entries) = table.get_ref() else {
        return Err(vec![(
            at,
            "[sweep]: expected a table of parameters and their values".into(),
        )]);
    };
    let mut problems = Vec::new();
    let mut grid = Grid::default();
    let mut offsets = Offsets {
        table: at,
        ..Offsets::default()
    };
    let mut leaves = Vec::new();
    for (key, value) in entries {
        match key.get_ref().as_ref() {
            "zip" => read_zip(value, &mut grid, &mut offsets, &mut problems),
            "include" => grid.include = read_points("include", value, &mut offsets.include, &mut problems),
            "exclude" => grid.exclude = read_points("exclude", value, &mut offsets.exclude, &mut problems),
            _ => flatten(key, value, "", &mut leaves),
        }
    }
    leaves.sort_by_key(|(key, _, _)| key.span().start);
    for (key, name, value) in leaves {
        match dimension_values(value) {
            Ok(values) => {
                offsets.dimensions.push(key.span().start);
                grid.dimensions.push(Dimension { name, values });
            }
            Err((offset, problem)) => problems.push((offset, format!("`sweep.{name}`: {problem}"))),
        }
    }
    if problems.is_empty()
        && let Err(found) = grid.expand()
    {
        problems.extend(
            found
                .into_iter()
                .map(|problem| (offsets.of(problem.part), format!("[sweep] {}", problem.message))),
        );
    }
    problems.sort_by_key(|(offset, _)| *offset);
    match problems.is_empty() {
        true => Ok(Some(grid)),
        false => Err(problems),
    }
}

/// A leaf of the table: its (last) key, its dotted name and its value.
type Leaf<'a, 'i> = (&'a Key<'i>, String, &'a Node<'i>);

/// The table's leaves under `prefix`, nested tables joined with dots.
fn flatten<'a, 'i>(key: &'a Key<'i>, value: &'a Node<'i>, prefix: &str, leaves: &mut Vec<Leaf<'a, 'i>>) {
    let name = format!("{prefix}{}", key.get_ref());
    match value.get_ref() {
        DeValue::Table(entries) => {
            for (inner_key, inner_value) in entries {
                flatten(inner_key, inner_value, &format!("{name}."), leaves);
            }
        }
        _ => leaves.push((key, name, value)),
    }
}

/// A dimension's values: a list, a string (range or comma list) or one
/// scalar; a problem at its offset otherwise.
fn dimension_values(value: &Node) -> Result<Vec<String>, Located> {
    let at = value.span().start;
    match value.get_ref() {
        DeValue::String(text) => parse_values(text).map_err(|problem| (at, problem)),
        DeValue::Array(items) if items.is_empty() => {
            Err((at, "expected at least one value, found `[]`".into()))
        }
        DeValue::Array(items) if items.len() > MAX_VALUES => Err((
            at,
            format!("expected at most {MAX_VALUES} values, found {}", items.len()),
        )),
        DeValue::Array(items) => items
            .iter()
            .map(|item| {
                scalar_text(item.get_ref(), canonical_value).map_err(|problem| (item.span().start, problem))
            })
            .collect(),
        scalar => scalar_text(scalar, canonical_value)
            .map(|value| vec![value])
            .map_err(|problem| (at, problem)),
    }
}

/// A scalar's canonical text (a string read by `read_text`).
fn scalar_text(value: &DeValue, read_text: fn(&str) -> Result<String, String>) -> Result<String, String> {
    match value {
        DeValue::String(text) => read_text(text),
        DeValue::Integer(integer) => i128::from_str_radix(integer.as_str(), integer.radix())
            .map(|number| number.to_string())
            .map_err(|_| format!("expected an integer below 2^127, found `{integer}`")),
        DeValue::Float(float) if ["inf", "nan"].iter().any(|word| float.as_str().contains(word)) => {
            Err(format!("expected a finite number, found `{float}`"))
        }
        DeValue::Float(float) => canonical_value(float.as_str()),
        DeValue::Boolean(flag) => Ok(flag.to_string()),
        DeValue::Datetime(time) => Err(format!(
            "expected a number, string or true/false, found the date-time `{time}`"
        )),
        DeValue::Array(_) => Err("expected a number, string or true/false, found a list".into()),
        DeValue::Table(_) => Err("expected a number, string or true/false, found a table".into()),
    }
}

/// `zip = [["A", "B"], …]`.
fn read_zip(value: &Node, grid: &mut Grid, offsets: &mut Offsets, problems: &mut Vec<Located>) {
    let expected =
        "`sweep.zip`: expected a list of lists of dimension names, e.g. zip = [[\"memory_mb\", \"cpu\"]]";
    let DeValue::Array(groups) = value.get_ref() else {
        problems.push((value.span().start, expected.into()));
        return;
    };
    for group in groups {
        let names: Option<Vec<String>> = match group.get_ref() {
            DeValue::Array(names) => names
                .iter()
                .map(|name| match name.get_ref() {
                    DeValue::String(text) => Some(text.trim().to_owned()),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match names {
            Some(names) => {
                offsets.zip.push(group.span().start);
                grid.zip.push(names);
            }
            None => problems.push((group.span().start, expected.into())),
        }
    }
}

/// `include` or `exclude`: a list of tables of one value per name.
fn read_points(
    kind: &str,
    value: &Node,
    offsets: &mut Vec<usize>,
    problems: &mut Vec<Located>,
) -> Vec<Vec<Assignment>> {
    let expected = format!(
        "`sweep.{kind}`: expected a list of tables of one value per parameter, e.g. {kind} = [{{ memory_mb = 3008, keep_alive_s = 900 }}]"
    );
    let DeValue::Array(tables) = value.get_ref() else {
        problems.push((value.span().start, expected));
        return Vec::new();
    };
    let mut points = Vec::new();
    for table in tables {
        let DeValue::Table(entries) = table.get_ref() else {
            problems.push((table.span().start, expected.clone()));
            continue;
        };
        let mut leaves = Vec::new();
        for (key, value) in entries {
            flatten(key, value, "", &mut leaves);
        }
        leaves.sort_by_key(|(key, _, _)| key.span().start);
        let mut point = Vec::new();
        for (_, name, value) in leaves {
            match scalar_text(value.get_ref(), single_value) {
                Ok(text) => point.push(Assignment { name, value: text }),
                Err(problem) => {
                    problems.push((value.span().start, format!("`sweep.{kind}` `{name}`: {problem}")))
                }
            }
        }
        offsets.push(table.span().start);
        points.push(point);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grid of a text holding a `[sweep]` table, or its problems as
    /// `line N: message`.
    fn read(source: &str) -> Result<Grid, Vec<String>> {
        match resolve(source) {
            Ok(grid) => Ok(grid.unwrap_or_else(|| panic!("no [sweep] in {source}"))),
            Err(found) => Err(found
                .into_iter()
                .map(|(offset, message)| {
                    let line = source[..offset].matches('\n').count() + 1;
                    format!("line {line}: {message}")
                })
                .collect()),
        }
    }

    fn dimension(name: &str, values: &[&str]) -> Dimension {
        Dimension {
            name: name.into(),
            values: values.iter().map(|value| (*value).to_owned()).collect(),
        }
    }

    fn assignment(name: &str, value: &str) -> Assignment {
        Assignment {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn every_form_of_value_reads_in_the_files_order() {
        let source = r#"[sweep]
traffic = "0.25..4:x2"
memory_mb = [128, 256.0, "512"]
"Heroku.dynos" = [1, 2, 3]
seed = 7
platform = "aws-lambda-2016,aws-lambda-2025"
generator.rate = [5, 10.5]
cold = [true, false]
ratio = 0.1
zip = [["memory_mb", "Heroku.dynos"]]
include = [{ memory_mb = 3008, traffic = "1", generator.rate = 7 }]

[[sweep.exclude]]
seed = 7
ratio = "0.10"
"#;
        let grid = read(source).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert_eq!(
            grid.dimensions,
            [
                dimension("traffic", &["0.25", "0.5", "1", "2", "4"]),
                dimension("memory_mb", &["128", "256", "512"]),
                dimension("Heroku.dynos", &["1", "2", "3"]),
                dimension("seed", &["7"]),
                dimension("platform", &["aws-lambda-2016", "aws-lambda-2025"]),
                dimension("generator.rate", &["5", "10.5"]),
                dimension("cold", &["true", "false"]),
                dimension("ratio", &["0.1"]),
            ]
        );
        assert_eq!(grid.zip, [["memory_mb", "Heroku.dynos"]]);
        assert_eq!(
            grid.include,
            [vec![
                assignment("memory_mb", "3008"),
                assignment("traffic", "1"),
                assignment("generator.rate", "7"),
            ]]
        );
        assert_eq!(
            grid.exclude,
            [vec![assignment("seed", "7"), assignment("ratio", "0.1")]]
        );
    }

    #[test]
    fn dotted_keys_and_sub_tables_flatten_in_the_files_order() {
        let source = r#"[sweep]
Lambda.memory_mb = [128, 256]
traffic = [1, 2]
Lambda.keep_alive_s = "60..120:60"

[sweep."Heroku 2".dynos]
max = [4, 8]
"#;
        let grid = read(source).unwrap_or_else(|problems| panic!("{problems:?}"));
        let names: Vec<&str> = grid
            .dimensions
            .iter()
            .map(|dimension| dimension.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Lambda.memory_mb",
                "traffic",
                "Lambda.keep_alive_s",
                "Heroku 2.dynos.max"
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_line() {
        let source = r#"[sweep]
memory_mb = []
keep_alive_s = "600..60:60"
traffic = [1, [2]]
cpu = [1, nan]
seed = { x = [] }
zip = "memory_mb"
include = [{ memory_mb = "1,2" }, 5]
exclude = [{ cpu = [1] }]
"#;
        assert_eq!(
            read(source).err().unwrap_or_default(),
            [
                "line 2: `sweep.memory_mb`: expected at least one value, found `[]`",
                "line 3: `sweep.keep_alive_s`: expected a range whose start (600) is at most its end (60), found `600..60:60`; ranges ascend, list the values to sweep downwards",
                "line 4: `sweep.traffic`: expected a number, string or true/false, found a list",
                "line 5: `sweep.cpu`: expected a finite number, found `nan`",
                "line 6: `sweep.seed.x`: expected at least one value, found `[]`",
                "line 7: `sweep.zip`: expected a list of lists of dimension names, e.g. zip = [[\"memory_mb\", \"cpu\"]]",
                "line 8: `sweep.include` `memory_mb`: expected one value, found 2 in `1,2`",
                "line 8: `sweep.include`: expected a list of tables of one value per parameter, e.g. include = [{ memory_mb = 3008, keep_alive_s = 900 }]",
                "line 9: `sweep.exclude` `cpu`: expected a number, string or true/false, found a list",
            ]
        );
    }

    #[test]
    fn the_grids_own_problems_are_at_the_line_of_their_part() {
        let source = r#"[sweep]
memory_mb = [128, 256]
cpu = [1, 2, 4]
traffic = [1, 1.0]
zip = [
  ["memory_mb", "cpu"],
  ["traffic", "colour"],
]
include = [{ memory_mb = 128, cpu = 1, traffic = 1 }]
exclude = [{ memory_mb = 512 }]
"#;
        assert_eq!(
            read(source).err().unwrap_or_default(),
            [
                "line 4: [sweep] dimension `traffic`: the value `1` appears twice: expected each value once",
                "line 6: [sweep] zip `memory_mb,cpu`: expected dimensions with as many values each, found memory_mb has 2, cpu has 3",
                "line 7: [sweep] zip `traffic,colour`: `colour` is not a dimension of the grid (dimensions: memory_mb, cpu, traffic)",
            ]
        );
        let fixed = source
            .replace("[1, 1.0]", "[1, 2]")
            .replace("[1, 2, 4]", "[1, 2]")
            .replace(",\n  [\"traffic\", \"colour\"]", "");
        assert_eq!(
            read(&fixed).err().unwrap_or_default(),
            [
                "line 8: [sweep] include `memory_mb=128,cpu=1,traffic=1` is the same point as point 0: expected each point once",
                "line 9: [sweep] exclude `memory_mb=512` matches no point of the grid: is a name or value mistyped?",
            ]
        );
        assert_eq!(
            read("name = 1\n\n[sweep]\n").err().unwrap_or_default(),
            [
                "line 3: [sweep] the grid is empty: expected at least one dimension (`--param NAME=VALUES` or a key of [sweep])"
            ]
        );
    }

    #[test]
    fn numbers_are_read_as_written_and_dates_refused() {
        let source = "[sweep]\nseed = [0x10, 1_000, 0o7]\nratio = [1e3, 0.1, 2.50, -0.0]\n";
        let grid = read(source).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert_eq!(
            grid.dimensions,
            [
                dimension("seed", &["16", "1000", "7"]),
                dimension("ratio", &["1000", "0.1", "2.5", "0"]),
            ]
        );
        assert_eq!(
            read("[sweep]\nstart = 1979-05-27\ncpu = [1, inf]\n")
                .err()
                .unwrap_or_default(),
            [
                "line 2: `sweep.start`: expected a number, string or true/false, found the date-time `1979-05-27`",
                "line 3: `sweep.cpu`: expected a finite number, found `inf`",
            ]
        );
        assert!(matches!(resolve("name = \"x\"\n"), Ok(None)));
    }

    #[test]
    fn the_documented_examples_read() {
        let module = include_str!("grid_toml.rs");
        let start = module.find("//! [sweep]").unwrap_or_default();
        let end = module[start..]
            .find("//! ```")
            .map_or(start, |length| start + length);
        let example: String = module[start..end]
            .lines()
            .map(|line| format!("{}\n", &line[4.min(line.len())..]))
            .collect();
        let grid = read(&example).unwrap_or_else(|problems| panic!("{problems:?}"));
        // 3 (memory_mb with cpu) × 10 × 1 × 2 × 2 = 120, less 10 × 2 × 2 = 40 with 128 MB, plus one.
        assert_eq!(grid.points().map(|points| points.len()), Ok(81));
        let page = include_str!("../../docs/SWEEP.md");
        let start = page
            .find("```toml\n[sweep]")
            .map_or(0, |at| at + "```toml\n".len());
        let end = page[start..].find("```").map_or(start, |length| start + length);
        let grid = read(&page[start..end]).unwrap_or_else(|problems| panic!("{problems:?}"));
        // As docs/SWEEP.md counts: 1,200 - 60 + 1.
        assert_eq!(grid.points().map(|points| points.len()), Ok(1141));
    }

    #[test]
    fn a_sweep_that_is_not_a_table_is_refused() {
        assert_eq!(
            read("sweep = 5\n").err().unwrap_or_default(),
            ["line 1: [sweep]: expected a table of parameters and their values"]
        );
    }
}
