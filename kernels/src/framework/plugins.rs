//! The image plugins — blur, threshold, segmentation, region statistics and
//! a quality check that fails a seeded fraction of items — and the pure
//! kernels they run, each with its naive twin.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;

use super::image::Image;

/// One item as it moves through a pipeline: its image and what the plugins
/// so far have added.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Item {
    /// The image's key in the stream: equal keys are equal images.
    pub key: u64,
    /// The image, blurred once `blur` has run.
    pub image: Image,
    /// `threshold`'s foreground mask, one byte (0 or 1) per pixel.
    pub mask: Option<Vec<u8>>,
    /// `segment`'s labels: 0 for background, 1, 2, … per region.
    pub labels: Option<Vec<u32>>,
    /// `stats`' regions, in label order.
    pub regions: Option<Vec<Region>>,
}

impl Item {
    /// An item that holds only its image.
    pub fn new(key: u64, image: Image) -> Item {
        Item { key, image, mask: None, labels: None, regions: None }
    }

    /// The bytes this item holds, what a cache or a batch in flight pays
    /// for it.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Item>()
            + self.image.pixels.len()
            + self.mask.as_ref().map_or(0, Vec::len)
            + self.labels.as_ref().map_or(0, |l| 4 * l.len())
            + self.regions.as_ref().map_or(0, |r| r.len() * std::mem::size_of::<Region>())
    }
}

/// One connected region's statistics, kept as exact sums so equal regions
/// compare equal; [`Region::centroid`] and [`Region::mean`] derive the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Region {
    /// Pixels in the region.
    pub area: u64,
    /// Sum of the pixels' x.
    pub sum_x: u64,
    /// Sum of the pixels' y.
    pub sum_y: u64,
    /// Sum of the pixels' intensities.
    pub sum_intensity: u64,
}

impl Region {
    /// The centre of mass, `(x, y)`.
    pub fn centroid(&self) -> (f64, f64) {
        (self.sum_x as f64 / self.area as f64, self.sum_y as f64 / self.area as f64)
    }

    /// The mean intensity.
    pub fn mean(&self) -> f64 {
        self.sum_intensity as f64 / self.area as f64
    }
}

// --- Kernels --------------------------------------------------------------

/// Checks that `image` has pixels and exactly `width × height` of them.
pub fn check_shape(image: &Image) -> Result<(), String> {
    if image.width == 0 || image.height == 0 {
        return Err(format!("empty image ({}×{})", image.width, image.height));
    }
    if image.pixels.len() != image.width * image.height {
        return Err(format!(
            "wrong shape: {} pixels for {}×{}",
            image.pixels.len(),
            image.width,
            image.height
        ));
    }
    Ok(())
}

/// A box blur of radius `r` the direct way: every pixel averages its
/// `(2r + 1)²` window (coordinates clamped at the edges). O(n r²).
pub fn blur_naive(image: &Image, r: usize) -> Image {
    let (w, h) = (image.width, image.height);
    let area = ((2 * r + 1) * (2 * r + 1)) as u32;
    let clamp = |v: isize, n: usize| v.clamp(0, n as isize - 1) as usize;
    let mut pixels = vec![0; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0u32;
            for dy in -(r as isize)..=r as isize {
                for dx in -(r as isize)..=r as isize {
                    sum += u32::from(image.pixels[clamp(y as isize + dy, h) * w + clamp(x as isize + dx, w)]);
                }
            }
            pixels[y * w + x] = ((sum + area / 2) / area) as u8;
        }
    }
    Image { width: w, height: h, pixels }
}

/// The same blur, separable: a running sum along each row, then along each
/// column of the row sums. The clamped window is a product of two clamped
/// intervals, so the sums — and the rounded averages — equal the naive
/// ones exactly. O(n), whatever `r` is.
pub fn blur(image: &Image, r: usize) -> Image {
    let (w, h) = (image.width, image.height);
    let area = ((2 * r + 1) * (2 * r + 1)) as u32;
    let clamp = |v: isize, n: usize| v.clamp(0, n as isize - 1) as usize;
    let mut rows = vec![0u32; w * h];
    for y in 0..h {
        let line = &image.pixels[y * w..(y + 1) * w];
        let mut sum: u32 = (-(r as isize)..=r as isize).map(|dx| u32::from(line[clamp(dx, w)])).sum();
        for x in 0..w {
            rows[y * w + x] = sum;
            sum += u32::from(line[clamp(x as isize + r as isize + 1, w)]);
            sum -= u32::from(line[clamp(x as isize - r as isize, w)]);
        }
    }
    let mut sums: Vec<u32> = (0..w).map(|x| (-(r as isize)..=r as isize).map(|dy| rows[clamp(dy, h) * w + x]).sum()).collect();
    let mut pixels = vec![0; w * h];
    for y in 0..h {
        let (enter, leave) = (clamp(y as isize + r as isize + 1, h), clamp(y as isize - r as isize, h));
        for x in 0..w {
            pixels[y * w + x] = ((sums[x] + area / 2) / area) as u8;
            sums[x] = sums[x] + rows[enter * w + x] - rows[leave * w + x];
        }
    }
    Image { width: w, height: h, pixels }
}

