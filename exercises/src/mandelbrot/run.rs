//! Inputs for `mandelbrot`: the frame, and the image drawn in the page.

use kernels::mandelbrot::{Frame, VARIANTS, on_the_edge, parallel, parallel_in, simd, summary};

use super::Params;
use crate::protocol::Image;
use crate::runner::{
    Case, Dispatch, GpuInput, GpuLimits, Host, KernelList, Kernels, Output, Runner, Workload, words,
};

pub struct Mandelbrot;

static KERNELS: Kernels<Frame, Vec<u32>> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", parallel_in)),
};

fn frame(params: &Params, width: u64) -> Frame {
    Frame {
        width: width as usize,
        height: params.height as usize,
        max_iter: params.max_iter as u32,
    }
}

/// Pixel for pixel, except where the orbit passes within rounding of
/// `|z| = 2`: there the seed's `hypot` test and `|z|² > 4` may differ,
/// which is counted and said, not a disagreement.
#[allow(clippy::ptr_arg, reason = "the kernel table passes its outputs as they are")]
fn describe(frame: &Frame, img: Vec<u32>, seed: &Vec<u32>) -> Output {
    let (sum, zeros) = summary(&img);
    let differing: Vec<usize> = (0..img.len()).filter(|&i| img[i] != seed[i]).collect();
    if !differing.is_empty() && differing.iter().all(|&i| on_the_edge(frame, i)) {
        return Output::shown_as(
            format!(
                "sum={sum} zeros={zeros} ({} pixels on |z| = 2 differ by rounding)",
                differing.len()
            ),
            &seed[..],
        );
    }
    Output::shown_as(format!("sum={sum} zeros={zeros}"), &img[..])
}

impl Runner for Mandelbrot {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let width = params.width[0];
        let f = frame(params, width);
        vec![(
            format!("{width} × {} pixels, max_iter {}", f.height, f.max_iter),
            self.workload(params, host, width),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(frame(params, size), describe)
    }

    fn gpu_input(&self, params: &Params, _: &str, size: u64) -> Result<Box<dyn GpuInput>, String> {
        Ok(Box::new(GpuFrame(frame(params, size))))
    }

    fn images(&self, params: &Params) -> Vec<Image> {
        let width = *params
            .width
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

/// The image in `f32` on the GPU, one invocation per pixel in 16 × 16
/// workgroups, exactly as the seed's loop does it.
struct GpuFrame(Frame);

impl GpuInput for GpuFrame {
    fn dispatch(&self, _: &GpuLimits) -> Result<Dispatch, String> {
        let Frame {
            width,
            height,
            max_iter,
        } = self.0;
        let (width, height) = (
            u32::try_from(width).map_err(|_| "width does not fit in u32")?,
            u32::try_from(height).map_err(|_| "height does not fit in u32")?,
        );
        if width == 0 || height == 0 {
            return Err("width and height must be at least 1".into());
        }
        Ok(Dispatch {
            uniforms: vec![width, height, max_iter, 0],
            inputs: Vec::new(),
            output_bytes: u64::from(width) * u64::from(height) * 4,
            workgroups: (width.div_ceil(16), height.div_ceil(16)),
        })
    }

    /// At most 1% of the pixels differ from the `f64` image, and the sums
    /// of escape counts within 1%: `f32` orbits part from `f64` ones near
    /// the set's edge, and only there.
    fn check(&self, output: &[u8]) -> (String, bool) {
        let img: Vec<u32> = words(output).collect();
        let expected = simd(&self.0);
        let differ = img.iter().zip(&expected).filter(|(a, b)| a != b).count();
        let (sum, zeros) = summary(&img);
        let (expected_sum, _) = summary(&expected);
        let percent = 100.0 * differ as f64 / expected.len().max(1) as f64;
        let sum_error = (sum as f64 - expected_sum as f64).abs() / (expected_sum as f64).max(1.0);
        let text =
            format!("sum={sum} zeros={zeros} ({differ} pixels, {percent:.2}%, differ from f64)");
        let within = img.len() == expected.len() && percent <= 1.0 && sum_error <= 0.01;
        (text, within)
    }
}
