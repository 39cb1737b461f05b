//! Breakages of the naming checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const NAME_WITHOUT_SUFFIX: Mutant = Mutant {
    name: "name-without-suffix",
    about: "the ECS log group created without the suffix in its name",
    output: o::ECS_LOG_GROUP_NAME,
    nth: 0,
    property: "Name",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&NAME_WITHOUT_SUFFIX];
