//! Adversaries that search (issue #13): an attack language over the pool's actions
//! ([`lang`]), an executor that values what the attacker ends with at realisable value
//! ([`exec`]), and a deterministic evolutionary search per probe seeded by templates
//! ([`search`]). Everything runs on forks: the main path never changes.

pub mod exec;
pub mod lang;
pub mod probe;
pub mod search;

pub use exec::{Arena, Outcome, TraceLine, execute};
pub use lang::{Actor, Attack, Step};
pub use search::{Found, SearchSettings, search, templates};
