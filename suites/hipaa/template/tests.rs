//! The shipped template passes every static check; each check fails on its mutation, naming the
//! logical id and the property it breaks, while the other checks still pass.

use stackproof_harness::check::Status;
use stackproof_harness::facts::FactError;
use stackproof_harness::mutation::disproofs;
use stackproof_harness::source::template::Template;

use super::*;

fn shipped() -> Template {
    Template::load(&HipaaTemplate.default_template()).expect("the shipped template parses")
}

/// Facts without cfn-lint, which has its own test below.
fn without_lint(template: Template) -> TemplateFacts {
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
    for m in CHECKS.iter().map(|c| c.mutant) {
        let claims = CHECKS.iter().filter(|c| c.mutant.name == m.name).count();
        assert_eq!(claims, 1, "mutation {} is claimed by {claims} checks", m.name);
    }
}

#[test]
fn cfn_lint_fails_on_an_unknown_property_naming_it() {
    let m = lint::CFN_LINT_CLEAN.mutant;
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

/// Runs one check on the shipped template after `edit`, returning its failing findings.
fn failures_after(check: &Check<TemplateFacts>, edit: impl Fn(&mut serde_json::Value)) -> Vec<(String, String)> {
    let mut t = shipped();
    edit(&mut t.body);
    let outcome = check.evaluate(&without_lint(t));
    outcome.findings.into_iter().filter(|f| f.status == Status::Fail).map(|f| (f.resource, f.property)).collect()
}

#[test]
fn a_subnet_routed_to_the_internet_gateway_is_not_private() {
    let failures = failures_after(&network::DATA_STORES_IN_PRIVATE_SUBNETS, |body| {
        let route = &mut body["Resources"]["PrivateDefaultRoute1"]["Properties"];
        route["GatewayId"] = serde_json::json!({"Ref": "InternetGateway"});
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
            serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]});
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
