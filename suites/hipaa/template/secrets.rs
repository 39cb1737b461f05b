//! Credentials come from the existing secrets, never from the template: no secret is created,
//! and Aurora's password and Redis's AUTH token resolve from the secrets' ARN parameters (static
//! only: the live suite sees the secrets, not how the template obtained them). The secrets' key
//! is an existing key the template takes as a parameter, the only key the roles reading the
//! secrets may decrypt with, and an output: the live check of the same id judges that key.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::policy::Policy;
use stackproof_harness::kit::source::{judge, missing, nothing_of, per_resource};
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{Change, Mutation, TemplateFacts, is_secret_parameter, items, sub_text};
use crate::hipaa::outputs::SECRETS_KEY_ARN;

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

// The secrets' key: an existing rotating customer key the stack is given, never its own.

pub const SECRETS_KEY_PARAMETER_DEFAULTED: Mutation = Mutation {
    name: "secrets-key-parameter-defaulted",
    resource: "Parameters",
    property: "SecretsKeyArn.Default",
    change: Change::Custom(default_the_secrets_key),
};

/// A default key ARN: a deploy that forgets the parameter silently uses a key nobody chose.
fn default_the_secrets_key(t: &mut Template) {
    if let Some(p) = t.body.pointer_mut("/Parameters/SecretsKeyArn").and_then(Value::as_object_mut) {
        p.insert(
            "Default".into(),
            json!("arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555"),
        );
    }
}

pub const SECRETS_KEY_PATTERN_TAKES_ANYTHING: Mutation = Mutation {
    name: "secrets-key-pattern-takes-anything",
    resource: "Parameters",
    property: "SecretsKeyArn.AllowedPattern",
    change: Change::Custom(loosen_the_secrets_key_pattern),
};

/// A pattern any text matches: an alias, `alias/aws/secretsmanager` or a secret's ARN get through.
fn loosen_the_secrets_key_pattern(t: &mut Template) {
    if let Some(p) = t.body.pointer_mut("/Parameters/SecretsKeyArn").and_then(Value::as_object_mut) {
        p.insert("AllowedPattern".into(), json!(".+"));
    }
}

pub const TASK_ROLE_DECRYPTS_WITH_DATA_KEY: Mutation = Mutation {
    name: "task-role-decrypts-with-data-key",
    resource: "TaskRolePolicy",
    property: "PolicyDocument.Statement[3].Resource",
    change: Change::Custom(task_role_decrypts_with_data_key),
};

/// The task role's Decrypt back on the stack's own DataKey, as before issue 14.
fn task_role_decrypts_with_data_key(t: &mut Template) {
    if let Some(r) =
        t.resource_mut("TaskRolePolicy").and_then(|r| r.pointer_mut("/Properties/PolicyDocument/Statement/3/Resource"))
    {
        *r = json!({"Fn::GetAtt": ["DataKey", "Arn"]});
    }
}

pub const EXECUTION_ROLE_DECRYPTS_WITH_ANY_KEY: Mutation = Mutation {
    name: "execution-role-decrypts-with-any-key",
    resource: "TaskExecutionRole",
    property: "Policies[0].PolicyDocument.Statement[1].Resource",
    change: Change::Custom(execution_role_decrypts_with_any_key),
};

fn execution_role_decrypts_with_any_key(t: &mut Template) {
    let path = "/Properties/Policies/0/PolicyDocument/Statement/1/Resource";
    if let Some(r) = t.resource_mut("TaskExecutionRole").and_then(|r| r.pointer_mut(path)) {
        *r = json!("*");
    }
}

pub const SECRETS_KEY_OUTPUT_MISSING: Mutation = Mutation {
    name: "secrets-key-output-missing",
    resource: "Outputs",
    property: "SecretsKeyArn.Value",
    change: Change::Custom(drop_the_secrets_key_output),
};

