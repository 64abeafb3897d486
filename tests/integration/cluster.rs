//! The cluster examples run as their engines run them, on a 4-point sweep
//! (`tests/data/sweep-small.toml` with `memory_mb=128,256,512,1024`):
//! `examples/slurm/submit.sh` on a real Slurm cluster (the one `.ci/slurm-up`
//! starts; skipped without one, except under CI=true, where it fails), and
//! `examples/kubernetes/`'s Indexed Job and merge Job, whose commands are read
//! out of the YAML and run once per completion index as the pods would. Each
//! shard must hold the points `--shard` would give it, and the merged report
//! must be byte for byte the unsharded sweep's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{Workspace, missing_input};

const SCENARIO: &str = "tests/data/sweep-small.toml";
const GRID: &str = "memory_mb=128,256,512,1024";
/// The variables by which Slurm and Kubernetes tell costsim its shard: none
/// may leak into a run that is not meant to be a shard (the tests could
/// themselves run inside a Slurm job).
const SHARD_VARIABLES: [&str; 4] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
];
/// Far more than 4 shards of a 4-point sweep of 3,623 requests take on a
/// loaded machine (seconds), short of hanging CI when a job never starts.
const SLURM_TIMEOUT_S: &str = "300";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn costsim() -> &'static str {
    env!("CARGO_BIN_EXE_costsim")
}

/// `costsim ARGS` in `folder`, with no shard variables set but `shard_env`.
fn run_costsim(folder: &Path, args: &[String], shard_env: &[(&str, String)]) -> Output {
    let mut command = Command::new(costsim());
    command.args(args).current_dir(folder);
    for variable in SHARD_VARIABLES {
        command.env_remove(variable);
    }
    command.envs(shard_env.iter().map(|(name, value)| (name, value)));
    command.output().expect("costsim runs")
}

#[track_caller]
fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file of a report folder, by name, with its bytes.
fn report_files(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    let entries = std::fs::read_dir(folder).unwrap_or_else(|error| panic!("{}: {error}", folder.display()));
    let files: BTreeMap<String, Vec<u8>> = entries
        .flatten()
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            let bytes = std::fs::read(entry.path()).expect("readable report file");
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    assert!(
        files.contains_key("sweep.csv"),
        "no sweep.csv in {}: {:?}",
        folder.display(),
        files.keys()
    );
    files
}

/// The report of the unsharded sweep `costsim sweep ARGS --out WHOLE`.
fn unsharded_report(work: &Workspace, sweep_args: &[String]) -> BTreeMap<String, Vec<u8>> {
    let whole = work.path("unsharded");
    let mut args = sweep_args.to_vec();
    args.extend(["--out".to_string(), whole.display().to_string()]);
    assert_success(&run_costsim(&work.path(""), &args, &[]), "the unsharded sweep");
    report_files(&whole)
}

