//! The variants: each one's technique and code, and what the check found
//! when its output was compared with the naive one's.

use exercises::Exercise;
use leptos::prelude::*;

use super::code::Code;
use super::state::Run;

#[component]
pub(super) fn Variants(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let checked = move |name: &str| {
        run.check.read().as_ref().and_then(|report| {
            report
                .variants
                .iter()
                .find(|check| check.variant == name)
                .cloned()
        })
    };
    let unavailable = move |name: &str| {
        run.unavailable
            .read()
            .iter()
            .find(|(variant, _)| variant == name)
            .map(|(_, reason)| reason.clone())
    };
    let cases = move || {
        run.check
            .read()
            .as_ref()
            .map(|report| report.cases.clone())
            .unwrap_or_default()
    };
    // Each size's check, as the sweep reaches it: `checked-at-<variant>`,
    // with how many sizes were compared and how many agreed.
    let at_sizes = move |name: &'static str| {
        let rows: Vec<(u64, String, Option<bool>)> = run
            .check
            .read()
            .as_ref()
            .map(|report| {
                report
                    .by_size
                    .iter()
                    .filter_map(|at| {
                        let (_, text, agrees) = at.outputs.iter().find(|(n, _, _)| n == name)?;
                        Some((at.size, text.clone(), *agrees))
                    })
                    .collect()
            })
            .unwrap_or_default();
        (!rows.is_empty()).then(|| {
            let compared = rows.iter().filter(|r| r.2.is_some()).count();
            let agreeing = rows.iter().filter(|r| r.2 == Some(true)).count();
            view! {
                <dt class="wide">"again at each size, on its input, before it is timed"</dt>
                <dd class="wide" data-testid=format!("checked-at-{name}") data-compared=compared data-agreeing=agreeing>
                    {rows.into_iter().map(|(size, text, agrees)| view! {
                        <div>{exercise.at_size(size)} ": " <code>{text}</code>
                            {match agrees { Some(true) => " ✓", Some(false) => " ✗ differs", None => "" }}</div>
                    }).collect_view()}
                </dd>
            }
        })
    };
    let code = Code::new(exercise);
    // The variant every other is checked against: the naive port, first.
    let reference = exercise.variants[0].name;
    view! {
        <section class="variants">
            <h2>"Variants"</h2>
            <p class="note">"Before anything is timed, every variant runs on the same inputs and its output is \
                compared with the reference, " <code>{reference}</code> "; a variant that disagrees is reported \
                and not timed."</p>
            {exercise.all_variants().map(|variant| view! {
                <div class="variant" data-testid=format!("variant-{}", variant.name)>
                    <h3><code>{variant.name}</code> " " <span class="growth">{variant.growth.label()}</span></h3>
                    <p>{variant.technique}</p>
                    {exercise.gpu_variant(variant.name).map(|gpu| view! {
                        <p class="note">"Checked against the CPU: " {gpu.tolerance} "."</p>
                    })}
                    {move || unavailable(variant.name).map(|reason| view! {
                        <p class="unavailable" data-testid=format!("unavailable-{}", variant.name)>{format!("unavailable: {reason}")}</p>
                    })}
                    <dl class="check">
                        {move || checked(variant.name).map(|check| {
                            let verdict = match (check.agrees, exercise.on_gpu(variant.name)) {
                                (true, false) => format!("agrees with {reference}"),
                                (false, false) => format!("DISAGREES with {reference}: not timed"),
                                (true, true) => "within tolerance of the CPU result".into(),
                                (false, true) => "OUTSIDE the tolerance of the CPU result: not timed".into(),
                            };
                            view! {
                                <dt>{cases().first().cloned().unwrap_or_default()}</dt>
                                <dd><code data-testid=format!("checked-{}", check.variant)>{check.outputs.first().cloned().unwrap_or_default()}</code></dd>
                                {cases().into_iter().zip(check.outputs.clone()).skip(1).map(|(case, output)| view! {
                                    <dt>{case}</dt><dd><code>{output}</code></dd>
                                }).collect_view()}
                                {at_sizes(variant.name)}
                                <dd class=if check.agrees { "agrees" } else { "disagrees" }>{verdict}</dd>
                            }
                        })}
                    </dl>
                    <details>
                        <summary>"code"</summary>
                        {code.view(variant.name)}
                    </details>
                </div>
            }).collect_view()}
        </section>
    }
}
