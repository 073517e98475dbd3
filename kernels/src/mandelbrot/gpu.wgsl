// The seed's Mandelbrot loop in f32 on the GPU, one invocation per pixel,
// with |z| > 2 tested as |z|² > 4. f32 has 24 bits of mantissa against
// f64's 53, so a few pixels near the set's edge escape at another step.
struct Params { width: u32, height: u32, max_iter: u32, _p0: u32 }
@group(0) @binding(0) var<storage, read_write> img: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    if (gid.x >= params.width || gid.y >= params.height) { return; }
    let w = f32(params.width);
    let h = f32(params.height);
    let cr = (f32(gid.x) - w / 2.0) / (w / 4.0);
    let ci = (f32(gid.y) - h / 2.0) / (h / 4.0);
    var zr = 0.0;
    var zi = 0.0;
    var escaped_at = 0u;
    for (var i = 0u; i < params.max_iter; i++) {
        if (zr * zr + zi * zi > 4.0) {
            escaped_at = i;
            break;
        }
        let next_r = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = next_r;
    }
    img[gid.y * params.width + gid.x] = escaped_at;
}
