//! The canonical binary encoding of everything that is hashed or signed (docs/protocol.md §Encoding).
//!
//! One encoding, one byte string per value, so that a hash or a signature is over exactly one
//! representation:
//!
//! - unsigned integers: fixed width, little-endian (`u8`, `u16`, `u32`, `u64`);
//! - `bool`: one byte, `0x00` or `0x01`, anything else is refused;
//! - byte strings and UTF-8 strings: a `u32` length, then the bytes;
//! - fixed-size arrays (points, scalars, keys, hashes): the bytes, no length;
//! - sequences: a `u32` count, then the elements;
//! - optional values: a `bool` tag, then the value when present.
//!
//! [`Reader`] is strict: every decoding error names the field being read and the byte offset, and a
//! value must consume its input exactly ([`Reader::finish`]).

use sha2::{Digest, Sha256};

/// Longest byte string or sequence accepted by the decoder (16 MiB): a corrupted length must
/// fail cleanly instead of allocating gigabytes.
pub const MAX_LEN: usize = 16 * 1024 * 1024;

/// A decoding error: which field, at which byte offset, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} (octet {offset}) : {reason}")]
pub struct DecodeError {
    /// The name of the field being decoded, e.g. `ballot.contests[2].choices[0].proof`.
    pub field: String,
    /// Byte offset in the input where the field starts.
    pub offset: usize,
    /// What was wrong.
    pub reason: String,
}

/// A 32-byte SHA-256 digest (event hashes, the election fingerprint, ballot trackers).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash32(pub [u8; 32]);

impl Hash32 {
    /// Lower-case hexadecimal, 64 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hexadecimal characters (either case).
    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = unhex(s)?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("64 caractères hexadécimaux attendus, {} reçus", s.len()))?;
        Ok(Hash32(arr))
    }
}

impl std::fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash32({})", self.to_hex())
    }
}

impl std::fmt::Display for Hash32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl serde::Serialize for Hash32 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Hash32 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Hash32::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    out
}

/// Parses hexadecimal (either case, even length).
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(format!(
            "longueur hexadécimale impaire ({} caractères)",
            bytes.len()
        ));
    }
    bytes
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| match (nibble(pair[0]), nibble(pair[1])) {
            (Some(h), Some(l)) => Ok((h << 4) | l),
            _ => Err(format!("caractère non hexadécimal à la position {}", 2 * i)),
        })
        .collect()
}

/// SHA-256 of a domain separator followed by the parts, each length-prefixed, so that no two
/// different inputs (or purposes) can collide by concatenation.
///
/// `domain` is one of the `URNE-V1-…` separators listed in docs/protocol.md.
pub fn tagged_hash(domain: &str, parts: &[&[u8]]) -> Hash32 {
    let mut h = Sha256::new();
    h.update((domain.len() as u32).to_le_bytes());
    h.update(domain.as_bytes());
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    Hash32(h.finalize().into())
}

