//! The comparison's statistics, the export formats and the import's
//! validation, on runs drawn from known distributions.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::compare::{Change, compare};
use super::export::{CSV_HEADER, csv, markdown};
use super::*;
use crate::analysis::rows;
use crate::protocol::{Measurement, MemoryUse};

/// A measurement of `variant` at `size` whose calls take `ns` each, with
/// linear sampling (1, 2, … 30 calls a sample) and ±5% noise per sample.
pub(crate) fn measured(variant: &str, size: u64, ns: f64, rng: &mut Pcg64) -> Measurement {
    let iters: Vec<u64> = (1..=30).collect();
    let times_ns = iters
        .iter()
        .map(|&i| i as f64 * ns * (1.0 + rng.random_range(-0.05..0.05)))
        .collect();
    Measurement {
        variant: variant.into(),
        size,
        iters,
        times_ns,
        first_call_ns: ns,
        memory: MemoryUse::default(),
    }
}

/// A run of `duplicates` at sizes 100 and 1000 whose naive variant takes
/// `scale` × 10 µs per call and the others a tenth of that.
pub(crate) fn run_of(scale: f64, seed: u64) -> SavedRun {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut measurements = Vec::new();
    for size in [100, 1000] {
        for (variant, ns) in [
            ("naive", 10_000.0),
            ("hash_set", 1_000.0),
            ("sort", 2_000.0),
        ] {
            measurements.push(measured(
                variant,
                size,
                ns * scale * size as f64 / 100.0,
                &mut rng,
            ));
        }
    }
    SavedRun {
        format: FORMAT,
        exercise: "duplicates".into(),
        query: "sizes=100,1000".into(),
        outcome: Outcome::Done,
        message: String::new(),
        started_at: "2026-11-25T10:00:00.000Z".into(),
        finished_at: "2026-11-25T10:00:05.000Z".into(),
        environment: Environment {
            worker: Some(WorkerInfo {
                build: "threaded".into(),
                module: "algorithms".into(),
                version: "abc1234".into(),
                pool_threads: 2,
                timer_resolution_ns: 5000.0,
                ..WorkerInfo::default()
            }),
            browser: BrowserInfo {
                isolated: true,
                cores: 2,
                browser: "HeadlessChrome/156".into(),
                ..BrowserInfo::default()
            },
        },
        check: None,
        measurements,
        thread_sweep: Vec::new(),
        skipped: Vec::new(),
        tables: Vec::new(),
    }
}

#[test]
fn an_a_a_comparison_reads_no_significant_change() {
    // A 95% interval misses 1 in about one A/A row of twenty; the noise
    // threshold is what keeps those from reading as a change.
    let mut containing_one = 0;
    for seed in 0..20 {
        let comparison = compare(&run_of(1.0, seed), &run_of(1.0, seed + 100), 1000);
        assert_eq!(comparison.rows.len(), 6);
        for row in &comparison.rows {
            assert_eq!(row.change, Change::Same, "seed {seed}: {row:?}");
            containing_one += usize::from(row.ratio.contains(1.0));
        }
        assert!(comparison.differences.is_empty());
        assert_eq!(comparison.unmatched, 0);
    }
    assert!(
        containing_one >= 100,
        "{containing_one} of 120 intervals contain 1"
    );
}

#[test]
fn a_two_fold_slowdown_reads_slower_and_a_halving_faster() {
    let (old, slow, fast) = (run_of(1.0, 1), run_of(2.0, 2), run_of(0.5, 3));
    for row in compare(&old, &slow, 1000).rows {
        assert_eq!(row.change, Change::Slower, "{row:?}");
        assert!(
            row.ratio.low > 1.0 && (row.ratio.point - 2.0).abs() < 0.1,
            "{row:?}"
        );
    }
    for row in compare(&old, &fast, 1000).rows {
        assert_eq!(row.change, Change::Faster, "{row:?}");
        assert!(
            row.ratio.high < 1.0 && (row.ratio.point - 0.5).abs() < 0.05,
            "{row:?}"
        );
    }
}

