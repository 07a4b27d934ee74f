//! The election model (décret n°91-1197, Titre I).
