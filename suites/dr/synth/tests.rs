//! The synthesized layout (`cdktf synth`, run when the synth is missing) passes every check; each
//! check fails on its mutation, naming `type.id` and the argument it breaks, while the other
//! checks still pass.

use std::sync::OnceLock;

use serde_json::{Value, json};
use stackproof_harness::check::Status;
use stackproof_harness::mutation::disproofs;

use super::*;

/// The real synth, loaded (and synthesized if missing) once for all tests.
fn shipped() -> Synth {
    static SYNTH: OnceLock<Result<Synth, String>> = OnceLock::new();
    let loaded =
        SYNTH.get_or_init(|| DrSynth.load(&DrSynth.default_template()).map(|f| f.synth).map_err(|e| e.to_string()));
    match loaded {
        Ok(synth) => synth.clone(),
        Err(e) => panic!("{e}"),
    }
}

fn facts(synth: Synth) -> SynthFacts {
    SynthFacts { synth }
}

fn assert_all_pass(f: &SynthFacts, what: &str) {
    let failing: Vec<String> = CHECKS
        .iter()
        .map(|c| (c, c.evaluate(f)))
        .filter(|(_, o)| o.status != Status::Pass)
        .map(|(c, o)| format!("{}: {}\n{}", c.info.id, o.status, o.summary()))
        .collect();
    assert!(failing.is_empty(), "{what}:\n{}", failing.join("\n\n"));
}

#[test]
fn the_synthesized_layout_passes_every_check() {
    assert_all_pass(&facts(shipped()), "the synthesized layout");
}

#[test]
fn every_check_fails_on_its_mutation_alone_naming_resource_and_property() {
    let checks: Vec<_> = CHECKS.iter().collect();
    let problems = disproofs(&checks, &shipped(), facts);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let ids: std::collections::BTreeSet<_> = CHECKS.iter().map(|c| c.info.id).collect();
    assert_eq!(ids.len(), CHECKS.len(), "check ids repeat");
}

#[test]
fn checks_are_well_formed() {
    crate::shared::assert_checks_well_formed(&CHECKS, |m| m.name);
}

/// The static checks whose requirement the live suite cannot judge: they read as the requirement.
const STATIC_ONLY: &[&str] = &[
    "layout_deployable_as_documented",
    "aurora_destroyable",
    "aurora_master_password_in_secrets_manager",
    "backup_selection_covers_primary_cluster",
];

/// Static-only services with no live counterpart: how the layout is deployed comes first.
const STATIC_ONLY_SERVICES: &[&str] = &["deploy"];

/// One id per requirement: a static check judging a requirement the live suite judges carries the
/// live check's id and service, so a report can join the two; the others are known static-only ones.
#[test]
fn every_check_has_its_live_id_and_service_or_is_static_only() {
    let live = &*crate::dr::CHECKS;
    for c in CHECKS.iter() {
        match live.iter().find(|l| l.info.id == c.info.id) {
            Some(l) => assert_eq!(c.info.service, l.info.service, "{} is in another service live", c.info.id),
            None => {
                assert!(
                    STATIC_ONLY.contains(&c.info.id),
                    "{} is neither a live id nor a known static-only one",
                    c.info.id
                );
                assert!(
                    STATIC_ONLY_SERVICES.contains(&c.info.service)
                        || live.iter().any(|l| l.info.service == c.info.service),
                    "{} has no live service",
                    c.info.id
                );
            }
        }
    }
    for id in STATIC_ONLY {
        assert!(live.iter().all(|l| l.info.id != *id), "{id} is a live id now: drop it from STATIC_ONLY");
    }
}

/// The checks are listed by service in the live suite's order, each service's together.
#[test]
fn checks_follow_the_live_service_order() {
    let mut live_order: Vec<&str> = crate::dr::CHECKS.iter().map(|c| c.info.service).collect();
    live_order.dedup();
    let mut order: Vec<&str> =
        CHECKS.iter().map(|c| c.info.service).filter(|s| !STATIC_ONLY_SERVICES.contains(s)).collect();
    order.dedup();
    assert_eq!(CHECKS[0].info.service, "deploy", "the deploy commands are judged first");
    assert_eq!(order, live_order, "static services (left) against the live order (right)");
}

#[test]
fn every_check_cites_hipaa() {
    for c in CHECKS.iter() {
        assert!(
            !c.info.citations.is_empty() && c.info.citations.iter().all(|x| x.starts_with("45 CFR 164.")),
            "{}",
            c.info.id
        );
    }
}

/// Rewrites every argument value of every resource, and every value inside it keyed by name
/// (not the elements of a list), with `f`, bottom-up.
fn reshape(s: &mut Synth, f: fn(Value) -> Value) {
    fn walk(v: Value, f: fn(Value) -> Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, f(walk(v, f)))).collect()),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| walk(v, f)).collect()),
            other => other,
        }
    }
    let Some(types) = s.body.get_mut("resource").and_then(Value::as_object_mut) else { return };
    for of_type in types.values_mut().filter_map(Value::as_object_mut) {
        for body in of_type.values_mut() {
            *body = walk(std::mem::take(body), f);
        }
    }
}

