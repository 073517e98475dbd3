//! What a GPU variant declares, so the worker's one generic GPU runner can
//! run any exercise's shader: the buffers and uniforms of one call, the
//! workgroups to dispatch, and how to read the output and compare it with
//! the CPU's result. The shader itself is the descriptor's
//! [`GpuVariant::shader`](crate::GpuVariant::shader).
//!
//! Every shader follows one binding layout: group 0 holds each input in
//! order (read-only storage), then the output (read-write storage), then a
//! uniform buffer of `u32`s.

/// One call of a shader.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispatch {
    /// The uniform buffer's words.
    pub uniforms: Vec<u32>,
    /// The input buffers' bytes, bindings `0 .. inputs.len()`.
    pub inputs: Vec<Vec<u8>>,
    /// The output buffer's length in bytes.
    pub output_bytes: u64,
    /// Workgroups in x and y.
    pub workgroups: (u32, u32),
}

/// The device limits a dispatch may depend on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpuLimits {
    /// Most workgroups in one dimension of a dispatch.
    pub max_workgroups_per_dimension: u32,
}

/// One prepared input of a GPU variant at one size.
pub trait GpuInput {
    /// The call to make, or why it cannot be made on this device.
    fn dispatch(&self, limits: &GpuLimits) -> Result<Dispatch, String>;

    /// The output as the check shows it, and whether it is within the
    /// variant's stated tolerance of the CPU result.
    fn check(&self, output: &[u8]) -> (String, bool);
}

/// The little-endian `u32` words of a buffer.
pub fn words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

/// The little-endian bytes of `f32` values, as a storage buffer holds them.
pub fn f32_bytes(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}
