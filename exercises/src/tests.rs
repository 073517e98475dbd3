//! Registry invariants (every exercise, so a forgotten piece fails here) and
//! parameter parsing.

use std::collections::{BTreeMap, HashSet};

use crate::params::{self, ParamKind, ParamValue};
use crate::{EXERCISES, find};

#[test]
fn ids_are_unique_and_url_safe() {
    let mut seen = HashSet::new();
    for exercise in EXERCISES {
        assert!(seen.insert(exercise.id), "duplicate id {}", exercise.id);
        assert!(
            exercise
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{}",
            exercise.id
        );
        assert!(std::ptr::eq(find(exercise.id).unwrap(), *exercise));
    }
    assert!(find("no-such-exercise").is_none());
}

#[test]
fn every_exercise_is_complete() {
    for exercise in EXERCISES {
        let id = exercise.id;
        assert!(
            !exercise.title.is_empty() && !exercise.seed.is_empty() && !exercise.summary.is_empty(),
            "{id}"
        );
        assert!(!exercise.explanation.is_empty(), "{id}: no explanation");
        assert_eq!(
            exercise.variants[0].name, "naive",
            "{id}: the naive port comes first"
        );
        assert!(exercise.variants.len() >= 2, "{id}: no optimized variant");
        let names: HashSet<_> = exercise.variants.iter().map(|v| v.name).collect();
        assert_eq!(
            names.len(),
            exercise.variants.len(),
            "{id}: duplicate variant names"
        );
        for variant in exercise.variants {
            assert!(!variant.technique.is_empty(), "{id}/{}", variant.name);
            let source = exercise.variant_source(variant.name);
            assert!(
                source.is_some(),
                "{id}/{}: no `pub fn {}(` in the kernel source",
                variant.name,
                variant.name
            );
        }
        assert!(
            exercise.variant(exercise.target.variant).is_some(),
            "{id}: target variant"
        );
        assert!(
            exercise.variant(exercise.target.baseline).is_some(),
            "{id}: target baseline"
        );
        assert!(exercise.target.speedup > 1.0, "{id}");
    }
}

#[test]
fn every_default_parses_and_the_size_parameter_is_a_list() {
    for exercise in EXERCISES {
        let values = params::parse(exercise.all_params(), &BTreeMap::new())
            .unwrap_or_else(|errors| panic!("{}: defaults do not parse: {errors:?}", exercise.id));
        let sized = matches!(
            values.0.get(exercise.size_param),
            Some(ParamValue::IntList(_) | ParamValue::Shapes(..))
        );
        assert!(sized, "{}", exercise.id);
        assert!(
            !values.list(exercise.size_param).is_empty(),
            "{}",
            exercise.id
        );
        let names: HashSet<_> = exercise.all_params().map(|p| p.name).collect();
        assert_eq!(
            names.len(),
            exercise.all_params().count(),
            "{}: duplicate parameter names",
            exercise.id
        );
    }
}

#[cfg(feature = "runner")]
#[test]
fn every_runner_builds_inputs_that_every_variant_agrees_on() {
    for exercise in EXERCISES.iter().filter(|e| !e.runner.needs_browser()) {
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let mut cases = exercise.runner.check_cases(&values);
        assert!(!cases.is_empty(), "{}", exercise.id);
        for (label, workload) in &mut cases {
            let naive = workload.check(0);
            for (index, variant) in exercise.variants.iter().enumerate() {
                // The digest is what the harness compares; texts may add detail.
                assert_eq!(
                    workload.check(index).digest,
                    naive.digest,
                    "{}/{} on {label}",
                    exercise.id,
                    variant.name
                );
                workload.run(index);
            }
        }
    }
}

