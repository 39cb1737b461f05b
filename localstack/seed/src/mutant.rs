//! Named breakages ("mutants") of a seeded deployment, shared by every stack's seeder. Each stack
//! keeps its own catalogue (`hipaa::Mutant::all()`, `dr::MUTANTS`).

use std::collections::BTreeMap;

use crate::SeedError;

/// A named breakage, and where the check it targets must say it failed: the resource named by
/// stack output `output` (its `nth` entry when the output is a list) and `property`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mutant {
    pub name: &'static str,
    pub about: &'static str,
    pub output: &'static str,
    pub nth: usize,
    pub property: &'static str,
}

impl Mutant {
    /// The id, ARN or name of the resource this mutant breaks, from the seeded outputs.
    pub fn resource(&self, outputs: &BTreeMap<String, String>) -> Option<String> {
        outputs.get(self.output)?.split(',').nth(self.nth).map(str::to_owned)
    }
}

/// The mutant called `name` in `catalogue`; an unknown name lists the known ones.
pub fn find<I>(catalogue: I, name: &str) -> Result<&'static Mutant, SeedError>
where
    I: IntoIterator<Item = &'static Mutant> + Clone,
{
    catalogue.clone().into_iter().find(|m| m.name == name).ok_or_else(|| SeedError::UnknownMutant {
        name: name.to_owned(),
        known: catalogue.into_iter().map(|m| m.name).collect::<Vec<_>>().join(", "),
    })
}

/// The mutants asked for, by name, resolved against one stack's catalogue.
#[derive(Debug, Clone, Default)]
pub struct Mutants(Vec<&'static Mutant>);

impl Mutants {
    /// Resolves every name with `lookup`; the first unknown name is the error.
    pub fn resolve<S: AsRef<str>>(
        names: &[S],
        lookup: impl Fn(&str) -> Result<&'static Mutant, SeedError>,
    ) -> Result<Self, SeedError> {
        Ok(Self(names.iter().map(|n| lookup(n.as_ref())).collect::<Result<_, _>>()?))
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|m| m.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|m| m.name)
    }
}