/// Builds a canonical encoding.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }
    /// Appends a `u8`.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    /// Appends a `u16`, little-endian.
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Appends a `u32`, little-endian.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Appends a `u64`, little-endian.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Appends a `bool` as one byte.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.buf.push(u8::from(v));
        self
    }
    /// Appends fixed-size bytes, without a length.
    pub fn fixed(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }
    /// Appends a length-prefixed byte string.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.len(v.len());
        self.buf.extend_from_slice(v);
        self
    }
    /// Appends a length-prefixed UTF-8 string.
    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }
    /// Appends a sequence count (then the caller writes the elements).
    pub fn len(&mut self, n: usize) -> &mut Self {
        // Encoders only ever see values that fit: MAX_LEN is far below u32::MAX.
        self.u32(u32::try_from(n).unwrap_or(u32::MAX))
    }
    /// The encoded bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    /// The encoded bytes so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// Reads a canonical encoding strictly.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    /// Current byte offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// An error for `field` at the current offset.
    pub fn error(&self, field: &str, reason: impl Into<String>) -> DecodeError {
        DecodeError {
            field: field.to_owned(),
            offset: self.pos,
            reason: reason.into(),
        }
    }

    fn take(&mut self, field: &str, n: usize) -> Result<&'a [u8], DecodeError> {
        let remaining = self.input.len() - self.pos;
        if n > remaining {
            return Err(self.error(
                field,
                format!("données tronquées : {n} octets attendus, {remaining} disponibles"),
            ));
        }
        let out = &self.input[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Reads exactly `N` bytes.
    pub fn fixed<const N: usize>(&mut self, field: &str) -> Result<[u8; N], DecodeError> {
        let s = self.take(field, N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }
    /// Reads a `u8`.
    pub fn u8(&mut self, field: &str) -> Result<u8, DecodeError> {
        Ok(self.fixed::<1>(field)?[0])
    }
    /// Reads a little-endian `u16`.
    pub fn u16(&mut self, field: &str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.fixed(field)?))
    }
    /// Reads a little-endian `u32`.
    pub fn u32(&mut self, field: &str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.fixed(field)?))
    }
    /// Reads a little-endian `u64`.
    pub fn u64(&mut self, field: &str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.fixed(field)?))
    }
    /// Reads a `bool`, refusing any byte other than 0 and 1.
    pub fn bool(&mut self, field: &str) -> Result<bool, DecodeError> {
        let start = self.pos;
        match self.u8(field)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError {
                field: field.to_owned(),
                offset: start,
                reason: format!("booléen non canonique : {other:#04x}"),
            }),
        }
    }
    /// Reads a sequence count or byte-string length, bounded by [`MAX_LEN`].
    pub fn len(&mut self, field: &str) -> Result<usize, DecodeError> {
        let start = self.pos;
        let n = self.u32(field)? as usize;
        if n > MAX_LEN {
            return Err(DecodeError {
                field: field.to_owned(),
                offset: start,
                reason: format!("longueur {n} supérieure au maximum {MAX_LEN}"),
            });
        }
        Ok(n)
    }
    /// Reads a length-prefixed byte string.
    pub fn bytes(&mut self, field: &str) -> Result<&'a [u8], DecodeError> {
        let n = self.len(field)?;
        self.take(field, n)
    }
    /// Reads a length-prefixed UTF-8 string.
    pub fn str(&mut self, field: &str) -> Result<&'a str, DecodeError> {
        let start = self.pos;
        let b = self.bytes(field)?;
        std::str::from_utf8(b).map_err(|e| DecodeError {
            field: field.to_owned(),
            offset: start,
            reason: format!("UTF-8 invalide : {e}"),
        })
    }
    /// Checks that the whole input was consumed.
    pub fn finish(&self, what: &str) -> Result<(), DecodeError> {
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(self.error(
                what,
                format!(
                    "{} octets superflus après la fin",
                    self.input.len() - self.pos
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_writer_and_reader() {
        let mut w = Writer::new();
        w.u8(7)
            .u16(513)
            .u32(70_000)
            .u64(u64::MAX)
            .bool(true)
            .str("Bâtonnier")
            .bytes(&[1, 2, 3])
            .fixed(&[9; 4]);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u8("a").unwrap(), 7);
        assert_eq!(r.u16("b").unwrap(), 513);
        assert_eq!(r.u32("c").unwrap(), 70_000);
        assert_eq!(r.u64("d").unwrap(), u64::MAX);
        assert!(r.bool("e").unwrap());
        assert_eq!(r.str("f").unwrap(), "Bâtonnier");
        assert_eq!(r.bytes("g").unwrap(), &[1, 2, 3]);
        assert_eq!(r.fixed::<4>("h").unwrap(), [9; 4]);
        r.finish("value").unwrap();
    }

    #[test]
    fn a_truncated_input_names_the_field_and_offset() {
        let mut r = Reader::new(&[1, 0]);
        let err = r.u32("ballot.version").unwrap_err();
        assert_eq!(err.field, "ballot.version");
        assert_eq!(err.offset, 0);
        assert!(err.reason.contains("tronquées"), "{err}");
    }

    #[test]
    fn a_boolean_other_than_zero_or_one_is_refused() {
        let err = Reader::new(&[2]).bool("flag").unwrap_err();
        assert!(err.reason.contains("non canonique"), "{err}");
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let mut r = Reader::new(&[1, 2]);
        r.u8("x").unwrap();
        let err = r.finish("event").unwrap_err();
        assert_eq!(err.offset, 1);
    }

    #[test]
    fn an_oversized_length_is_refused_before_allocating() {
        let mut w = Writer::new();
        w.u32(u32::MAX);
        let err = Reader::new(w.as_bytes()).bytes("payload").unwrap_err();
        assert!(err.reason.contains("maximum"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let mut w = Writer::new();
        w.bytes(&[0xff, 0xfe]);
        assert!(Reader::new(w.as_bytes()).str("name").is_err());
    }

    #[test]
    fn tagged_hashes_differ_by_domain_and_by_part_boundaries() {
        let a = tagged_hash("URNE-V1-a", &[b"xy", b"z"]);
        let b = tagged_hash("URNE-V1-a", &[b"x", b"yz"]);
        let c = tagged_hash("URNE-V1-b", &[b"xy", b"z"]);
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn hex_round_trips_and_rejects_bad_input() {
        let h = tagged_hash("URNE-V1-test", &[]);
        assert_eq!(Hash32::from_hex(&h.to_hex()).unwrap(), h);
        assert!(Hash32::from_hex("zz").is_err());
        assert!(Hash32::from_hex("abc").is_err());
    }
}