fn drop_the_secrets_key_output(t: &mut Template) {
    if let Some(outputs) = t.body.get_mut("Outputs").and_then(Value::as_object_mut) {
        outputs.remove(SECRETS_KEY_ARN);
    }
}

pub const SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "The template takes the secrets' key as parameter SecretsKeyArn (a key ARN, no default), lets the roles that read the secrets decrypt through that key only, and outputs it",
        remediation: "template.yml: Parameters SecretsKeyArn (Type String, no Default, AllowedPattern of a key ARN: '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$'); in TaskExecutionRole and TaskRolePolicy, the kms:Decrypt statement's Resource: !Ref SecretsKeyArn (never '*', never DataKey); Outputs SecretsKeyArn: Value: !Ref SecretsKeyArn. The key and both secrets are made before the first deploy (stacks/hipaa/v1/README.md).",
        ..crate::hipaa::secrets::SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY.info
    },
    claims: &[
        Claim {
            property: "SecretsKeyArn.Default",
            about: "The template declares parameter SecretsKeyArn without a Default: every deploy names the key",
            mutants: &[&SECRETS_KEY_PARAMETER_DEFAULTED],
            not_emulated: None,
        },
        Claim {
            property: "SecretsKeyArn.AllowedPattern",
            about: "Its AllowedPattern admits a key ARN and refuses an alias, an alias ARN, a key id alone and a secret's ARN",
            mutants: &[&SECRETS_KEY_PATTERN_TAKES_ANYTHING],
            not_emulated: None,
        },
        Claim {
            property: "PolicyDocument.Statement[].Resource",
            about: "Every role that may read the secrets (secretsmanager:GetSecretValue: TaskExecutionRole, TaskRole through TaskRolePolicy) may kms:Decrypt, and only on !Ref SecretsKeyArn: not '*', not DataKey",
            mutants: &[&TASK_ROLE_DECRYPTS_WITH_DATA_KEY, &EXECUTION_ROLE_DECRYPTS_WITH_ANY_KEY],
            not_emulated: None,
        },
        Claim {
            property: "SecretsKeyArn.Value",
            about: "The template outputs SecretsKeyArn as !Ref SecretsKeyArn, the key the live suite judges",
            mutants: &[&SECRETS_KEY_OUTPUT_MISSING],
            not_emulated: None,
        },
    ],
    run: secrets_encrypted_with_rotating_customer_key,
};

/// A key ARN the parameter must admit, and what it must refuse (not a key ARN).
const KEY_ARN: &str = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const NOT_KEY_ARNS: &[&str] = &[
    "alias/patient-records-secrets",
    "alias/aws/secretsmanager",
    "arn:aws:kms:eu-central-1:123456789012:alias/patient-records-secrets",
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf",
    "*",
    "",
];

fn secrets_encrypted_with_rotating_customer_key(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = secrets_key_parameter(t);
    findings.extend(decrypt_only_through_the_secrets_key(t));
    let value = t.body.pointer(&format!("/Outputs/{SECRETS_KEY_ARN}/Value"));
    findings.push(Finding::judge(
        "Outputs",
        "SecretsKeyArn.Value",
        value.and_then(reference) == Some(SECRETS_KEY_ARN),
        "!Ref SecretsKeyArn",
        show(value),
        &value,
    ));
    findings
}

