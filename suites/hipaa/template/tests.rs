//! The shipped template passes every static check; each check fails on its mutation, naming the
//! logical id and the property it breaks, while the other checks still pass.

use serde_json::json;
use stackproof_harness::check::{Outcome, Status};
use stackproof_harness::facts::FactError;
use stackproof_harness::mutation::disproofs;
use stackproof_harness::source::template::Template;

use super::*;

fn shipped() -> Template {
    HipaaTemplate::read(&HipaaTemplate.default_template()).expect("the shipped template and its docs parse")
}

/// Facts without cfn-lint, which has its own test below.
pub(super) fn without_lint(template: Template) -> TemplateFacts {
    TemplateFacts {
        template,
        lint: Err(FactError::Api { operation: "cfn-lint".into(), detail: "not run by unit tests".into() }),
    }
}

fn structural_checks() -> impl Iterator<Item = &'static Check<TemplateFacts>> {
    CHECKS.iter().filter(|c| c.info.id != "cfn_lint_clean")
}

#[test]
fn the_shipped_template_passes_every_check() {
    let facts = without_lint(shipped());
    for check in structural_checks() {
        let outcome = check.evaluate(&facts);
        assert_eq!(outcome.status, Status::Pass, "{}:\n{}", check.info.id, outcome.summary());
    }
}

#[test]
fn every_check_fails_on_its_mutation_alone_naming_resource_and_property() {
    // cfn-lint's mutation is proven by the real linter below.
    let checks: Vec<_> = structural_checks().collect();
    let problems = disproofs(&checks, &shipped(), without_lint);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_mutation_is_claimed_by_exactly_one_check() {
    for m in CHECKS.iter().flat_map(|c| c.mutants()) {
        let claims = CHECKS.iter().flat_map(|c| c.mutants()).filter(|x| x.name == m.name).count();
        assert_eq!(claims, 1, "mutation {} is claimed by {claims} checks", m.name);
    }
}

#[test]
fn cfn_lint_fails_on_an_unknown_property_naming_it() {
    let m = lint::CFN_LINT_CLEAN.mutants().next().expect("cfn_lint_clean claims a mutation");
    let mut t = shipped();
    m.apply(&mut t);
    let dir = std::env::temp_dir().join(format!("stackproof-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.json");
    std::fs::write(&path, serde_json::to_string_pretty(&t.body).unwrap()).unwrap();
    let facts = HipaaTemplate.load(&path).expect("the mutated template still parses");
    let outcome = lint::CFN_LINT_CLEAN.evaluate(&facts);
    assert_eq!(outcome.status, Status::Fail, "{}", outcome.summary());
    assert!(outcome.summary().contains(m.resource) && outcome.summary().contains(m.property), "{}", outcome.summary());
}

/// Runs checks on the shipped template after `edit`, returning their failing findings.
fn failures_of(checks: &[&Check<TemplateFacts>], edit: impl Fn(&mut Value)) -> Vec<(String, String)> {
    let mut t = shipped();
    edit(&mut t.body);
    let facts = without_lint(t);
    checks
        .iter()
        .flat_map(|c| c.evaluate(&facts).findings)
        .filter(|f| f.status == Status::Fail)
        .map(|f| (f.resource, f.property))
        .collect()
}

/// Runs one check on the shipped template after `edit`, returning its failing findings.
fn failures_after(check: &Check<TemplateFacts>, edit: impl Fn(&mut Value)) -> Vec<(String, String)> {
    failures_of(&[check], edit)
}

#[test]
fn a_subnet_routed_to_the_internet_gateway_is_not_private() {
    let placed = [
        &rds::AURORA_SUBNET_GROUP_PRIVATE_ONLY,
        &elasticache::ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY,
        &efs::EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS,
    ];
    let failures = failures_of(&placed, |body| {
        let route = &mut body["Resources"]["PrivateDefaultRoute1"]["Properties"];
        route["GatewayId"] = json!({"Ref": "InternetGateway"});
        if let Some(route) = route.as_object_mut() {
            route.remove("NatGatewayId");
        }
    });
    let named = |r: &str, p: &str| failures.contains(&(r.to_owned(), p.to_owned()));
    assert!(
        named("DbSubnetGroup", "SubnetIds")
            && named("CacheSubnetGroup", "SubnetIds")
            && named("EfsMountTarget1", "SubnetId"),
        "{failures:?}"
    );
    assert!(!named("EfsMountTarget2", "SubnetId"), "{failures:?}");
}

#[test]
fn private_subnets_in_one_zone_fail() {
    let failures = failures_after(&network::PRIVATE_SUBNETS_SPAN_TWO_AZS, |body| {
        body["Resources"]["PrivateSubnet2"]["Properties"]["AvailabilityZone"] =
            json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]});
    });
    assert!(failures.contains(&("PrivateSubnet2".to_owned(), "AvailabilityZone".to_owned())), "{failures:?}");
}

