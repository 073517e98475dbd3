//! The seed's program against a straightforward reference, and the span
//! profiler on a fake clock. Runs on the host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::cell::Cell;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use kernels::profiling::{
    Data, Probe, Profiler, Unprofiled, VARIANTS, main, main_optimized, stats,
};

/// Polls a future whose waits are all instant to completion.
fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the fake sleep never waits"),
    }
}

/// The seed's arithmetic, written out: Σ over the three passes of Σ i² for i < item.
fn reference(data: &Data) -> u64 {
    let pass = |list: &[u64]| -> u64 {
        list.iter()
            .map(|&n| (0..n).map(|i| i * i).sum::<u64>())
            .sum()
    };
    pass(&data.data) + pass(&data.large_data) + pass(&data.data)
}

#[test]
fn the_lists_are_the_seeds_shapes_and_every_variant_matches_the_reference() {
    for (seed, values) in [(1, 100), (2, 7), (3, 0), (4, 1000)] {
        let data = Data::generate(seed, values);
        assert_eq!(
            (data.data.len(), data.large_data.len()),
            (values, 2 * values)
        );
        assert!(data.data.iter().all(|n| (100..=1000).contains(n)));
        assert!(data.large_data.iter().all(|n| (500..=2000).contains(n)));
        let expected = reference(&data);
        for (name, kernel) in VARIANTS {
            assert_eq!(
                kernel(&data),
                expected,
                "{name}, seed {seed}, {values} values"
            );
        }
    }
}

#[test]
fn the_async_programs_return_the_same_total_as_the_timed_variants() {
    let data = Data::generate(42, 100);
    let slept = Cell::new(0);
    let sleep = |ms: u32| {
        slept.set(slept.get() + ms);
        std::future::ready(())
    };
    assert_eq!(
        block_on(main(&Unprofiled, 42, 100, 100, sleep)),
        reference(&data)
    );
    assert_eq!(slept.get(), 200, "two waits of 100 ms, as in the seed");
    assert_eq!(
        block_on(main_optimized(&Unprofiled, 42, 100, 100, sleep)),
        reference(&data)
    );
}

#[test]
fn the_profile_counts_calls_and_splits_own_from_cumulative_time() {
    // Each clock reading advances 1 ns, so a span's duration counts the
    // readings inside it, and callees' readings are not the caller's own.
    let now = Cell::new(0.0);
    let tick = || {
        now.set(now.get() + 1.0);
        now.get()
    };
    let profiler = Profiler::new(&tick);
    let total = block_on(main(&profiler, 5, 10, 0, |_| std::future::ready(())));
    assert_eq!(total, reference(&Data::generate(5, 10)));
    let calls = profiler.calls();
    let lines = stats(&calls);
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(
        lines[0].name, "main",
        "main has the largest cumulative time"
    );
    assert_eq!(line("main").ncalls, 1);
    assert_eq!(line("process_data").ncalls, 3);
    assert_eq!(line("slow_calculation").ncalls, 10 + 20 + 10);
    assert_eq!(line("random.randint").ncalls, 30);
    assert_eq!(line("time.sleep").ncalls, 2);
    // A leaf's span holds no other reading: 1 ns each. process_data holds
    // the readings of its callees' entries and exits (2 per call), plus 1.
    assert_eq!(line("slow_calculation").tottime_ns, 40.0);
    assert_eq!(line("process_data").cumtime_ns, 3.0 + 2.0 * 40.0);
    assert_eq!(
        line("process_data").tottime_ns,
        line("process_data").cumtime_ns - 40.0
    );
    assert_eq!(
        (
            line("process_data").callees,
            line("slow_calculation").callees
        ),
        (40, 0)
    );
    assert_eq!(line("main").callees, 30 + 3 + 2);
    // The whole run: 2 readings per call, and main's span covers all but its own.
    assert_eq!(line("main").cumtime_ns, 2.0 * calls.len() as f64 - 1.0);
    let own: f64 = lines.iter().map(|l| l.tottime_ns).sum();
    assert_eq!(
        own,
        line("main").cumtime_ns,
        "own times add up to the whole"
    );
    // The first list is processed twice: two distinct inputs in three calls.
    assert_eq!(
        (
            line("process_data").keyed_calls,
            line("process_data").distinct_keys
        ),
        (3, 2)
    );
}

#[test]
fn the_optimized_program_computes_each_list_once() {
    let profiler = Profiler::new(&|| 0.0);
    block_on(main_optimized(&profiler, 9, 50, 0, |_| {
        std::future::ready(())
    }));
    let lines = stats(&profiler.calls());
    let line = |name: &str| lines.iter().find(|l| l.name == name).map(|l| l.ncalls);
    assert_eq!(line("process_data"), Some(3));
    assert_eq!(
        line("sum_of_squares"),
        Some(50 + 100),
        "the third pass is a cache hit"
    );
    assert_eq!(line("slow_calculation"), None);
}

#[test]
fn a_recursive_function_counts_its_outermost_calls_in_cumulative_time() {
    fn recurse(probe: &impl Probe, depth: u32) {
        let _span = probe.enter("recurse");
        if depth > 0 {
            recurse(probe, depth - 1);
        }
    }
    let now = Cell::new(0.0);
    let tick = || {
        now.set(now.get() + 1.0);
        now.get()
    };
    let profiler = Profiler::new(&tick);
    recurse(&profiler, 3);
    let lines = stats(&profiler.calls());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].ncalls, 4);
    assert_eq!(
        lines[0].cumtime_ns, 7.0,
        "the outermost span: 8 readings, 7 ns"
    );
    assert_eq!(lines[0].tottime_ns, 7.0);
}

#[test]
fn the_flame_graph_merges_equal_stacks_and_nests_children_inside_parents() {
    use kernels::profiling::flame_graph;
    let now = Cell::new(0.0);
    let tick = || {
        now.set(now.get() + 1.0);
        now.get()
    };
    let profiler = Profiler::new(&tick);
    block_on(main(&profiler, 3, 4, 0, |_| std::future::ready(())));
    let nodes = flame_graph(&profiler.calls(), None);
    let names: Vec<_> = nodes.iter().map(|n| (n.name, n.depth, n.calls)).collect();
    assert_eq!(
        names,
        [
            ("main", 0, 1),
            ("random.randint", 1, 12),
            ("process_data", 1, 3),
            ("slow_calculation", 2, 16),
            ("time.sleep", 1, 2),
        ]
    );
    let main = &nodes[0];
    let mut end = main.start_ns;
    for child in nodes.iter().filter(|n| n.depth == 1) {
        assert_eq!(
            child.start_ns, end,
            "{} follows its elder sibling",
            child.name
        );
        end += child.width_ns;
    }
    assert!(
        end <= main.start_ns + main.width_ns,
        "children fit inside main"
    );
    let (process, slow) = (&nodes[2], &nodes[3]);
    assert_eq!(slow.start_ns, process.start_ns);
    assert!(slow.width_ns < process.width_ns);

    // Without the waits: no sleep box, and main is narrower by their time.
    let sleeps = nodes[4].width_ns;
    let compute = flame_graph(&profiler.calls(), Some("time.sleep"));
    assert_eq!(compute.len(), 4);
    assert!(compute.iter().all(|n| n.name != "time.sleep"));
    assert_eq!(compute[0].width_ns, main.width_ns - sleeps);
    assert_eq!(&compute[1..], &nodes[1..4]);
}
