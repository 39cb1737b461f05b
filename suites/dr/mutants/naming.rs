//! Breakages of the naming checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_BUCKET_UNSUFFIXED: Mutant = Mutant {
    name: "dr-bucket-unsuffixed",
    about: "the DR bucket named healthcare-data-dr-replica (no suffix; one per emulator)",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Name",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&DR_BUCKET_UNSUFFIXED];