/// A template with none of the stack's resources: requirements nothing fulfils fail rather than
/// pass vacuously, and no check panics on the missing properties.
#[test]
fn a_template_without_the_stack_fails_every_requirement() {
    let bare = Template::parse("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n", Path::new("bare.yml")).unwrap();
    let facts = without_lint(bare);
    for check in structural_checks().filter(|c| c.info.id != "nothing_retained") {
        let outcome = check.evaluate(&facts);
        assert_eq!(
            outcome.status,
            Status::Fail,
            "{} passed on a template without the stack:\n{}",
            check.info.id,
            outcome.summary()
        );
    }
}

#[test]
fn checks_have_unique_ids_mutations_and_citations() {
    crate::shared::assert_checks_well_formed(CHECKS, |m| m.name);
}

/// The static checks that judge a requirement the live suite does not (what happens on delete,
/// how the template obtains credentials, ...). Every other static check carries a live check's id.
const STATIC_ONLY: &[&str] = &[
    "cfn_lint_clean",
    "template_deployable_as_documented",
    "api_stage_separate_from_deployment",
    "secrets_fetched_not_created",
    "iam_no_wildcard_admin",
    "nothing_retained",
];

#[test]
fn every_static_check_is_a_live_requirement_with_its_service_or_static_only() {
    let live = &*crate::hipaa::CHECKS;
    for check in CHECKS {
        let id = check.info.id;
        match live.iter().find(|l| l.info.id == id) {
            Some(l) => {
                assert!(!STATIC_ONLY.contains(&id), "{id} is listed static-only but the live suite judges it");
                assert_eq!(check.info.service, l.info.service, "{id}: the static service differs from the live one");
            }
            None => assert!(STATIC_ONLY.contains(&id), "{id} is neither a live check's id nor listed static-only"),
        }
    }
}

/// The live suite's service modules in report order (as `suites/hipaa/mod.rs` lists them), with
/// cfn-lint and the deploy commands first and the static-only lifecycle last.
const FILE_ORDER: &[&str] = &[
    "lint",
    "deploy",
    "network",
    "security_groups",
    "kms",
    "logs",
    "rds",
    "efs",
    "elasticache",
    "ecs",
    "apigateway",
    "secrets",
    "iam",
    "naming",
    "lifecycle",
];

#[test]
fn checks_are_listed_in_the_live_suites_order() {
    let live = &*crate::hipaa::CHECKS;
    // WAF checks live in apigateway.rs, in both trees.
    fn file(service: &str) -> &str {
        if service == "waf" { "apigateway" } else { service }
    }
    let rank = |c: &Check<TemplateFacts>| {
        let at = FILE_ORDER.iter().position(|f| *f == file(c.info.service));
        let at = at.unwrap_or_else(|| panic!("{} has service {}, which has no file", c.info.id, c.info.service));
        // Within a file, shared requirements keep the live order and static-only ones come last.
        (at, live.iter().position(|l| l.info.id == c.info.id).unwrap_or(usize::MAX))
    };
    for pair in CHECKS.windows(2) {
        assert!(rank(&pair[0]) <= rank(&pair[1]), "{} is listed before {}", pair[0].info.id, pair[1].info.id);
    }
}

/// The shipped EFS policy with its first statement (the Deny) edited.
fn efs_deny_edited(edit: impl Fn(&mut Value)) -> impl Fn(&mut Value) {
    move |body: &mut Value| {
        edit(&mut body["Resources"]["EfsFileSystem"]["Properties"]["FileSystemPolicy"]["Statement"][0])
    }
}

