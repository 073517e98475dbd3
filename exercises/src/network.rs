//! The network lane: requests to a same-origin endpoint with a configured
//! latency, jitter and failure rate. The site's service worker answers
//! `net/endpoint` (see `web/sw.js`), so a request is a real `fetch()` from
//! the worker, waited for on the browser's event loop. Where no service
//! worker controls the worker (a first visit before it activates, service
//! workers blocked, a hard reload), the same parameters are simulated with
//! a timer and a random draw instead, and [`Endpoint::simulated`] says so.

use std::rc::Rc;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::runner::Browser;

/// The endpoint's behaviour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Behaviour {
    /// Mean delay of an answer, in milliseconds.
    pub latency_ms: f64,
    /// The delay varies uniformly by up to this much either way.
    pub jitter_ms: f64,
    /// The fraction of requests answered with 503.
    pub fail_rate: f64,
}

/// One request: when it started and ended (milliseconds from the start of
/// its batch) and whether it succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The request's number.
    pub id: usize,
    /// Its start.
    pub start_ms: f64,
    /// Its end.
    pub end_ms: f64,
    /// A 2xx answer.
    pub ok: bool,
}

/// Where requests go: the service worker's endpoint, or a simulation.
pub struct Endpoint {
    browser: Rc<dyn Browser>,
    behaviour: Behaviour,
    /// Why requests are simulated; `None` when the service worker answers.
    pub simulated: Option<String>,
    rng: std::cell::RefCell<Pcg64>,
}

impl Endpoint {
    /// Probes the service worker's endpoint once and uses it if it answers,
    /// else simulates.
    pub async fn connect(browser: Rc<dyn Browser>, behaviour: Behaviour, seed: u64) -> Endpoint {
        let probe = browser
            .fetch(&Endpoint::url(
                Behaviour {
                    latency_ms: 0.0,
                    jitter_ms: 0.0,
                    fail_rate: 0.0,
                },
                0,
            ))
            .await;
        let simulated = match probe {
            Ok(reply) if reply.from_service_worker => None,
            Ok(reply) => Some(format!(
                "the site's service worker does not control this worker yet (the server answered {}); run again after the first load, or allow service workers",
                reply.status
            )),
            Err(error) => Some(format!("no service worker endpoint: {error}")),
        };
        Endpoint {
            browser,
            behaviour,
            simulated,
            rng: std::cell::RefCell::new(Pcg64::seed_from_u64(seed)),
        }
    }

    /// One sentence for a caption: who answers the requests.
    pub fn lane(&self) -> String {
        match &self.simulated {
            None => "Real fetch() calls answered by the site's service worker.".to_string(),
            Some(reason) => format!(
                "Simulated with timers in the worker (same latency, jitter and failure rate): {reason}."
            ),
        }
    }

    /// The same endpoint (or simulation) with another behaviour.
    pub fn with(&self, behaviour: Behaviour, seed: u64) -> Endpoint {
        Endpoint {
            browser: self.browser.clone(),
            behaviour,
            simulated: self.simulated.clone(),
            rng: std::cell::RefCell::new(Pcg64::seed_from_u64(seed)),
        }
    }

    /// The endpoint's URL, relative to the worker's script.
    fn url(behaviour: Behaviour, id: usize) -> String {
        format!(
            "{}net/endpoint?latency_ms={}&jitter_ms={}&fail={}&id={id}",
            crate::runner::SITE_ROOT,
            behaviour.latency_ms, behaviour.jitter_ms, behaviour.fail_rate
        )
    }

    /// Sends request `id` and waits for its answer; times are from `origin_ms`.
    pub async fn request(&self, id: usize, origin_ms: f64) -> Attempt {
        let start_ms = self.browser.now_ms() - origin_ms;
        let ok = match self.simulated {
            None => {
                matches!(self.browser.fetch(&Endpoint::url(self.behaviour, id)).await, Ok(reply) if (200..300).contains(&reply.status))
            }
            Some(_) => {
                let (delay, failed) = {
                    let mut rng = self.rng.borrow_mut();
                    let b = self.behaviour;
                    (
                        (b.latency_ms + (rng.random::<f64>() * 2.0 - 1.0) * b.jitter_ms).max(0.0),
                        rng.random::<f64>() < b.fail_rate,
                    )
                };
                self.browser.sleep(delay.round() as u32).await;
                !failed
            }
        };
        Attempt {
            id,
            start_ms,
            end_ms: self.browser.now_ms() - origin_ms,
            ok,
        }
    }
}
