//! The runner: the only module that reads the command line. `args` parses it, `session` opens a
//! deployment and gathers its facts, `trials` turns checks into libtest trials, `live` and
//! `static_suite` are the two entry points (`policy` prints the IAM policy a run needs), and `git` tells the reports which commit of the
//! stack's source the run used.

pub mod args;
pub mod console;
pub mod exit;
pub mod git;
pub mod interrupt;
pub mod live;
pub mod policy;
pub mod session;
pub mod static_suite;
pub mod trials;
pub mod waivers;

pub use live::{fatal, run};
pub use session::Session;
pub use static_suite::static_main;
