// Monte Carlo π on the GPU: each invocation draws its points from its own
// PCG32 stream (state and increment hashed from the seed and the invocation
// index), a workgroup adds its 256 counts in workgroup memory, and writes one
// partial count; the CPU adds the partials.
struct Params { seed_lo: u32, seed_hi: u32, per_inv: u32, full: u32, rem: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<storage, read_write> partials: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

var<workgroup> sums: array<u32, 256>;

fn pcg_hash(v: u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(local_invocation_index) li: u32,
        @builtin(workgroup_id) wid: vec3<u32>) {
    let inv = gid.x;
    var points = 0u;
    if (inv < params.full) {
        points = params.per_inv;
    } else if (inv == params.full) {
        points = params.rem;
    }
    let key = pcg_hash(params.seed_lo ^ pcg_hash(params.seed_hi));
    var state = pcg_hash(inv ^ key);
    let inc = (pcg_hash(inv + key) << 1u) | 1u;
    var inside = 0u;
    for (var j = 0u; j < points; j++) {
        state = state * 747796405u + inc;
        var w = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
        let x = f32(((w >> 22u) ^ w) >> 8u) * (1.0 / 16777216.0);
        state = state * 747796405u + inc;
        w = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
        let y = f32(((w >> 22u) ^ w) >> 8u) * (1.0 / 16777216.0);
        if (x * x + y * y <= 1.0) { inside++; }
    }
    sums[li] = inside;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) { sums[li] += sums[li + s]; }
        workgroupBarrier();
    }
    if (li == 0u) { partials[wid.x] = sums[0]; }
}