/// The between-class variance of Otsu's method for threshold `t`, from
/// exact integer sums: background `count0` pixels summing to `sum0`, of
/// `count` pixels summing to `sum`.
fn between_class(count0: u64, sum0: u64, count: u64, sum: u64) -> f64 {
    let count1 = count - count0;
    if count0 == 0 || count1 == 0 {
        return 0.0;
    }
    let mean0 = sum0 as f64 / count0 as f64;
    let mean1 = (sum - sum0) as f64 / count1 as f64;
    count0 as f64 * count1 as f64 * (mean0 - mean1).powi(2)
}

/// Otsu's threshold the direct way: for each of the 256 thresholds, scan
/// every pixel to split the classes. O(256 n).
pub fn otsu_naive(pixels: &[u8]) -> u8 {
    let (count, sum) = (pixels.len() as u64, pixels.iter().map(|&p| u64::from(p)).sum::<u64>());
    let mut best = (0u8, -1.0);
    for t in 0..=255u8 {
        let (mut count0, mut sum0) = (0u64, 0u64);
        for &p in pixels {
            if p <= t {
                count0 += 1;
                sum0 += u64::from(p);
            }
        }
        let variance = between_class(count0, sum0, count, sum);
        if variance > best.1 {
            best = (t, variance);
        }
    }
    best.0
}

/// Otsu's threshold from a histogram: one pass over the pixels, then the
/// 256 thresholds from running sums of the histogram. O(n + 256).
pub fn otsu(pixels: &[u8]) -> u8 {
    let mut histogram = [0u64; 256];
    for &p in pixels {
        histogram[usize::from(p)] += 1;
    }
    let count = pixels.len() as u64;
    let sum: u64 = histogram.iter().enumerate().map(|(v, &c)| v as u64 * c).sum();
    let (mut count0, mut sum0) = (0u64, 0u64);
    let mut best = (0u8, -1.0);
    for t in 0..=255u8 {
        count0 += histogram[usize::from(t)];
        sum0 += u64::from(t) * histogram[usize::from(t)];
        let variance = between_class(count0, sum0, count, sum);
        if variance > best.1 {
            best = (t, variance);
        }
    }
    best.0
}

/// Connected components of a mask (4-connected) by flood fill: scan for an
/// unlabelled foreground pixel, fill its region breadth-first. Labels are
/// numbered in the raster order of each region's first pixel.
pub fn label_naive(mask: &[u8], w: usize, h: usize) -> Vec<u32> {
    let mut labels = vec![0u32; w * h];
    let mut next = 0;
    let mut queue = std::collections::VecDeque::new();
    for start in 0..w * h {
        if mask[start] == 0 || labels[start] != 0 {
            continue;
        }
        next += 1;
        labels[start] = next;
        queue.push_back(start);
        while let Some(i) = queue.pop_front() {
            let (x, y) = (i % w, i / w);
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < w).then(|| i + 1),
                (y > 0).then(|| i - w),
                (y + 1 < h).then(|| i + w),
            ];
            for j in neighbours.into_iter().flatten() {
                if mask[j] != 0 && labels[j] == 0 {
                    labels[j] = next;
                    queue.push_back(j);
                }
            }
        }
    }
    labels
}

/// The root of `i` in a union-find forest, halving the path on the way.
fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        parent[i as usize] = parent[parent[i as usize] as usize];
        i = parent[i as usize];
    }
    i
}

/// Connected components in two passes: the first gives each pixel its left
/// or upper neighbour's provisional label and records equivalences in a
/// union-find forest; the second replaces each by its root's final label,
/// numbered in raster order of first appearance — the flood fill's numbers.
pub fn label(mask: &[u8], w: usize, h: usize) -> Vec<u32> {
    let mut provisional = vec![0u32; w * h];
    let mut parent: Vec<u32> = vec![0];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if mask[i] == 0 {
                continue;
            }
            let left = if x > 0 { provisional[i - 1] } else { 0 };
            let up = if y > 0 { provisional[i - w] } else { 0 };
            provisional[i] = match (left, up) {
                (0, 0) => {
                    parent.push(parent.len() as u32);
                    parent.len() as u32 - 1
                }
                (l, 0) | (0, l) => l,
                (l, u) => {
                    let (a, b) = (find(&mut parent, l), find(&mut parent, u));
                    parent[a.max(b) as usize] = a.min(b);
                    l
                }
            };
        }
    }
    let mut number = vec![0u32; parent.len()];
    let mut next = 0;
    for label in provisional.iter_mut().filter(|l| **l != 0) {
        let root = find(&mut parent, *label) as usize;
        if number[root] == 0 {
            next += 1;
            number[root] = next;
        }
        *label = number[root];
    }
    provisional
}

