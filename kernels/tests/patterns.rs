//! `patterns`' demonstrations, checked: what each section's page shows.

use kernels::patterns::context::{self, Exit, block, digits};
use kernels::patterns::decorators::{Cached, Counted, Validated, work};
use kernels::patterns::dsl::{self, EXPANSION, Sample};
use kernels::patterns::objects::{FakeClock, Seen, events, sample, strategy_named, typed};
use rand::SeedableRng;

#[test]
fn the_guard_restores_the_setting_on_every_way_out() {
    assert_eq!(digits(), 6);
    assert_eq!(block(Exit::Normal), (2, Ok(120_000_000)));
    assert_eq!(digits(), 6);
    assert_eq!(block(Exit::EarlyReturn), (2, Ok(0)));
    assert_eq!(digits(), 6);
    let (inside, result) = block(Exit::Error);
    assert_eq!(inside, 2);
    assert!(result.unwrap_err().contains("invalid digit"));
    assert_eq!(digits(), 6);
}

/// The case the page cannot show: WebAssembly here aborts on a panic, but
/// where a panic unwinds, the guard's `Drop` runs on the way out.
#[cfg(panic = "unwind")]
#[test]
fn the_guard_restores_the_setting_after_a_caught_panic() {
    let caught = std::panic::catch_unwind(|| {
        let _digits = context::Digits::set(3);
        assert_eq!(digits(), 3);
        panic!("a failing block");
    });
    assert!(caught.is_err());
    assert_eq!(digits(), 6);
}

/// Why the guard: a restore written by hand is skipped by an early return.
#[test]
fn a_manual_restore_is_skipped_by_an_early_return() {
    fn manual(early: bool) {
        let previous = context::set_digits(1);
        if early {
            return;
        }
        context::set_digits(previous);
    }
    manual(false);
    assert_eq!(digits(), 6);
    manual(true);
    assert_eq!(digits(), 1, "the early return left the setting changed");
    context::set_digits(6);
}

#[test]
fn stacked_decorators_validate_cache_and_count() {
    let counted = std::cell::RefCell::new(Counted::new(work));
    let mut cached = Cached::new(|x| counted.borrow_mut().call(x));
    let mut call = |x| Validated::new("work", 0..=100, |x| cached.call(x)).call(x);
    assert_eq!(call(7), Ok(work(7)));
    assert_eq!(call(7), Ok(work(7)));
    let refused = call(1000).unwrap_err();
    assert_eq!(refused, "work(1000): the argument must be in 0..=100");
    assert_eq!(cached.hits, 1);
    assert_eq!(counted.borrow().metrics.calls, 1);
}

#[test]
fn the_macro_writes_a_checked_record_and_shows_its_expansion() {
    let sample = Sample::new(293.0, 101_325.0, 1.0).unwrap();
    assert_eq!(sample.pressure, 101_325.0);
    let error = Sample::new(-4.0, 1.0, 1.0).unwrap_err();
    assert!(
        error.starts_with("temperature = -4 kelvin is outside"),
        "{error}"
    );
    assert_eq!(Sample::UNITS[1], ("pressure", "pascal"));
    assert!(
        EXPANSION.contains("#[derive(Clone, Copy, Debug, PartialEq)] pub struct Sample"),
        "{EXPANSION}"
    );
    assert!(
        EXPANSION.contains("new(temperature : f64, pressure : f64, volume : f64)"),
        "{EXPANSION}"
    );
    let dynamic = dsl::DynamicRecord::new(-4.0, 1.0, 1.0).err().unwrap();
    assert_eq!(dynamic, error, "the Python-shaped record refuses alike");
}

#[test]
fn the_factory_refuses_unknown_names_and_injection_makes_runs_repeatable() {
    assert!(strategy_named("light").is_ok());
    assert_eq!(
        strategy_named("medium").err().unwrap(),
        "no strategy \"medium\"; known: light, heavy"
    );
    let run = |seed| {
        let mut clock = FakeClock {
            now: 0.0,
            step: 2.5,
        };
        sample(&mut clock, &mut rand_pcg::Pcg64::seed_from_u64(seed), 5)
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    assert_eq!(
        run(1).iter().map(|s| s.0).collect::<Vec<_>>(),
        [2.5, 5.0, 7.5, 10.0, 12.5]
    );
}

#[test]
fn the_typed_bus_sees_every_event() {
    let seen: Seen = typed(&events(160, 1));
    assert_eq!(seen.counts[0], 160);
    assert_eq!(seen.counts[1] + seen.counts[2], 160);
    assert!(seen.counts[2] > 0, "some items fail");
    assert_ne!(seen, typed(&events(160, 2)), "another seed, other events");
}

#[test]
fn every_seed_is_another_input() {
    use kernels::patterns::items;
    assert_eq!(items(5, 3), items(5, 3));
    assert_ne!(items(5, 3), items(5, 4));
    assert_eq!(items(5, 3).count(), 5);
    assert_ne!(dsl::readings(8, 1), dsl::readings(8, 2));
}
