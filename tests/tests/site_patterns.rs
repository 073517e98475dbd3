//! The built site in headless Chromium: `patterns`, an exercise in
//! sections. The `section` parameter changes the variants, the text, the
//! target and the demonstrations; each section's reference is checked and
//! measured like any exercise's naive port.

use std::time::Duration;

use e2e::Page;

#[tokio::test]
async fn sections_change_the_variants_and_demonstrate_their_idea() {
    let page = Page::isolated().await;

    // Dispatch, the default: four ways to call a strategy.
    page.open_exercise("patterns", "n=1000,100000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    for variant in ["dyn", "generic", "enum", "fn_pointer"] {
        let card = page.variant_card(variant).await;
        assert!(card.contains("agrees with dyn"), "{variant}: {card}");
    }
    // With the light strategy the inlined loop is much faster than the
    // vtable call (the target), whatever the machine.
    let dyn_ns = page.result_row("dyn", 100_000).await.ns_per_call;
    let generic_ns = page.result_row("generic", 100_000).await.ns_per_call;
    assert!(
        generic_ns > 0.0 && dyn_ns > generic_ns,
        "dyn {dyn_ns} ns, generic {generic_ns} ns"
    );

    // Context: the guard restores the setting on every way out.
    page.open_exercise("patterns", "section=context&n=1000&budget_ms=200")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let context = page.demo_table("context").await;
    let rows = context.cells();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows {
        assert_eq!(
            (row[1].as_str(), row[2].as_str(), row[4].as_str()),
            ("6", "2", "6"),
            "{row:?}"
        );
    }
    assert!(rows[2][3].starts_with("error:"), "{:?}", rows[2]);
    let guard = page.variant_card("guard").await;
    assert!(guard.contains("digits after: 6"), "{guard}");

    // Iterators: the list per step allocates as the data grows; the lazy
    // chain allocates nothing.
    page.open_exercise("patterns", "section=iterators&n=100000&budget_ms=200")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let collect = page.result_row("collect", 100_000).await;
    let lazy = page.result_row("lazy", 100_000).await;
    assert!(
        collect.peak_bytes >= 16 * 100_000,
        "{} bytes",
        collect.peak_bytes
    );
    assert_eq!((lazy.allocations, lazy.peak_bytes), (0, 0));

    // The macro DSL shows its own expansion and its checks.
    page.open_exercise("patterns", "section=dsl&n=1000&budget_ms=200")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let expansion = page.demo_table("dsl-expansion").await.cells()[0][0].clone();
    assert!(expansion.contains("pub struct Sample"), "{expansion}");
    let checks = page.demo_table("dsl-checks").await.cells();
    assert!(
        checks[1][1].starts_with("refused: temperature = -4 kelvin"),
        "{checks:?}"
    );
    assert!(page.console_errors().await.is_empty());
    page.close().await;
}
