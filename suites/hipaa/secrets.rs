//! The existing secrets the stack consumes: present and KMS-encrypted, read with DescribeSecret only.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
