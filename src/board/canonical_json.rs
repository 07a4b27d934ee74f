//! Canonical JSON: the one byte form of a JSON value that the ballot box stores and hashes
//! (the election definition of the genesis, the result), docs/protocol.md §Ballot box events,
//! "Canonical JSON".
//!
//! The form: UTF-8; no whitespace outside strings; object members sorted by the UTF-8 bytes of
//! their keys, no key twice; strings escaped as `serde_json` does (only `"`, `\` and control
//! characters, with `\b \f \n \r \t` or lower-case `\u00xx`; everything else literal); numbers are
//! integers in `[-2^63, 2^64)` written in shortest decimal form. Floating-point numbers are
//! refused: no decision of Urne is ever taken on a float. This is the integer subset of RFC 8785
//! (JCS), except that JCS sorts keys by UTF-16 code units; the two orders differ only for keys
//! mixing characters above U+FFFF with characters in U+E000–U+FFFF, which Urne's keys (ASCII
//! field names and identifiers) never do.
//!
//! Keys are sorted here, not by `serde_json::Map`, whose order depends on a cargo feature
//! (`preserve_order`) that any crate of the build could switch on.

use serde_json::Value;

/// Why a JSON document is not canonical.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalJsonError {
    /// Not JSON (or not UTF-8).
    #[error("JSON invalide : {0}")]
    Parse(String),
    /// A number that is not an integer.
    #[error("{path} : nombre non entier {number} (seuls les entiers sont admis)")]
    NotInteger {
        /// JSON path of the number, e.g. `$.contests[0].seats`.
        path: String,
        /// The number as written.
        number: String,
    },
    /// Valid JSON, but not in canonical form.
    #[error("JSON non canonique à l'octet {offset} (clés triées, sans espaces, entiers seulement)")]
    NotCanonical {
        /// First byte where the document differs from its canonical form.
        offset: usize,
    },
    /// The value could not be turned into JSON.
    #[error("sérialisation JSON : {0}")]
    Serialize(String),
}

/// The canonical bytes of any serialisable value.
pub fn canonical_json<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, CanonicalJsonError> {
    let v =
        serde_json::to_value(value).map_err(|e| CanonicalJsonError::Serialize(e.to_string()))?;
    canonical_json_value(&v)
}

/// The canonical bytes of a JSON value.
pub fn canonical_json_value(value: &Value) -> Result<Vec<u8>, CanonicalJsonError> {
    let mut out = Vec::new();
    write(value, &mut String::from("$"), &mut out)?;
    Ok(out)
}

/// Checks that `bytes` is a JSON document in canonical form.
pub fn check_canonical_json(bytes: &[u8]) -> Result<(), CanonicalJsonError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| CanonicalJsonError::Parse(e.to_string()))?;
    let canonical = canonical_json_value(&v)?;
    if canonical == bytes {
        return Ok(());
    }
    let offset = canonical
        .iter()
        .zip(bytes)
        .position(|(a, b)| a != b)
        .unwrap_or(canonical.len().min(bytes.len()));
    Err(CanonicalJsonError::NotCanonical { offset })
}

fn write(value: &Value, path: &mut String, out: &mut Vec<u8>) -> Result<(), CanonicalJsonError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
            } else if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else {
                return Err(CanonicalJsonError::NotInteger {
                    path: path.clone(),
                    number: n.to_string(),
                });
            }
        }
        Value::String(s) => write_str(s, out)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                write(item, path, out)?;
                path.truncate(len);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out)?;
                out.push(b':');
                let len = path.len();
                path.push('.');
                path.push_str(k);
                write(v, path, out)?;
                path.truncate(len);
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_str(s: &str, out: &mut Vec<u8>) -> Result<(), CanonicalJsonError> {
    let quoted =
        serde_json::to_string(s).map_err(|e| CanonicalJsonError::Serialize(e.to_string()))?;
    out.extend_from_slice(quoted.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        let v: Value =
            serde_json::from_str(r#"{ "b": 1, "a": [true, null, "\u00e9\n"], "A": -3 }"#).unwrap();
        assert_eq!(
            canonical_json_value(&v).unwrap(),
            "{\"A\":-3,\"a\":[true,null,\"é\\n\"],\"b\":1}".as_bytes()
        );
    }

    #[test]
    fn a_float_is_refused_with_its_path() {
        let err = canonical_json(&json!({"contests": [{"seats": 1.5}]})).unwrap_err();
        assert_eq!(
            err,
            CanonicalJsonError::NotInteger {
                path: "$.contests[0].seats".into(),
                number: "1.5".into()
            }
        );
    }

    #[test]
    fn canonical_bytes_pass_the_check_and_others_are_located() {
        let bytes = canonical_json(&json!({"z": "x", "a": 18446744073709551615u64})).unwrap();
        assert_eq!(bytes, br#"{"a":18446744073709551615,"z":"x"}"#);
        check_canonical_json(&bytes).unwrap();
        assert_eq!(
            check_canonical_json(br#"{"a":1, "z":"x"}"#),
            Err(CanonicalJsonError::NotCanonical { offset: 7 })
        );
        assert_eq!(
            check_canonical_json(br#"{"z":"x","a":1}"#),
            Err(CanonicalJsonError::NotCanonical { offset: 2 })
        );
        // An escape where a literal character belongs.
        assert!(matches!(
            check_canonical_json(br#"{"a":"\u00e9"}"#),
            Err(CanonicalJsonError::NotCanonical { .. })
        ));
        // A key twice: JSON parsers disagree on which wins, so it is never canonical.
        assert!(matches!(
            check_canonical_json(br#"{"a":1,"a":2}"#),
            Err(CanonicalJsonError::NotCanonical { .. })
        ));
        assert!(matches!(
            check_canonical_json(b"{\"a\":"),
            Err(CanonicalJsonError::Parse(_))
        ));
        assert!(matches!(
            check_canonical_json(b"\xff"),
            Err(CanonicalJsonError::Parse(_))
        ));
    }
}
