//! `tsynth-search` — the evolve and tune loops, the evaluation pipeline (genotype → derivation
//! → compile → simulate → objectives), and the run directory (`runs/<id>/`).
