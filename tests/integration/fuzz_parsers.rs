//! Structured fuzzing through the library: arbitrary bytes and mutated
//! valid inputs fed to the trace reader, each importer, the scenario and
//! price-book parsers, the settings and the distribution parsers, and
//! arbitrary generator options. None may panic; every error names its place
//! (the file, or the setting or flag at fault); an accepted generator ends.

use std::path::Path;

use proptest::prelude::*;

use costsim::distribution::DurationSpec;
use costsim::workload::import::{
    BadRows, ClfOptions, CsvMapping, RateSeriesOptions, TimeFormat, import_azure_2021, import_clf,
    import_mapped_csv, import_rate_series, read_rate_series,
};
use costsim::workload::{GeneratorOptions, Spread, TraceReader, TraceWriter};

use crate::fuzz_cases::{Rng, mutate};

const TRACE: &str =
    "time,duration_ms,function,memory_mb,bytes_out\n0,10,a,128,5\n1.5,20.25,b,,0\n3,7,a,256,10\n";
const SCENARIO: &str = include_str!("../../scenarios/api-2016.toml");
const BOOKS: [&str; 4] = [
    include_str!("../../pricing/aws-lambda-2016.toml"),
    include_str!("../../pricing/heroku-2016.toml"),
    include_str!("../../pricing/ec2-2025.toml"),
    include_str!("../../pricing/azure-functions-2025.toml"),
];
const CLF: &str = "h - - [01/Jul/1995:00:00:01 -0400] \"GET /a HTTP/1.0\" 200 6245 0.042\nh - - [01/Jul/1995:00:00:02 -0400] \"GET /b HTTP/1.0\" 404 - 0.010\n";
const SERIES: &str = "period,count\n1998-04-30 21:30:00,5\n1998-04-30 21:31:00,7\n";
const AZURE_2021: &str = "app,func,end_timestamp,duration\na,f,10.5,0.5\na,g,3.0,2.0\n";

/// Arbitrary bytes, or a mutation of `seed`.
fn input(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        any::<u64>().prop_map(move |state| mutate(&mut Rng(state), seed.as_bytes())),
    ]
}

/// Asserts `message` names `place` and is not a panic's.
#[track_caller]
fn names(message: &str, place: &str) {
    assert!(message.contains(place), "`{place}` not named in: {message}");
}

/// Reads every row of a trace; the error, if any, names the file.
fn read_trace(bytes: &[u8]) {
    let reader = TraceReader::from_reader(
        "fuzz.csv".into(),
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        None,
    );
    match reader {
        Err(error) => names(&error.to_string(), "fuzz.csv"),
        Ok(reader) => {
            for row in reader {
                if let Err(error) = row {
                    names(&error.to_string(), "fuzz.csv");
                    break;
                }
            }
        }
    }
}

/// Runs `import` on `bytes` written to a file called `name`, writing to a
/// trace in the same folder; its error names the file (or a flag).
fn import(
    name: &str,
    bytes: &[u8],
    import: impl FnOnce(&Path, &mut TraceWriter) -> costsim::error::Result<()>,
) {
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let mut writer = TraceWriter::create(Some(&folder.path().join("out.csv")), false, true).expect("create");
    if let Err(error) = import(&path, &mut writer) {
        let message = error.to_string();
        assert!(
            message.contains(name) || (error.is_usage() && message.contains("--")),
            "no place: {message}"
        );
    }
}

