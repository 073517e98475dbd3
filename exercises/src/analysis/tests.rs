//! Tests of the analysis, with synthetic measurements.

use super::*;

#[test]
fn byte_counts_read_in_binary_units() {
    assert_eq!(format_bytes(0), "0 B");
    assert_eq!(format_bytes(1023), "1023 B");
    assert_eq!(format_bytes(1536), "1.50 KiB");
    assert_eq!(format_bytes(27 * 1024 * 1024), "27.0 MiB");
    assert_eq!(format_bytes(3 << 30), "3.00 GiB");
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn summary_of_odd_and_even_samples() {
    let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
    assert_eq!(
        (s.median, s.mad, s.min, s.max, s.count),
        (3.0, 2.0, 1.0, 5.0, 3)
    );
    let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
    assert_eq!((s.median, s.mad), (2.5, 1.0));
    assert_eq!(Summary::of(&[]), None);
}

#[test]
fn mad_ignores_one_wild_outlier() {
    let s = Summary::of(&[10.0, 11.0, 9.0, 10.0, 1000.0]).unwrap();
    assert_eq!(s.median, 10.0);
    assert_eq!(s.mad, 1.0);
}

#[test]
fn prediction_falls_back_to_the_declared_growth() {
    use crate::Growth;
    assert_eq!(predict_ns(&[], Growth::Quadratic, 1000.0), None);
    let one = predict_ns(&[(100.0, 1e3)], Growth::Quadratic, 1000.0).unwrap();
    assert!(close(one, 1e5, 1e-9));
    let fib = predict_ns(&[(35.0, 1e8)], Growth::Exponential, 40.0).unwrap();
    assert!(close(fib, 1e8 * 1.618f64.powi(5), 1e-9));
    let two = predict_ns(&[(100.0, 1e3), (200.0, 2e3)], Growth::Quadratic, 1000.0).unwrap();
    assert!(
        close(two, 1e4, 1e-9),
        "the fit (linear) wins over the fallback: {two}"
    );
}

fn linear(variant: &str, size: u64, ns: f64, noise: &[f64]) -> Measurement {
    let iters: Vec<u64> = (1..=noise.len() as u64).map(|r| r * 10).collect();
    let times_ns = iters
        .iter()
        .zip(noise)
        .map(|(&i, e)| i as f64 * ns * e)
        .collect();
    Measurement {
        variant: variant.into(),
        size,
        iters,
        times_ns,
        first_call_ns: ns,
        memory: Default::default(),
    }
}

const NOISE: [f64; 8] = [1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99];

#[test]
fn rows_carry_intervals_speedups_and_fits() {
    let exercise = crate::find("duplicates").unwrap();
    let mut measurements = Vec::new();
    for n in [100u64, 1000, 10_000] {
        measurements.push(linear("naive", n, (n * n) as f64, &NOISE));
        measurements.push(linear("hash_set", n, 20.0 * n as f64, &NOISE));
    }
    let rows = rows(exercise, &measurements);
    assert_eq!(rows.len(), 6);
    assert_eq!((rows[0].variant.as_str(), rows[0].size), ("naive", 100));
    let fast = &rows[5];
    assert!(
        fast.per_call.contains(200_000.0) && fast.r2 > Some(0.99),
        "{fast:?}"
    );
    let speedup = fast.speedup.unwrap();
    assert!(
        speedup.contains(500.0) && speedup.high / speedup.low < 1.1,
        "{speedup:?}"
    );
    let fits = fits(exercise, &rows);
    assert_eq!(fits[0].0, "naive");
    assert_eq!(fits[0].1.class, crate::stats::Class::Quadratic);
    assert_eq!(fits[1].1.class, crate::stats::Class::Linear);
    let (estimate, pass) = verdict(exercise, &rows).unwrap();
    assert!(pass && estimate.low >= 50.0, "{estimate:?}");
}

#[test]
fn diagnostics_name_what_went_wrong() {
    let exercise = crate::find("duplicates").unwrap();
    let calm = Environment {
        timer_resolution_ns: 5_000.0,
        empty_kernel_ns: 1.0,
        hidden_during_run: false,
    };
    let good = vec![linear("naive", 100, 10_000.0, &NOISE)];
    assert_eq!(diagnose(exercise, &good, &rows(exercise, &good), calm), vec![]);
    let kinds = |measurements: &[Measurement], environment| -> Vec<&'static str> {
        diagnose(exercise, measurements, &rows(exercise, measurements), environment)
            .iter()
            .map(|d| d.kind)
            .collect()
    };
    let rough = Environment {
        timer_resolution_ns: 100_000.0,
        hidden_during_run: true,
        ..calm
    };
    assert_eq!(kinds(&good, rough), ["coarse-timer", "hidden-tab"]);
    let noisy = vec![linear(
        "naive",
        100,
        10_000.0,
        &[1.0, 3.0, 0.4, 1.0, 2.5, 0.3, 1.0, 1.0],
    )];
    assert!(kinds(&noisy, calm).contains(&"noisy"));
    let empty = vec![linear("naive", 100, 0.8, &NOISE)];
    assert!(kinds(&empty, calm).contains(&"optimized-away"));
    let mut cold = linear("naive", 100, 10_000.0, &NOISE);
    cold.first_call_ns = 5e6;
    assert_eq!(kinds(&[cold], calm), ["slow-first-call"]);
    let saturated = Measurement {
        times_ns: vec![0.0; 8],
        ..linear("naive", 100, 10_000.0, &NOISE)
    };
    assert!(kinds(&[saturated], calm).contains(&"timer-saturation"));
    // A row is named by its size's own name, as the axis names it.
    let memory = crate::find("memory").unwrap();
    let mut cold = linear("naive", 50, 10_000.0, &NOISE);
    cold.first_call_ns = 5e6;
    let said = diagnose(memory, std::slice::from_ref(&cold), &rows(memory, std::slice::from_ref(&cold)), calm);
    assert!(said[0].message.starts_with("naive at iterations = 50: the first call"), "{said:?}");
}

