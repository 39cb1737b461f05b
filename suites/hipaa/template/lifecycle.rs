//! The stack's lifecycle: everything it creates is destroyed with it, every name carries the
//! environment suffix, and credentials come from existing secrets rather than new ones.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{
    Change, Mutation, TemplateFacts, is_secret_parameter, items, judge, judge_value, nothing_of, per_resource,
    placeholders, sub_text,
};

/// The parameter every resource name must carry.
pub const SUFFIX_PARAMETER: &str = "EnvironmentSuffix";

/// Deletion and replacement policies that leave data or resources behind.
const KEEPS: &[&str] = &["Retain", "RetainExceptOnCreate", "Snapshot"];

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

pub const AURORA_RETAINED: Mutation = Mutation {
    name: "aurora-retained",
    resource: "AuroraCluster",
    property: "DeletionPolicy",
    change: Change::SetAttr(r#""Retain""#),
};

pub const LOG_GROUP_NAME_UNSUFFIXED: Mutation = Mutation {
    name: "log-group-name-unsuffixed",
    resource: "AuditLogGroup",
    property: "LogGroupName",
    change: Change::Set(r#""/hipaa/audit""#),
};

pub const AURORA_PASSWORD_LITERAL: Mutation = Mutation {
    name: "aurora-password-literal",
    resource: "AuroraCluster",
    property: "MasterUserPassword",
    change: Change::Set(r#""ChangeMe-Passw0rd""#),
};

pub const NOTHING_RETAINED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "nothing_retained",
        service: "cloudformation",
        title: "Every resource is deleted with the stack: no Retain or Snapshot policy, no deletion protection",
        citations: &["45 CFR 164.310(d)(2)(i)", "45 CFR 164.310(d)(2)(ii)"],
        severity: Severity::Medium,
        risk: "Retained databases, snapshots or keys outlive the stack: PHI copies nobody tracks or disposes of.",
        remediation: "template.yml: DeletionPolicy: Delete and UpdateReplacePolicy: Delete on every resource (AuroraCluster, AuroraInstance1/2, EfsFileSystem, RedisReplicationGroup, keys and log groups explicitly); AuroraCluster DeletionProtection: false; NetworkLoadBalancer deletion_protection.enabled 'false'.",
    },
    mutant: &AURORA_RETAINED,
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

pub const NAMES_CARRY_SUFFIX: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "names_carry_suffix",
        service: "cloudformation",
        title: "Every resource name and Name tag includes ${EnvironmentSuffix}",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Names without the suffix collide between deployments and blur which environment's audit trail or data store is which.",
        remediation: "template.yml: write each name property (LogGroupName, RoleName, GroupName, Name, ...) and each Name tag as !Sub '<resource-type>-${EnvironmentSuffix}'.",
    },
    mutant: &LOG_GROUP_NAME_UNSUFFIXED,
    run: names_carry_suffix,
};

fn names_carry_suffix(f: &TemplateFacts) -> Vec<Finding> {
    let findings: Vec<Finding> = f.template.resources().flat_map(|r| names_of(&r)).collect();
    if findings.is_empty() { vec![nothing_of("a resource with a name", "Name")] } else { findings }
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

pub const SECRETS_FETCHED_NOT_CREATED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "secrets_fetched_not_created",
        service: "secretsmanager",
        title: "No secret is created; Aurora and Redis credentials resolve from the existing secrets' ARN parameters",
        citations: &["45 CFR 164.308(a)(5)(ii)(D)", "45 CFR 164.312(a)(1)", "45 CFR 164.312(d)"],
        severity: Severity::Critical,
        risk: "A password written in the template is readable by anyone who can read the template or stack; a secret created here escapes the existing rotation.",
        remediation: "template.yml: remove any AWS::SecretsManager::Secret; AuroraCluster MasterUserPassword: !Sub '{{resolve:secretsmanager:${DatabaseSecretArn}:SecretString:password}}'; RedisReplicationGroup AuthToken: !Sub '{{resolve:secretsmanager:${ApiKeysSecretArn}:SecretString:redis_auth_token}}'.",
    },
    mutant: &AURORA_PASSWORD_LITERAL,
    run: secrets_fetched_not_created,
};

fn secrets_fetched_not_created(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings: Vec<Finding> = t
        .resources_of("AWS::SecretsManager::Secret")
        .map(|s| {
            Finding::judge(
                s.id,
                "Type",
                false,
                "no AWS::SecretsManager::Secret (existing secrets are fetched)",
                s.kind,
                &s.body,
            )
        })
        .collect();
    if findings.is_empty() {
        findings.push(Finding::judge("(template)", "AWS::SecretsManager::Secret", true, "none created", "none", &()));
    }
    let expected = "{{resolve:secretsmanager:${<secret ARN parameter>}:...}}";
    let resolved = |r: &Resource, property: &str| {
        vec![judge(r, property, resolves_secret_parameter(t, r.prop(property)), expected)]
    };
    findings
        .extend(per_resource(t, "AWS::RDS::DBCluster", "MasterUserPassword", |r| resolved(r, "MasterUserPassword")));
    findings.extend(per_resource(t, "AWS::ElastiCache::ReplicationGroup", "AuthToken", |r| resolved(r, "AuthToken")));
    findings
}

/// `!Sub '{{resolve:secretsmanager:${P}...}}'` where P is (or is bound to) a secret ARN parameter.
fn resolves_secret_parameter(t: &Template, v: Option<&Value>) -> bool {
    let Some((v, text)) = v.and_then(|v| Some((v, sub_text(v)?))) else { return false };
    let Some(rest) = text.trim().strip_prefix("{{resolve:secretsmanager:${") else { return false };
    let name = rest.split('}').next().unwrap_or("");
    let bound = v.pointer("/Fn::Sub/1").and_then(|m| m.get(name)).and_then(reference);
    text.trim().ends_with("}}") && is_secret_parameter(t, bound.unwrap_or(name))
}
