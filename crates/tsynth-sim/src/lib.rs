//! tsynth-sim