/// CDKTF writes a nested block as an object or as a list of one depending on the provider schema:
/// the checks read both, so the layout passes either way.
#[test]
fn blocks_as_objects_or_lists_of_one_read_the_same() {
    let mut as_lists = shipped();
    reshape(&mut as_lists, |v| if v.is_object() { json!([v]) } else { v });
    assert_all_pass(&facts(as_lists), "every block as a list of one");
    let mut as_objects = shipped();
    reshape(&mut as_objects, |v| match v {
        Value::Array(mut items) if items.len() == 1 && items[0].is_object() => items.remove(0),
        other => other,
    });
    assert_all_pass(&facts(as_objects), "every list of one block as an object");
}

#[test]
fn the_dr_cluster_is_judged_against_the_dr_region() {
    let s = shipped();
    let dr = s.resource("aws_rds_cluster", "dr_cluster").expect("dr_cluster");
    assert_eq!(s.region_of(&dr), Some(DR_REGION));
    let primary = s.resource("aws_rds_cluster", "primary_cluster").expect("primary_cluster");
    assert_eq!(s.region_of(&primary), Some(PRIMARY_REGION));
}

/// A layout with none of the DR resources: requirements nothing fulfils fail rather than pass
/// vacuously, and no check panics on the missing arguments.
#[test]
fn a_layout_without_the_stack_fails_every_requirement() {
    let text = json!({
        "provider": {"aws": [{"alias": "primary", "region": PRIMARY_REGION}]},
        "resource": {"aws_sns_topic": {"topic": {"name": "t-dev", "provider": "aws.primary"}}}
    });
    let bare = Synth::parse(&text.to_string(), Path::new("bare.tf.json")).expect("parses");
    let f = facts(bare);
    for check in CHECKS.iter() {
        let outcome = check.evaluate(&f);
        assert_eq!(outcome.status, Status::Fail, "{} passed without the stack:\n{}", check.info.id, outcome.summary());
    }
}

#[test]
fn a_missing_synth_elsewhere_is_one_clear_error_without_synthesizing() {
    let Err(e) = DrSynth.load(Path::new("/nonexistent/cdk.tf.json")) else { panic!("loaded a missing file") };
    assert!(e.to_string().contains("/nonexistent/cdk.tf.json cannot be read"), "{e}");
}

/// The checks v1 fails when judged by the current requirements: exactly the gaps v2 closes
/// (stacks/dr/v1/CHANGELOG.md), by name, the same before deploy as after (`dr::V1_GAPS`).
pub use crate::dr::V1_GAPS;

#[test]
fn the_shipped_synth_is_the_current_version_and_states_it() {
    assert_eq!(version_of(&shipped()), CURRENT_VERSION);
}

#[test]
fn v1_judged_by_the_current_requirements_fails_exactly_its_known_gaps() {
    let v1 = DrSynth::load_version("v1").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version_of(&v1.synth), "v1", "v1 states no version");
    let failing: Vec<&str> =
        CHECKS.iter().filter(|c| c.evaluate(&v1).status != Status::Pass).map(|c| c.info.id).collect();
    let mut expected = V1_GAPS.to_vec();
    let order = |id: &&str| CHECKS.iter().position(|c| c.info.id == *id);
    expected.sort_by_key(order);
    assert_eq!(failing, expected, "v1 must fail exactly its known gaps");
    // Each gap fails for the reason the CHANGELOG gives, naming the resource and the property.
    let failure = |id: &str, resource: &str, property: &str| {
        let check = CHECKS.iter().find(|c| c.info.id == id).unwrap_or_else(|| panic!("no check {id}"));
        let outcome = check.evaluate(&v1);
        assert!(
            outcome
                .findings
                .iter()
                .any(|f| f.status == Status::Fail && f.resource == resource && f.property == property),
            "{id} does not fail on {resource} {property}:\n{}",
            outcome.summary()
        );
    };
    failure("database_tls_enforced", "aws_rds_cluster.primary_cluster", "db_cluster_parameter_group_name");
    failure("database_tls_enforced", "aws_rds_cluster.dr_cluster", "db_cluster_parameter_group_name");
    failure("database_audit_logging", "aws_rds_cluster.dr_cluster", "log_group");
    failure("vpc_flow_logs_on", "aws_vpc.primary_vpc", "aws_flow_log");
    failure("vpc_flow_logs_on", "aws_vpc.dr_vpc", "aws_flow_log");
    failure("data_buckets_access_logged", "aws_s3_bucket.primary_bucket", "aws_s3_bucket_logging");
    failure("data_buckets_access_logged", "aws_s3_bucket.dr_bucket", "aws_s3_bucket_logging");
    failure("replication_lag_alarm_at_rpo", "aws_cloudwatch_metric_alarm.replication_lag_alarm", "provider");
    failure(
        "replication_lag_alarm_at_rpo",
        "aws_cloudwatch_metric_alarm.replication_lag_alarm",
        "dimensions.DBClusterIdentifier",
    );
}
