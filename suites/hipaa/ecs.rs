//! ECS Fargate: private tasks without public IPs, secrets from Secrets Manager, encrypted logs, auto scaling, Container Insights.

use stackproof_harness::check::Check;

use super::HipaaFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[];
