//! EFS: encryption with the stack key, backups, private mount targets across AZs, TLS and IAM on mount.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