#[test]
fn a_comparison_names_the_provenance_that_differs_and_what_is_unmatched() {
    let old = run_of(1.0, 1);
    let mut new = run_of(1.0, 2);
    new.query = "sizes=100".into();
    new.measurements.retain(|m| m.size == 100);
    new.environment.worker.as_mut().unwrap().build = "single".into();
    new.environment.worker.as_mut().unwrap().pool_threads = 1;
    let comparison = compare(&old, &new, 200);
    let fields: Vec<_> = comparison.differences.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["parameters", "build", "pool threads"]);
    assert_eq!(comparison.differences[1].old, "threaded");
    assert_eq!(comparison.differences[1].new, "single");
    assert_eq!(comparison.rows.len(), 3);
    assert_eq!(comparison.unmatched, 3);
    assert!(compare::comparable(&old, &new));
    new.measurements.clear();
    assert!(!compare::comparable(&old, &new));
}

#[test]
fn runs_of_two_sections_of_one_exercise_are_not_compared() {
    // `patterns`' decorators and context sections both have a `naive`
    // variant at the same sizes, doing different work.
    let section = |name: &str, seed| {
        let mut run = run_of(1.0, seed);
        run.exercise = "patterns".into();
        run.query = format!("section={name}&n=100,1000");
        for m in &mut run.measurements {
            m.variant = m.variant.replace("hash_set", "generic");
        }
        run
    };
    let decorators = section("decorators", 1);
    assert!(compare::comparable(&decorators, &section("decorators", 2)));
    assert!(!compare::comparable(&decorators, &section("context", 2)));
    assert!(!compare::comparable(&section("context", 2), &decorators));
}

#[test]
fn csv_reads_back_to_the_same_numbers() {
    let run = run_of(1.0, 7);
    let exercise = run.measured().unwrap();
    let rows = rows(exercise, &run.measurements);
    let text = csv(&run, &rows);
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader
            .headers()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
            .join(","),
        CSV_HEADER
    );
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        let number = |i: usize| record[i].parse::<f64>().unwrap();
        assert_eq!(&record[1], row.variant);
        assert_eq!(record[2].parse::<u64>().unwrap(), row.size);
        assert_eq!(number(3), row.per_call.point);
        assert_eq!(number(4), row.per_call.low);
        assert_eq!(number(5), row.per_call.high);
        assert_eq!(number(6), row.summary.median);
        assert_eq!(record[7].parse::<usize>().unwrap(), 30);
        let speedup = row.speedup.unwrap();
        assert_eq!(
            (number(8), number(9), number(10)),
            (speedup.point, speedup.low, speedup.high)
        );
    }
}

/// "3.41 µs" → 3410.
fn parse_ns(text: &str) -> f64 {
    let (value, unit) = text.trim().split_once(' ').unwrap();
    let scale = match unit {
        "ns" => 1.0,
        "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        other => panic!("unit {other}"),
    };
    value.parse::<f64>().unwrap() * scale
}

#[test]
fn markdown_reads_back_to_the_same_numbers_at_the_precision_it_shows() {
    let run = run_of(1.0, 8);
    let rows = rows(run.measured().unwrap(), &run.measurements);
    let text = markdown(&run, &rows);
    assert!(text.contains("- parameters: `sizes=100,1000`"), "{text}");
    assert!(
        text.contains("threaded abc1234, 2 pool thread(s)"),
        "{text}"
    );
    let table: Vec<Vec<String>> = text
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| variant"))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(table.len(), rows.len());
    let close = |shown: f64, exact: f64| (shown - exact).abs() <= exact * 0.005;
    for (cells, row) in table.iter().zip(&rows) {
        assert_eq!(cells[0], row.variant);
        assert_eq!(cells[1], row.size.to_string());
        assert!(
            close(parse_ns(&cells[2]), row.per_call.point),
            "{cells:?} {row:?}"
        );
        let (low, high) = cells[3].split_once(" … ").unwrap();
        assert!(close(parse_ns(low), row.per_call.low) && close(parse_ns(high), row.per_call.high));
        let speedup = cells[4].trim_end_matches('×').parse::<f64>().unwrap();
        assert!(close(speedup, row.speedup.unwrap().point), "{cells:?}");
    }
}