/// All-equal samples, zero times and a single sample each get a
/// diagnostic, and whatever the page shows of them is finite.
#[test]
fn degenerate_measurements_get_a_diagnostic_and_no_nan() {
    let exercise = crate::find("duplicates").unwrap();
    let calm = Environment {
        timer_resolution_ns: 5_000.0,
        empty_kernel_ns: 1.0,
        hidden_during_run: false,
    };
    let flat = |times_ns: Vec<f64>| Measurement {
        iters: vec![1; times_ns.len()],
        times_ns,
        ..linear("naive", 100, 10_000.0, &NOISE)
    };
    let cases = [
        ("all equal", flat(vec![40_000.0; 4]), "timer-saturation"),
        ("zero times", flat(vec![0.0; 4]), "timer-saturation"),
        ("one sample", flat(vec![40_000.0]), "too-few-samples"),
        ("no sample", flat(vec![]), "too-few-samples"),
    ];
    for (name, measurement, kind) in cases {
        let measurements = [measurement];
        let rows = rows(exercise, &measurements);
        let found: Vec<&str> = diagnose(exercise, &measurements, &rows, calm)
            .iter()
            .map(|d| d.kind)
            .collect();
        assert!(found.contains(&kind), "{name}: {found:?}");
        for row in &rows {
            let shown = [
                row.per_call.point,
                row.per_call.low,
                row.per_call.high,
                row.summary.median,
                row.summary.mad,
            ];
            assert!(shown.iter().all(|x| x.is_finite()), "{name}: {shown:?}");
        }
        let rate = exercise.work.unwrap().rate(
            100,
            &crate::params::ParamValues::default(),
            rows.first().map_or(0.0, |r| r.per_call.point),
        );
        assert!(
            !rate.contains("inf") && !rate.contains("NaN"),
            "{name}: {rate}"
        );
    }
}

