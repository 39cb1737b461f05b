//! The mutants asked for, resolved against a stack's catalogue. The catalogues are the suites'
//! (`stackproof::hipaa::mutants`, `stackproof::dr::mutants`): the check that claims a mutant, the
//! seeder that applies it and the proof share one value.

use stackproof_harness::mutation::Mutant;

use crate::SeedError;

/// The mutant called `name` in `catalogue`; an unknown name lists the known ones.
pub fn find(catalogue: &[&'static Mutant], name: &str) -> Result<&'static Mutant, SeedError> {
    catalogue.iter().copied().find(|m| m.name == name).ok_or_else(|| SeedError::UnknownMutant {
        name: name.to_owned(),
        known: catalogue.iter().map(|m| m.name).collect::<Vec<_>>().join(", "),
    })
}

/// The mutants asked for.
#[derive(Debug, Clone, Default)]
pub struct Mutants(Vec<&'static Mutant>);

impl Mutants {
    /// Resolves every name against `catalogue`; the first unknown name is the error.
    pub fn resolve<S: AsRef<str>>(names: &[S], catalogue: &[&'static Mutant]) -> Result<Self, SeedError> {
        Ok(Self(names.iter().map(|n| find(catalogue, n.as_ref())).collect::<Result<_, _>>()?))
    }

    /// The mutants given, as values.
    pub fn of(mutants: &[&'static Mutant]) -> Self {
        Self(mutants.to_vec())
    }

    pub fn has(&self, mutant: &Mutant) -> bool {
        self.0.iter().any(|m| m.name == mutant.name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static Mutant> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|m| m.name)
    }
}
