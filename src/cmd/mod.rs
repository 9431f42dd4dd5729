//! One module per subcommand.
pub mod attack;
pub mod common_args;
pub mod compile;
pub mod completions;
pub mod criteria;
pub mod design;
pub mod evolve;
pub mod front;
pub mod grammar;
pub mod sim;
pub mod tune;
pub mod tune_paths;
pub mod verify;
