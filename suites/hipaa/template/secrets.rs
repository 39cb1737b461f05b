//! Credentials come from the existing secrets, never from the template: no secret is created,
//! and Aurora's password and Redis's AUTH token resolve from the secrets' ARN parameters. No live
//! counterpart: the live suite sees the secrets, not how the template obtained them.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{Change, Mutation, TemplateFacts, is_secret_parameter, sub_text};

pub const AURORA_PASSWORD_LITERAL: Mutation = Mutation {
    name: "aurora-password-literal",
    resource: "AuroraCluster",
    property: "MasterUserPassword",
    change: Change::Set(r#""ChangeMe-Passw0rd""#),
};

pub const REDIS_AUTH_TOKEN_LITERAL: Mutation = Mutation {
    name: "redis-auth-token-literal",
    resource: "RedisReplicationGroup",
    property: "AuthToken",
    change: Change::Set(r#""ChangeMe-Redis-Token-0123456789""#),
};

pub const SECRET_CREATED: Mutation = Mutation {
    name: "secret-created",
    resource: "CreatedSecret",
    property: "Type",
    change: Change::Custom(create_a_secret),
};

/// Adds a secret the template creates itself (with a generated value, as a team would).
fn create_a_secret(t: &mut Template) {
    let secret = serde_json::json!({
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {
            "Name": {"Fn::Sub": "created-secret-${EnvironmentSuffix}"},
            "KmsKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
            "GenerateSecretString": {"PasswordLength": 32},
        },
    });
    if let Some(resources) = t.body.get_mut("Resources").and_then(Value::as_object_mut) {
        resources.insert("CreatedSecret".into(), secret);
    }
}

pub const SECRETS_FETCHED_NOT_CREATED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "secrets_fetched_not_created",
        service: "secrets",
        title: "No secret is created; Aurora and Redis credentials resolve from the existing secrets' ARN parameters",
        citations: &["45 CFR 164.308(a)(5)(ii)(D)", "45 CFR 164.312(a)(1)", "45 CFR 164.312(d)"],
        severity: Severity::Critical,
        risk: "A password written in the template is readable by anyone who can read the template or stack; a secret created here escapes the existing rotation.",
        remediation: "template.yml: remove any AWS::SecretsManager::Secret; AuroraCluster MasterUserPassword: !Sub '{{resolve:secretsmanager:${DatabaseSecretArn}:SecretString:password}}'; RedisReplicationGroup AuthToken: !Sub '{{resolve:secretsmanager:${ApiKeysSecretArn}:SecretString:redis_auth_token}}'.",
    },
    claims: &[
        Claim {
            property: "Type",
            about: "The template creates no AWS::SecretsManager::Secret: the stack's secrets exist before it",
            mutants: &[&SECRET_CREATED],
            not_emulated: None,
        },
        Claim {
            property: "MasterUserPassword",
            about: "Every Aurora cluster's master password resolves from a secret ARN parameter",
            mutants: &[&AURORA_PASSWORD_LITERAL],
            not_emulated: None,
        },
        Claim {
            property: "AuthToken",
            about: "Every Redis replication group's AUTH token resolves from a secret ARN parameter",
            mutants: &[&REDIS_AUTH_TOKEN_LITERAL],
            not_emulated: None,
        },
    ],
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
        findings.push(Finding::judge("(template)", "Type", true, "no AWS::SecretsManager::Secret", "none", &()));
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
