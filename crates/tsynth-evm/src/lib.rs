//! tsynth-evm
