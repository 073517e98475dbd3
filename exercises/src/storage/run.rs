//! Inputs for `storage`: the array written once per run (its chunks and its
//! blob in a store in memory, counting bytes read), and the windows of the
//! sweep; the tables of bytes, chunk shapes and codecs.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

use kernels::storage::{Array, Codec, Data, Geometry, VARIANTS, Window, generate};

use super::Params;
use crate::protocol::DemoTable;
use crate::runner::{Case, Host, KernelList, Live, Output, Runner, Workload};

pub struct Storage;

impl Params {
    pub(super) fn geometry(&self) -> Geometry {
        let dims = |v: &[u64]| v.iter().map(|&x| x as usize).collect();
        Geometry {
            shape: dims(&self.shape),
            chunk: dims(&self.chunk),
        }
    }

    pub(super) fn codec(&self) -> Codec {
        Codec::named(&self.codec).expect("the choice lists only codecs")
    }

    pub(super) fn data(&self) -> Data {
        if self.data == "noisy" { Data::Noisy } else { Data::Smooth }
    }

    /// A window of about `n` elements from the window's start, every
    /// extent scaled by the same factor (at least one element per axis,
    /// at most the window's own).
    pub(super) fn window_for(&self, n: u64) -> Window {
        let whole = elements(&self.whole_window()) as f64;
        let factor = (n as f64 / whole).powf(1.0 / self.window.len() as f64).min(1.0);
        self.window
            .iter()
            .map(|&(start, stop)| {
                let extent = (((stop - start) as f64 * factor).round() as u64).clamp(1, stop - start);
                (start as usize, (start + extent) as usize)
            })
            .collect()
    }

    /// The learner's window.
    pub(super) fn whole_window(&self) -> Window {
        self.window.iter().map(|&(a, b)| (a as usize, b as usize)).collect()
    }

    /// The URL query of the array's own parameters, for provenance.
    pub(super) fn query(&self) -> String {
        let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let window: Vec<String> = self.window.iter().map(|(a, b)| format!("{a}:{b}")).collect();
        format!(
            "shape={}&chunk={}&window={}&codec={}&data={}&seed={}",
            list(&self.shape),
            list(&self.chunk),
            window.join(","),
            self.codec,
            self.data,
            self.seed
        )
    }

    /// The array these parameters make, written once and shared by every
    /// workload of the run (writing 8 MiB through gzip takes a while).
    pub(super) fn array(&self) -> Rc<Array> {
        thread_local! {
            static LAST: RefCell<Option<(String, Rc<Array>)>> = const { RefCell::new(None) };
        }
        let key = self.query();
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((k, array)) = last.as_ref()
                && *k == key
            {
                return array.clone();
            }
            // Drop the old array before making the new one.
            *last = None;
            let values = generate(&self.geometry().shape, self.data(), self.seed);
            let array = Rc::new(Array::write(self.geometry(), self.codec(), &values));
            *last = Some((key, array.clone()));
            array
        })
    }
}

/// The elements of a window.
pub(super) fn elements(window: &Window) -> u64 {
    window.iter().map(|(a, b)| (b - a) as u64).product()
}

/// One window of the array, read by any variant.
struct Read {
    array: Rc<Array>,
    window: Window,
}

impl Workload for Read {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(&self.array, &self.window));
    }

    fn check(&mut self, variant: usize) -> Output {
        let values = (VARIANTS[variant].1)(&self.array, &self.window);
        let first = elements(&self.window) as usize;
        let sum: f64 = values[..first].iter().sum();
        let bits: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        Output::shown_as(format!("window_sum={sum:?}"), &bits[..])
    }
}

impl Runner for Storage {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &VARIANTS
    }

    /// Every window of the sweep, checked byte for byte against the
    /// monolithic read.
    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        self.sizes(params, host, &params.n)
            .into_iter()
            .map(|size| {
                let window = params.window_of(size);
                let text: Vec<String> = window.iter().map(|(a, b)| format!("{a}:{b}")).collect();
                (format!("window {} and its pan", text.join(",")), self.workload(params, host, size))
            })
            .collect()
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        Box::new(Read {
            array: params.array(),
            window: params.window_of(size),
        })
    }

    /// The sweep's sizes are the windows' elements: n where the window's
    /// proportions allow exactly n, else the nearest they allow.
    fn sizes(&self, params: &Params, _: &Host, listed: &[u64]) -> Vec<u64> {
        let mut sizes: Vec<u64> = listed.iter().map(|&n| elements(&params.window_for(n))).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    }

    fn tables(&self, params: &Params, host: &Host) -> Vec<DemoTable> {
        super::demo::tables(params, host.clock())
    }

    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let (params, host) = (params.clone(), host.clone());
        Some(Box::pin(async move {
            let mut messages = super::demo::in_files(&params, &host).await;
            messages.push(crate::protocol::FromWorker::Table(super::remote::remote(&params, &host).await));
            if params.shape.len() == 2 {
                messages.push(crate::protocol::FromWorker::Chart(super::demo::chunk_shape_chart(&params)));
            }
            messages
        }))
    }

    fn published(&self) -> Vec<(String, Vec<u8>)> {
        super::remote::published()
    }
}

impl Params {
    /// The window of the sweep whose elements are `size`.
    pub(super) fn window_of(&self, size: u64) -> Window {
        self.n
            .iter()
            .map(|&n| self.window_for(n))
            .find(|w| elements(w) == size)
            .unwrap_or_else(|| self.whole_window())
    }
}
