//! The stack's lifecycle: everything it creates is destroyed with it. No live counterpart: what
//! happens on delete is only visible in the template.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, judge_value};
use stackproof_harness::source::Mutable;
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, show};

use super::{Change, Mutation, TemplateFacts, items};

/// Deletion and replacement policies that leave data or resources behind.
const KEEPS: &[&str] = &["Retain", "RetainExceptOnCreate", "Snapshot"];

pub const AURORA_RETAINED: Mutation = Mutation {
    name: "aurora-retained",
    resource: "AuroraCluster",
    property: "DeletionPolicy",
    change: Change::SetAttr(r#""Retain""#),
};

pub const DATA_KEY_REPLACEMENT_RETAINED: Mutation = Mutation {
    name: "data-key-replacement-retained",
    resource: "DataKey",
    property: "UpdateReplacePolicy",
    change: Change::SetAttr(r#""Retain""#),
};

pub const AURORA_DELETION_PROTECTED: Mutation = Mutation {
    name: "aurora-deletion-protected",
    resource: "AuroraCluster",
    property: "DeletionProtection",
    change: Change::Set("true"),
};

pub const LOAD_BALANCER_DELETION_PROTECTED: Mutation = Mutation {
    name: "load-balancer-deletion-protected",
    resource: "NetworkLoadBalancer",
    property: "LoadBalancerAttributes.deletion_protection.enabled",
    change: Change::Custom(load_balancer_deletion_protected),
};

/// The NLB's deletion_protection.enabled attribute turned on.
fn load_balancer_deletion_protected(t: &mut Template) {
    let attributes = t
        .properties_mut("NetworkLoadBalancer")
        .and_then(|p| p.get_mut("LoadBalancerAttributes"))
        .and_then(Value::as_array_mut);
    let Some(attributes) = attributes else { panic!("NetworkLoadBalancer has no LoadBalancerAttributes list") };
    for a in
        attributes.iter_mut().filter(|a| a.get("Key").and_then(Value::as_str) == Some("deletion_protection.enabled"))
    {
        a["Value"] = Value::String("true".into());
    }
}

pub const NOTHING_RETAINED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "nothing_retained",
        service: "lifecycle",
        title: "Every resource is deleted with the stack: no Retain or Snapshot policy, no deletion protection",
        citations: &["45 CFR 164.310(d)(2)(i)", "45 CFR 164.310(d)(2)(ii)"],
        severity: Severity::Medium,
        risk: "Retained databases, snapshots or keys outlive the stack: PHI copies nobody tracks or disposes of.",
        remediation: "template.yml: DeletionPolicy: Delete and UpdateReplacePolicy: Delete on every resource (AuroraCluster, AuroraInstance1/2, EfsFileSystem, RedisReplicationGroup, keys and log groups explicitly); AuroraCluster DeletionProtection: false; NetworkLoadBalancer deletion_protection.enabled 'false'.",
    },
    claims: &[
        Claim {
            property: "DeletionPolicy",
            about: "No resource keeps a Retain, RetainExceptOnCreate or Snapshot DeletionPolicy (an RDS cluster, or an instance outside one, without a policy snapshots by default)",
            mutants: &[&AURORA_RETAINED],
            not_emulated: None,
        },
        Claim {
            property: "UpdateReplacePolicy",
            about: "No resource keeps its replaced copy (UpdateReplacePolicy Retain or Snapshot)",
            mutants: &[&DATA_KEY_REPLACEMENT_RETAINED],
            not_emulated: None,
        },
        Claim {
            property: "DeletionProtection",
            about: "No resource turns deletion protection on (DeletionProtection, DeletionProtectionEnabled)",
            mutants: &[&AURORA_DELETION_PROTECTED],
            not_emulated: None,
        },
        Claim {
            property: "LoadBalancerAttributes.deletion_protection.enabled",
            about: "No load balancer turns deletion protection on through its attributes",
            mutants: &[&LOAD_BALANCER_DELETION_PROTECTED],
            not_emulated: None,
        },
    ],
    run: nothing_retained,
};

fn nothing_retained(f: &TemplateFacts) -> Vec<Finding> {
    f.template.resources().flat_map(|r| retention(&r)).collect()
}

fn retention(r: &Resource) -> Vec<Finding> {
    // RDS clusters, and instances outside a cluster, default to Snapshot when no policy is given.
    let rds_snapshots = r.kind == "AWS::RDS::DBCluster"
        || (r.kind == "AWS::RDS::DBInstance" && r.prop("DBClusterIdentifier").is_none());
    let mut findings = vec![
        policy(r, "DeletionPolicy", if rds_snapshots { "Snapshot" } else { "Delete" }),
        policy(r, "UpdateReplacePolicy", "Delete"),
    ];
    for property in ["DeletionProtection", "DeletionProtectionEnabled"] {
        if r.prop(property).is_some() {
            findings.push(judge(r, property, !is_true(r.prop(property)), false));
        }
    }
    if r.kind == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
        let flag = items(r.prop("LoadBalancerAttributes"))
            .into_iter()
            .find(|a| a.get("Key").and_then(Value::as_str) == Some("deletion_protection.enabled"))
            .and_then(|a| a.get("Value"));
        findings.push(judge_value(
            r,
            "LoadBalancerAttributes.deletion_protection.enabled",
            flag,
            !is_true(flag),
            false,
        ));
    }
    findings
}

/// A DeletionPolicy/UpdateReplacePolicy attribute, judged with CloudFormation's default when absent;
/// a policy computed by an intrinsic cannot be verified and fails.
fn policy(r: &Resource, attribute: &str, default: &str) -> Finding {
    let value = r.body.get(attribute);
    let ok = match value {
        None => !KEEPS.contains(&default),
        Some(Value::String(s)) => !KEEPS.contains(&s.as_str()),
        Some(_) => false,
    };
    let actual = value.map_or_else(|| format!("absent (CloudFormation default {default})"), |v| show(Some(v)));
    Finding::judge(r.id, attribute, ok, "Delete", actual, &value)
}
