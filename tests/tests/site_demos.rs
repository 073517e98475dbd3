//! The built site in headless Chromium, served with the isolation headers:
//! the exercises whose pages show more than timings (cache counters and a
//! TTL timeline, a precision table, a profile, a view outlived, memory over
//! the steps of a call, streamed input in bounded memory, a pipeline's
//! stages and checklist).

use std::time::Duration;

use e2e::Page;

#[tokio::test]
async fn caching_reports_cache_counters_and_the_ttl_timeline() {
    let page = Page::isolated().await;
    page.open_exercise("caching", "n=20,25,40&budget_ms=300&ttl_ms=5000")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    // Every n of the run is checked; the naive recursion only where it is cheap.
    let fib = |n: u32| (0..n).fold((0u64, 1u64), |(a, b), _| (b, a + b)).0;
    let naive = page.checked("naive").await;
    assert!(
        naive.starts_with(&format!(
            "fib(20)={}; fib(25)={}; fib(40) not run",
            fib(20),
            fib(25)
        )),
        "{naive}"
    );
    let memoized = page.checked("memoized").await;
    assert!(
        memoized.starts_with(&format!(
            "fib(20)={} (18 hits, 21 misses, 0 evictions, 21 entries at most)",
            fib(20)
        )),
        "{memoized}"
    );
    assert!(
        memoized.contains(&format!("fib(40)={}", fib(40))),
        "{memoized}"
    );
    let iterative = page.variant_card("iterative").await;
    assert!(iterative.contains("agrees with naive"), "{iterative}");
    // The cache's memory is counted: the unbounded memo keeps n + 1 entries.
    let peak = page.result_row("memoized", 40).await.peak_bytes;
    assert_eq!(
        page.result_row("naive", 20).await.allocations,
        0,
        "the recursion allocates nothing"
    );
    assert!(peak >= 41 * 12, "41 keys and values at least: {peak} bytes");
    let note = page.text("memory-note").await;
    assert!(note.contains("never shrinks"), "{note}");
    let timeline = page.timeline().await;
    let (hits, misses, expired) = (timeline.hits, timeline.misses, timeline.expired);
    assert_eq!(
        hits + misses + expired,
        30 + 10,
        "prices every second and rates every third for 30 s"
    );
    assert_eq!(misses, 2, "each key is computed from scratch once");
    assert!(
        expired >= 4 && hits > expired,
        "{hits} hits, {expired} expired"
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn vectorize_shows_the_precision_table_and_strings_count_allocations() {
    let page = Page::isolated().await;
    page.open_exercise(
        "vectorize",
        "rows=500,2000&cols=10&budget_ms=300&offset=1000000000",
    )
    .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(180)).await;
    let naive = page.checked("naive").await;
    assert!(
        naive.starts_with("col_means[0]=0.") && naive.contains(" col_stds[0]=0.2"),
        "{naive}"
    );
    for variant in ["flat", "simd", "parallel", "welford"] {
        assert_eq!(page.checked(variant).await, naive, "{variant}");
    }
    let precision = page.demo_table("precision").await.cells();
    let last_row = precision.last().expect("rows in the precision table");
    let first_table = page.text("demo-table").await;
    assert!(first_table.contains("welford"), "{first_table}");
    assert_eq!(last_row[0], "1e9");
    assert_ne!(
        last_row[1], last_row[3],
        "the seed's formula is off at 1e9: {last_row:?}"
    );
    assert_eq!(
        last_row[2][..6],
        last_row[3][..6],
        "Welford matches two passes: {last_row:?}"
    );

    page.open_exercise("strings", "cases=50x10,200x20&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(180)).await;
    for variant in ["naive", "push_str", "with_capacity", "concat", "builder"] {
        assert_eq!(page.checked(variant).await, "len=500", "{variant}");
        // Every case of the run is checked again before it is timed, and
        // its length shown: 50×10 and 200×20.
        let at = page.text(&format!("checked-at-{variant}")).await;
        // The size is named as the axis names it.
        assert!(
            at.contains("count × length = 500: len=500") && at.contains("count × length = 4000: len=4000"),
            "{variant}: {at}"
        );
        let counts = page.hooked(&format!("checked-at-{variant}")).await;
        assert_eq!((counts[0]["compared"].as_str(), counts[0]["agreeing"].as_str()), ("2", "2"), "{variant}");
    }
    let allocations = async |variant: &str| page.result_row(variant, 4000).await.allocations;
    assert_eq!(allocations("naive").await, 200, "one new string per append");
    assert_eq!(allocations("concat").await, 1, "one exact allocation");
    assert_eq!(allocations("with_capacity").await, 1);
    assert!(
        (2..=12).contains(&allocations("push_str").await),
        "doubling"
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn profiling_names_its_bottleneck_and_zerocopy_shows_a_view_outlived() {
    let page = Page::isolated().await;
    page.open_exercise("profiling", "values=100,200&wait_ms=80&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("total=") && naive.len() > 8, "{naive}");
    for variant in ["memoized", "closed_form", "optimized"] {
        assert_eq!(page.checked(variant).await, naive, "{variant}");
    }
    // The pstats table: by cumulative time, main first, the top 5 highlighted.
    let profile_table = page.demo_table("profile-naive").await;
    let profile = profile_table.cells();
    assert_eq!(profile[0][5], "main");
    let calls = |name: &str| {
        profile
            .iter()
            .find(|row| row[5] == name)
            .map(|row| row[0].clone())
    };
    assert_eq!(calls("slow_calculation").as_deref(), Some("400"));
    assert_eq!(calls("random.randint").as_deref(), Some("300"));
    assert_eq!(profile_table.highlighted(), 5);
    // Real waits: two of 80 ms.
    let wall = page.demo_table("wall-time").await.cells();
    let waiting: f64 = wall[0][2]
        .parse()
        .unwrap_or_else(|_| panic!("a time: {wall:?}"));
    assert!(waiting >= 159.0, "{wall:?}");
    let report = page.demo_table("report").await.cells();
    let overhead = page.demo_table("overhead").await.cells();
    assert!(
        report[0][1].starts_with("slow_calculation:") && report[0][2].contains("closed form"),
        "{report:?} {overhead:?} {profile:?}"
    );
    assert!(
        report
            .iter()
            .any(|row| row[1] == "process_data: 3 calls, 2 distinct inputs"),
        "{report:?}"
    );
    let overhead = page.demo_table("overhead").await.cells();
    assert!(overhead[0][2].ends_with('%'), "{overhead:?}");
    let flames = page.flames().await;
    assert_eq!(
        flames.len(),
        3,
        "the seed's main(), its compute, the optimized compute: {flames:?}"
    );
    assert!(
        flames[0].spans >= 5,
        "main, randint, process_data, slow_calculation, sleep: {flames:?}"
    );

    page.open_exercise("zerocopy", "n=1000,20000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("sum="), "{naive}");
    for variant in ["copy", "view", "shared"] {
        assert_eq!(page.checked(variant).await, naive, "{variant}");
    }
    // The isolated page runs the threaded build: its memory is a
    // SharedArrayBuffer, which growth replaces but cannot detach.
    let growth = page.demo_table("view-growth").await.cells();
    assert_eq!(
        (growth[0][1].as_str(), growth[0][3].as_str()),
        ("1000", "yes"),
        "{growth:?}"
    );
    assert_eq!(
        (growth[1][1].as_str(), growth[1][3].as_str()),
        ("1000", "no"),
        "{growth:?}"
    );
    assert_eq!(page.result_rows().await.len(), 2 * 4);
    // Bytes per call are declared, so throughput is plotted against size.
    assert!(
        page.inked_pixels(Some("throughput")).await > 2000,
        "the throughput plot is blank"
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn memory_plots_live_bytes_per_step_and_the_fixes_stay_small() {
    let page = Page::isolated().await;
    page.open_exercise("memory", "iterations=5,30&chunk=2000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    // Same sums; what each variant keeps is shown beside them.
    let naive = page.checked("naive").await;
    assert!(
        naive.starts_with("sum=9995000 (keeps 10000 numbers, 5 cache entries"),
        "{naive}"
    );
    let sum = |text: &str| text.split(' ').next().unwrap_or_default().to_string();
    for variant in ["streaming", "bounded", "cleanup", "weak"] {
        assert_eq!(sum(&page.checked(variant).await), sum(&naive), "{variant}");
    }
    // One row per variant, read after 30 steps: the seed's class holds two
    // copies of 30 chunks of 2000 numbers (8 bytes each), streaming none.
    let steps = page.demo_table("memory-steps").await;
    assert_eq!(
        steps.variants(),
        ["naive", "streaming", "bounded", "cleanup", "weak"]
    );
    let live_at_end = |variant: &str| steps.row_of(variant).cells[1].clone();
    let naive_end = live_at_end("naive");
    assert!(
        naive_end.ends_with("KiB") || naive_end.ends_with("MiB"),
        "{naive_end}"
    );
    assert_eq!(live_at_end("streaming"), "0 B");
    assert!(
        page.inked_pixels(Some("memory-steps")).await > 2000,
        "the memory plot is blank"
    );
    page.close().await;
}

#[tokio::test]
async fn streaming_sums_without_a_list_and_streams_a_damaged_csv_in_bounded_memory() {
    let page = Page::isolated().await;
    page.open_exercise("streaming", "n=1000,1000000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    // The seed's printed sum for range(1000000), from every variant.
    for variant in ["naive", "iterator", "chunked", "parallel"] {
        assert_eq!(
            page.checked(variant).await,
            "333332833333500000",
            "{variant}"
        );
    }
    // The list is 8 bytes per element; the iterator allocates nothing and
    // the chunked one buffer of 4096 squares.
    let peak = async |variant: &str, size: u64| page.result_row(variant, size).await.peak_bytes;
    assert!(peak("naive", 1_000_000).await >= 8_000_000);
    assert_eq!(peak("iterator", 1_000_000).await, 0);
    assert!(peak("chunked", 1_000_000).await <= 64 * 1024);

    page.open_exercise(
        "csv_stream",
        "rows=1000,200000&bad_every=100&budget_ms=5000",
    )
    .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    // The damaged sample: rows 1, 6, 8 parse; five rows are damaged and the
    // unclosed quote of row 9 swallows row 10 into one more malformed row.
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("3 rows, 6 malformed"), "{naive}");
    assert!(naive.contains("books, rare: 1 rows, Σ 4.00"), "{naive}");
    let streamed = page.variant_card("streamed").await;
    assert!(streamed.contains("agrees with naive"), "{streamed}");
    // 200 000 rows are about 6 MB: read whole, the file and its rows are
    // held at once; streamed holds a buffer.
    let whole = peak("naive", 200_000).await;
    let streamed = peak("streamed", 200_000).await;
    assert!(whole > 6_000_000, "{whole}");
    assert!(streamed < 256 * 1024, "{streamed}");
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn pipeline_times_each_stage_and_measures_the_checklist() {
    let page = Page::isolated().await;
    page.open_exercise(
        "pipeline",
        "rows=2000,20000&categories=7&missing_percent=10&duplicate_percent=10&budget_ms=300",
    )
    .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    // The analyses agree within the stated tolerance, over 7 categories
    // and "unknown", the missing ones filled.
    let naive = page.checked("naive").await;
    assert!(naive.contains("; 8 groups: cat_000 Σ"), "{naive}");
    assert_eq!(page.agreeing_variants().await, 3);
    // One row per stage and a total; every time is a positive number.
    let stages = page.demo_table("stages").await.cells();
    let names: Vec<&str> = stages.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        names,
        ["load", "clean", "stats", "filter + aggregate", "total"]
    );
    for row in &stages {
        for cell in &row[1..4] {
            let ms: f64 = cell
                .trim_end_matches(" ms")
                .parse()
                .unwrap_or_else(|_| panic!("a time in ms: {row:?}"));
            assert!(ms >= 0.0, "{row:?}");
        }
    }
    // The checklist has the seed's eight items, each with a measured effect.
    let checklist = page.demo_table("checklist").await.cells();
    assert_eq!(checklist.len(), 8);
    assert!(
        checklist[0][0].starts_with("Replace iterrows()"),
        "{:?}",
        checklist[0]
    );
    assert!(checklist.iter().all(|row| !row[2].is_empty()));
    // Items measured in the same stage say their figure is a combined one:
    // iterrows, query() and groupby all change the filter and aggregate.
    for item in [0, 5, 7] {
        assert!(checklist[item][2].contains("the combined effect of the 3 items"), "{:?}", checklist[item]);
    }
    assert!(!checklist[6][2].contains("combined"), "the parallel apply is measured alone: {:?}", checklist[6]);
    let flames = page.flames().await;
    let stages_chart = flames
        .iter()
        .find(|flame| flame.id == "stages")
        .unwrap_or_else(|| panic!("no flame chart of the stages: {flames:?}"));
    assert_eq!(stages_chart.spans, 12, "four stages of three variants");
    // The table of columns is smaller than the rows of structs.
    assert!(
        page.result_row("columnar", 20_000).await.peak_bytes
            < page.result_row("naive", 20_000).await.peak_bytes
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}
