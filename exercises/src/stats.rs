//! Statistics a performance engineer would trust: bootstrap confidence
//! intervals, Tukey's outlier fences, the per-call time of linear sampling,
//! and the fit of a size sweep against the usual complexity classes.
//! Pure functions, seeded where random, tested on synthetic data.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

/// A point estimate with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate from all the data.
    pub point: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

impl Estimate {
    /// Whether `value` lies in the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// The median of `values` (which need not be sorted); `None` if empty or
/// if any value is not a number.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(quantile_of_sorted(&sorted, 0.5))
}

/// The `q` quantile of sorted values, interpolating linearly (type 7, as R
/// and NumPy do by default).
pub fn quantile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// The percentile interval of `statistic` over `resamples` bootstrap
/// resamples of `data`, with the point estimate from `data` itself.
fn bootstrap<T: Copy>(
    data: &[T],
    resamples: usize,
    seed: u64,
    statistic: impl Fn(&[T]) -> Option<f64>,
) -> Option<Estimate> {
    let point = statistic(data)?;
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut resample = Vec::with_capacity(data.len());
    let mut values: Vec<f64> = (0..resamples)
        .filter_map(|_| {
            resample.clear();
            resample.extend((0..data.len()).map(|_| data[rng.random_range(0..data.len())]));
            statistic(&resample).filter(|v| v.is_finite())
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Estimate {
        point,
        low: quantile_of_sorted(&values, 0.025),
        high: quantile_of_sorted(&values, 0.975),
    })
}

/// The median of per-call times with its bootstrap interval.
pub fn median_estimate(per_call_ns: &[f64], resamples: usize, seed: u64) -> Option<Estimate> {
    bootstrap(per_call_ns, resamples, seed, median)
}

/// `statistic(baseline) / statistic(variant)`, with a bootstrap interval
/// that resamples both sides independently.
pub fn ratio_estimate<T: Copy>(
    baseline: &[T],
    variant: &[T],
    resamples: usize,
    seed: u64,
    statistic: impl Fn(&[T]) -> Option<f64>,
) -> Option<Estimate> {
    let ratio = |b: &[T], v: &[T]| Some(statistic(b)? / statistic(v)?).filter(|r| r.is_finite());
    let point = ratio(baseline, variant)?;
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut draw = |data: &[T]| -> Vec<T> {
        (0..data.len())
            .map(|_| data[rng.random_range(0..data.len())])
            .collect()
    };
    let mut values: Vec<f64> = (0..resamples)
        .filter_map(|_| ratio(&draw(baseline), &draw(variant)))
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Estimate {
        point,
        low: quantile_of_sorted(&values, 0.025),
        high: quantile_of_sorted(&values, 0.975),
    })
}

/// `baseline / variant` of the medians of per-call times.
pub fn speedup_estimate(
    baseline_ns: &[f64],
    variant_ns: &[f64],
    resamples: usize,
    seed: u64,
) -> Option<Estimate> {
    ratio_estimate(baseline_ns, variant_ns, resamples, seed, median)
}

/// Ordinary least squares of `y = slope × x` through the origin (the model
/// of linear sampling: a sample of `x` calls takes `y`), with R².
pub fn slope_through_origin(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let sxx: f64 = points.iter().map(|(x, _)| x * x).sum();
    let sxy: f64 = points.iter().map(|(x, y)| x * y).sum();
    if points.len() < 2 || sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
    let ss_res: f64 = points.iter().map(|(x, y)| (y - slope * x).powi(2)).sum();
    let ss_tot: f64 = points.iter().map(|(_, y)| (y - mean_y).powi(2)).sum();
    let r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else if ss_res == 0.0 {
        1.0
    } else {
        0.0
    };
    Some((slope, r2))
}

/// The time per call of `(calls, time)` samples: the least-squares slope
/// through the origin for linear sampling; for flat sampling (every sample
/// the same number of calls) the median, which one sample slowed by a
/// background task cannot drag, as it would the mean.
pub fn per_call_time(points: &[(f64, f64)]) -> Option<f64> {
    let flat = points.windows(2).all(|pair| pair[0].0 == pair[1].0);
    if flat {
        median(
            &points
                .iter()
                .filter(|p| p.0 > 0.0)
                .map(|&(calls, time)| time / calls)
                .collect::<Vec<_>>(),
        )
    } else {
        slope_through_origin(points).map(|(slope, _)| slope)
    }
}