/// The failing EFS policy finding after `edit`, with what it says was seen.
fn efs_policy_shortfall(edit: impl Fn(&mut Value)) -> Option<String> {
    let mut t = shipped();
    efs_deny_edited(edit)(&mut t.body);
    let outcome = efs::EFS_POLICY_DENIES_INSECURE_TRANSPORT.evaluate(&without_lint(t));
    outcome
        .findings
        .into_iter()
        .find(|f| {
            f.status == Status::Fail && f.resource == "EfsFileSystem" && f.property.starts_with("FileSystemPolicy")
        })
        .map(|f| f.actual)
}

#[test]
fn each_efs_policy_loophole_fails_on_the_shipped_template_and_is_named() {
    let loophole = |edit: &dyn Fn(&mut Value), gap: &str| {
        let why = efs_policy_shortfall(edit).unwrap_or_else(|| panic!("the loophole '{gap}' passed"));
        assert!(why.contains(gap), "{why} does not say {gap}");
    };
    loophole(&|s| s["Effect"] = json!("Allow"), "no Deny statement");
    loophole(&|s| s["Principal"] = json!({"AWS": {"Fn::GetAtt": ["TaskRole", "Arn"]}}), "Principal is not everyone");
    loophole(&|s| s["Action"] = json!("elasticfilesystem:ClientWrite"), "is not every elasticfilesystem action");
    loophole(&|s| s["Condition"]["Bool"]["aws:SecureTransport"] = json!("true"), "no Condition Bool");
    loophole(
        &|s| s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalArn": {"Fn::GetAtt": ["TaskRole", "Arn"]}}),
        "Condition also StringNotEquals aws:PrincipalArn",
    );
    loophole(
        &|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false"),
        "Condition also Bool aws:ViaAWSService",
    );
    loophole(
        &|s| s["Resource"] = json!({"Fn::GetAtt": ["EfsAccessPoint", "Arn"]}),
        "Resource does not cover EfsFileSystem",
    );
    loophole(
        &|s| {
            s.as_object_mut().map(|o| o.remove("Principal"));
            s["NotPrincipal"] = json!({"AWS": {"Fn::GetAtt": ["TaskRole", "Arn"]}});
        },
        "NotPrincipal exempts",
    );
    loophole(
        &|s| {
            s.as_object_mut().map(|o| o.remove("Action"));
            s["NotAction"] = json!("elasticfilesystem:ClientRootAccess");
        },
        "NotAction exempts elasticfilesystem actions",
    );
}

#[test]
fn the_efs_deny_covers_the_file_system_by_star_reference_or_no_resource() {
    for resource in [
        json!("*"),
        json!({"Fn::GetAtt": ["EfsFileSystem", "Arn"]}),
        json!({"Ref": "EfsFileSystem"}),
        json!(["x", {"Fn::GetAtt": ["EfsFileSystem", "Arn"]}]),
    ] {
        let shown = resource.to_string();
        let why = efs_policy_shortfall(move |s| s["Resource"] = resource.clone());
        assert_eq!(why, None, "Resource {shown} should cover the file system");
    }
    assert_eq!(efs_policy_shortfall(|s| s["Principal"] = json!("*")), None, "Principal * is everyone");
    assert_eq!(efs_policy_shortfall(|_| ()), None, "the shipped policy has no Resource: it covers its file system");
}

#[test]
fn the_efs_policy_judgement_reads_one_document_as_the_live_suite_gets_it() {
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    let status = |policy: Option<&Value>| Outcome::new(efs::efs_policy_findings_of("Fs", policy)).status;
    assert_eq!(status(Some(&deny)), Status::Pass);
    let mut narrow = deny.clone();
    narrow["Statement"][0]["Action"] = json!("elasticfilesystem:ClientMount");
    assert_eq!(status(Some(&narrow)), Status::Fail);
    let absent = efs::efs_policy_findings_of("Fs", None);
    assert!(absent.iter().any(|f| f.status == Status::Fail && f.actual == "no file-system policy"), "{absent:?}");
    assert_eq!(status(Some(&json!({}))), Status::Fail, "a policy without statements");
}

