//! Each exercise's own checks: seed outputs, demonstrations, texts.

use std::collections::BTreeMap;

use super::host;
use crate::find;
use crate::params::{self, ParamKind};

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
    let (label, mut case) = exercise.runner.check_cases(&values, &host()).remove(0);
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
    {
        let exercise = find("duplicates").unwrap();
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let (label, mut seed_list) = exercise.runner.check_cases(&values, &host()).remove(0);
        assert_eq!(label, "seed list");
        assert_eq!(seed_list.check(0).text, "[1, 3, 5]");
    }
}

#[test]
fn vectorize_checks_the_seeds_statistics_and_shows_the_precision_loss() {
    let exercise = find("vectorize").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("rows=200&cols=5"),
    )
    .unwrap();
    let (label, mut case) = exercise.runner.check_cases(&values, &host()).remove(0);
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

    let table = exercise.runner.tables(&values, &host()).remove(0);
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
fn typed_checks_the_sum_of_squares() {
    let exercise = find("typed").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(exercise.all_params(), &params::from_query("n=500")).unwrap();
    let (_, mut case) = exercise.runner.check_cases(&values, &host()).remove(0);
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

#[test]
fn strings_checks_every_case_by_its_length() {
    let exercise = find("strings").unwrap();
    let names: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
    let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
    assert_eq!(values.list("cases"), [100 * 10, 1000 * 100, 10_000 * 500]);
    let cases = exercise.runner.check_cases(&values, &host());
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
fn profiling_checks_the_seeds_total() {
    let exercise = find("profiling").unwrap();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("values=100&seed=7"),
    )
    .unwrap();
    let (label, mut case) = exercise.runner.check_cases(&values, &host()).remove(0);
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
    let mut live = exercise
        .runner
        .live(&values, &host())
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
fn every_patterns_section_takes_another_input_for_another_seed() {
    let exercise = find("patterns").unwrap();
    let checked = |section: &str, seed: u64| {
        let query = format!("section={section}&n=500&seed={seed}");
        let values = params::parse(exercise.all_params(), &params::from_query(&query)).unwrap();
        let runner = exercise.section(&values).runner;
        let (_, mut case) = runner.check_cases(&values, &host()).remove(0);
        case.check(0)
    };
    for section in ["dispatch", "decorators", "context", "iterators", "dsl", "patterns"] {
        assert_eq!(checked(section, 1).digest, checked(section, 1).digest, "{section}");
        assert_ne!(checked(section, 1).digest, checked(section, 2).digest, "{section}");
    }
}

#[test]
fn the_patterns_table_shows_the_observer_at_work() {
    let exercise = find("patterns").unwrap();
    let values = params::parse(exercise.all_params(), &params::from_query("section=patterns")).unwrap();
    let table = exercise.section(&values).runner.tables(&values, &host()).remove(0);
    let observer = table.rows.iter().find(|row| row[0] == "Observer").expect("an Observer row");
    assert!(observer[1].starts_with("publish [Started(1), Finished(1), "), "{observer:?}");
    assert!(observer[2].contains("counts: [3, 2, 1]"), "three started, two finished, one failed: {observer:?}");
    assert!(observer[2].contains("finished: 4"), "items 1 and 3 finished: {observer:?}");
}

#[test]
fn the_decorators_show_what_each_one_costs_per_call() {
    let exercise = find("patterns").unwrap();
    let values = params::parse(exercise.all_params(), &params::from_query("section=decorators")).unwrap();
    let tables = exercise.section(&values).runner.tables(&values, &host());
    let costs = tables.iter().find(|t| t.id == "decorator-costs").expect("the cost table");
    let names: Vec<&str> = costs.rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        names,
        ["the work alone", "count: Counted<F>", "validate: Validated<F>", "cache, every call a miss", "cache, every call a hit"]
    );
    for row in &costs.rows {
        let ns: f64 = row[1].parse().unwrap_or_else(|_| panic!("{row:?}"));
        assert!(ns.is_finite() && ns > 0.0, "{row:?}");
    }
    assert_eq!(costs.rows[0][2], "1.0×", "the work alone is the unit");
}
