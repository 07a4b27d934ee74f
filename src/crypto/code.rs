//! The elector's personal confidential code (docs/protocol.md §Codes).
//!
//! 23 random Crockford base32 symbols (115 bits of entropy) followed by one check symbol, printed
//! in six groups of four: `7KQM-4XT2-…`. The check symbol is computed in GF(32) with pairwise
//! distinct non-zero weights, so it detects every single mistyped symbol and every swap of two
//! adjacent symbols (including the check symbol itself).
//!
//! Typing is forgiving: case is ignored, spaces and dashes are dropped, `O` reads as `0` and
//! `I`, `L` as `1` (Crockford's rules).

use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Crockford's base32 alphabet (no I, L, O, U).
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols in a code.
pub const DATA_SYMBOLS: usize = 23;
/// Symbols in a code, check symbol included.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;
/// Bits of entropy of a code.
pub const ENTROPY_BITS: usize = DATA_SYMBOLS * 5;
/// Symbols per printed group.
pub const GROUP: usize = 4;

/// Why a typed code was refused (French, shown to the elector).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// A character that is not part of a code.
    #[error("caractère « {character} » invalide en position {position} du code")]
    InvalidCharacter {
        /// 1-based position in the typed text.
        position: usize,
        /// The character.
        character: char,
    },
    /// Too few or too many symbols.
    #[error(
        "le code doit comporter {CODE_SYMBOLS} caractères (hors tirets et espaces), {0} saisis"
    )]
    WrongLength(usize),
    /// The check symbol does not match: a character was mistyped.
    #[error("code incorrect : un caractère a été mal saisi, vérifiez votre code")]
    BadCheck,
}

/// A personal confidential code: its 24 symbol values (0–31). Zeroized on drop; `Debug` is
/// redacted.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct VoterCode {
    symbols: [u8; CODE_SYMBOLS],
}

impl std::fmt::Debug for VoterCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoterCode(<secret>)")
    }
}

