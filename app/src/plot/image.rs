//! The colour map of images of counts (the Mandelbrot set), as RGBA bytes.

/// Colour stops from dark blue through orange to pale yellow.
pub(super) const IMAGE_PALETTE: [[u8; 3]; 5] = [
    [20, 24, 82],
    [96, 36, 140],
    [212, 72, 66],
    [250, 160, 40],
    [252, 250, 200],
];

/// An image of counts as RGBA bytes: 0 (never escaped, inside the set)
/// black, and counts 1 … `max` along [`IMAGE_PALETTE`] on a logarithmic scale,
/// since most pixels escape within a few steps.
pub fn colour_map(counts: &[u32], max: u32) -> Vec<u8> {
    let top = (max.max(2) as f64).ln();
    counts
        .iter()
        .flat_map(|&count| {
            if count == 0 {
                return [0, 0, 0, 255];
            }
            let t = ((count as f64).ln() / top).clamp(0.0, 1.0) * (IMAGE_PALETTE.len() - 1) as f64;
            let (low, frac) = (
                (t.floor() as usize).min(IMAGE_PALETTE.len() - 2),
                t - t.floor().min((IMAGE_PALETTE.len() - 2) as f64),
            );
            let channel = |c: usize| {
                (IMAGE_PALETTE[low][c] as f64
                    + (IMAGE_PALETTE[low + 1][c] as f64 - IMAGE_PALETTE[low][c] as f64) * frac)
                    .round() as u8
            };
            [channel(0), channel(1), channel(2), 255]
        })
        .collect()
}