#[test]
fn an_export_imports_as_the_same_run() {
    let run = run_of(1.0, 9);
    let text = serde_json::to_string_pretty(&run).unwrap();
    assert_eq!(SavedRun::import(&text), Ok(run));
}

#[test]
fn a_bad_file_is_refused_with_what_is_wrong() {
    let good = serde_json::to_value(run_of(1.0, 10)).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut value = good.clone();
        edit(&mut value);
        SavedRun::import(&value.to_string()).unwrap_err().0
    };
    assert!(SavedRun::import("{").unwrap_err().0.contains("not JSON"));
    assert!(
        SavedRun::import("[]")
            .unwrap_err()
            .0
            .contains("no \"format\"")
    );
    assert!(refused(&|v| v["format"] = 2.into()).contains("format 2; this Perflab reads format 1"));
    assert!(refused(&|v| v["format"] = "1".into()).contains("no \"format\""));
    assert!(refused(&|v| v["format"] = 1.5.into()).contains("no \"format\""));
    assert!(refused(&|v| v["exercise"] = "nope".into()).contains("unknown exercise \"nope\""));
    assert!(refused(&|v| v["query"] = "sizes=0".into()).contains("parameters: sizes"));
    assert!(
        refused(&|v| v["measurements"][0]["variant"] = "fast".into())
            .contains("no variant \"fast\"")
    );
    assert!(
        refused(&|v| v["measurements"][1]["iters"] = serde_json::json!([1]))
            .contains("1 sample sizes for 30 times")
    );
    assert!(
        refused(&|v| v["measurements"][2]["times_ns"][3] = (-1.0).into())
            .contains("not a finite, positive number")
    );
    assert!(
        refused(&|v| v["measurements"][0]["iters"][0] = 0.into()).contains("a sample of 0 calls")
    );
    assert!(refused(&|v| v["outcome"] = "exploded".into()).contains("not a Perflab run"));
    let huge = " ".repeat(MAX_IMPORT_BYTES + 1);
    assert!(SavedRun::import(&huge).unwrap_err().0.contains("at most"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text: an error or a run that validates, never a panic.
    #[test]
    fn any_text_is_refused_or_valid(text in ".{0,200}") {
        if let Ok(run) = SavedRun::import(&text) {
            prop_assert!(run.validate().is_ok());
        }
    }

    /// A valid export cut short or with a byte changed: refused with a
    /// message, or (when the change keeps it valid) a run that validates.
    #[test]
    fn a_damaged_export_is_refused_or_valid(cut in 0usize..4000, at in 0usize..4000, byte in any::<u8>()) {
        let text = serde_json::to_string(&run_of(1.0, 11)).unwrap();
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(bytes.len() - cut.min(bytes.len()));
        let damaged = String::from_utf8_lossy(&bytes);
        match SavedRun::import(&damaged) {
            Ok(run) => prop_assert!(run.validate().is_ok()),
            Err(error) => prop_assert!(!error.0.is_empty()),
        }
    }
}

#[test]
fn a_database_file_travels_beside_the_json_not_in_it() {
    use super::protocol::{FromResults, Reply, Request, ToResults};
    let file = vec![0x53; 100_000];
    let mut reply = Reply { id: 3, body: FromResults::Database { bytes: file.clone() } };
    let text = serde_json::to_string(&reply).unwrap();
    assert!(text.len() < 100, "the JSON holds no bytes: {text}");
    let mut read: Reply = serde_json::from_str(&text).unwrap();
    *read.body.bytes_mut().expect("a database carries bytes") = std::mem::take(reply.body.bytes_mut().unwrap());
    assert_eq!(read, Reply { id: 3, body: FromResults::Database { bytes: file.clone() } });

    let request = Request { id: 4, body: ToResults::ImportDatabase { bytes: file } };
    assert!(serde_json::to_string(&request).unwrap().len() < 100);
    assert!(FromResults::Saved { id: 1 }.bytes_mut().is_none());
    assert!(ToResults::ExportDatabase.bytes_mut().is_none());
}
