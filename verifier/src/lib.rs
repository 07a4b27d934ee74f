//! urne-verify: the observers' offline verifier.