/// Parameter SecretsKeyArn: no Default, and an AllowedPattern that takes key ARNs only.
fn secrets_key_parameter(t: &Template) -> Vec<Finding> {
    let parameter = t.body.pointer(&format!("/Parameters/{SECRETS_KEY_ARN}"));
    let Some(parameter) = parameter else {
        return vec![Finding::judge("Parameters", SECRETS_KEY_ARN, false, "a parameter SecretsKeyArn", "absent", &())];
    };
    let default = parameter.get("Default");
    let pattern = parameter.get("AllowedPattern");
    let (takes_only_key_arns, why) = match pattern.and_then(Value::as_str) {
        Some(p) => admits_only_key_arns(p),
        None => (false, "no AllowedPattern: any text is taken".to_owned()),
    };
    vec![
        Finding::judge(
            "Parameters",
            "SecretsKeyArn.Default",
            default.is_none(),
            "no Default",
            show(default),
            parameter,
        ),
        Finding::judge(
            "Parameters",
            "SecretsKeyArn.AllowedPattern",
            takes_only_key_arns,
            format!("a pattern that admits a key ARN ({KEY_ARN}) and nothing else"),
            format!("{} ({why})", show(pattern)),
            parameter,
        ),
    ]
}

/// Whether the pattern, matched whole as CloudFormation matches it, admits a key ARN and refuses
/// every other kind of key reference; and what it did.
fn admits_only_key_arns(pattern: &str) -> (bool, String) {
    let Ok(re) = regex_lite::Regex::new(&format!("^(?:{pattern})$")) else {
        return (false, "not a regular expression".to_owned());
    };
    if !re.is_match(KEY_ARN) {
        return (false, format!("refuses the key ARN {KEY_ARN}"));
    }
    match NOT_KEY_ARNS.iter().find(|v| re.is_match(v)) {
        Some(v) => (false, format!("admits {v:?}, which is not a key ARN")),
        None => (true, "admits key ARNs only".to_owned()),
    }
}

/// A policy document of the template and where it is declared: the resource, and the
/// document's path in it (`Policies[0].PolicyDocument`, `PolicyDocument`).
struct Document<'t> {
    declared_by: &'t str,
    path: String,
    policy: Policy,
}

/// Each role's policy documents: its inline policies, and each AWS::IAM::Policy or
/// ManagedPolicy whose Roles list it.
fn documents_of<'t>(t: &'t Template, role: &Resource<'t>) -> Vec<Document<'t>> {
    let mut docs: Vec<Document> = items(role.prop("Policies"))
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let doc = p.get("PolicyDocument")?;
            Some(Document {
                declared_by: role.id,
                path: format!("Policies[{i}].PolicyDocument"),
                policy: Policy::parse(doc),
            })
        })
        .collect();
    for kind in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
        for p in t.resources_of(kind) {
            let attached = items(p.prop("Roles")).iter().any(|r| reference(r) == Some(role.id));
            if let (true, Some(doc)) = (attached, p.prop("PolicyDocument")) {
                docs.push(Document { declared_by: p.id, path: "PolicyDocument".into(), policy: Policy::parse(doc) });
            }
        }
    }
    docs
}

