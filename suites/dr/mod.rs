//! The disaster-recovery layout (`stacks/dr/v1`, CDKTF, eu-west-2 primary and eu-west-1 DR): live
//! checks by service over facts gathered in both regions, and (`synth/`) static checks on the
//! synthesized layout.

pub mod audit;
pub mod aurora;
pub mod backup;
pub mod cloudtrail;
pub mod facts;
pub mod failover;
pub mod failover_policy;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod mutants;
pub mod naming;
pub mod network;
pub mod outputs;
pub mod reads;
pub mod s3;
pub mod secrets;
pub mod settle;
pub mod synth;

use std::sync::LazyLock;

use stackproof_harness::aws::Clients;
use stackproof_harness::check::{Check, Facts};
use stackproof_harness::deployment::Suffix;
use stackproof_harness::deployment::{Contract, Outputs};
use stackproof_harness::mutation::Mutant;
use stackproof_harness::suite::{Changing, Stack};

pub use facts::{DrFacts, Regions};

/// The contract of v1 (deployed before the layout stated its version: no `StackVersion`).
pub static CONTRACT_V1: LazyLock<Contract> = LazyLock::new(|| {
    Contract::parse("stacks/dr/v1/outputs.yml", include_str!("../../stacks/dr/v1/outputs.yml"))
        .expect("the shipped contract parses (see its test)")
});

/// The contract of v2, the current layout (`StackVersion = v2`).
pub static CONTRACT_V2: LazyLock<Contract> = LazyLock::new(|| {
    Contract::parse("stacks/dr/v2/outputs.yml", include_str!("../../stacks/dr/v2/outputs.yml"))
        .expect("the shipped contract parses (see its test)")
});

/// The newest contract: its regions and stack name are every version's.
pub(crate) static CONTRACT: &LazyLock<Contract> = &CONTRACT_V2;

/// Every version's contract, oldest first.
pub fn versions() -> Vec<&'static Contract> {
    vec![&*CONTRACT_V1, &*CONTRACT_V2]
}

/// The contract of the version a deployment states (`StackVersion`), v1 when it states none. An
/// unknown version was refused when the session opened; here it falls back to the newest.
pub fn contract_of(outputs: &Outputs) -> &'static Contract {
    stackproof_harness::deployment::contract::judged(&versions(), outputs.values()).unwrap_or(&CONTRACT_V2)
}

/// The region an output's resource lives in, by the version's contract (the replication lag alarm
/// is in the primary region in v1, in the DR region in v2); the primary region if it names none.
pub fn region_of(outputs: &Outputs, key: &str, regions: &Regions) -> String {
    match contract_of(outputs).outputs.get(key).and_then(|spec| spec.region.as_deref()) {
        Some("dr") => regions.dr.clone(),
        _ => regions.primary.clone(),
    }
}

/// The checks a v1 deployment fails when judged by the current requirements, in report order:
/// v1's gaps (stacks/dr/v1/CHANGELOG.md). The static suite finds the same five in v1's synth
/// (its test `v1_judged_by_the_current_requirements_fails_exactly_its_known_gaps`).
pub const V1_GAPS: &[&str] = &[
    "vpc_flow_logs_on",
    "database_tls_enforced",
    "database_audit_logging",
    "data_buckets_access_logged",
    "replication_lag_alarm_at_rpo",
];

/// Every live check of the layout, in report order: each service module lists its own.
pub static CHECKS: LazyLock<Vec<Check<DrFacts>>> = LazyLock::new(|| {
    [
        kms::CHECKS,
        network::CHECKS,
        audit::NETWORK_CHECKS,
        aurora::CHECKS,
        audit::AURORA_CHECKS,
        secrets::CHECKS,
        s3::CHECKS,
        audit::S3_CHECKS,
        backup::CHECKS,
        monitoring::CHECKS,
        logs::CHECKS,
        cloudtrail::CHECKS,
        failover::CHECKS,
        naming::CHECKS,
    ]
    .concat()
});

/// The contract's regions by role.
pub fn regions() -> Regions {
    let role = |r: &str| CONTRACT.regions.get(r).cloned().unwrap_or_default();
    Regions { primary: role("primary"), dr: role("dr") }
}

