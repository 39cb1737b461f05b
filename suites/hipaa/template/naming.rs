//! Every name the template gives carries the environment suffix, so deployments never collide
//! and every resource can be traced to the deployment that owns it.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, nothing_of};
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{Change, Mutation, TemplateFacts, placeholders, sub_text};

/// The parameter every resource name must carry.
pub const SUFFIX_PARAMETER: &str = "EnvironmentSuffix";

/// Top-level properties that give a resource its name, for any resource type.
const NAME_PROPERTIES: &[&str] = &[
    "Name",
    "AliasName",
    "BucketName",
    "CacheSubnetGroupName",
    "ClusterName",
    "DBClusterIdentifier",
    "DBClusterParameterGroupName",
    "DBInstanceIdentifier",
    "DBParameterGroupName",
    "DBSubnetGroupName",
    "FunctionName",
    "GroupName",
    "InstanceProfileName",
    "LoadBalancerName",
    "LogGroupName",
    "ManagedPolicyName",
    "PolicyName",
    "QueueName",
    "ReplicationGroupId",
    "RoleName",
    "SecretName",
    "ServiceName",
    "StageName",
    "TableName",
    "TargetGroupName",
    "TopicName",
];

/// Name-giving properties whose meaning depends on the type (`Family` of a DB parameter group is
/// the engine family, not a name).
const NAME_PROPERTIES_OF_KIND: &[(&str, &str)] = &[("Family", "AWS::ECS::TaskDefinition")];

pub const LOG_GROUP_NAME_UNSUFFIXED: Mutation = Mutation {
    name: "log-group-name-unsuffixed",
    resource: "AuditLogGroup",
    property: "LogGroupName",
    change: Change::Set(r#""/hipaa/audit""#),
};

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every resource name and Name tag includes ${EnvironmentSuffix}",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Names without the suffix collide between deployments and blur which environment's audit trail or data store is which.",
        remediation: "template.yml: write each name property (LogGroupName, RoleName, GroupName, Name, ...) and each Name tag as !Sub '<resource-type>-${EnvironmentSuffix}'.",
    },
    claims: &[Claim {
        property: "LogGroupName",
        about: "Every resource name and Name tag includes ${EnvironmentSuffix}",
        mutants: &[&LOG_GROUP_NAME_UNSUFFIXED],
        not_emulated: None,
    }],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &TemplateFacts) -> Vec<Finding> {
    let findings: Vec<Finding> = f.template.resources().flat_map(|r| names_of(&r)).collect();
    if findings.is_empty() { vec![nothing_of::<Template>("a resource with a name", "Name")] } else { findings }
}

fn names_of(r: &Resource) -> Vec<Finding> {
    let expected = format!("a name containing ${{{SUFFIX_PARAMETER}}}");
    let of_kind = NAME_PROPERTIES_OF_KIND.iter().filter(|(_, kind)| *kind == r.kind).map(|(p, _)| *p);
    let mut findings: Vec<Finding> = NAME_PROPERTIES
        .iter()
        .copied()
        .chain(of_kind)
        .filter(|p| r.prop(p).is_some_and(|v| !names_another(v)))
        .map(|p| judge(r, p, r.prop(p).is_some_and(carries_suffix), &expected))
        .collect();
    for (tags, list) in r.body.get("Properties").and_then(Value::as_object).into_iter().flatten() {
        let Some(list) = list.as_array().filter(|_| tags.ends_with("Tags")) else { continue };
        for tag in list.iter().filter(|tag| tag.get("Key").and_then(Value::as_str) == Some("Name")) {
            let value = tag.get("Value");
            let ok = value.is_some_and(carries_suffix);
            findings.push(Finding::judge(r.id, format!("{tags}.Name"), ok, &expected, show(value), tag));
        }
    }
    findings
}

/// A `!Ref`/`!GetAtt` of another resource or parameter: that names a thing, it is not a name.
fn names_another(v: &Value) -> bool {
    reference(v).is_some_and(|id| id != SUFFIX_PARAMETER)
}

/// True if the value is built with the suffix parameter: `!Sub '...${EnvironmentSuffix}'`,
/// `!Ref EnvironmentSuffix`, or an intrinsic (`!Join`, `!If`) containing one. Plain text never is.
fn carries_suffix(v: &Value) -> bool {
    if let Some(text) = sub_text(v) {
        let vars = v.pointer("/Fn::Sub/1").and_then(Value::as_object);
        let bound = vars.is_some_and(|m| m.values().any(carries_suffix));
        return placeholders(text).contains(&SUFFIX_PARAMETER) || bound;
    }
    match v {
        Value::Object(o) => o.get("Ref").map_or_else(|| o.values().any(carries_suffix), |r| r == SUFFIX_PARAMETER),
        Value::Array(list) => list.iter().any(carries_suffix),
        _ => false,
    }
}
