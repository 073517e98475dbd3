//! Strategy, Observer and Factory, each as a minimal piece of idiomatic
//! Rust, and dependency injection: a component that takes its clock and
//! its random source as parameters, which is why its tests are
//! deterministic. The timed comparison is the Observer's: an event bus
//! keyed by event names (Python's dict of callbacks) against one keyed by
//! a typed event.

use std::collections::HashMap;
use std::hint::black_box;

use super::dispatch::{Heavy, Light, Step};

/// Factory: a strategy by its name, as a configuration file names it; an
/// unknown name is an error that lists the known ones.
pub fn strategy_named(name: &str) -> Result<Box<dyn Step>, String> {
    match name {
        "light" => Ok(Box::new(Light)),
        "heavy" => Ok(Box::new(Heavy)),
        other => Err(format!("no strategy {other:?}; known: light, heavy")),
    }
}

/// Strategy: the caller holds any [`Step`] and can swap it.
pub struct Stepper<S: Step> {
    /// The strategy in use.
    pub strategy: S,
}

impl<S: Step> Stepper<S> {
    /// `x` stepped `times` times by the strategy.
    pub fn run(&self, x: u64, times: u32) -> u64 {
        (0..times).fold(x, |y, _| self.strategy.apply(y))
    }
}

/// The events of the Observer demonstration: an analysis pipeline's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// An item started.
    Started(u64),
    /// An item finished with a value.
    Finished(u64),
    /// An item failed.
    Failed(u64),
}

impl Event {
    /// The event's name, as a string-keyed bus knows it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Started(_) => "started",
            Event::Finished(_) => "finished",
            Event::Failed(_) => "failed",
        }
    }

    fn index(&self) -> usize {
        match self {
            Event::Started(_) => 0,
            Event::Finished(_) => 1,
            Event::Failed(_) => 2,
        }
    }

    fn value(&self) -> u64 {
        match *self {
            Event::Started(v) | Event::Finished(v) | Event::Failed(v) => v,
        }
    }
}

/// The `n` events of a run: every item starts, then finishes or, one in
/// sixteen, fails.
pub fn events(n: u64, seed: u64) -> Vec<Event> {
    super::items(n, seed)
        .flat_map(|i| {
            let end = if super::mix(i).is_multiple_of(16) {
                Event::Failed(i)
            } else {
                Event::Finished(i)
            };
            [Event::Started(i), end]
        })
        .collect()
}

/// What the observers saw: events counted per kind and the finished
/// values added up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Hash)]
pub struct Seen {
    /// Started, finished, failed.
    pub counts: [u64; 3],
    /// The finished values, added up.
    pub finished: u64,
}

/// A variant: publish every event to three observers.
pub type Kernel = fn(&Vec<Event>) -> Seen;

/// Every variant by name, the string-keyed bus first.
pub const VARIANTS: [(&str, Kernel); 2] = [("naive", naive), ("typed", typed)];

/// Python's event bus: callbacks in a dict keyed by the event's name,
/// looked up (a string hashed) on every publish.
pub fn naive(events: &Vec<Event>) -> Seen {
    let seen = std::cell::RefCell::new(Seen::default());
    type Callback<'a> = Box<dyn Fn(&Event) + 'a>;
    let mut bus: HashMap<String, Vec<Callback>> = HashMap::new();
    for (kind, name) in ["started", "finished", "failed"].into_iter().enumerate() {
        let seen = &seen;
        bus.entry(name.to_string())
            .or_default()
            .push(Box::new(move |_| seen.borrow_mut().counts[kind] += 1));
    }
    bus.entry("finished".to_string())
        .or_default()
        .push(Box::new(|e| {
            let mut s = seen.borrow_mut();
            s.finished = s.finished.wrapping_add(e.value());
        }));
    for event in black_box(events) {
        if let Some(callbacks) = bus.get(event.name()) {
            for callback in callbacks {
                callback(event);
            }
        }
    }
    drop(bus);
    seen.into_inner()
}

/// A typed bus: one list of observers per kind of event, found by the
/// event's index; observers are plain functions over the state.
pub fn typed(events: &Vec<Event>) -> Seen {
    type Observer = fn(&mut Seen, &Event);
    let mut bus: [Vec<Observer>; 3] = Default::default();
    bus[0].push(|s, _| s.counts[0] += 1);
    bus[1].push(|s, _| s.counts[1] += 1);
    bus[1].push(|s, e| s.finished = s.finished.wrapping_add(e.value()));
    bus[2].push(|s, _| s.counts[2] += 1);
    let mut seen = Seen::default();
    for event in black_box(events) {
        for observer in &bus[event.index()] {
            observer(&mut seen, event);
        }
    }
    seen
}

/// A clock, injected: the real one in the browser, a fake in tests.
pub trait Clock {
    /// Milliseconds from an arbitrary origin.
    fn now_ms(&mut self) -> f64;
}

/// A clock that advances by a fixed step per reading.
pub struct FakeClock {
    /// The time of the next reading.
    pub now: f64,
    /// How far each reading advances it.
    pub step: f64,
}

impl Clock for FakeClock {
    fn now_ms(&mut self) -> f64 {
        self.now += self.step;
        self.now
    }
}

/// Dependency injection: a sampler that takes its clock and its random
/// source as parameters instead of reaching for global ones. Given the
/// same clock and seed it makes the same samples, which is what lets its
/// tests (and this page's check) compare outputs exactly.
pub fn sample<C: Clock, R: rand::Rng>(clock: &mut C, rng: &mut R, count: usize) -> Vec<(f64, u32)> {
    (0..count)
        .map(|_| (clock.now_ms(), rng.random_range(0..1000)))
        .collect()
}
