//! The codec chains of the Zarr v3 specification that the exercise writes:
//! `bytes` (little-endian `float64`) alone, then `blosc` (byte shuffle and
//! LZ4, in Blosc's own chunk format, so numcodecs and every Blosc reader
//! decode it) or `gzip` (deflate, `flate2`'s pure-Rust backend).

use std::io::{Read, Write};

/// One codec chain after `bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// Raw little-endian bytes.
    None,
    /// Blosc: a byte shuffle, then LZ4 per byte plane. Fast.
    Blosc,
    /// Gzip (deflate) at level 5. Strong and slow.
    Gzip,
}

/// A chunk that cannot be decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct CodecError(pub String);

/// Blosc's header: 16 bytes.
const HEADER: usize = 16;
/// Header flags: byte shuffle, and LZ4 as the compressor (code 1 in bits 5–7).
const SHUFFLE: u8 = 0x01;
const MEMCPYED: u8 = 0x02;
const LZ4: u8 = 1 << 5;
const TYPESIZE: usize = 8;

impl Codec {
    /// Every codec, by the name the page and the URL use.
    pub const ALL: [(&'static str, Codec); 3] =
        [("none", Codec::None), ("blosc", Codec::Blosc), ("gzip", Codec::Gzip)];

    /// The codec named `name`.
    pub fn named(name: &str) -> Option<Codec> {
        Codec::ALL.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Codec::ALL.iter().find(|(_, c)| *c == self).map(|(n, _)| *n).unwrap_or("none")
    }

    /// Encodes `values` as this chain does.
    pub fn encode(self, values: &[f64]) -> Vec<u8> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        match self {
            Codec::None => bytes,
            Codec::Blosc => blosc_encode(&bytes),
            Codec::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(5));
                encoder.write_all(&bytes).expect("writing to memory");
                encoder.finish().expect("writing to memory")
            }
        }
    }

    /// Decodes `len` values from `encoded`.
    pub fn decode(self, encoded: &[u8], len: usize) -> Result<Vec<f64>, CodecError> {
        let bytes = match self {
            Codec::None => encoded.to_vec(),
            Codec::Blosc => blosc_decode(encoded)?,
            Codec::Gzip => {
                let mut bytes = Vec::with_capacity(len * 8);
                flate2::read::GzDecoder::new(encoded)
                    .read_to_end(&mut bytes)
                    .map_err(|e| CodecError(format!("gzip: {e}")))?;
                bytes
            }
        };
        if bytes.len() != len * 8 {
            return Err(CodecError(format!("{} bytes decoded, {} expected", bytes.len(), len * 8)));
        }
        Ok(bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect())
    }
}

/// One Blosc chunk of `bytes`: one block, shuffled (byte `k` of every
/// value into plane `k`), each plane an LZ4 block behind its size, or kept
/// raw when LZ4 does not shrink it (size = plane length), as c-blosc
/// writes. A chunk that would grow is stored whole ("memcpyed").
fn blosc_encode(bytes: &[u8]) -> Vec<u8> {
    let n = bytes.len();
    let plane = n / TYPESIZE;
    let mut body = Vec::with_capacity(n / 2);
    body.extend_from_slice(&((HEADER + 4) as u32).to_le_bytes());
    let mut shuffled = vec![0u8; n];
    for (i, value) in bytes.chunks_exact(TYPESIZE).enumerate() {
        for (k, &b) in value.iter().enumerate() {
            shuffled[k * plane + i] = b;
        }
    }
    for part in shuffled.chunks(plane.max(1)) {
        let packed = lz4_flex::block::compress(part);
        if packed.len() < part.len() {
            body.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            body.extend_from_slice(&packed);
        } else {
            body.extend_from_slice(&(part.len() as u32).to_le_bytes());
            body.extend_from_slice(part);
        }
    }
    let (flags, body) = if body.len() >= n || !n.is_multiple_of(TYPESIZE) || n == 0 {
        (MEMCPYED | LZ4, bytes.to_vec())
    } else {
        (SHUFFLE | LZ4, body)
    };
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(&[2, 1, flags, TYPESIZE as u8]);
    for field in [n, n, HEADER + body.len()] {
        out.extend_from_slice(&(field as u32).to_le_bytes());
    }
    out.extend_from_slice(&body);
    out
}

/// Decodes a chunk written by [`blosc_encode`]: one block, split into
/// `typesize` planes or not split, shuffled or not, or memcpyed.
fn blosc_decode(chunk: &[u8]) -> Result<Vec<u8>, CodecError> {
    let bad = |what: &str| CodecError(format!("blosc: {what}"));
    if chunk.len() < HEADER {
        return Err(bad("shorter than its header"));
    }
    let word = |at: usize| -> Result<usize, CodecError> {
        let bytes = chunk.get(at..at + 4).ok_or_else(|| bad("truncated"))?;
        Ok(u32::from_le_bytes(bytes.try_into().expect("4 bytes")) as usize)
    };
    let (flags, typesize, n, block) = (chunk[2], chunk[3] as usize, word(4)?, word(8)?);
    if word(12)? != chunk.len() {
        return Err(bad("its length differs from the header's"));
    }
    if flags & MEMCPYED != 0 {
        return chunk.get(HEADER..HEADER + n).map(<[u8]>::to_vec).ok_or_else(|| bad("truncated"));
    }
    if flags >> 5 != 1 || block != n || typesize == 0 {
        return Err(bad("only one LZ4 block per chunk is read here"));
    }
    let split = flags & 0x10 == 0 && n.is_multiple_of(typesize);
    let planes = if split { typesize } else { 1 };
    let mut at = word(HEADER)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..planes {
        let size = word(at)?;
        at += 4;
        let part = chunk.get(at..at + size).ok_or_else(|| bad("truncated"))?;
        let expected = n / planes;
        if size == expected {
            out.extend_from_slice(part);
        } else {
            let unpacked = lz4_flex::block::decompress(part, expected).map_err(|e| bad(&e.to_string()))?;
            out.extend_from_slice(&unpacked);
        }
        at += size;
    }
    if flags & SHUFFLE == 0 {
        return Ok(out);
    }
    let plane = n / typesize;
    let mut bytes = vec![0u8; n];
    for k in 0..typesize {
        for i in 0..plane {
            bytes[i * typesize + k] = out[k * plane + i];
        }
    }
    Ok(bytes)
}
