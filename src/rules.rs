//! The counting rules of décret n°91-1197, one file each.
