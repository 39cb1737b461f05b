//! Aurora: encryption with the stack key, backups and point-in-time recovery, Multi-AZ, private placement, audit logs, TLS, engine version.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