/// Every role that may read a secret may decrypt, and only through `!Ref SecretsKeyArn`.
fn decrypt_only_through_the_secrets_key(t: &Template) -> Vec<Finding> {
    let expected = "kms:Decrypt on !Ref SecretsKeyArn only";
    let mut findings = Vec::new();
    for role in t.resources_of("AWS::IAM::Role") {
        let docs = documents_of(t, &role);
        let reads_secrets =
            docs.iter().flat_map(|d| d.policy.allows()).any(|s| s.covers_action("secretsmanager:GetSecretValue"));
        if !reads_secrets {
            continue;
        }
        let mut decrypts = 0;
        for doc in &docs {
            // An administrator grant (every action on every resource) is iam_no_wildcard_admin's
            // failure; every narrower grant that still allows kms:Decrypt is judged here.
            for s in doc.policy.allows().filter(|s| s.covers_action("kms:Decrypt") && !s.grants_everything()) {
                decrypts += 1;
                let only_the_key = s.not_resource.is_none()
                    && s.resource
                        .as_deref()
                        .is_some_and(|r| !r.is_empty() && r.iter().all(|v| reference(v) == Some(SECRETS_KEY_ARN)));
                let shown: Vec<String> = s.resource.iter().flatten().map(|v| show(Some(v))).collect();
                let actual = match &s.not_resource {
                    Some(_) => format!("{}: NotResource (every key but those listed)", s.label()),
                    None => {
                        format!("{}: {}", s.label(), if shown.is_empty() { "none".into() } else { shown.join(", ") })
                    }
                };
                findings.push(Finding::judge(
                    doc.declared_by,
                    format!("{}.Statement[{}].Resource", doc.path, s.index),
                    only_the_key,
                    expected,
                    actual,
                    s,
                ));
            }
        }
        if decrypts == 0 {
            findings.push(missing(&role, "kms:Decrypt", format!("{expected} (the role reads the secrets)")));
        }
    }
    if findings.is_empty() {
        findings.push(nothing_of::<Template>("AWS::IAM::Role", "Policies (secretsmanager:GetSecretValue)"));
    }
    findings
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use stackproof_harness::check::Status;
    use stackproof_harness::suite::TemplateSuite;

    use super::super::HipaaTemplate;
    use super::super::tests::without_lint;
    use super::*;

    /// The failing (resource, property) pairs of this check on the shipped template after `edit`.
    fn failures_after(edit: impl Fn(&mut Value)) -> Vec<(String, String)> {
        let mut t = HipaaTemplate::read(&HipaaTemplate.default_template()).expect("the shipped template parses");
        edit(&mut t.body);
        SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY
            .evaluate(&without_lint(t))
            .findings
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| (f.resource, f.property))
            .collect()
    }

    #[test]
    fn the_parameter_pattern_must_take_key_arns_and_nothing_else() {
        let shipped = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$";
        assert!(admits_only_key_arns(shipped).0);
        // Unanchored, as CloudFormation matches it whole.
        assert!(admits_only_key_arns(r"arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+").0);
        let (ok, why) = admits_only_key_arns(r"^arn:aws:kms:.*$");
        assert!(!ok && why.contains("alias/patient-records-secrets"), "{why}");
        let (ok, why) = admits_only_key_arns(r"^arn:aws:secretsmanager:.*$");
        assert!(!ok && why.contains("refuses the key ARN"), "{why}");
        assert!(!admits_only_key_arns("(").0, "not a regular expression");
        let failures = failures_after(|b| {
            b["Parameters"]["SecretsKeyArn"].as_object_mut().map(|p| p.remove("AllowedPattern"));
        });
        assert_eq!(failures, [("Parameters".to_owned(), "SecretsKeyArn.AllowedPattern".to_owned())]);
    }

    #[test]
    fn a_role_that_reads_the_secrets_must_decrypt_through_the_secrets_key_and_no_other_way() {
        let decrypt = "/Resources/TaskExecutionRole/Properties/Policies/0/PolicyDocument/Statement";
        let failures = failures_after(|b| {
            if let Some(statements) = b.pointer_mut(decrypt).and_then(Value::as_array_mut) {
                statements.truncate(1);
            }
        });
        assert_eq!(failures, [("TaskExecutionRole".to_owned(), "kms:Decrypt".to_owned())]);
        // Every action on the data key still decrypts with it; a NotResource decrypts every other key.
        let task = "/Resources/TaskRolePolicy/Properties/PolicyDocument/Statement/3";
        for edit in [
            json!({"Effect": "Allow", "Action": "*", "Resource": {"Fn::GetAtt": ["DataKey", "Arn"]}}),
            json!({"Effect": "Allow", "Action": "kms:*", "NotResource": {"Ref": "SecretsKeyArn"}}),
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": [{"Ref": "SecretsKeyArn"}, "*"]}),
        ] {
            let shown = edit.to_string();
            let failures = failures_after(move |b| *b.pointer_mut(task).expect("statement 3") = edit.clone());
            let expected = ("TaskRolePolicy".to_owned(), "PolicyDocument.Statement[3].Resource".to_owned());
            assert_eq!(failures, [expected], "{shown}");
        }
    }
}
