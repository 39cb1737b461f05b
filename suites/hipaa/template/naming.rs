//! Every name the template gives carries the environment suffix, so deployments never collide
//! and every resource can be traced to the deployment that owns it.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, nothing_of};
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{Change, Mutation, TemplateFacts, placeholders, sub_text};
use crate::hipaa::naming::PATTERN;
use stackproof_harness::source::Mutable;

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

pub const LOG_GROUP_NAME_SUFFIX_GLUED: Mutation = Mutation {
    name: "log-group-name-suffix-glued",
    resource: "EcsLogGroup",
    property: "LogGroupName",
    change: Change::Set(r#"{"Fn::Sub": "/hipaa/ecs${EnvironmentSuffix}"}"#),
};

pub const NAT_GATEWAY_NAME_TAG_SUFFIX_INSIDE: Mutation = Mutation {
    name: "nat-gateway-name-tag-suffix-inside",
    resource: "NatGateway2",
    property: "Tags.Name",
    change: Change::Custom(nat_gateway_2_named_with_the_suffix_inside),
};

pub const GROUP_NAME_UNSUFFIXED: Mutation = Mutation {
    name: "group-name-unsuffixed",
    resource: "LoadBalancerSecurityGroup",
    property: "GroupName",
    change: Change::Set(r#""nlb-sg""#),
};

/// NatGateway2's Name tag with a word after the suffix.
fn nat_gateway_2_named_with_the_suffix_inside(t: &mut Template) {
    let Some(tags) = t.properties_mut("NatGateway2").and_then(|p| p.get_mut("Tags")).and_then(Value::as_array_mut)
    else {
        panic!("NatGateway2 has no Tags list")
    };
    for tag in tags.iter_mut().filter(|tag| tag.get("Key").and_then(Value::as_str) == Some("Name")) {
        tag["Value"] = serde_json::json!({"Fn::Sub": "nat-gateway-2-${EnvironmentSuffix}-copy"});
    }
}

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every resource name and Name tag ends in -${EnvironmentSuffix} (or has it before a /)",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Names without the suffix collide between deployments and blur which environment's audit trail or data store is which.",
        remediation: "template.yml: write each name property (LogGroupName, RoleName, GroupName, Name, ...) and each Name tag as !Sub '<resource-type>-${EnvironmentSuffix}'.",
    },
    claims: &[
        Claim {
            property: "LogGroupName",
            about: "Every log group name is built with -${EnvironmentSuffix} at its end (or before a /): written text, or the suffix glued to a word, is not the pattern",
            mutants: &[&LOG_GROUP_NAME_UNSUFFIXED, &LOG_GROUP_NAME_SUFFIX_GLUED],
            not_emulated: None,
        },
        Claim {
            property: "Tags.Name",
            about: "Every Name tag of every resource is built the same way",
            mutants: &[&NAT_GATEWAY_NAME_TAG_SUFFIX_INSIDE],
            not_emulated: None,
        },
        Claim {
            property: "GroupName",
            about: "Every other name property (GroupName, RoleName, DBClusterIdentifier, ...) is built the same way",
            mutants: &[&GROUP_NAME_UNSUFFIXED],
            not_emulated: None,
        },
    ],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &TemplateFacts) -> Vec<Finding> {
    let findings: Vec<Finding> = f.template.resources().flat_map(|r| names_of(&r)).collect();
    if findings.is_empty() { vec![nothing_of::<Template>("a resource with a name", "Name")] } else { findings }
}

fn names_of(r: &Resource) -> Vec<Finding> {
    let expected = format!("a name with -${{{SUFFIX_PARAMETER}}} at its end (or before a /)");
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

/// The suffix parameter as it stands in a rendered name.
const MARK: &str = "${EnvironmentSuffix}";

/// True if every text the value can render to follows the stack's pattern with the suffix
/// parameter in it (`!Sub '/hipaa/audit-${EnvironmentSuffix}'`). Plain text never does; neither
/// does a value whose text the template cannot show.
fn carries_suffix(v: &Value) -> bool {
    rendered(v).is_some_and(|texts| !texts.is_empty() && texts.iter().all(|t| PATTERN.follows(t, MARK)))
}

/// The texts a name value renders to, the suffix parameter written `${EnvironmentSuffix}` and any
/// other placeholder kept as written: one text, or one per branch of an `!If`. None for a value
/// that is not text the template shows (`!GetAtt`, `!ImportValue`, ...).
fn rendered(v: &Value) -> Option<Vec<String>> {
    if let Some(text) = sub_text(v) {
        let vars = v.pointer("/Fn::Sub/1").and_then(Value::as_object);
        let mut out = text.to_owned();
        for name in placeholders(text) {
            let Some(bound) = vars.and_then(|m| m.get(name)) else { continue };
            let [one] = rendered(bound)?.try_into().ok()?;
            out = out.replace(&format!("${{{name}}}"), &one);
        }
        return Some(vec![out]);
    }
    match v {
        Value::String(text) => Some(vec![text.clone()]),
        _ if reference(v) == Some(SUFFIX_PARAMETER) => Some(vec![MARK.to_owned()]),
        _ => {
            if let Some([separator, Value::Array(parts)]) =
                v.get("Fn::Join").and_then(Value::as_array).map(Vec::as_slice)
            {
                let separator = separator.as_str()?;
                let parts: Option<Vec<String>> = parts
                    .iter()
                    .map(|p| rendered(p).and_then(|t| <[String; 1]>::try_from(t).ok()).map(|[t]| t))
                    .collect();
                return Some(vec![parts?.join(separator)]);
            }
            let [_, yes, no] = v.get("Fn::If")?.as_array()?.as_slice() else { return None };
            Some([rendered(yes)?, rendered(no)?].concat())
        }
    }
}
