//! tsynth-solc
