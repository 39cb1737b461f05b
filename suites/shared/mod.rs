//! Judgements more than one stack makes in the same way, and the test every stack's check list
//! must pass.

pub mod discovery;
pub mod kms;
pub mod naming;
pub mod network;
pub mod settle;

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
        let claims = checks.iter().flat_map(|c| c.mutants()).filter(|c| c.name == m.name).count();
        assert_eq!(claims, 1, "mutant {} is claimed {claims} times", m.name);
    }
    for c in checks {
        for m in c.mutants() {
            assert!(catalogue.iter().any(|k| k.name == m.name), "{} claims uncatalogued mutant {}", c.info.id, m.name);
        }
        for claim in c.claims {
            // The failing finding names the claimed property: the mutant's is the claim's.
            for m in claim.mutants {
                assert_eq!(m.property, claim.property, "{}: mutant {} breaks another property", c.info.id, m.name);
            }
        }
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
        for m in c.mutants() {
            assert!(mutants.insert(name(m)), "mutant {} claimed twice", name(m));
        }
        assert!(!c.claims.is_empty(), "{} claims nothing", i.id);
        for claim in c.claims {
            assert!(
                !claim.mutants.is_empty() || claim.not_emulated.is_some(),
                "{} claims {} with no mutant and no reason",
                i.id,
                claim.property
            );
            assert!(!claim.about.is_empty(), "{} claims {} without saying what", i.id, claim.property);
        }
        let snake = i.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        assert!(snake, "{} is not snake_case", i.id);
        assert!(!i.citations.is_empty() && i.citations.iter().all(|c| c.starts_with("45 CFR 164.")), "{}", i.id);
        assert!(!i.remediation.is_empty() && !i.risk.is_empty() && !i.title.is_empty(), "{}", i.id);
    }
}
