//! One module per subcommand.
pub mod compile;
pub mod design;
pub mod grammar;
pub mod sim;
