//! One module per subcommand.
pub mod bench;
pub mod compile;
pub mod design;
pub mod grammar;
