//! ElastiCache Redis: encryption at rest with the stack key and in transit, Multi-AZ with failover, AUTH, private placement.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