impl Facts for DrFacts {
    type Mutant = Mutant;
}

pub struct Dr;

impl Stack for Dr {
    type Facts = DrFacts;

    fn name(&self) -> &'static str {
        "dr"
    }

    fn contract(&self) -> &Contract {
        &CONTRACT_V2
    }

    fn versions(&self) -> Vec<&Contract> {
        versions()
    }

    fn checks(&self) -> &'static [Check<DrFacts>] {
        &CHECKS
    }

    fn outputs_used(&self) -> &'static [&'static str] {
        outputs::USED
    }

    fn reads(&self) -> &'static [(&'static str, &'static str)] {
        reads::READS
    }

    fn read_scopes(&self) -> &'static [stackproof_harness::aws::guard::ScopedRead] {
        reads::SCOPES
    }

    // CDKTF keeps outputs in Terraform state, not in AWS: `cdktf deploy --outputs-file` writes them.
    fn outputs_file_required(&self) -> bool {
        true
    }

    fn changing(&self, facts: &DrFacts) -> Vec<Changing> {
        settle::changing(facts)
    }

    fn discovered<'a>(&self, facts: &'a DrFacts) -> Vec<&'a stackproof_harness::facts::discovery::Discovered> {
        facts.discovered.iter().collect()
    }

    async fn gather(&self, clients: &Clients, _region: &str, suffix: &Suffix, outputs: &Outputs) -> DrFacts {
        DrFacts::gather(clients, regions(), suffix, outputs).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suite_reads_exactly_the_contracts_outputs() {
        for key in outputs::USED {
            assert!(CONTRACT_V2.declares(key), "{key} is read by the suite but not in stacks/dr/v2/outputs.yml");
        }
        for contract in versions() {
            for key in contract.outputs.keys() {
                assert!(
                    outputs::USED.contains(&key.as_str()),
                    "{key} is in the {} contract but has no constant in outputs.rs",
                    contract.version
                );
            }
        }
        // v2 only adds: a v1 deployment is judged on the outputs it has.
        for key in CONTRACT_V1.outputs.keys() {
            assert!(CONTRACT_V2.declares(key), "{key} of v1 is gone from v2");
        }
        let v1: std::collections::BTreeSet<&str> = CONTRACT_V1.outputs.keys().map(String::as_str).collect();
        assert_eq!(outputs::V1.iter().copied().collect::<std::collections::BTreeSet<_>>(), v1);
        assert_eq!(outputs::V1.len(), v1.len());
        let r = regions();
        assert_eq!((r.primary.as_str(), r.dr.as_str()), ("eu-west-2", "eu-west-1"));
        assert_eq!(CONTRACT_V1.regions, CONTRACT_V2.regions);
        assert_eq!(CONTRACT_V1.stack_name, CONTRACT_V2.stack_name);
    }

    #[test]
    fn the_version_judged_is_the_one_the_outputs_state() {
        let of = |pairs: &[(&str, &str)]| {
            let values = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            Outputs::new(stackproof_harness::deployment::OutputsSource::File("t.json".into()), values)
        };
        assert_eq!(Dr.contract_of(&of(&[])).map(|c| c.version.as_str()).ok(), Some("v1"));
        assert_eq!(Dr.contract_of(&of(&[("StackVersion", "v2")])).map(|c| c.version.as_str()).ok(), Some("v2"));
        assert!(Dr.contract_of(&of(&[("StackVersion", "v9")])).is_err());
        let r = regions();
        assert_eq!(region_of(&of(&[]), outputs::REPLICATION_LAG_ALARM_NAME, &r), "eu-west-2");
        assert_eq!(region_of(&of(&[("StackVersion", "v2")]), outputs::REPLICATION_LAG_ALARM_NAME, &r), "eu-west-1");
    }

    #[test]
    fn checks_have_unique_ids_mutants_and_citations() {
        crate::shared::assert_checks_well_formed(&CHECKS, |m| m.name);
    }

    #[test]
    fn every_mutant_is_claimed_by_exactly_one_check() {
        crate::shared::assert_mutants_claimed_once(&CHECKS, &mutants::ALL);
    }
}