/// Each exercise's variants are its kernels' `VARIANTS`, in order: the
/// worker runs variant `i` as kernel `i`, and the page cuts the code by name.
#[cfg(feature = "runner")]
#[test]
fn every_exercise_lists_its_kernels_in_order() {
    fn names<K>(variants: &[(&'static str, K)]) -> Vec<&'static str> {
        variants.iter().map(|(name, _)| *name).collect()
    }
    for exercise in EXERCISES {
        let kernels = match exercise.id {
            "profiling" => names(&kernels::profiling::VARIANTS),
            "duplicates" => names(&kernels::duplicates::VARIANTS),
            "caching" => names(&kernels::caching::VARIANTS),
            "vectorize" => names(&kernels::vectorize::VARIANTS),
            "typed" => names(&kernels::typed::VARIANTS),
            "strings" => names(&kernels::strings::VARIANTS),
            "zerocopy" => names(&crate::zerocopy::run::VARIANTS),
            "matmul" => names(&kernels::matmul::VARIANTS),
            "memory" => names(&kernels::memory::VARIANTS),
            "concurrency" => names(&kernels::concurrency::VARIANTS),
            "streaming" => names(&kernels::streaming::VARIANTS),
            "csv_stream" => names(&kernels::csv_stream::VARIANTS),
            "pipeline" => names(&kernels::pipeline::VARIANTS),
            "scraper" => names(&kernels::scraper::VARIANTS),
            "pi" => names(&kernels::pi::VARIANTS),
            "mandelbrot" => names(&kernels::mandelbrot::VARIANTS),
            other => panic!("{other}: add its kernel list here"),
        };
        let variants: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
        assert_eq!(variants, kernels, "{}", exercise.id);
    }
}

#[cfg(feature = "runner")]
#[test]
fn caching_matches_its_kernels() {
    let exercise = find("caching").unwrap();
    let n = exercise.params.iter().find(|p| p.name == "n").unwrap();
    assert!(
        matches!(n.kind, ParamKind::IntList { max, .. } if max == u64::from(kernels::caching::MAX_N))
    );
    // A reference as plain as it gets: add up the sequence.
    let fib = |n: u32| (0..n).fold((0u64, 1u64), |(a, b), _| (b, a + b)).0;
    let values = params::parse(exercise.all_params(), &params::from_query("n=35,50")).unwrap();
    let (label, mut case) = exercise.runner.check_cases(&values).remove(0);
    assert_eq!(label, "fib(n) for n = [35, 50]");
    let naive = case.check(0);
    assert_eq!(
        naive.text,
        format!(
            "fib(35)={}; fib(50) not run: the naive recursion would take seconds",
            fib(35)
        )
    );
    let memoized = case.check(1);
    assert_eq!(
        memoized.text,
        format!(
            "fib(35)={} (33 hits, 36 misses, 0 evictions, 36 entries at most); fib(50)={} (48 hits, 51 misses, 0 evictions, 51 entries at most)",
            fib(35),
            fib(50)
        )
    );
    assert_eq!(
        memoized.digest, naive.digest,
        "compared where the naive one ran"
    );
    assert_eq!(case.check(3).digest, naive.digest);
}

#[test]
fn duplicates_seed_list_reads_one_three_five() {
    #[cfg(feature = "runner")]
    {
        let exercise = find("duplicates").unwrap();
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let (label, mut seed_list) = exercise.runner.check_cases(&values).remove(0);
        assert_eq!(label, "seed list");
        assert_eq!(seed_list.check(0).text, "[1, 3, 5]");
    }
}

/// Parses one `sizes`-like list (1 ..= 1000, at most 3 values) and returns
/// the values or the error message.
fn check_list(text: &str) -> Result<Vec<u64>, String> {
    let spec = params::ParamSpec {
        name: "sizes",
        label: "sizes",
        help: "",
        kind: ParamKind::IntList {
            min: 1,
            max: 1000,
            max_len: 3,
        },
        default: "1",
    };
    match params::parse_one(&spec, text) {
        Ok(ParamValue::IntList(values)) => Ok(values),
        Ok(other) => panic!("not a list: {other:?}"),
        Err(error) => {
            assert_eq!(error.name, "sizes");
            assert!(error.message.starts_with("sizes: "), "{}", error.message);
            assert!(
                error.message.contains("from 1 to 1000"),
                "names the range: {}",
                error.message
            );
            Err(error.message)
        }
    }
}

#[test]
fn lists_parse_sorted_and_deduplicated() {
    assert_eq!(check_list("100"), Ok(vec![100]));
    assert_eq!(check_list(" 500, 100 ,100"), Ok(vec![100, 500]));
    assert_eq!(check_list("1,1000"), Ok(vec![1, 1000]));
}

#[test]
fn bad_lists_get_a_message_naming_the_problem() {
    for (text, says) in [
        ("", "no value given"),
        ("   ", "no value given"),
        ("100,,200", "a value is missing"),
        ("abc", "\"abc\" is not a whole number"),
        ("1.5", "\"1.5\" is not a whole number"),
        ("-5", "-5 is negative"),
        ("0", "0 is too small"),
        ("1001", "1001 is too large"),
        ("99999999999999999999999", "is too large"),
        ("1,2,3,4", "4 values given"),
        ("1e3", "not a whole number"),
    ] {
        let message = check_list(text).expect_err(text);
        assert!(message.contains(says), "{text:?} gave {message:?}");
    }
}

#[test]
fn absurd_input_gives_a_short_message() {
    let long = "x".repeat(10_000);
    assert!(check_list(&long).unwrap_err().len() < 200);
}

#[test]
fn whole_numbers_check_their_range() {
    let spec = &crate::COMMON_PARAMS[0];
    assert_eq!(params::parse_one(spec, "2000"), Ok(ParamValue::Int(2000)));
    let error = params::parse_one(spec, "10").unwrap_err();
    assert_eq!(error.name, "budget_ms");
    assert!(
        error.message.contains("10 is too small") && error.message.contains("from 50 to 120000"),
        "{error:?}"
    );
}

#[test]
fn throughput_reads_well() {
    let work = crate::Work {
        unit: "elements",
        per_call: |n, _| n as f64,
    };
    assert_eq!(
        work.rate(2000, &Default::default(), 1_000.0),
        "2.00 G elements/s"
    );
    assert_eq!(
        work.rate(1000, &Default::default(), 2_000_000.0),
        "500 k elements/s"
    );
    assert_eq!(work.rate(5, &Default::default(), 1e9), "5.00 elements/s");
}

#[test]
fn choices_accept_only_their_words() {
    let spec = crate::COMMON_PARAMS
        .iter()
        .find(|p| p.name == "mode")
        .unwrap();
    assert_eq!(
        params::parse_one(spec, " Thorough "),
        Ok(ParamValue::Text("thorough".into()))
    );
    let error = params::parse_one(spec, "fast").unwrap_err();
    assert!(
        error.message.contains("\"fast\" is not an option")
            && error.message.contains("one of quick, thorough"),
        "{error:?}"
    );
}

#[test]
fn parse_reports_every_bad_field_and_uses_defaults_for_missing_ones() {
    let exercise = find("duplicates").unwrap();
    let raw = params::from_query("?sizes=10,abc&seed=-1&range_divisor=3");
    let errors = params::parse(exercise.all_params(), &raw).unwrap_err();
    let names: Vec<_> = errors.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["sizes", "seed"]);
    let raw = params::from_query("range_divisor=3");
    let values = params::parse(exercise.all_params(), &raw).unwrap();
    assert_eq!(values.int("range_divisor"), 3);
    assert_eq!(values.list("sizes"), [100, 500, 1000, 2000]);
}

#[test]
fn query_round_trips() {
    let pairs = [
        ("sizes", "100,1000"),
        ("seed", "7"),
        ("odd name", "a&b=c d"),
    ];
    let query = params::to_query(pairs);
    assert!(query.starts_with("sizes=100,1000&seed=7&"), "{query}");
    let back = params::from_query(&format!("?{query}"));
    let expected: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(back, expected);
    assert_eq!(params::from_query("sizes=100%2C1000")["sizes"], "100,1000");
}

#[cfg(feature = "runner")]
#[test]
fn vectorize_checks_the_seeds_statistics_and_shows_the_precision_loss() {
    let exercise = find("vectorize").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("rows=200&cols=5"),
    )
    .unwrap();
    let (label, mut case) = exercise.runner.check_cases(&values).remove(0);
    assert_eq!(label, "seeded 200 × 5 table");
    let outputs: Vec<_> = (0..names.len()).map(|v| case.check(v)).collect();
    assert!(
        outputs.iter().all(|o| o.digest == outputs[0].digest),
        "{outputs:?}"
    );
    // col_means[0]=0.xxxxxx col_stds[0]=0.xxxxxx: six significant digits.
    let text = &outputs[0].text;
    let numbers: Vec<&str> = text
        .split(' ')
        .map(|part| part.split('=').nth(1).unwrap())
        .collect();
    assert!(
        text.starts_with("col_means[0]=0.") && numbers.iter().all(|n| n.len() == "0.123456".len()),
        "{text}"
    );
    let mean: f64 = numbers[0].parse().unwrap();
    assert!((0.3..0.7).contains(&mean), "{text}");

    let table = exercise.runner.tables(&values).remove(0);
    assert_eq!(table.rows.len(), 5, "four fixed offsets and the chosen 1e9");
    let last = table.rows.last().unwrap();
    assert_eq!(last[0], "1e9");
    assert_ne!(last[1], last[3], "the seed's formula is off at 1e9");
    assert_eq!(
        &last[2][..6],
        &last[3][..6],
        "Welford agrees with two passes"
    );
}

#[test]
fn vectorize_refuses_bad_shapes() {
    let exercise = find("vectorize").unwrap();
    for query in ["rows=0", "cols=0", "rows=abc", "cols=5000", "offset=-1"] {
        assert!(
            params::parse(exercise.all_params(), &params::from_query(query)).is_err(),
            "{query}"
        );
    }
}

#[cfg(feature = "runner")]
#[test]
fn typed_checks_the_sum_of_squares() {
    let exercise = find("typed").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(exercise.all_params(), &params::from_query("n=500")).unwrap();
    let (_, mut case) = exercise.runner.check_cases(&values).remove(0);
    let expected: f64 = kernels::typed::generate(500, 11)
        .iter()
        .map(|x| x * x)
        .sum();
    for v in 0..names.len() {
        assert_eq!(
            case.check(v).text,
            format!("sum={expected}"),
            "{}",
            names[v]
        );
    }
    assert!(params::parse(exercise.all_params(), &params::from_query("n=0")).is_err());
    assert!(params::parse(exercise.all_params(), &params::from_query("n=100000000")).is_err());
}

#[cfg(feature = "runner")]
#[test]
fn strings_checks_every_case_by_its_length() {
    let exercise = find("strings").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
    assert_eq!(values.list("cases"), [100 * 10, 1000 * 100, 10_000 * 500]);
    let cases = exercise.runner.check_cases(&values);
    assert_eq!(
        cases.len(),
        2,
        "the quadratic naive method is checked on the cases it finishes quickly"
    );
    for ((label, mut case), (count, length)) in cases.into_iter().zip([(100, 10), (1000, 100)]) {
        assert_eq!(label, format!("{count} strings × {length} characters"));
        for v in 1..names.len() {
            assert_eq!(case.check(v), case.check(0), "{}", names[v]);
        }
        assert_eq!(case.check(0).text, format!("len={}", count * length));
    }
}

#[test]
fn strings_cases_are_validated_with_reasons() {
    let exercise = find("strings").unwrap();
    let error = |query: &str| {
        params::parse(exercise.all_params(), &params::from_query(query)).unwrap_err()[0]
            .message
            .clone()
    };
    assert!(error("cases=").contains("no value given"));
    assert!(error("cases=100").contains("is not <count>x<length>"));
    assert!(error("cases=0x5").contains("0 is too small"));
    assert!(error("cases=5000x5000").contains("5000x5000 is too large"));
    assert!(error("cases=100x10,10x100").contains("the same total length"));
    assert!(error("cases=ax5").contains("\"a\" is not a whole number"));
    let values =
        params::parse(exercise.all_params(), &params::from_query("cases=3X4, 1x2")).unwrap();
    assert_eq!(values.shapes("cases"), [(1, 2), (3, 4)]);
}

#[cfg(feature = "runner")]
#[test]
fn profiling_checks_the_seeds_total() {
    let exercise = find("profiling").unwrap();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("values=100&seed=7"),
    )
    .unwrap();
    let (label, mut case) = exercise.runner.check_cases(&values).remove(0);
    assert_eq!(label, "seeded lists of 100 and 200 values");
    // The seed's arithmetic, written out, on the lists the seed's main() draws.
    let data = kernels::profiling::Data::generate(7, 100);
    let squares = |list: &[u64]| -> u64 {
        list.iter()
            .map(|&n| (0..n).map(|i| i * i).sum::<u64>())
            .sum()
    };
    let expected = 2 * squares(&data.data) + squares(&data.large_data);
    for v in 0..exercise.variants.len() {
        assert_eq!(
            case.check(v).text,
            format!("total={expected}"),
            "{}",
            exercise.variants[v].name
        );
    }
    for bad in [
        "wait_ms=-1",
        "wait_ms=5001",
        "values=0",
        "values=1,2,3,4,5,6,7,8,9",
        "seed=x",
    ] {
        assert!(
            params::parse(exercise.all_params(), &params::from_query(bad)).is_err(),
            "{bad}"
        );
    }
}

