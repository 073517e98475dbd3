//! Inputs for `mandelbrot`: the frame, and the image drawn in the page.

use std::hint::black_box;

use kernels::mandelbrot::{Frame, VARIANTS, on_the_edge, parallel, parallel_in, summary};

use crate::params::ParamValues;
use crate::protocol::Image;
use crate::runner::{Output, Runner, Workload};

pub struct Mandelbrot;

struct Input {
    frame: Frame,
    threads: Option<usize>,
    /// The naive image, computed on the first check.
    expected: Option<Vec<u32>>,
}

fn frame(params: &ParamValues, width: u64) -> Frame {
    Frame {
        width: width as usize,
        height: params.int("height") as usize,
        max_iter: params.int("max_iter") as u32,
    }
}

impl Runner for Mandelbrot {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let width = params.list("width")[0];
        let f = frame(params, width);
        vec![(
            format!("{width} × {} pixels, max_iter {}", f.height, f.max_iter),
            self.workload(params, width),
        )]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            frame: frame(params, size),
            threads: None,
            expected: None,
        })
    }

    fn images(&self, params: &ParamValues) -> Vec<Image> {
        let width = *params
            .list("width")
            .last()
            .expect("a list has at least one value");
        let f = frame(params, width);
        let counts = parallel(&f);
        let (_, zeros) = summary(&counts);
        vec![Image {
            id: "mandelbrot".into(),
            title: format!(
                "The image, {width} × {} pixels, max_iter {}",
                f.height, f.max_iter
            ),
            caption: format!(
                "Black pixels never escaped ({zeros} of {}): the set. The others are coloured by the step at \
                 which |z| passed 2, dark for quick escapes, light for slow ones near the set's edge. It is \
                 drawn square: the picture spans −2 … 2 on both axes.",
                counts.len()
            ),
            width: f.width as u32,
            height: f.height as u32,
            counts,
            max: f.max_iter,
        }]
    }
}

impl Input {
    fn call(&self, variant: usize) -> Vec<u32> {
        match (VARIANTS[variant].0, self.threads) {
            ("parallel", Some(threads)) => parallel_in(&self.frame, threads),
            _ => (VARIANTS[variant].1)(&self.frame),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant));
    }

    /// Pixel for pixel, except where the orbit passes within rounding of
    /// `|z| = 2`: there the seed's `hypot` test and `|z|² > 4` may differ,
    /// which is counted and said, not a disagreement.
    fn check(&mut self, variant: usize) -> Output {
        let img = self.call(variant);
        let (sum, zeros) = summary(&img);
        if self.expected.is_none() {
            self.expected = Some(self.call(0));
        }
        let seed = self.expected.as_deref().expect("computed above");
        let differing: Vec<usize> = (0..img.len()).filter(|&i| img[i] != seed[i]).collect();
        if !differing.is_empty() && differing.iter().all(|&i| on_the_edge(&self.frame, i)) {
            return Output {
                text: format!(
                    "sum={sum} zeros={zeros} ({} pixels on |z| = 2 differ by rounding)",
                    differing.len()
                ),
                digest: Output::list(seed).digest,
            };
        }
        Output {
            text: format!("sum={sum} zeros={zeros}"),
            digest: Output::list(&img).digest,
        }
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