/// Each region's area, coordinate sums and intensity sum, in label order.
pub fn region_stats(labels: &[u32], image: &Image) -> Vec<Region> {
    let count = labels.iter().copied().max().unwrap_or(0) as usize;
    let mut regions = vec![Region::default(); count];
    for (i, &label) in labels.iter().enumerate().filter(|(_, l)| **l != 0) {
        let region = &mut regions[label as usize - 1];
        region.area += 1;
        region.sum_x += (i % image.width) as u64;
        region.sum_y += (i / image.width) as u64;
        region.sum_intensity += u64::from(image.pixels[i]);
    }
    regions
}

// --- Plugins --------------------------------------------------------------

/// Where the framework runs a plugin: CPU-heavy ones on the thread pool,
/// light ones on the event loop between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Worth a pool thread.
    Cpu,
    /// Cheaper than handing it to another thread.
    Light,
}

/// What a plugin's `process` returns: its future output or its error.
pub type Processing<'a> = Pin<Box<dyn Future<Output = Result<Item, String>> + Send + 'a>>;

/// An analysis plugin, the seed's `AnalysisPlugin`.
pub trait Plugin: Send + Sync {
    /// The name a pipeline calls it by.
    fn name(&self) -> &'static str;
    /// Where it should run.
    fn kind(&self) -> Kind;
    /// Whether it can take `item`; the error says what is wrong.
    fn validate(&self, item: &Item) -> Result<(), String>;
    /// Processes one item.
    fn process(&self, item: Item) -> Processing<'_>;
}

/// Separable box blur of radius `radius`.
pub struct Blur {
    /// The window's half width.
    pub radius: usize,
}

impl Plugin for Blur {
    fn name(&self) -> &'static str {
        "blur"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        check_shape(&item.image)
    }
    fn process(&self, mut item: Item) -> Processing<'_> {
        Box::pin(async move {
            item.image = blur(&item.image, self.radius);
            Ok(item)
        })
    }
}

/// Otsu's threshold: the foreground mask.
pub struct Threshold;

impl Plugin for Threshold {
    fn name(&self) -> &'static str {
        "threshold"
    }
    fn kind(&self) -> Kind {
        Kind::Light
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        check_shape(&item.image)
    }
    fn process(&self, mut item: Item) -> Processing<'_> {
        Box::pin(async move {
            let t = otsu(&item.image.pixels);
            item.mask = Some(item.image.pixels.iter().map(|&p| u8::from(p > t)).collect());
            Ok(item)
        })
    }
}

/// Connected components of the mask.
pub struct Segment;

impl Plugin for Segment {
    fn name(&self) -> &'static str {
        "segment"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        match &item.mask {
            None => Err("no mask: run threshold first".into()),
            Some(mask) if mask.len() != item.image.pixels.len() => Err("mask and image differ in size".into()),
            Some(_) => Ok(()),
        }
    }
    fn process(&self, mut item: Item) -> Processing<'_> {
        Box::pin(async move {
            let mask = item.mask.as_deref().unwrap_or_default();
            item.labels = Some(label(mask, item.image.width, item.image.height));
            Ok(item)
        })
    }
}

/// Count, area, centroid and mean intensity per region.
pub struct Stats;

impl Plugin for Stats {
    fn name(&self) -> &'static str {
        "stats"
    }
    fn kind(&self) -> Kind {
        Kind::Light
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        match &item.labels {
            None => Err("no labels: run segment first".into()),
            Some(_) => Ok(()),
        }
    }
    /// Its output is the regions alone, as the seed's plugin returns its
    /// own result: the image, mask and labels are dropped, so a finished
    /// item (what a cache keeps, what a batch returns) is small.
    fn process(&self, item: Item) -> Processing<'_> {
        Box::pin(async move {
            let regions = region_stats(item.labels.as_deref().unwrap_or_default(), &item.image);
            let empty = Image { width: item.image.width, height: item.image.height, pixels: Vec::new() };
            Ok(Item { regions: Some(regions), ..Item::new(item.key, empty) })
        })
    }
}

/// A quality gate that rejects a seeded fraction `fail_rate` of the images
/// (as a real one rejects blurred or empty scans): the same image always
/// gets the same answer, and it reads no pixel, so it commutes with the
/// plugins that change pixels.
pub struct Quality {
    /// The fraction of images it rejects, 0 … 1.
    pub fail_rate: f64,
    /// The seed of which ones.
    pub seed: u64,
}

impl Quality {
    /// Whether the image with `key` fails.
    pub fn fails(&self, key: u64) -> bool {
        let mut hasher = std::hash::DefaultHasher::new();
        (key, self.seed).hash(&mut hasher);
        (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64 <= self.fail_rate
            && self.fail_rate > 0.0
    }
}

impl Plugin for Quality {
    fn name(&self) -> &'static str {
        "quality"
    }
    fn kind(&self) -> Kind {
        Kind::Light
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        check_shape(&item.image)
    }
    fn process(&self, item: Item) -> Processing<'_> {
        Box::pin(async move {
            match self.fails(item.key) {
                true => Err(format!("image {} failed the quality check", item.key)),
                false => Ok(item),
            }
        })
    }
}
