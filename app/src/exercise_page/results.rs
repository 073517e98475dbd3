//! The results: the target and the verdict, diagnostics, fitted growth,
//! skipped sizes, the results table with speedups, and the plots of the
//! measurements (time, speedups, throughput, memory, distribution).

use exercises::Exercise;
use exercises::analysis::{self, Environment, Row, format_bytes, format_ns};
use exercises::stats::Estimate;
use leptos::prelude::*;

use super::canvas::draw;
use super::demos::ThreadSweep;
use super::export::Export;
use super::saved::Kept;
use super::state::Run;
use crate::plot;

/// "12.4× [11.9, 13.0]".
pub(super) fn ratio_text(s: &Estimate) -> String {
    format!("{:.1}× [{:.1}, {:.1}]", s.point, s.low, s.high)
}

#[component]
pub(super) fn Results(
    exercise: &'static Exercise,
    run: Run,
    rows: Memo<Vec<Row>>,
) -> impl IntoView {
    let time_plot = NodeRef::<leptos::html::Canvas>::new();
    let speedup_plot = NodeRef::<leptos::html::Canvas>::new();
    let distribution_plot = NodeRef::<leptos::html::Canvas>::new();
    let memory_plot = NodeRef::<leptos::html::Canvas>::new();
    let throughput_plot = NodeRef::<leptos::html::Canvas>::new();
    let allocates = move || rows.read().iter().any(|row| row.memory.allocations > 0);
    let chosen_size = RwSignal::new(None::<u64>);
    let sizes = move || {
        if !run.settled() {
            return Vec::new();
        }
        let mut sizes: Vec<u64> = run.measurements.read().iter().map(|m| m.size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    };
    let distribution_size = move || {
        chosen_size
            .get()
            .filter(|s| sizes().contains(s))
            .or_else(|| sizes().last().copied())
    };
    // A run compared with this one (see `saved`) is overlaid.
    let kept = expect_context::<Kept>();
    let overlay = Memo::new(move |_| kept.overlay());
    Effect::new(move |_| {
        let series = plot::series(exercise, &rows.read());
        let compared = plot::series(exercise, &overlay.read());
        if let Some(canvas) = time_plot.get() {
            let size_name = exercise.size_name();
            draw(&canvas, 0.55, move |area, scale| {
                plot::time_vs_size(area, &series, &compared, &size_name, scale)
            });
        }
        if let Some(canvas) = speedup_plot.get() {
            let (rows, overlay) = (rows.get(), overlay.get());
            draw(&canvas, 0.45, move |area, scale| {
                plot::speedups(area, exercise, &rows, &overlay, scale)
            });
        }
    });
    Effect::new(move |_| {
        let (Some(canvas), Some(work), Some(values)) =
            (throughput_plot.get(), exercise.work, run.values.get())
        else {
            return;
        };
        let per_call = move |size: u64| (work.per_call)(size, &values);
        let rows = rows.get();
        draw(&canvas, 0.45, move |area, scale| {
            plot::throughput_vs_size(area, exercise, &rows, work.unit, &per_call, scale)
        });
    });
    // Its own effect: the canvas exists only once something allocates.
    Effect::new(move |_| {
        if let Some(canvas) = memory_plot.get() {
            let rows = rows.get();
            draw(&canvas, 0.45, move |area, scale| {
                plot::time_vs_memory(area, exercise, &rows, scale)
            });
        }
    });
    Effect::new(move |_| {
        let Some(size) = distribution_size() else {
            return;
        };
        let colour = |name: &str| {
            exercise
                .all_variants()
                .position(|v| v.name == name)
                .unwrap_or(0)
        };
        let strips: Vec<(String, usize, Vec<f64>)> = run
            .measurements
            .read()
            .iter()
            .filter(|m| m.size == size)
            .map(|m| (m.variant.clone(), colour(&m.variant), m.per_call_ns()))
            .collect();
        if let Some(canvas) = distribution_plot.get() {
            draw(&canvas, 0.35, move |area, scale| {
                plot::distribution(area, &strips, &exercise.at_size(size), scale)
            });
        }
    });
    let table = move || {
        rows.read().iter().map(|row: &Row| {
            let speedup = row.speedup.map(|s| view! {
                <span data-testid="speedup" data-variant=row.variant.clone() data-size=row.size
                    data-ratio=s.point data-ci-low=s.low data-ci-high=s.high>{ratio_text(&s)}</span>
            });
            let outliers = format!("{} mild, {} severe", row.outliers.total() - row.outliers.severe(), row.outliers.severe());
            view! {
                <tr data-testid="result-row" data-variant=row.variant.clone() data-size=row.size
                    data-ns-per-call=row.per_call.point data-ci-low-ns=row.per_call.low data-ci-high-ns=row.per_call.high
                    data-allocations=row.memory.allocations data-peak-bytes=row.memory.peak_bytes>
                    <td><code>{row.variant.clone()}</code></td>
                    <td class="num">{row.size}</td>
                    <td class="num">{format_ns(row.per_call.point)}</td>
                    <td class="num">"[" {format_ns(row.per_call.low)} ", " {format_ns(row.per_call.high)} "]"</td>
                    <td class="num">{row.r2.map_or("—".to_string(), |r2| format!("{r2:.3}"))}</td>
                    <td class="num">{format_ns(row.summary.median)} " ± " {format_ns(row.summary.mad)}</td>
                    <td class="num">{outliers}</td>
                    <td class="num">{row.summary.count}</td>
                    <td class="num">{exercise.work.zip(run.values.get()).map(|(work, values)| work.rate(row.size, &values, row.per_call.point))}</td>
                    {match exercise.on_gpu(&row.variant) {
                        // GPU memory is not the worker's allocator's to count.
                        true => view! { <td class="num">"—"</td><td class="num">"—"</td> }.into_any(),
                        false => view! {
                            <td class="num">{row.memory.allocations}</td>
                            <td class="num">{format_bytes(row.memory.peak_bytes)}</td>
                        }.into_any(),
                    }}
                    <td class="num">{speedup}</td>
                </tr>
            }
        }).collect_view()
    };
    let target = &exercise.target;
    let verdict = move || {
        match analysis::verdict(exercise, &rows.read()) {
            Some((speedup, pass)) => {
                // Decided only when the whole interval is on one side of the
                // target; an interval that straddles it says what to raise.
                let missed = speedup.high < exercise.target.speedup;
                let (class, said, after) = match (pass, missed) {
                    (true, _) => ("pass", "Passed: ", ""),
                    (false, true) => ("missed", "Missed: ", ""),
                    (false, false) => (
                        "not-yet",
                        "Not decided: ",
                        " — the interval straddles the target: the budget ran out first; raise budget_ms or use mode=thorough",
                    ),
                };
                view! {
                <span data-testid="verdict" data-pass=if pass { "true" } else { "false" }
                    data-decided=if pass || missed { "true" } else { "false" } class=class>
                    {said} {ratio_text(&speedup)} ", target ≥ " {exercise.target.speedup} "×" {after}
                </span>
            }.into_any()
            }
            None => {
                // Before a run, or a run that skipped the target's size: say
                // which, and what to change only when something must change.
                let size = exercise.target.size;
                let listed = run
                    .values
                    .read()
                    .as_ref()
                    .is_none_or(|values| values.list(exercise.size_param).contains(&size));
                let said = if listed {
                    format!("decided once {} is measured", exercise.at_size(size))
                } else {
                    format!("include {size} in “{}” to check it", exercise.size_param)
                };
                view! { <span>{said}</span> }.into_any()
            }
        }
    };
    let fits = move || {
        analysis::fits(exercise, &rows.read()).into_iter().map(|(variant, fit)| view! {
        <li data-testid="fit" data-variant=variant data-class=fit.class.label() data-slope=fit.slope.point>
            <code>{variant}</code> ": grows like O(" {fit.class.label()} "), log-log slope "
            {format!("{:.2} [{:.2}, {:.2}]", fit.slope.point, fit.slope.low, fit.slope.high)}
        </li>
    }).collect_view()
    };
    let diagnostics = move || {
        let info = run.worker.get();
        let environment = Environment {
            timer_resolution_ns: info.as_ref().map_or(0.0, |i| i.timer_resolution_ns),
            empty_kernel_ns: info.as_ref().map_or(0.0, |i| i.empty_kernel_ns),
            hidden_during_run: run.hidden.get(),
        };
        let measurements = if run.settled() {
            run.measurements.read().clone()
        } else {
            Vec::new()
        };
        // One line per kind: a kind seen on several rows names them once,
        // with the full sentences one click away.
        analysis::group(analysis::diagnose(exercise, &measurements, &rows.read(), environment))
            .into_iter()
            .map(|group| {
                let kind = group.kind;
                if group.messages.len() == 1 {
                    return view! { <li data-testid="diagnostic" data-kind=kind>{group.summary}</li> }.into_any();
                }
                let count = group.messages.len();
                view! {
                    <li data-testid="diagnostic-group" data-kind=kind data-count=count>
                        {group.summary}
                        <details>
                            <summary>{format!("each of the {count}")}</summary>
                            <ul>{group.messages.into_iter().map(|m| view! {
                                <li data-testid="diagnostic" data-kind=kind>{m}</li>
                            }).collect_view()}</ul>
                        </details>
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    view! {
        <section class="results">
            <h2>"Results"</h2>
            <p class="target" data-testid="target">
                "Target: " <code>{target.variant}</code> " at least " {target.speedup} "× faster than "
                <code>{target.baseline}</code> " at " {exercise.at_size(target.size)} " — " {verdict}
            </p>
            <Show when=move || !run.settled()>
                <p class="pending" data-testid="results-pending">
                    "Intervals, speedups and plots appear when the run ends: computing and drawing them while it runs \
                     would take a core from the measurements."
                </p>
            </Show>
            <ul class="diagnostics">{diagnostics}</ul>
            <canvas node_ref=time_plot data-testid="plot" class="plot" data-plot="time"
                role="img" aria-label=format!("Plot: time per call against {} for each variant, log-log, with 95% intervals; the numbers are in the results table.", exercise.size_name())
                data-overlay=move || overlay.read().len()></canvas>
            <ul class="fits">{fits}</ul>
            <ul class="skips">
                {move || run.skips.read().iter().map(|skip| view! {
                    <li data-testid="skip-note">
                        <code>{skip.variant.clone()}</code> " at " {exercise.at_size(skip.size)} " skipped: one call is predicted to take "
                        {format_ns(skip.predicted_ns)} ", and a measurement needs several calls within the budget of "
                        {format_ns(skip.budget_ns)} "."
                    </li>
                }).collect_view()}
            </ul>
            <canvas node_ref=speedup_plot data-testid="plot" class="plot" data-plot="speedups"
                role="img" aria-label=format!("Plot: each variant's speedup over {} against {}, with 95% intervals and the target; the numbers are in the results table's last column.", target.baseline, exercise.size_name())
                data-overlay=move || overlay.read().len()></canvas>
            <table class="results-table">
                <thead><tr>
                    <th>"variant"</th><th>{exercise.size_name()}</th><th>"time per call"</th><th>"95% interval"</th><th>"R²"</th>
                    <th>"median ± MAD"</th><th>"outliers"</th><th>"samples"</th><th>"throughput"</th><th>"allocations"</th><th>"peak memory"</th><th>"speedup vs " {target.baseline}</th>
                </tr></thead>
                <tbody>{table}</tbody>
            </table>
            {exercise.work.is_some().then(|| view! {
                <canvas node_ref=throughput_plot data-testid="plot" data-plot="throughput" class="plot"
                    role="img" aria-label="Plot: each variant's throughput against the size, log-log; the numbers are in the results table's throughput column."></canvas>
            })}
            <Show when=allocates>
                <p class="memory-note" data-testid="memory-note">
                    "Memory is counted by the worker's allocator during each variant's first call: allocations, and how far \
                     the live bytes rose (peak). WebAssembly memory only grows, never shrinks, so its size (now "
                    {move || run.measurements.read().iter().map(|m| m.memory.wasm_memory_bytes).max().map(format_bytes)}
                    ") says how big the heap once was, not what is in use."
                </p>
                <canvas node_ref=memory_plot data-testid="plot" class="plot"
                    role="img" aria-label="Plot: time per call against peak memory per call, log-log; the numbers are in the results table's peak memory column."></canvas>
            </Show>
            <p class="distribution-controls">
                <label>"samples at " {exercise.size_name()} " = "
                    <select data-testid="distribution-size" on:change=move |event| chosen_size.set(event_target_value(&event).parse().ok())>
                        {move || sizes().into_iter().map(|size| view! {
                            <option value=size selected=move || distribution_size() == Some(size)>{size}</option>
                        }).collect_view()}
                    </select>
                </label>
            </p>
            <canvas node_ref=distribution_plot data-testid="plot" class="plot"
                role="img" aria-label="Plot: every sample's time per call at the chosen size, one row per variant; the medians and their spread are in the results table."></canvas>
            <ThreadSweep exercise run />
            <Export exercise run rows />
        </section>
    }
}
