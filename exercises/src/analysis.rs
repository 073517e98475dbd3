//! Pure functions over measured timings: summaries, growth fits,
//! predictions and speedups. The worker measures, this module analyses, the
//! app draws; everything here is tested on the host with synthetic data.

use crate::protocol::Measurement;

/// Robust summary of per-call times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Median, in nanoseconds.
    pub median: f64,
    /// Median absolute deviation from the median, in nanoseconds.
    pub mad: f64,
    /// Fastest sample.
    pub min: f64,
    /// Slowest sample.
    pub max: f64,
    /// Number of samples.
    pub count: usize,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = median_of_sorted(&sorted)?;
        let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        Some(Summary {
            median,
            mad: median_of_sorted(&deviations)?,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            count: sorted.len(),
        })
    }
}

fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// `time ≈ coefficient × size^exponent`, fitted by least squares on log-log
/// axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerFit {
    /// The growth exponent: about 1 for linear, 2 for quadratic code.
    pub exponent: f64,
    /// Time at size 1, in nanoseconds.
    pub coefficient: f64,
    /// Coefficient of determination of the log-log fit (1 is perfect).
    pub r2: f64,
}

impl PowerFit {
    /// Fits `(size, ns)` points; needs two distinct positive sizes.
    pub fn fit(points: &[(f64, f64)]) -> Option<PowerFit> {
        let logs: Vec<(f64, f64)> = points
            .iter()
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .map(|(x, y)| (x.ln(), y.ln()))
            .collect();
        let n = logs.len() as f64;
        let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        let syy: f64 = logs.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
        if logs.len() < 2 || sxx <= f64::EPSILON {
            return None;
        }
        let exponent = sxy / sxx;
        let intercept = mean_y - exponent * mean_x;
        let r2 = if syy <= f64::EPSILON { 1.0 } else { (sxy * sxy) / (sxx * syy) };
        Some(PowerFit { exponent, coefficient: intercept.exp(), r2 })
    }

    /// The fitted time at `size`, in nanoseconds.
    pub fn predict(&self, size: f64) -> f64 {
        self.coefficient * size.powf(self.exponent)
    }
}

/// Predicts the time of one call at `size` from the `(size, ns)` points
/// measured so far: by the fit when there are two sizes or more, by scaling
/// the largest measured point with `fallback_exponent` when there is one,
/// and not at all when there are none.
pub fn predict_ns(points: &[(f64, f64)], fallback_exponent: f64, size: f64) -> Option<f64> {
    if let Some(fit) = PowerFit::fit(points) {
        return Some(fit.predict(size));
    }
    let &(x, y) = points.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(y * (size / x).powf(fallback_exponent))
}

/// The median time per call of a measurement.
pub fn median_ns(measurement: &Measurement) -> f64 {
    Summary::of(&measurement.samples_ns).map_or(f64::NAN, |s| s.median)
}

/// A duration in nanoseconds, in the unit that reads best: "812 ns",
/// "3.41 µs", "27.0 ms", "4.20 s", "3.5 min", "2.1 h".
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = match ns.abs() {
        x if x < 1e3 => (ns, "ns"),
        x if x < 1e6 => (ns / 1e3, "µs"),
        x if x < 1e9 => (ns / 1e6, "ms"),
        x if x < 60e9 => (ns / 1e9, "s"),
        x if x < 3600e9 => return format!("{:.1} min", ns / 60e9),
        _ => return format!("{:.1} h", ns / 3600e9),
    };
    let digits = match value.abs() {
        x if x < 10.0 => 2,
        x if x < 100.0 => 1,
        _ => 0,
    };
    format!("{value:.digits$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1.0)
    }

    #[test]
    fn summary_of_odd_and_even_samples() {
        let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.mad, s.min, s.max, s.count), (3.0, 2.0, 1.0, 5.0, 3));
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
    fn fit_recovers_exact_power_laws() {
        for exponent in [1.0, 1.5, 2.0, 3.0] {
            let points: Vec<(f64, f64)> =
                [100.0, 500.0, 1000.0, 2000.0].iter().map(|&n: &f64| (n, 7.0 * n.powf(exponent))).collect();
            let fit = PowerFit::fit(&points).unwrap();
            assert!(close(fit.exponent, exponent, 1e-9), "{fit:?}");
            assert!(close(fit.coefficient, 7.0, 1e-6), "{fit:?}");
            assert!(close(fit.r2, 1.0, 1e-9), "{fit:?}");
            assert!(close(fit.predict(10_000.0), 7.0 * 10_000f64.powf(exponent), 1e-6));
        }
    }

    #[test]
    fn fit_of_noisy_quadratic_is_near_two_with_r2_below_one() {
        let noise = [1.1, 0.9, 1.05, 0.97, 1.02];
        let points: Vec<(f64, f64)> =
            [100.0, 300.0, 1000.0, 3000.0, 10000.0].iter().zip(noise).map(|(&n, e)| (n, n * n * e)).collect();
        let fit = PowerFit::fit(&points).unwrap();
        assert!((fit.exponent - 2.0).abs() < 0.05, "{fit:?}");
        assert!(fit.r2 < 1.0 && fit.r2 > 0.99, "{fit:?}");
    }

    #[test]
    fn fit_needs_two_distinct_sizes() {
        assert_eq!(PowerFit::fit(&[]), None);
        assert_eq!(PowerFit::fit(&[(100.0, 5.0)]), None);
        assert_eq!(PowerFit::fit(&[(100.0, 5.0), (100.0, 6.0)]), None);
    }

    #[test]
    fn prediction_falls_back_to_the_declared_growth() {
        assert_eq!(predict_ns(&[], 2.0, 1000.0), None);
        let one = predict_ns(&[(100.0, 1e3)], 2.0, 1000.0).unwrap();
        assert!(close(one, 1e5, 1e-9));
        let two = predict_ns(&[(100.0, 1e3), (200.0, 2e3)], 2.0, 1000.0).unwrap();
        assert!(close(two, 1e4, 1e-9), "the fit (linear) wins over the fallback: {two}");
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
}
