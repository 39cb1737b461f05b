//! The stackproof runner. Data flows one way:
//! args -> target -> outputs -> facts (fetched once) -> checks -> outcomes -> reports.
//!
//! Checks live in the `suites/` crate; this crate knows nothing about any particular stack.

pub mod args;
pub mod aws;
pub mod check;
pub mod emulator;
pub mod error;
pub mod facts;
pub mod guard;
pub mod lint;
pub mod mutation;
pub mod outputs;
pub mod report;
pub mod runner;
pub mod stack;
pub mod target;
pub mod template;
pub mod terraform;

pub use error::Error;
