//! Judgements more than one stack makes in the same way, and the test every stack's check list
//! must pass.

pub mod kms;
pub mod naming;
pub mod network;

#[cfg(test)]
use stackproof_harness::check::{Check, Facts};

/// Every mutant of a stack's catalogue is claimed by exactly one check, and every check claims a
/// catalogued mutant.
#[cfg(test)]
pub fn assert_mutants_claimed_once<F>(checks: &[Check<F>], catalogue: &[&stackproof_harness::mutation::Mutant])
where
    F: Facts<Mutant = stackproof_harness::mutation::Mutant>,
{
    for m in catalogue {
        let claims = checks.iter().filter(|c| c.mutant.name == m.name).count();
        assert_eq!(claims, 1, "mutant {} is claimed by {claims} checks", m.name);
    }
    for c in checks {
        assert!(catalogue.iter().any(|m| m.name == c.mutant.name), "{} claims an uncatalogued mutant", c.info.id);
    }
}

/// Every check has a unique snake_case id, its own mutant, HIPAA citations, and its metadata.
#[cfg(test)]
pub fn assert_checks_well_formed<F: Facts>(checks: &[Check<F>], name: impl Fn(&F::Mutant) -> &'static str) {
    let mut ids = std::collections::BTreeSet::new();
    let mut mutants = std::collections::BTreeSet::new();
    for c in checks {
        let i = &c.info;
        assert!(ids.insert(i.id), "duplicate check id {}", i.id);
        assert!(mutants.insert(name(c.mutant)), "mutant {} claimed twice", name(c.mutant));
        let snake = i.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        assert!(snake, "{} is not snake_case", i.id);
        assert!(!i.citations.is_empty() && i.citations.iter().all(|c| c.starts_with("45 CFR 164.")), "{}", i.id);
        assert!(!i.remediation.is_empty() && !i.risk.is_empty() && !i.title.is_empty(), "{}", i.id);
    }
}