/// A browser whose clock advances 0.5 ms per reading and whose sleeps
/// advance it by their length at once.
#[cfg(feature = "runner")]
struct FakeBrowser(std::cell::Cell<f64>);

#[cfg(feature = "runner")]
impl crate::runner::Browser for FakeBrowser {
    fn now_ms(&self) -> f64 {
        self.0.set(self.0.get() + 0.5);
        self.0.get()
    }

    fn sleep(&self, ms: u32) -> std::pin::Pin<Box<dyn Future<Output = ()>>> {
        self.0.set(self.0.get() + f64::from(ms));
        Box::pin(std::future::ready(()))
    }
}

#[cfg(feature = "runner")]
#[test]
fn profiling_reports_the_bottleneck_the_waits_and_the_repeated_pass() {
    use std::task::{Context, Poll, Waker};

    use crate::protocol::FromWorker;

    let exercise = find("profiling").unwrap();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("values=20&wait_ms=100"),
    )
    .unwrap();
    let browser = std::rc::Rc::new(FakeBrowser(std::cell::Cell::new(0.0)));
    let mut live = exercise
        .runner
        .live(&values, browser)
        .expect("profiling has a live demonstration");
    let Poll::Ready(messages) = live.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("the fake browser's sleeps never wait");
    };
    let tables: BTreeMap<_, _> = messages
        .iter()
        .filter_map(|m| {
            if let FromWorker::Table(t) = m {
                Some((t.id.as_str(), t))
            } else {
                None
            }
        })
        .collect();
    let flames: Vec<_> = messages
        .iter()
        .filter_map(|m| {
            if let FromWorker::Flame(f) = m {
                Some(f)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        flames.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["naive", "naive-compute", "optimized-compute"]
    );
    assert!(
        flames[0]
            .spans
            .iter()
            .any(|s| s.name == "slow_calculation ×80"),
        "{:?}",
        flames[0].spans
    );
    assert!(flames[0].spans.iter().any(|s| s.name == "time.sleep ×2"));
    assert!(
        flames[1]
            .spans
            .iter()
            .all(|s| !s.name.starts_with("time.sleep")),
        "the compute alone"
    );

    let profile = tables["profile-naive"];
    assert_eq!(profile.highlighted, 5);
    assert_eq!(profile.rows[0][5], "main", "sorted by cumulative time");
    let row = |name: &str| profile.rows.iter().find(|r| r[5] == name).unwrap().clone();
    assert_eq!(row("slow_calculation")[0], "80");
    assert_eq!(row("process_data")[0], "3");
    assert_eq!(row("time.sleep")[0], "2");
    // Two sleeps of 100 ms on the fake clock, plus a reading each.
    assert_eq!(row("time.sleep")[3], "201.000");

    let report = tables["report"];
    let finding = |name: &str| {
        report
            .rows
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no {name}: {report:?}"))
    };
    // On the fake clock every reading costs 0.5 ms: process_data's and
    // main's own times are all bookkeeping for their callees, which the
    // report takes off, and slow_calculation is left as the bottleneck.
    assert!(
        finding("bottleneck")[1].starts_with("slow_calculation:"),
        "{:?}",
        finding("bottleneck")
    );
    assert!(finding("bottleneck")[2].contains("closed form"));
    assert!(
        finding("waiting")[1].starts_with("time.sleep: 201.0 ms"),
        "{:?}",
        finding("waiting")
    );
    assert!(report.rows.iter().any(|r| r[0] == "repeated input" && r[1] == "process_data: 3 calls, 2 distinct inputs"));
    assert!(finding("after the fix")[1].ends_with("totals equal"));

    let optimized = tables["profile-optimized"];
    assert!(
        optimized
            .rows
            .iter()
            .any(|r| r[5] == "sum_of_squares" && r[0] == "60"),
        "the third pass is cached"
    );
    assert_eq!(tables["wall-time"].rows.len(), 2);
    assert_eq!(
        tables["overhead"].rows[0][3],
        (20 + 40 + 20 + 3).to_string(),
        "spans in one profiled compute"
    );
}

#[test]
fn zerocopy_sizes_are_validated() {
    let exercise = find("zerocopy").unwrap();
    let parse = |query: &str| params::parse(exercise.all_params(), &params::from_query(query));
    assert!(parse("n=1,4000000").is_ok());
    for bad in [
        "n=0",
        "n=4000001",
        "n=",
        "n=1e6",
        "n=1,2,3,4,5,6,7,8,9",
        "seed=-1",
    ] {
        let errors = parse(bad).expect_err(bad);
        assert!(
            errors.iter().all(|e| !e.message.is_empty()),
            "{bad}: {errors:?}"
        );
    }
}
