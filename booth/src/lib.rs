//! The voter ballot client (wasm). Built out by the cryptographic core issue.
