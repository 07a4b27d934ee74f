//! urne-tally: the bureau's program (bâtonnier and scrutateurs).
