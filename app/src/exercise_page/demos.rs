//! The exercises' demonstrations: tables of figures, memory over the steps
//! of one call, images, start-up costs, flame graphs, the timeline and the
//! thread sweep.

use exercises::Exercise;
use exercises::analysis::{self, Row, format_bytes, format_ns};
use exercises::protocol::RowHook;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::canvas::draw;
use super::results::ratio_text;
use super::state::Run;
use crate::plot;

#[component]
pub(super) fn DemoTables(run: Run) -> impl IntoView {
    move || {
        run.tables.get().into_iter().map(|table| view! {
            <section class="demo-table">
                <h2>{table.title}</h2>
                <p>{table.caption}</p>
                <table data-testid="demo-table" data-table=table.id>
                    <thead><tr>{table.columns.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {table.rows.into_iter().enumerate().map(|(index, row)| {
                            let tr = view! {
                                <tr class:highlighted=index < table.highlighted>{row.into_iter().map(demo_cell).collect_view()}</tr>
                            };
                            match table.hooks.iter().find(|(row, _)| *row == index) {
                                Some((_, hook)) => hooked(tr.into_any(), hook),
                                None => tr.into_any(),
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }).collect_view()
    }
}

/// A button per file the exercise offers (`export-<id>`), saved through
/// the object URL of the worker's `Blob`: the page never reads the bytes.
#[component]
pub(super) fn Downloads(run: Run) -> impl IntoView {
    move || {
        run.downloads.get().into_iter().map(|(file, href)| {
            let name = file.file_name.clone();
            view! {
                <button type="button" data-testid=format!("export-{}", file.id)
                    on:click=move |_| { let _ = crate::download::url(&name, &href); }>
                    {file.label} " (" {format_bytes(file.size)} ")"
                </button>
            }
        }).collect_view()
    }
}

/// A row with its hook: `data-testid` and the `data-*` attributes tests
/// read its figures from.
fn hooked(row: AnyView, hook: &RowHook) -> AnyView {
    use leptos::tachys::html::attribute::custom::custom_attribute;
    let row = row.add_any_attr(custom_attribute("data-testid", hook.testid.clone())).into_any();
    hook.data.iter().fold(row, |row, (name, value)| {
        row.add_any_attr(custom_attribute(format!("data-{name}"), value.clone())).into_any()
    })
}

/// A table cell: a figure, right-aligned; or code (text of several lines,
/// such as a macro's expansion), kept as it is laid out.
fn demo_cell(cell: String) -> AnyView {
    if cell.contains('\n') {
        view! { <td><pre><code>{cell}</code></pre></td> }.into_any()
    } else {
        view! { <td class="num">{cell}</td> }.into_any()
    }
}

#[component]
pub(super) fn MemoryOverSteps(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let steps = run.memory_steps.get();
        if let (false, Some(canvas)) = (steps.is_empty(), canvas.get()) {
            draw(&canvas, 0.45, move |area, scale| {
                plot::memory_steps(area, exercise, &steps, scale)
            });
        }
    });
    let size = move || run.memory_steps.read().first().map_or(0, |s| s.size);
    view! {
        <Show when=move || !run.memory_steps.read().is_empty()>
            <section class="demo-table">
                <h2>"Memory over the steps of one call"</h2>
                <p>{move || format!(
                    "One call of every variant at {} = {}, with the counting allocator read after each step. \
                     The last columns set the seed's memory_estimate beside what was measured at the end; \
                     WebAssembly memory only grows, so its size shows the largest heap so far, not what is in use.",
                    exercise.size_param, size()
                )}</p>
                <canvas node_ref=canvas data-testid="plot" data-plot="memory-steps" class="plot" role="img"
                    aria-label="Plot: live bytes after each step of one call, per variant; the values at the end are in the table below."></canvas>
                <table data-testid="demo-table" data-table="memory-steps">
                    <thead><tr>
                        <th>"variant"</th><th>"live at the end"</th><th>"peak live"</th>
                        <th>"seed's estimate at the end"</th><th>"WebAssembly memory"</th>
                    </tr></thead>
                    <tbody>
                        {move || run.memory_steps.get().into_iter().map(|steps| {
                            let last = |values: &[u64]| values.last().copied().unwrap_or(0);
                            view! {
                                <tr data-variant=steps.variant.clone()>
                                    <td><code>{steps.variant.clone()}</code></td>
                                    <td class="num">{format_bytes(last(&steps.live_bytes))}</td>
                                    <td class="num">{format_bytes(steps.live_bytes.iter().copied().max().unwrap_or(0))}</td>
                                    <td class="num">{format_bytes(last(&steps.estimate_bytes))}</td>
                                    <td class="num">{format_bytes(last(&steps.wasm_memory_bytes))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

#[component]
pub(super) fn Images(run: Run) -> impl IntoView {
    move || {
        run.images.get().into_iter().map(|image| {
            let canvas = NodeRef::<leptos::html::Canvas>::new();
            let (id, title, caption) = (image.id.clone(), image.title.clone(), image.caption.clone());
            let title_label = title.clone();
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get()
                    && let Err(error) = put_image(&canvas, &image)
                {
                    web_sys::console::error_1(&error);
                }
            });
            view! {
                <section class="image">
                    <h2>{title}</h2>
                    <p>{caption}</p>
                    <canvas node_ref=canvas data-testid="image" data-image=id class="counts" role="img"
                        aria-label=format!("Image: {title_label}")></canvas>
                </section>
            }
        }).collect_view()
    }
}

/// Draws an image of counts pixel for pixel; CSS scales it to a square.
fn put_image(
    canvas: &web_sys::HtmlCanvasElement,
    image: &exercises::protocol::Image,
) -> Result<(), JsValue> {
    canvas.set_width(image.width);
    canvas.set_height(image.height);
    let rgba = plot::colour_map(&image.counts, image.max);
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        image.width,
        image.height,
    )?;
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .unchecked_into();
    context.put_image_data(&data, 0.0, 0.0)
}

/// What starting costs before the first result: loading the worker's
/// module (compile and instantiate), and each variant's first call, cold,
/// beside its warm time per call.
#[component]
pub(super) fn StartupCosts(
    exercise: &'static Exercise,
    run: Run,
    rows: Memo<Vec<Row>>,
) -> impl IntoView {
    move || {
        let info = run.worker.get()?;
        let first = run
            .first_module_load_ms
            .get()
            .unwrap_or(info.module_load_ms);
        let smallest: Vec<Row> = exercise
            .all_variants()
            .filter_map(|variant| {
                rows.read()
                    .iter()
                    .filter(|row| row.variant == variant.name)
                    .min_by_key(|row| row.size)
                    .cloned()
            })
            .collect();
        Some(view! {
            <section class="demo-table">
                <h2>"Start-up costs: compiling, caching, the first call"</h2>
                <p>"The worker's module is compiled and instantiated when a worker starts; every run starts a \
                    fresh worker, and after the first the browser reuses the compiled code it cached. A \
                    variant's first call runs on code V8 compiled quickly (Liftoff) and pays for any \
                    first-time allocation; the warm time is after its hot code was recompiled optimized."</p>
                <table data-testid="demo-table" data-table="startup">
                    <thead><tr><th>"what"</th><th>"first"</th><th>"later"</th></tr></thead>
                    <tbody>
                        <tr data-testid="module-load">
                            <td>"worker module: compile and instantiate"</td>
                            <td class="num">{format!("{first:.1} ms (page's first worker)")}</td>
                            <td class="num">{format!("{:.1} ms (this run's worker)", info.module_load_ms)}</td>
                        </tr>
                        {smallest.into_iter().map(|row| view! {
                            <tr>
                                <td>{format!("{}: one call at {}", row.variant, exercise.at_size(row.size))}</td>
                                <td class="num">{format!("{} (cold)", format_ns(row.first_call_ns))}</td>
                                <td class="num">{format!("{} (warm)", format_ns(row.per_call.point))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })
    }
}

#[component]
pub(super) fn FlameGraphs(run: Run) -> impl IntoView {
    move || {
        run.flames.get().into_iter().map(|flame| {
            let canvas = NodeRef::<leptos::html::Canvas>::new();
            let spans = flame.spans.len();
            let id = flame.id.clone();
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get() {
                    let flame = flame.clone();
                    draw(&canvas, 0.3, move |area, scale| plot::flame(area, &flame, scale));
                }
            });
            view! {
                <canvas node_ref=canvas data-testid="flame" data-flame=id data-spans=spans class="plot" role="img"
                    aria-label=format!("Flame graph of one run, {spans} spans, each bar's width its time; the times are in this demonstration's tables.")></canvas>
            }
        }).collect_view()
    }
}

#[component]
pub(super) fn Charts(run: Run) -> impl IntoView {
    move || {
        run.charts.get().into_iter().map(|chart| {
            let canvas = NodeRef::<leptos::html::Canvas>::new();
            let (id, title, caption) = (chart.id.clone(), chart.title.clone(), chart.caption.clone());
            let label = if caption.is_empty() { title.clone() } else { format!("{title}. {caption}") };
            let lines = chart.lines.len();
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get() {
                    let chart = chart.clone();
                    draw(&canvas, 0.4, move |area, scale| plot::chart(area, &chart, scale));
                }
            });
            view! {
                <section class="demo-table">
                    <h2>{title}</h2>
                    <Show when={let empty = caption.is_empty(); move || !empty}><p>{caption.clone()}</p></Show>
                    <canvas node_ref=canvas data-testid="chart" data-chart=id data-lines=lines class="plot" role="img"
                        aria-label=format!("Chart: {label}")></canvas>
                </section>
            }
        }).collect_view()
    }
}

#[component]
pub(super) fn TimelineView(run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        if let (Some(timeline), Some(canvas)) = (run.timeline.get(), canvas.get()) {
            draw(&canvas, 0.3, move |area, scale| {
                plot::timeline(area, &timeline, scale)
            });
        }
    });
    let count = move |kind: &str| {
        run.timeline
            .read()
            .as_ref()
            .map_or(0, |t| t.events.iter().filter(|e| e.kind == kind).count())
    };
    view! {
        <section class="timeline" class:hidden=move || run.timeline.read().is_none()>
            <h2>"Demonstration"</h2>
            <p data-testid="timeline" data-hits=move || count("hit") data-misses=move || count("miss")
                data-expired=move || count("expired")>
                {move || format!("{} hits, {} misses, {} expired", count("hit"), count("miss"), count("expired"))}
            </p>
            <canvas node_ref=canvas data-testid="plot" class="plot" role="img"
                aria-label="Plot: each request to the cache over time, as a hit, a miss or an expired entry; their counts are in the line above."></canvas>
        </section>
    }
}

#[component]
pub(super) fn ThreadSweep(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let points = Memo::new(move |_| match run.settled() {
        true => analysis::scaling(&run.thread_points.read()),
        false => Vec::new(),
    });
    let beside = Memo::new(move |_| match run.settled() {
        true => analysis::sweep_beside_table(&run.measurements.read(), &run.thread_points.read()),
        false => None,
    });
    let serial = Memo::new(move |_| {
        let pairs: Vec<(usize, f64)> = points
            .read()
            .iter()
            .map(|p| (p.threads, p.speedup.point))
            .collect();
        analysis::amdahl_serial_fraction(&pairs)
    });
    Effect::new(move |_| {
        if let Some(canvas) = canvas.get() {
            let (points, serial) = (points.get(), serial.get());
            draw(&canvas, 0.45, move |area, scale| {
                plot::scaling(area, &points, serial, scale)
            });
        }
    });
    let Some(variant) = exercise.thread_sweep else {
        return ().into_any();
    };
    view! {
        <h3>"Thread scaling of " <code>{variant}</code></h3>
        <p class="note">"After the size sweep, the same variant runs with 1, 2, … threads of the pool at the \
            largest size measured. Efficiency is speedup per thread; Amdahl's law fits the serial fraction \
            that caps the speedup however many threads there are."</p>
        {move || serial.get().map(|s| view! {
            <p data-testid="amdahl" data-serial-fraction=s>
                "Serial fraction " {format!("{:.1}%", s * 100.0)} ": at most "
                {if s > 0.0 { format!("{:.1}×", 1.0 / s) } else { "unbounded".to_string() }} " with any number of threads."
            </p>
        })}
        <table class="results-table">
            <thead><tr><th>"threads"</th><th>"speedup [95%]"</th><th>"efficiency"</th></tr></thead>
            <tbody>
                {move || points.read().iter().map(|p| view! {
                    <tr data-testid="thread-point" data-threads=p.threads data-speedup=p.speedup.point data-efficiency=p.efficiency>
                        <td class="num">{p.threads}</td>
                        <td class="num">{ratio_text(&p.speedup)}</td>
                        <td class="num">{format!("{:.0}%", p.efficiency * 100.0)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        // Measured natively on these machines: after another variant's
        // 25 ms call, the next 8 calls of `duplicates`' 2-thread variant took
        // 1.8× as long as calls back to back; the browser's table and sweep
        // differ the same way (1.3× there, 1.5× for `vectorize`).
        {move || beside.get().filter(analysis::SweepBesideTable::sweep_faster).map(|b| view! {
            <p class="note" data-testid="sweep-beside-table" data-sweep-ns=b.sweep_ns data-table-low-ns=b.table.low>
                {format!(
                    "With {} threads at {}, this sweep timed {} per call where the results table has {} [{}, {}]. ",
                    b.threads, exercise.at_size(b.size), format_ns(b.sweep_ns),
                    format_ns(b.table.point), format_ns(b.table.low), format_ns(b.table.high),
                )}
                "The same work in two settings: the sweep runs only this variant, so the pool's threads are \
                 never idle for long; in the table the variants take turns, and each of this variant's samples \
                 follows other variants' calls, during which the pool's threads had nothing to do. A thread \
                 left idle is slow to get going again (its core asleep or given to other work, its caches \
                 cold), and a call this short pays for it."
            </p>
        })}
        <canvas node_ref=canvas data-testid="plot" class="plot" role="img"
            aria-label="Plot: speedup and efficiency against the number of threads; the numbers are in the table above."></canvas>
    }
    .into_any()
}
