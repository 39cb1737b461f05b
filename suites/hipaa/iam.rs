//! IAM roles of the stack: least privilege.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
