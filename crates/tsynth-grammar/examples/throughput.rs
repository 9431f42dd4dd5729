//! `cargo run --release -p tsynth-grammar --example throughput -- GRAMMAR [N]`: how fast
//! random genotypes are drawn, decoded and emitted (sources + hashes + arguments), and how
//! fast the grammar loads.
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;
use tsynth_grammar::{Library, operators};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "grammars/amm.grammar".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let t = Instant::now();
    let lib = match Library::load(std::path::Path::new(&path)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let load = t.elapsed().as_secs_f64();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let t = Instant::now();
    let gs: Vec<_> = (0..n)
        .map(|_| operators::random_genotype(&lib, &mut rng))
        .collect();
    let sample = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let ds: Vec<_> = gs.iter().map(|g| lib.decode(g).expect("decodes")).collect();
    let decode = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut bytes = 0usize;
    for d in &ds {
        let em = lib.emit(d).expect("emits");
        bytes += em.sources.values().map(String::len).sum::<usize>();
    }
    let emit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cfg = operators::MutationConfig::default();
    for g in &gs {
        let _ = operators::mutate_until_different(&lib, g, &cfg, 100, &mut rng);
    }
    let mutate = t.elapsed().as_secs_f64();
    println!(
        "grammar `{}`: {} structures, {} genes; load + validate {:.1} ms",
        lib.name,
        lib.structure_count(),
        lib.genotype_len(),
        load * 1e3
    );
    let rate = |s: f64| n as f64 / s;
    println!("random_genotype         {:>12.0} /s", rate(sample));
    println!("decode                  {:>12.0} /s", rate(decode));
    println!(
        "emit (sources + hashes) {:>12.0} /s ({:.0} KiB of Solidity per candidate)",
        rate(emit),
        bytes as f64 / n as f64 / 1024.0
    );
    println!("mutate_until_different  {:>12.0} /s", rate(mutate));
}