/// The per-call time of linear sampling (samples of `iters[i]` calls took
/// `times[i]`): [`per_call_time`] and its bootstrap interval over the
/// samples, with R² of the fit. R² is `None` for flat sampling (every sample the
/// same number of calls), where it measures nothing.
pub fn linear_sampling_estimate(
    iters: &[u64],
    times_ns: &[f64],
    resamples: usize,
    seed: u64,
) -> Option<(Estimate, Option<f64>)> {
    let points: Vec<(f64, f64)> = iters
        .iter()
        .map(|&i| i as f64)
        .zip(times_ns.iter().copied())
        .collect();
    let (_, r2) = slope_through_origin(&points)?;
    let linear = iters.iter().any(|&i| i != iters[0]);
    let estimate = bootstrap(&points, resamples, seed, per_call_time)?;
    Some((estimate, linear.then_some(r2)))
}

/// How many samples fall beyond Tukey's fences: mild between 1.5 and 3
/// interquartile ranges outside the quartiles, severe beyond 3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outliers {
    /// Below Q1 − 3 IQR.
    pub low_severe: usize,
    /// Between Q1 − 3 IQR and Q1 − 1.5 IQR.
    pub low_mild: usize,
    /// Between Q3 + 1.5 IQR and Q3 + 3 IQR.
    pub high_mild: usize,
    /// Above Q3 + 3 IQR.
    pub high_severe: usize,
}

impl Outliers {
    /// Classifies `samples`; they are counted, never dropped.
    pub fn of(samples: &[f64]) -> Outliers {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| !s.is_nan()).collect();
        if sorted.len() < 4 {
            return Outliers::default();
        }
        sorted.sort_by(f64::total_cmp);
        let (q1, q3) = (
            quantile_of_sorted(&sorted, 0.25),
            quantile_of_sorted(&sorted, 0.75),
        );
        let iqr = q3 - q1;
        let mut outliers = Outliers::default();
        for &s in &sorted {
            match s {
                s if s < q1 - 3.0 * iqr => outliers.low_severe += 1,
                s if s < q1 - 1.5 * iqr => outliers.low_mild += 1,
                s if s > q3 + 3.0 * iqr => outliers.high_severe += 1,
                s if s > q3 + 1.5 * iqr => outliers.high_mild += 1,
                _ => {}
            }
        }
        outliers
    }

    /// All outliers, mild and severe.
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }

    /// Severe outliers.
    pub fn severe(&self) -> usize {
        self.low_severe + self.high_severe
    }
}

/// A complexity class a size sweep is fitted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Class {
    /// O(1).
    Constant,
    /// O(log n).
    Log,
    /// O(n).
    Linear,
    /// O(n log n).
    LogLinear,
    /// O(n²).
    Quadratic,
    /// O(n³).
    Cubic,
    /// O(2ⁿ).
    Exponential,
}

impl Class {
    /// Every class, slowest-growing first.
    pub const ALL: [Class; 7] = [
        Class::Constant,
        Class::Log,
        Class::Linear,
        Class::LogLinear,
        Class::Quadratic,
        Class::Cubic,
        Class::Exponential,
    ];

    /// The label used in the page and the `data-class` hook.
    pub fn label(self) -> &'static str {
        match self {
            Class::Constant => "1",
            Class::Log => "log n",
            Class::Linear => "n",
            Class::LogLinear => "n log n",
            Class::Quadratic => "n^2",
            Class::Cubic => "n^3",
            Class::Exponential => "2^n",
        }
    }

    /// `ln f(n)`, computed in logs so bⁿ does not overflow; `base` is the
    /// exponential's base.
    fn ln_f(self, n: f64, base: f64) -> f64 {
        let n = n.max(2.0);
        match self {
            Class::Constant => 0.0,
            Class::Log => n.ln().ln(),
            Class::Linear => n.ln(),
            Class::LogLinear => n.ln() + n.ln().ln(),
            Class::Quadratic => 2.0 * n.ln(),
            Class::Cubic => 3.0 * n.ln(),
            Class::Exponential => n * base.ln(),
        }
    }
}

/// The fit of a size sweep: the best class, and the log-log slope with
/// its interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrowthFit {
    /// The class whose `c × f(n)` fits the times best (least squares on
    /// log time).
    pub class: Class,
    /// The constant `c` of that class, in nanoseconds.
    pub constant: f64,
    /// For the exponential class, the fitted base `b` of `c × bⁿ` (2 for
    /// the label's 2ⁿ, φ ≈ 1.62 for Fibonacci); 2 otherwise.
    pub base: f64,
    /// The log-log slope with its 95% interval (Student's t).
    pub slope: Estimate,
}