/// Asserts that a merged report is the unsharded one, file by file.
#[track_caller]
fn assert_same_report(merged: &BTreeMap<String, Vec<u8>>, unsharded: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        merged.keys().collect::<Vec<_>>(),
        unsharded.keys().collect::<Vec<_>>(),
        "the merged report's files"
    );
    for (name, bytes) in unsharded {
        assert!(
            merged[name] == *bytes,
            "{name} differs between the merged and the unsharded sweep:\n--- merged\n{}\n--- unsharded\n{}",
            String::from_utf8_lossy(&merged[name]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Asserts that the shard file at `path` is shard `index` of 4 and holds
/// point `index - 1` alone: point i goes to shard (i mod 4) + 1, so the
/// 4 points 0..3 go one to each of shards 1..4.
#[track_caller]
fn assert_shard_of_four(path: &Path, index: usize) {
    let text = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let shard: Value = serde_json::from_slice(&text).expect("a shard file is JSON");
    assert_eq!(
        shard["manifest"]["shard"],
        serde_json::json!({ "index": index, "count": 4 }),
        "{}",
        path.display()
    );
    let points: Vec<&Value> = shard["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|point| &point["index"])
        .collect();
    assert_eq!(points, [&serde_json::json!(index - 1)], "{}", path.display());
}

// ---------------------------------------------------------------- Slurm

/// Whether a Slurm cluster answers here: sbatch on the PATH and sinfo
/// showing a node that takes jobs; otherwise what is missing, in words.
fn slurm_cluster() -> Result<(), String> {
    let absent =
        "Slurm (sbatch and sinfo on the PATH; `.ci/slurm-up` installs and starts a single-node cluster)";
    if Command::new("sbatch").arg("--version").output().is_err() {
        return Err(absent.to_string());
    }
    let sinfo = Command::new("sinfo")
        .args(["--noheader", "--format=%T"])
        .output()
        .map_err(|_| absent.to_string())?;
    if !sinfo.status.success() {
        let said = String::from_utf8_lossy(&sinfo.stderr);
        return Err(format!("a Slurm cluster that answers (sinfo: {})", said.trim()));
    }
    let states = String::from_utf8_lossy(&sinfo.stdout);
    let up = ["idle", "mixed", "allocated", "completing"];
    if states.lines().any(|state| up.contains(&state.trim())) {
        Ok(())
    } else {
        Err(format!(
            "a Slurm node that takes jobs (sinfo shows: {:?})",
            states.trim()
        ))
    }
}

/// Every log the Slurm example left in `OUT/logs`, for a failure's message.
fn slurm_logs(out: &Path) -> String {
    let mut logs = String::new();
    for entry in std::fs::read_dir(out.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        logs.push_str(&format!("--- {}\n{text}", entry.file_name().to_string_lossy()));
    }
    logs
}

/// Cancels the array job that `submit.sh` reported submitting (its merge is
/// then cancelled by Slurm, as its dependency cannot be met).
fn cancel_array_job(stdout: &str) {
    let job = stdout
        .lines()
        .find_map(|line| line.strip_prefix("submitted sweep array job "))
        .and_then(|rest| rest.split_whitespace().next());
    if let Some(job) = job {
        let _ = Command::new("scancel").arg(job).status();
    }
}

#[test]
fn the_slurm_array_job_merges_to_the_unsharded_sweep() {
    let test = "the_slurm_array_job_merges_to_the_unsharded_sweep";
    if let Err(missing) = slurm_cluster() {
        missing_input(test, &missing);
        return;
    }
    let work = Workspace::new();
    let out = work.path("slurm");
    let scenario = repo(SCENARIO);
    // `timeout` ends submit.sh and the sbatch --wait it runs (its whole
    // process group) should the jobs never run.
    let output = Command::new("timeout")
        .args(["--kill-after=10", SLURM_TIMEOUT_S])
        .arg(repo("examples/slurm/submit.sh"))
        .arg("--wait")
        .args([scenario.as_os_str(), out.as_os_str()])
        .args(["4", "--param", GRID])
        .env("COSTSIM", costsim())
        .current_dir(work.path(""))
        .output()
        .expect("timeout (coreutils) runs submit.sh");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        cancel_array_job(&stdout);
    }
    assert!(
        output.status.success(),
        "submit.sh --wait failed ({}; 124 is the {SLURM_TIMEOUT_S} s timeout):\n{stdout}{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        slurm_logs(&out)
    );
    // Array tasks 1..4 write shard-1.json .. shard-4.json, task K shard K.
    for index in 1..=4 {
        assert_shard_of_four(&out.join(format!("shard-{index}.json")), index);
    }
    let sweep = vec![
        "sweep".to_string(),
        scenario.display().to_string(),
        "--param".into(),
        GRID.into(),
    ];
    assert_same_report(
        &report_files(&out.join("report")),
        &unsharded_report(&work, &sweep),
    );
}

// ----------------------------------------------------------- Kubernetes

/// A Job's YAML read as far as these tests need, line by line: the unique
/// `KEY: VALUE` lines and the container's `command:` list. Anything else of
/// the file's shape is asserted by the tests that use it.
struct JobFile {
    name: String,
    text: String,
}

impl JobFile {
    fn read(path: &str) -> Self {
        let text = std::fs::read_to_string(repo(path)).unwrap_or_else(|error| panic!("{path}: {error}"));
        JobFile {
            name: path.to_string(),
            text,
        }
    }

    /// The lines that are not comments, with their indentation.
    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text
            .lines()
            .map(|line| (line.len() - line.trim_start().len(), line.trim()))
            .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
    }

    /// Every value of `KEY: VALUE` lines (list items `- KEY: VALUE` too),
    /// unquoted.
    fn values(&self, key: &str) -> Vec<String> {
        let prefix = format!("{key}:");
        self.lines()
            .map(|(_, line)| line.trim_start_matches("- "))
            .filter_map(|line| line.strip_prefix(&prefix))
            .map(|value| unquote(value.trim()))
            .collect()
    }

    /// The value of the one `KEY: VALUE` line.
    fn value(&self, key: &str) -> String {
        let values = self.values(key);
        assert_eq!(
            values.len(),
            1,
            "{}: one `{key}:` line expected, found {values:?}",
            self.name
        );
        values[0].clone()
    }

    /// The items of the one `command:` list (a block list, one `- item` a line).
    fn command(&self) -> Vec<String> {
        let starts: Vec<usize> = self
            .text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim() == "command:")
            .map(|(at, _)| at)
            .collect();
        assert_eq!(
            starts.len(),
            1,
            "{}: one block `command:` list expected",
            self.name
        );
        let items: Vec<String> = self
            .text
            .lines()
            .skip(starts[0] + 1)
            .map(str::trim)
            .take_while(|line| line.starts_with("- "))
            .map(|line| unquote(&line[2..]))
            .collect();
        assert!(!items.is_empty(), "{}: the command list is empty", self.name);
        items
    }
}

fn unquote(value: &str) -> String {
    let quoted = value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''));
    if quoted {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// A pod's command as it would run here: `costsim` is the binary under
/// test, each volume's mount path is a folder of `work` (named after the
/// mount's last component), and `$(JOB_COMPLETION_INDEX)` is `index`, as
/// the kubelet expands it.
fn as_run_here(command: &[String], mounts: &[String], work: &Workspace, index: Option<usize>) -> Vec<String> {
    assert_eq!(command[0], "costsim", "the container runs costsim itself");
    command[1..]
        .iter()
        .map(|argument| {
            let mut argument = argument.clone();
            for mount in mounts {
                if let Some(rest) = argument.strip_prefix(mount.as_str()) {
                    let folder = work.path(mount.rsplit('/').next().unwrap_or("volume"));
                    argument = format!("{}{rest}", folder.display());
                }
            }
            match index {
                Some(index) => argument.replace("$(JOB_COMPLETION_INDEX)", &index.to_string()),
                None => argument,
            }
        })
        .collect()
}

/// The sweep Job's own numbers, checked so that an edit to the example
/// that this test would misread fails here first: 4 completions, 4 at
/// once, `--shard-count 4`, the scenario from /scenario and the shards to
/// /results, named by the completion index.
#[test]
fn the_indexed_job_file_has_the_shape_the_test_reads() {
    let job = JobFile::read("examples/kubernetes/sweep-job.yaml");
    assert_eq!(job.value("kind"), "Job");
    assert_eq!(job.value("completionMode"), "Indexed");
    assert_eq!(job.value("completions"), "4");
    assert_eq!(job.value("parallelism"), "4");
    assert_eq!(job.values("mountPath"), ["/scenario", "/results"]);
    assert_eq!(
        job.command(),
        [
            "costsim",
            "sweep",
            "/scenario/sweep.toml",
            "--param",
            GRID,
            "--shard-count",
            "4",
            "--out",
            "/results/shard-$(JOB_COMPLETION_INDEX).json",
        ]
    );
    let merge = JobFile::read("examples/kubernetes/merge-job.yaml");
    assert_eq!(merge.values("mountPath"), ["/results"]);
    assert_eq!(merge.command()[..2], ["costsim", "merge"]);
}

#[test]
fn the_indexed_job_merges_to_the_unsharded_sweep() {
    let job = JobFile::read("examples/kubernetes/sweep-job.yaml");
    let completions: usize = job.value("completions").parse().expect("a count of completions");
    let mounts = job.values("mountPath");
    let work = Workspace::new();
    for mount in &mounts {
        std::fs::create_dir_all(work.path(mount.rsplit('/').next().unwrap_or("volume")))
            .expect("a volume folder");
    }
    // The ConfigMap: the scenario as `sweep.toml` in the /scenario volume.
    std::fs::copy(repo(SCENARIO), work.path("scenario").join("sweep.toml")).expect("the scenario copied");

    for index in 0..completions {
        let args = as_run_here(&job.command(), &mounts, &work, Some(index));
        let output = run_costsim(
            &work.path(""),
            &args,
            &[("JOB_COMPLETION_INDEX", index.to_string())],
        );
        assert_success(&output, &format!("the pod of completion index {index}"));
        // Index i is shard i + 1: shard-0.json .. shard-3.json hold shards 1..4.
        assert_shard_of_four(
            &work.path("results").join(format!("shard-{index}.json")),
            index + 1,
        );
    }
    let merge = JobFile::read("examples/kubernetes/merge-job.yaml");
    let output = run_costsim(
        &work.path(""),
        &as_run_here(&merge.command(), &merge.values("mountPath"), &work, None),
        &[],
    );
    assert_success(&output, "the merge Job's command");

    // The same sweep unsharded: the pods' command without the shard count
    // and `--out`, which `unsharded_report` sets to a folder.
    let pod = as_run_here(&job.command(), &mounts, &work, None);
    let sweep: Vec<String> = pod
        .iter()
        .position(|argument| argument == "--shard-count")
        .map(|at| pod[..at].to_vec())
        .expect("the pods' command ends with --shard-count N --out FILE");
    assert_same_report(
        &report_files(&work.path("results").join("report")),
        &unsharded_report(&work, &sweep),
    );
}