#[test]
fn data_stores_and_log_groups_need_the_stacks_own_key_not_any_key_of_the_stack() {
    let logs_key = json!({"Fn::GetAtt": ["LogsKey", "Arn"]});
    let data_key = json!({"Fn::GetAtt": ["DataKey", "Arn"]});
    let failures = failures_after(&rds::AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY, |body| {
        body["Resources"]["AuroraCluster"]["Properties"]["KmsKeyId"] = logs_key.clone();
    });
    assert!(failures.contains(&("AuroraCluster".into(), "KmsKeyId".into())), "{failures:?}");
    let failures = failures_after(&logs::LOG_GROUP_ENCRYPTED_WITH_STACK_KEY, |body| {
        body["Resources"]["WafLogGroup"]["Properties"]["KmsKeyId"] = data_key.clone();
    });
    assert!(failures.contains(&("WafLogGroup".into(), "KmsKeyId".into())), "{failures:?}");
    // Without the output there is no telling which key is the data key: a failure, not a pass.
    let failures = failures_after(&efs::EFS_ENCRYPTED_WITH_STACK_KEY, |body| {
        body["Outputs"].as_object_mut().expect("the template has outputs").remove("DataKeyArn");
    });
    assert!(failures.contains(&("EfsFileSystem".into(), "KmsKeyId".into())), "{failures:?}");
}

#[test]
fn a_method_override_cannot_loosen_the_stage() {
    let override_with = |extra: Value| {
        move |body: &mut Value| {
            let settings = &mut body["Resources"]["ApiStage"]["Properties"]["MethodSettings"];
            let mut setting = json!({"ResourcePath": "/~1records", "HttpMethod": "GET"});
            for (k, v) in extra.as_object().into_iter().flatten() {
                setting[k] = v.clone();
            }
            settings.as_array_mut().expect("MethodSettings is a list").push(setting);
        }
    };
    let stage = |r: &(String, String), property: &str| r.0 == "ApiStage" && r.1 == property;
    let failures =
        failures_after(&apigateway::API_STAGE_THROTTLED, override_with(json!({"ThrottlingRateLimit": 5000})));
    assert!(failures.iter().any(|f| stage(f, "MethodSettings[1].ThrottlingRateLimit")), "{failures:?}");
    let failures =
        failures_after(&apigateway::API_EXECUTION_LOGGING_ENABLED, override_with(json!({"LoggingLevel": "OFF"})));
    assert!(failures.iter().any(|f| stage(f, "MethodSettings[1].LoggingLevel")), "{failures:?}");
    let failures =
        failures_after(&apigateway::API_EXECUTION_LOGGING_ENABLED, override_with(json!({"DataTraceEnabled": true})));
    assert!(failures.iter().any(|f| stage(f, "MethodSettings[1].DataTraceEnabled")), "{failures:?}");
    let stricter = json!({"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20, "LoggingLevel": "ERROR"});
    let stricter_failures = failures_of(
        &[&apigateway::API_STAGE_THROTTLED, &apigateway::API_EXECUTION_LOGGING_ENABLED],
        override_with(stricter),
    );
    assert!(stricter_failures.is_empty(), "a stricter override must pass: {stricter_failures:?}");
}

#[test]
fn a_not_action_allow_on_every_resource_is_an_administrator_grant() {
    let failures = failures_after(&iam::IAM_NO_WILDCARD_ADMIN, |body| {
        body["Resources"]["TaskRolePolicy"]["Properties"]["PolicyDocument"]["Statement"][0] =
            json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"});
    });
    assert!(failures.contains(&("TaskRolePolicy".into(), "PolicyDocument.Statement[0]".into())), "{failures:?}");
}

#[test]
fn a_task_that_leaves_out_one_of_the_stacks_secrets_fails() {
    let failures = failures_after(&ecs::ECS_SECRETS_FROM_SECRETS_MANAGER, |body| {
        let secrets = &mut body["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Secrets"];
        secrets.as_array_mut().expect("Secrets is a list").retain(|x| !x.to_string().contains("ApiKeysSecretArn"));
    });
    assert!(failures.contains(&("TaskDefinition".into(), "ContainerDefinitions[].Secrets".into())), "{failures:?}");
}