impl GrowthFit {
    /// Fits `(size, ns)` points with at least two distinct sizes.
    pub fn fit(points: &[(f64, f64)]) -> Option<GrowthFit> {
        let logs: Vec<(f64, f64)> = points
            .iter()
            .filter(|(n, t)| *n > 0.0 && *t > 0.0)
            .map(|&(n, t)| (n, t.ln()))
            .collect();
        let slope = log_log_slope(&logs.iter().map(|&(n, lt)| (n.ln(), lt)).collect::<Vec<_>>())?;
        // Exponential growth gets its own base (ln t = a + n ln b), but only
        // with three sizes or more (through two points it would always fit
        // exactly and win), and its residual is divided by the degrees of
        // freedom left, so the extra parameter must earn its place.
        let fitted_base = exponential_base(&logs);
        let (class, constant) = Class::ALL
            .iter()
            .map(|&class| {
                let own_base =
                    class == Class::Exponential && logs.len() >= 3 && fitted_base.is_some();
                let base = if own_base {
                    fitted_base.unwrap_or(2.0)
                } else {
                    2.0
                };
                let ln_f = |n: f64| class.ln_f(n, base);
                // ln t = ln c + ln f(n): ln c is the mean difference.
                let ln_c =
                    logs.iter().map(|&(n, lt)| lt - ln_f(n)).sum::<f64>() / logs.len() as f64;
                let residual: f64 = logs
                    .iter()
                    .map(|&(n, lt)| (lt - ln_c - ln_f(n)).powi(2))
                    .sum();
                let parameters = if own_base { 2.0 } else { 1.0 };
                (
                    class,
                    ln_c,
                    residual / (logs.len() as f64 - parameters).max(1.0),
                )
            })
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(class, ln_c, _)| (class, ln_c.exp()))?;
        let (constant, base) = match (class, fitted_base) {
            // Predictions use the fitted base, whatever chose the class.
            (Class::Exponential, Some(base)) => {
                let ln_c =
                    logs.iter().map(|&(n, lt)| lt - n * base.ln()).sum::<f64>() / logs.len() as f64;
                (ln_c.exp(), base)
            }
            _ => (constant, 2.0),
        };
        Some(GrowthFit {
            class,
            constant,
            base,
            slope,
        })
    }

    /// The fitted time at `size`, in nanoseconds.
    pub fn predict(&self, size: f64) -> f64 {
        (self.constant.ln() + self.class.ln_f(size, self.base)).exp()
    }
}

/// The base `b` of `t = c × bⁿ` by least squares of `ln t` on `n`; `None`
/// unless it clearly grows (b > 1.05: a smaller base over any size range
/// that can be timed is indistinguishable from a polynomial).
fn exponential_base(logs: &[(f64, f64)]) -> Option<f64> {
    let n = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let base = (sxy / sxx).exp();
    (sxx > 0.0 && base > 1.05 && base.is_finite()).then_some(base)
}

/// The OLS slope of `(ln n, ln t)` with a 95% interval from Student's t;
/// with two points the interval is the slope itself (no residual to judge).
fn log_log_slope(points: &[(f64, f64)]) -> Option<Estimate> {
    let n = points.len();
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if n < 2 || sxx <= 1e-12 {
        return None;
    }
    let slope = points
        .iter()
        .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
        .sum::<f64>()
        / sxx;
    if n == 2 {
        return Some(Estimate {
            point: slope,
            low: slope,
            high: slope,
        });
    }
    let intercept = mean_y - slope * mean_x;
    let ss_res: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let standard_error = (ss_res / (n - 2) as f64 / sxx).sqrt();
    let half = t_975(n - 2) * standard_error;
    Some(Estimate {
        point: slope,
        low: slope - half,
        high: slope + half,
    })
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 10] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    ];
    match df {
        0 => f64::INFINITY,
        1..=10 => TABLE[df - 1],
        11..=20 => 2.2 - (df - 10) as f64 * 0.0114,
        21..=30 => 2.086 - (df - 20) as f64 * 0.0044,
        _ => 1.96 + 2.4 / df as f64,
    }
}

#[cfg(test)]
mod tests;
