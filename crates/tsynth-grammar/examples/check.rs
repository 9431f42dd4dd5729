//! `cargo run -p tsynth-grammar --example check -- FILE`: validate a grammar, print counts.
fn main() {
    let path = std::env::args().nth(1).expect("usage: check FILE");
    match tsynth_grammar::Library::load(std::path::Path::new(&path)) {
        Ok(lib) => println!(
            "{}: {} structures, {} genes",
            lib.name,
            lib.structure_count(),
            lib.genotype_len()
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
