//! tsynth-grammar
