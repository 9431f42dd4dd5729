//! tsynth-moo
