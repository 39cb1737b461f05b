//! API Gateway and WAF: the stage, its throttling, access logging and tracing, and the web ACL guarding it.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
