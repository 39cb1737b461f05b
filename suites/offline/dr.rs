//! The DR layout's whole chain across two regions: seed both regions -> CDKTF outputs file ->
//! facts -> checks. The seeded v2 (the current layout) passes every check, judged as v2; each
//! check's mutant, seeded on v2, makes that check fail, naming the resource and the property,
//! while every other check still passes. The seeded v1, judged by the same (current) requirements,
//! fails exactly v1's known gaps (`dr::V1_GAPS`, by name) and passes every other check.

use std::collections::BTreeMap;
use std::path::PathBuf;

use libtest_mimic::{Failed, Trial};
use stackproof::dr::{CHECKS, Dr, V1_GAPS};
use stackproof_harness::aws::Target;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;
use stackproof_harness::report::Record;
use stackproof_harness::run::Session;
use stackproof_seed::dr::LayoutVersion;
use stackproof_seed::mutant::Mutants;
use stackproof_seed::{dr, write_cdktf_outputs};

use crate::chain::{claims_each_mutant_once, fails_alone, others_pass, sent_exactly_its_reads};
use crate::{Shared, World, needs_world};

pub type Seeded = (BTreeMap<String, String>, Session<Dr>, Vec<Record>);

/// Seeds the current layout (v2) under `suffix` in both regions, writes its outputs as `cdktf
/// deploy --outputs-file` does, and runs the live DR suite on them, as `--stack dr --outputs FILE`
/// does.
pub fn seed_and_check(w: &World, suffix: &str, mutants: &[&'static Mutant]) -> Result<Seeded, Failed> {
    seed_version_and_check(w, suffix, LayoutVersion::CURRENT, mutants)
}

/// As `seed_and_check`, for the layout version `version`.
pub fn seed_version_and_check(
    w: &World,
    suffix: &str,
    version: LayoutVersion,
    mutants: &[&'static Mutant],
) -> Result<Seeded, Failed> {
    let suffix = Suffix::parse(suffix)?;
    let file = outputs_file(suffix.as_str());
    w.rt.block_on(async {
        let outputs = dr::deploy(&w.endpoint, &suffix, version, &Mutants::of(mutants)).await?;
        write_cdktf_outputs(&file, dr::STACK_NAME, &outputs)?;
        let session = Session::open(&Dr, Target::emulator(&w.endpoint)?, suffix, None, Some(&file)).await?;
        let records = session.evaluate_all(&Dr);
        Ok::<_, Failed>((outputs, session, records))
    })
}

/// The records but v1's known gaps, which fail on every v1 deployment.
fn without_gaps(records: &[Record]) -> Vec<Record> {
    records.iter().filter(|r| !V1_GAPS.contains(&r.info.id)).cloned().collect()
}

/// v1 judged by the current requirements fails exactly its known gaps, by name.
fn v1_fails_exactly_its_gaps(records: &[Record]) -> Result<(), Failed> {
    use stackproof_harness::check::Status;
    let failing: Vec<&str> = records.iter().filter(|r| r.outcome.status == Status::Fail).map(|r| r.info.id).collect();
    if failing != V1_GAPS {
        return Err(format!("v1 should fail exactly {V1_GAPS:?}, failed {failing:?}").into());
    }
    Ok(())
}

/// The checks that judge what each region's discovery finds, beside what the outputs name.
const DISCOVERING: &[&str] = &[
    "kms_keys_enabled",
    "kms_keys_rotate",
    "db_security_groups_vpc_only",
    "log_groups_retained_30_days",
    "log_groups_encrypted_with_primary_key",
];

/// With the tagging API unavailable in both regions, no check that judges what discovery finds
/// passes: each has an error on the resources of the region it could not list, the coverage
/// table shows both failures, and the run is not green.
fn a_failed_discovery_is_never_a_pass(w: &World) -> Result<(), Failed> {
    use crate::command::{scratch, stackproof, text};
    use crate::faults::{Fault, proxy};
    let suffix = "dr-undiscovered";
    seed_and_check(w, suffix, &[])?;
    let (file, dir) = (outputs_file(suffix), scratch("dr", "undiscovered")?);
    let endpoint = proxy(&w.endpoint, "ResourceGroupsTaggingAPI_20170126.GetResources", Fault::Unavailable)?;
    let (file, reports) = (file.display().to_string(), dir.display().to_string());
    let args =
        ["--stack", "dr", "--suffix", suffix, "--outputs", &file, "--endpoint", &endpoint, "--reports", &reports];
    let out = stackproof(&args, &[])?;
    if out.status.code() == Some(0) {
        return Err(format!("a green exit without discovery:\n{}", text(&out)).into());
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("evidence-dr-{suffix}.json")))?)?;
    let checks = json["checks"].as_array().cloned().unwrap_or_default();
    for id in DISCOVERING {
        let check = checks.iter().find(|c| c["id"] == *id).ok_or(format!("{id} is not in the evidence"))?;
        let undiscovered = check["findings"].as_array().into_iter().flatten().filter(|f| {
            f["status"] == "error"
                && f["resource"].as_str().is_some_and(|r| r.starts_with("resources of healthcare-dr"))
        });
        if check["outcome"] == "pass" || undiscovered.count() == 0 {
            return Err(format!("{id} is {} without an error on the discovery:\n{check:#}", check["outcome"]).into());
        }
    }
    let scopes = json["coverage"]["scopes"].as_array().cloned().unwrap_or_default();
    if scopes.len() != 2 || scopes.iter().any(|s| s["error"].is_null()) {
        return Err(format!("the coverage does not show both regions' discovery failing: {scopes:#?}").into());
    }
    Ok(())
}