#[test]
fn amdahl_recovers_a_known_serial_fraction() {
    for s in [0.0, 0.05, 0.3, 1.0] {
        let points: Vec<(usize, f64)> = (1..=8).map(|k| (k, amdahl_speedup(s, k as f64))).collect();
        let fitted = amdahl_serial_fraction(&points).unwrap();
        assert!((fitted - s).abs() < 1e-9, "{s}: {fitted}");
    }
    assert_eq!(
        amdahl_serial_fraction(&[(1, 1.0)]),
        None,
        "one thread says nothing"
    );
    assert_eq!(
        amdahl_serial_fraction(&[(2, 3.0)]),
        Some(0.0),
        "superlinear clamps to 0"
    );
}

#[test]
fn scaling_is_relative_to_one_thread() {
    let points = vec![
        (1, linear("p", 1000, 1000.0, &NOISE)),
        (2, linear("p", 1000, 600.0, &NOISE)),
    ];
    let scaling = scaling(&points);
    assert_eq!(scaling.len(), 2);
    assert!((scaling[0].speedup.point - 1.0).abs() < 1e-9);
    assert!((scaling[1].speedup.point - 1000.0 / 600.0).abs() < 1e-9);
    assert!((scaling[1].efficiency - 1000.0 / 1200.0).abs() < 1e-9);
    assert!(super::scaling(&points[1..]).is_empty());
}

#[test]
fn durations_read_well() {
    assert_eq!(format_ns(812.0), "812 ns");
    assert_eq!(format_ns(3_410.0), "3.41 µs");
    assert_eq!(format_ns(27_000_000.0), "27.0 ms");
    assert_eq!(format_ns(4.2e9), "4.20 s");
    assert_eq!(format_ns(210e9), "3.5 min");
    assert_eq!(format_ns(7560e9), "2.1 h");
}

#[test]
fn diagnostics_of_one_kind_read_as_one_line_naming_their_rows() {
    let d = |kind, message: &str, severity| Diagnostic { kind, message: message.to_string(), severity };
    let groups = group(vec![
        d("noisy", "sort at n = 1000: the samples disagree (R² = 0.95): run again.", 0.05),
        d("slow-first-call", "sort at n = 10: the first call took 2 ms.", 40.0),
        d("noisy", "naive at n = 100: the samples disagree (R² = 0.89): run again.", 0.11),
        d("noisy", "naive at n = 1000: the samples disagree (R² = 0.97): run again.", 0.03),
    ]);
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!((groups[0].kind, groups[0].messages.len()), ("noisy", 3));
    // Worst first: the lowest R² leads, whatever the order measured.
    assert_eq!(
        groups[0].summary,
        "3 rows (naive at n = 100, sort at n = 1000, naive at n = 1000). The worst: the samples disagree (R² = 0.89): run again."
    );
    assert_eq!(groups[1].summary, "sort at n = 10: the first call took 2 ms.", "one of a kind reads as it is");
}

#[test]
fn the_sweep_is_set_beside_the_table_row_it_repeats() {
    let table = vec![linear("naive", 1000, 9000.0, &NOISE), linear("parallel", 1000, 540.0, &NOISE)];
    let sweep = |two_threads_ns: f64| {
        vec![
            (1, linear("parallel", 1000, 900.0, &NOISE)),
            (2, linear("parallel", 1000, two_threads_ns, &NOISE)),
        ]
    };
    let slower_in_the_table = sweep_beside_table(&table, &sweep(350.0)).unwrap();
    assert_eq!((slower_in_the_table.variant.as_str(), slower_in_the_table.size, slower_in_the_table.threads), ("parallel", 1000, 2));
    assert!((slower_in_the_table.sweep_ns / 350.0 - 1.0).abs() < 0.01, "{slower_in_the_table:?}");
    assert!((slower_in_the_table.table.point / 540.0 - 1.0).abs() < 0.01, "{slower_in_the_table:?}");
    assert!(slower_in_the_table.sweep_faster());
    assert!(!sweep_beside_table(&table, &sweep(540.0)).unwrap().sweep_faster(), "the same time agrees");
    assert!(!sweep_beside_table(&table, &sweep(700.0)).unwrap().sweep_faster());
    assert_eq!(sweep_beside_table(&table, &sweep(350.0)[..1]), None, "one thread: nothing to set beside");
    assert_eq!(sweep_beside_table(&table[..1], &sweep(350.0)), None, "no row for the variant yet");
}