/// Multiplication in GF(2^5) modulo the primitive polynomial x^5 + x^2 + 1.
fn gf32_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    for _ in 0..5 {
        if b & 1 == 1 {
            p ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    p
}

/// Weight of position `i` (0-based, check symbol last): α^(i+1) for data symbols and α^0 = 1 for
/// the check symbol, with α = x a generator of GF(32)* (order 31 ≥ 24, so all weights differ).
fn weight(i: usize) -> u8 {
    let e = if i == DATA_SYMBOLS { 0 } else { i + 1 };
    let mut w = 1u8;
    for _ in 0..e {
        w = gf32_mul(w, 2);
    }
    w
}

/// The check symbol of 23 data symbols: Σ wᵢ·dᵢ in GF(32), so that the weighted sum of all 24
/// symbols is zero.
fn check_symbol(data: &[u8]) -> u8 {
    data.iter()
        .enumerate()
        .fold(0u8, |acc, (i, d)| acc ^ gf32_mul(weight(i), *d))
}

impl VoterCode {
    /// Draws a fresh code (115 bits of entropy) from the caller's generator.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut symbols = [0u8; CODE_SYMBOLS];
        let mut random = [0u8; DATA_SYMBOLS];
        rng.fill_bytes(&mut random);
        for (s, r) in symbols.iter_mut().zip(random.iter()) {
            *s = r & 0x1f;
        }
        random.zeroize();
        symbols[DATA_SYMBOLS] = check_symbol(&symbols[..DATA_SYMBOLS]);
        VoterCode { symbols }
    }

    /// Parses a typed code: ignores case, spaces and dashes, reads O as 0 and I, L as 1, then checks
    /// the length and the check symbol.
    pub fn parse(typed: &str) -> Result<Self, CodeError> {
        let mut symbols = [0u8; CODE_SYMBOLS];
        let mut n = 0usize;
        for (pos, c) in typed.chars().enumerate() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let v = match c.to_ascii_uppercase() {
                'O' => 0,
                'I' | 'L' => 1,
                u => match ALPHABET.iter().position(|&a| a as char == u) {
                    Some(v) => v as u8,
                    None => {
                        symbols.zeroize();
                        return Err(CodeError::InvalidCharacter {
                            position: pos + 1,
                            character: c,
                        });
                    }
                },
            };
            if n < CODE_SYMBOLS {
                symbols[n] = v;
            }
            n += 1;
        }
        if n != CODE_SYMBOLS {
            symbols.zeroize();
            return Err(CodeError::WrongLength(n));
        }
        let code = VoterCode { symbols };
        if check_symbol(&code.symbols[..DATA_SYMBOLS]) != code.symbols[DATA_SYMBOLS] {
            return Err(CodeError::BadCheck);
        }
        Ok(code)
    }

    /// The printed form: six groups of four symbols separated by dashes.
    pub fn to_printed(&self) -> String {
        let mut s = String::with_capacity(CODE_SYMBOLS + CODE_SYMBOLS / GROUP);
        for (i, v) in self.symbols.iter().enumerate() {
            if i > 0 && i % GROUP == 0 {
                s.push('-');
            }
            s.push(ALPHABET[*v as usize] as char);
        }
        s
    }

    /// The normalised form fed to the key derivation: the 24 upper-case symbols, no separators.
    pub fn normalized(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(self.symbols.iter().map(|v| ALPHABET[*v as usize]).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn code() -> VoterCode {
        VoterCode::generate(&mut ChaCha20Rng::from_seed([1; 32]))
    }

    #[test]
    fn a_code_has_at_least_100_bits_and_prints_in_groups_of_four() {
        const { assert!(ENTROPY_BITS >= 100) };
        let printed = code().to_printed();
        assert_eq!(printed.len(), 24 + 5);
        assert!(printed.split('-').all(|g| g.len() == 4), "{printed}");
        assert_eq!(VoterCode::parse(&printed).unwrap(), code());
    }

    #[test]
    fn case_spaces_dashes_and_ambiguous_letters_are_normalised() {
        let printed = code().to_printed();
        let sloppy: String = printed
            .replace('-', " ")
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(VoterCode::parse(&sloppy).unwrap(), code());
        let spaced: String = printed.replace('1', "I").replace('-', " - ");
        assert_eq!(VoterCode::parse(&spaced).unwrap(), code());
    }

    #[test]
    fn every_single_mistyped_symbol_is_detected() {
        let mut rng = ChaCha20Rng::from_seed([2; 32]);
        for _ in 0..20 {
            let c = VoterCode::generate(&mut rng);
            for pos in 0..CODE_SYMBOLS {
                for v in 0..32u8 {
                    if v == c.symbols[pos] {
                        continue;
                    }
                    let mut s = c.symbols;
                    s[pos] = v;
                    let typed: String = s.iter().map(|v| ALPHABET[*v as usize] as char).collect();
                    assert_eq!(VoterCode::parse(&typed), Err(CodeError::BadCheck));
                }
            }
        }
    }

    #[test]
    fn every_swap_of_two_adjacent_different_symbols_is_detected() {
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        for _ in 0..200 {
            let c = VoterCode::generate(&mut rng);
            for pos in 0..CODE_SYMBOLS - 1 {
                let mut s = c.symbols;
                if s[pos] == s[pos + 1] {
                    continue;
                }
                s.swap(pos, pos + 1);
                let typed: String = s.iter().map(|v| ALPHABET[*v as usize] as char).collect();
                assert_eq!(VoterCode::parse(&typed), Err(CodeError::BadCheck));
            }
        }
    }

    #[test]
    fn a_foreign_character_or_a_wrong_length_is_refused_with_its_position() {
        let printed = code().to_printed();
        let with_u = format!("U{}", &printed[1..]);
        assert_eq!(
            VoterCode::parse(&with_u),
            Err(CodeError::InvalidCharacter {
                position: 1,
                character: 'U'
            })
        );
        assert_eq!(
            VoterCode::parse(&printed[..10]),
            Err(CodeError::WrongLength(8))
        );
    }

    #[test]
    fn debug_does_not_print_the_code() {
        let c = code();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(&c.to_printed()[..4]), "{dbg}");
    }
}