fn csv_mapping() -> CsvMapping {
    CsvMapping {
        delimiter: b',',
        time_column: "time".into(),
        time_format: TimeFormat::parse("epoch-s"),
        duration_column: Some("duration_ms".into()),
        duration_unit: 1_000,
        duration: None,
        function_column: Some("function".into()),
        bytes_column: Some("bytes_out".into()),
        filters: Vec::new(),
        start: None,
        sort: false,
        seed: 1,
        bad_rows: BadRows::Fail,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_trace_reader_names_the_file(bytes in input(TRACE)) {
        read_trace(&bytes);
    }

    #[test]
    fn the_csv_importer_names_the_file(bytes in input(TRACE)) {
        import("in.csv", &bytes, |path, writer| import_mapped_csv(path, &csv_mapping(), writer).map(drop));
    }

    #[test]
    fn the_clf_importer_names_the_file(bytes in input(CLF)) {
        let options = ClfOptions {
            response_time_unit: Some(1_000_000),
            duration: None,
            function: "web".into(),
            start: None,
            sort: false,
            seed: 1,
            bad_rows: BadRows::Fail,
        };
        import("in.log", &bytes, |path, writer| import_clf(path, &options, writer).map(drop));
    }

    #[test]
    fn the_rate_series_importer_names_the_file(bytes in input(SERIES), spread in 0..3usize) {
        let options = RateSeriesOptions {
            spread: [Spread::Uniform, Spread::Equidistant, Spread::Poisson][spread],
            duration: DurationSpec::Constant(50_000),
            function: "default".into(),
            seed: 1,
            first_bucket: 0,
            buckets: None,
            max_rows: 10_000,
        };
        import("in.txt", &bytes, |path, writer| {
            let series = read_rate_series(path, Some(60_000_000))?;
            import_rate_series(&series, &options, writer).map(drop)
        });
    }

    #[test]
    fn the_azure_2021_importer_names_the_file(bytes in input(AZURE_2021)) {
        import("in.csv", &bytes, |path, writer| import_azure_2021(path, BadRows::Fail, writer).map(drop));
    }

    #[test]
    fn scenarios_name_the_file(state in any::<u64>()) {
        let text = String::from_utf8_lossy(&mutate(&mut Rng(state), SCENARIO.as_bytes())).replace("31d", "1h");
        if let Err(error) = costsim::scenario::Scenario::from_toml("fuzz.toml", &text, Path::new(".")) {
            names(&error.to_string(), "fuzz.toml");
        }
    }

    #[test]
    fn price_books_name_the_file(state in any::<u64>(), book in 0..BOOKS.len()) {
        let text = String::from_utf8_lossy(&mutate(&mut Rng(state), BOOKS[book].as_bytes())).into_owned();
        if let Err(error) = costsim::pricing::book::PriceBook::from_toml("fuzz-book.toml", &text) {
            names(&error.to_string(), "fuzz-book.toml");
        }
    }

    #[test]
    fn settings_name_their_key(key in "[a-z_]{1,24}", value in any::<u64>(), book in 0..3usize) {
        let value = String::from_utf8_lossy(&mutate(&mut Rng(value), b"lognormal:median=250ms,p99=1s")).into_owned();
        let id = ["aws-lambda-2025", "heroku-2016", "ec2-2016"][book];
        let text = format!("{key}={value}");
        match costsim::platform::Setting::parse(&text) {
            Err(message) => names(&message, "KEY=VALUE"),
            Ok(setting) => {
                let book = costsim::pricing::resolve(id).expect("a shipped book");
                if let Err(error) = costsim::simulation::Deployment::resolve(book, &[setting]) {
                    names(&error.to_string(), key.trim());
                }
            }
        }
    }

    #[test]
    fn distributions_parse_or_say_what_is_expected(text in "[a-z0-9:=,.]{0,40}", state in any::<u64>()) {
        let mutated = String::from_utf8_lossy(&mutate(&mut Rng(state), b"lognormal:median=250ms,p99=1s")).into_owned();
        for text in [text, mutated] {
            match DurationSpec::parse(&text) {
                Err(message) => prop_assert!(message.contains("expected") || message.contains(&text), "{message}"),
                Ok(spec) => {
                    let sampler = spec.sampler();
                    let mut rng = rand_pcg::Pcg64::new(1, 1);
                    let _ = sampler.sample(&mut rng);
                }
            }
        }
    }

    /// Any generator the options accept ends within its estimate: with a
    /// limit of 20,000 rows, at most a few times that (Poisson counts vary
    /// around their mean, and thinned draws are bounded too).
    #[test]
    fn accepted_generators_end_within_their_limit(
        arrivals in 0..5usize,
        numbers in prop::collection::vec(prop_oneof![Just(0.0), Just(1e-300), Just(1e300), Just(f64::NAN), Just(-1.0), 0.0..1e4], 4),
        span in prop_oneof![Just("1s"), Just("1h"), Just("30d"), Just("0s"), Just("18446744073709s")],
        count in prop::option::of(0u64..100_000),
    ) {
        let options = GeneratorOptions {
            arrivals: ["poisson", "diurnal", "sinusoid", "onoff", "mmpp"][arrivals].into(),
            rate: Some(numbers[0]),
            hourly: Some(vec![numbers[1].to_string(); 24].join(",")),
            trough: Some(numbers[2].min(numbers[1])),
            peak: Some(numbers[1]),
            peak_hour: Some(numbers[3]),
            on_rate: Some(numbers[0]),
            mean_on: Some("30s".into()),
            mean_off: Some(format!("{}s", numbers[2].abs().floor())),
            rates: Some(format!("{},{}", numbers[0], numbers[1])),
            dwell: Some("10m,1us".into()),
            span: Some(span.into()),
            count,
            max_rows: Some(20_000),
            ..GeneratorOptions::default()
        };
        if let Ok(spec) = options.to_spec(Path::new(".")) {
            let rows = spec.generate(0.0).take(200_000).count();
            prop_assert!(rows < 100_000, "{rows} rows from {options:?}");
        }
    }
}
