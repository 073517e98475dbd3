//! The crate's tests: the registry's invariants, parameters, and each
//! exercise's own checks.

#[cfg(feature = "runner")]
mod exercises;
mod fuzz;
mod params;
mod registry;
#[cfg(feature = "runner")]
mod storage;

/// The browser stand-in runners get on the host.
#[cfg(feature = "runner")]
fn host() -> crate::runner::Host {
    crate::runner::Plain::host()
}

/// Every descriptor: the registry's exercises and their sections.
fn descriptors() -> impl Iterator<Item = &'static crate::Exercise> {
    crate::EXERCISES
        .iter()
        .flat_map(|e| std::iter::once(*e).chain(e.sections.iter().copied()))
}
