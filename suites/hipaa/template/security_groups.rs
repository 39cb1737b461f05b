//! Security groups: nothing the template creates admits the whole internet.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::template::{Template, reference};

use super::{Change, Mutation, TemplateFacts, items};

pub const INGRESS_OPEN_TO_WORLD: Mutation = Mutation {
    name: "ingress-open-to-world",
    resource: "LoadBalancerSecurityGroup",
    property: "SecurityGroupIngress",
    change: Change::Set(r#"[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "0.0.0.0/0"}]"#),
};

/// Every group of the template is judged: the stack's groups are all of its private tier (the
/// load balancer is internal, behind the VPC link), as the live check's list of five says.
pub const NO_OPEN_INGRESS_ON_PRIVATE_TIER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "No security group of the template admits 0.0.0.0/0 or ::/0",
        remediation: "template.yml: SecurityGroupIngress of every AWS::EC2::SecurityGroup (LoadBalancerSecurityGroup, AppSecurityGroup, DatabaseSecurityGroup, CacheSecurityGroup, EfsSecurityGroup) and every AWS::EC2::SecurityGroupIngress: CidrIp/CidrIpv6 must be the VPC CIDR or a source security group, never /0.",
        ..crate::hipaa::security_groups::NO_OPEN_INGRESS_ON_PRIVATE_TIER.info
    },
    claims: &[Claim {
        property: "SecurityGroupIngress",
        about: "No security group of the template admits 0.0.0.0/0 or ::/0",
        mutants: &[&INGRESS_OPEN_TO_WORLD],
        not_emulated: None,
    }],
    run: no_open_ingress_on_private_tier,
};

fn no_open_ingress_on_private_tier(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let expected = "no rule from 0.0.0.0/0 or ::/0";
    let mut findings = per_resource(t, "AWS::EC2::SecurityGroup", "SecurityGroupIngress", |g| {
        let rules = items(g.prop("SecurityGroupIngress"));
        let open =
            rules.iter().any(|rule| open_to_world(t, rule.get("CidrIp")) || open_to_world(t, rule.get("CidrIpv6")));
        vec![judge(g, "SecurityGroupIngress", !open, expected)]
    });
    for rule in t.resources_of("AWS::EC2::SecurityGroupIngress") {
        for property in ["CidrIp", "CidrIpv6"] {
            findings.push(judge(&rule, property, !open_to_world(t, rule.prop(property)), expected));
        }
    }
    findings
}

/// A /0 CIDR, written in the template or as the default of the parameter it refers to.
fn open_to_world(t: &Template, v: Option<&Value>) -> bool {
    let literal = v.and_then(|v| match reference(v) {
        Some(parameter) => t.body.get("Parameters")?.get(parameter)?.get("Default"),
        None => Some(v),
    });
    literal.and_then(Value::as_str).is_some_and(|cidr| cidr.trim().ends_with("/0"))
}