fn outputs_file(suffix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("stackproof-offline-{}", std::process::id())).join(format!("dr-{suffix}.json"))
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    let mut trials = vec![
        needs_world("dr::compliant_layout_passes_every_check".into(), world, |w| {
            let (_, session, records) = seed_and_check(w, "dr-compliant", &[])?;
            assert_eq!(records.len(), CHECKS.len());
            let ledger = session.clients.ledger();
            eprintln!(
                "compliant DR run (v2): {} checks over {} regions, {} API calls, facts gathered in {} ms",
                records.len(),
                session.regions.len(),
                ledger.total_sent(),
                session.gather_time.as_millis()
            );
            let repeated = ledger.repeated();
            if !repeated.is_empty() {
                return Err(format!("requests sent more than once: {repeated:?}").into());
            }
            sent_exactly_its_reads(ledger, &stackproof::allowlist(&Dr), stackproof::dr::reads::NOT_SENT_ON_EMULATOR)?;
            assert_eq!(session.version, "v2", "the seeded layout states StackVersion v2");
            others_pass(&records, None)
        }),
        needs_world("dr::compliant_v1_fails_exactly_its_gaps".into(), world, |w| {
            let (outputs, session, records) = seed_version_and_check(w, "dr-v1", LayoutVersion::V1, &[])?;
            assert_eq!(records.len(), CHECKS.len());
            assert!(!outputs.contains_key(stackproof::dr::outputs::STACK_VERSION), "v1 states no version");
            assert_eq!(session.version, "v1", "the seeded v1 states no version: v1");
            v1_fails_exactly_its_gaps(&records)?;
            others_pass(&without_gaps(&records), None)
        }),
        needs_world("dr::a_failed_discovery_is_never_a_pass".into(), world, a_failed_discovery_is_never_a_pass),
        Trial::test("dr::every_mutant_is_claimed_by_exactly_one_check", || {
            let claimed: Vec<&str> = CHECKS.iter().flat_map(|c| c.mutants()).map(|m| m.name).collect();
            claims_each_mutant_once(&claimed, &dr::MUTANTS)
        }),
    ];
    for (i, (check, m)) in CHECKS.iter().flat_map(|c| c.mutants().map(move |m| (c, m))).enumerate() {
        let id = check.info.id;
        trials.push(needs_world(format!("dr::mutant::{}::fails_{id}", m.name), world, move |w| {
            let (outputs, _, records) = seed_and_check(w, &trial_suffix(i, m), &[m])?;
            fails_alone(&records, &outputs, id, m)
        }));
    }
    trials
}

/// A suffix of its own for the `i`th mutant's trial, short enough for every name v2 derives from
/// it (`healthcare-access-logs-<suffix>-primary` is a bucket: 63 characters at most).
pub fn trial_suffix(i: usize, m: &Mutant) -> String {
    let head: String = m.name.chars().take(24).collect();
    format!("d{i}-{}", head.trim_end_matches('-'))
}
