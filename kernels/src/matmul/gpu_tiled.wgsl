// C = A·B in f32 on the GPU, tiled: each 16×16 workgroup stages 16×16 tiles
// of A and B in workgroup memory, so each element is read from storage n/16
// times instead of n. Cells outside the matrix are zero, so n need not be a
// multiple of 16; no invocation returns early, since all must reach the
// barriers.
struct Params { n: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const TILE: u32 = 16u;
var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(workgroup_id) wid: vec3<u32>) {
    let n = params.n;
    let row = wid.y * TILE + lid.y;
    let col = wid.x * TILE + lid.x;
    var sum = 0.0;
    let tiles = (n + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t++) {
        let a_col = t * TILE + lid.x;
        let b_row = t * TILE + lid.y;
        if (row < n && a_col < n) {
            tile_a[lid.y][lid.x] = a[row * n + a_col];
        } else {
            tile_a[lid.y][lid.x] = 0.0;
        }
        if (b_row < n && col < n) {
            tile_b[lid.y][lid.x] = b[b_row * n + col];
        } else {
            tile_b[lid.y][lid.x] = 0.0;
        }
        workgroupBarrier();
        for (var k = 0u; k < TILE; k++) {
            sum += tile_a[lid.y][k] * tile_b[k][lid.x];
        }
        workgroupBarrier();
    }
    if (row < n && col < n) {
        c[row * n + col] = sum;
    }
}
