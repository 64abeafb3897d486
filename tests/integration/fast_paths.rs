//! The fast paths of a replay give the numbers of the plain ones: shared
//! routing over hundreds of servers, traces on standard input, and gzip
//! files that end badly, which must say how and on which line.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{Workspace, assert_close, number};

#[test]
fn shared_routing_over_four_hundred_dynos_matches_the_hand_count() {
    // 400 one-worker dynos, shared queue. At t=0, 401 requests of 1 s: 400
    // start at once, the 401st waits for the first free worker at 1.0 s.
    // At t=0.5 one more arrives and waits for the second, also at 1.0 s.
    // Waits: 1,000 ms and 500 ms; mean 1,500 / 402 = 3.731 ms; the longest
    // responses take 1.0 + 1.0 = 2.0 s (t=0) and 0.5 + 1.0 = 1.5 s.
    let workspace = Workspace::new();
    let rows = (0..401)
        .map(|_| "0,1000".to_owned())
        .chain(std::iter::once("0.5,1000".to_owned()));
    workspace.write_rows("t.csv", "time,duration_ms", rows);
    let result = workspace.simulate_json(&[
        "--trace",
        "t.csv",
        "--platform",
        "heroku-2016",
        "--set",
        "dynos=400",
        "--set",
        "workers=1",
        "--set",
        "routing=shared",
    ]);
    assert_eq!(number(&result, "requests.total"), 402.0);
    assert_eq!(number(&result, "requests.served"), 402.0);
    assert_close(number(&result, "queue_ms.max"), 1_000.0, 1.0);
    assert_close(number(&result, "queue_ms.mean"), 1_500.0 / 402.0, 0.01);
    assert_close(number(&result, "latency_ms.max"), 2_000.0, 2.0);
    // Every request ends by 2.0 s, the horizon.
    assert_close(number(&result, "horizon_s"), 2.0, 1e-9);
}

#[test]
fn a_trace_on_standard_input_reads_like_the_file() {
    let workspace = Workspace::new();
    let text = "time,duration_ms,function\n0,120,a\n0.5,80,b\n2,300,a\n";
    workspace.write("t.csv", text);
    let from_file = workspace.run(&["simulate", "--trace", "t.csv", "--format", "json"]);
    assert!(from_file.status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(["simulate", "--trace", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("costsim runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())
        .expect("write");
    let from_stdin = child.wait_with_output().expect("finishes");
    assert!(from_stdin.status.success());
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn a_bad_row_on_standard_input_is_named_by_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(["simulate", "--trace", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("costsim runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"time,duration_ms\r\n0,10\r\n1,ten\r\n")
        .expect("write");
    let output = child.wait_with_output().expect("finishes");
    assert_eq!(output.status.code(), Some(1));
    // Line 3, although the lines end in \r\n.
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "costsim: error: standard input:3: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `ten`"
    );
}

fn gzipped(text: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text).expect("in memory");
    encoder.finish().expect("in memory")
}

fn simulate_error(workspace: &Workspace, file: &str) -> String {
    let output = workspace.run(&["simulate", "--trace", file]);
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

#[test]
fn gzip_files_that_end_badly_say_how_and_where() {
    let workspace = Workspace::new();
    // Header and three rows: the stream fails while line 5 is being read.
    let mut bytes = gzipped(b"time,duration_ms\n0,10\n1,10\n2,10\n");
    bytes.extend_from_slice(b"junk");
    std::fs::write(workspace.path("trailing.csv.gz"), &bytes).expect("write");
    assert_eq!(
        simulate_error(&workspace, "trailing.csv.gz"),
        "costsim: error: trailing.csv.gz:5: cannot read: 4 bytes after the end of the gzip data are not gzip (trailing garbage)"
    );
    // Without its 8-byte trailer (checksum and length) the member is cut short.
    bytes.truncate(bytes.len() - 4 - 8);
    std::fs::write(workspace.path("truncated.csv.gz"), &bytes).expect("write");
    assert_eq!(
        simulate_error(&workspace, "truncated.csv.gz"),
        "costsim: error: truncated.csv.gz:5: cannot read: the gzip data ends before its end marker (a truncated file?)"
    );
}

#[test]
fn concatenated_gzip_members_are_one_trace() {
    let workspace = Workspace::new();
    let mut bytes = gzipped(b"time,duration_ms\n0,10\n");
    bytes.extend(gzipped(b"1,10\n2,10\n"));
    std::fs::write(workspace.path("t.csv.gz"), &bytes).expect("write");
    let result = workspace.simulate_json(&["--trace", "t.csv.gz"]);
    assert_eq!(number(&result, "requests.total"), 3.0);
}

#[test]
fn an_in_memory_request_out_of_range_is_named_by_its_position() {
    // The stream's positions count from 1: the third request runs 10 years
    // and 1 µs (10 × 365 × 86,400 × 10^6 + 1 µs, one past the longest), so
    // the error names position 3, after two requests that replayed.
    let deployment = crate::support::deployment("aws-lambda-2016", &[]);
    let request = |arrival, duration| costsim::workload::Request {
        arrival,
        duration,
        function: costsim::workload::FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    };
    let too_long = costsim::workload::MAX_DURATION + 1;
    assert_eq!(too_long, 315_360_000_000_001);
    let requests = [request(0, 100), request(10, 100), request(20, too_long)].map(Ok);
    let options = costsim::platform::RunOptions {
        origin: costsim::workload::default_start(),
        horizon: None,
        seed: 1,
    };
    let error = costsim::simulation::simulate(&deployment, requests, options).expect_err("out of range");
    assert_eq!(
        error.to_string(),
        "request stream:3: a request arrives more than 100 years after the start or runs longer than ten years"
    );
}
