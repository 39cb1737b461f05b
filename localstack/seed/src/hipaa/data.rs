//! Aurora, EFS and ElastiCache of the HIPAA reference deployment, and their mutants.


use super::{Base, Mutant, Mutants};
use crate::{SeedError, Seeder};

pub const MUTANTS: &[Mutant] = &[];

/// Seeds this layer on top of `base`, adds its outputs to `base.outputs`, applies its mutants.
pub async fn deploy(_s: &Seeder, _base: &mut Base, _mutants: &Mutants) -> Result<(), SeedError> {
    Ok(())
}
