//! One deployment of a stack: the suffix that names it, the contract its version ships, and the
//! outputs it exposes.

pub mod contract;
pub mod outputs;
pub mod suffix;

pub use contract::{Contract, OutputKind, OutputSpec};
pub use outputs::{Outputs, OutputsSource};
pub use suffix::Suffix;
