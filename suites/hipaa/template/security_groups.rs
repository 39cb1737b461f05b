//! Security groups: nothing the template creates admits the whole internet, by a range or by a
//! prefix list (resolved to the entries the template gives it).

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{Change, Mutation, TemplateFacts, items};
use crate::shared::network::is_open_world;

pub const INGRESS_OPEN_TO_WORLD: Mutation = Mutation {
    name: "ingress-open-to-world",
    resource: "LoadBalancerSecurityGroup",
    property: "SecurityGroupIngress",
    change: Change::Set(r#"[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "0.0.0.0/0"}]"#),
};

pub const APP_INGRESS_OPEN_TO_WORLD_IPV6: Mutation = Mutation {
    name: "app-ingress-open-to-world-ipv6",
    resource: "AppSecurityGroup",
    property: "SecurityGroupIngress",
    change: Change::Custom(app_admits_everyone_over_ipv6),
};

pub const APP_INGRESS_FROM_OPEN_PREFIX_LIST: Mutation = Mutation {
    name: "app-ingress-from-open-prefix-list",
    resource: "AppSecurityGroup",
    property: "SourcePrefixListId",
    change: Change::Custom(app_admits_an_open_prefix_list),
};

/// A rule on the app tier's group admitting `source`, beside its own.
fn app_admits(t: &mut Template, source: (&str, Value)) {
    let Some(group) = t.resource_mut("AppSecurityGroup") else { panic!("the template has no AppSecurityGroup") };
    let mut rule = json!({"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080});
    rule[source.0] = source.1;
    match group["Properties"]["SecurityGroupIngress"].as_array_mut() {
        Some(rules) => rules.push(rule),
        None => panic!("AppSecurityGroup has no SecurityGroupIngress list"),
    }
}

fn app_admits_everyone_over_ipv6(t: &mut Template) {
    app_admits(t, ("CidrIpv6", json!("::/0")));
}

/// A prefix list holding 0.0.0.0/0, admitted by the app tier's group.
fn app_admits_an_open_prefix_list(t: &mut Template) {
    t.body["Resources"]["OpenPrefixList"] = json!({
        "Type": "AWS::EC2::PrefixList",
        "Properties": {
            "PrefixListName": {"Fn::Sub": "open-${EnvironmentSuffix}"},
            "AddressFamily": "IPv4",
            "MaxEntries": 1,
            "Entries": [{"Cidr": "0.0.0.0/0"}],
        },
    });
    app_admits(t, ("SourcePrefixListId", json!({"Fn::GetAtt": ["OpenPrefixList", "PrefixListId"]})));
}

/// Every group of the template is judged: the stack's groups are all of its private tier (the
/// load balancer is internal, behind the VPC link), as the live check's list of five says.
pub const NO_OPEN_INGRESS_ON_PRIVATE_TIER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "No security group of the template admits 0.0.0.0/0 or ::/0, by a range or a prefix list",
        remediation: "template.yml: SecurityGroupIngress of every AWS::EC2::SecurityGroup (LoadBalancerSecurityGroup, AppSecurityGroup, DatabaseSecurityGroup, CacheSecurityGroup, EfsSecurityGroup) and every AWS::EC2::SecurityGroupIngress: CidrIp/CidrIpv6 must be the VPC CIDR or a source security group, never /0; a SourcePrefixListId must name an AWS::EC2::PrefixList of the template without a /0 entry.",
        ..crate::hipaa::security_groups::NO_OPEN_INGRESS_ON_PRIVATE_TIER.info
    },
    claims: &[
        Claim {
            property: "SecurityGroupIngress",
            about: "No rule of any AWS::EC2::SecurityGroup (or AWS::EC2::SecurityGroupIngress: CidrIp, CidrIpv6) admits 0.0.0.0/0 or ::/0, written or as a parameter's default",
            mutants: &[&INGRESS_OPEN_TO_WORLD, &APP_INGRESS_OPEN_TO_WORLD_IPV6],
            not_emulated: None,
        },
        Claim {
            property: "SourcePrefixListId",
            about: "Every prefix list a rule admits is an AWS::EC2::PrefixList of the template, none of whose entries is 0.0.0.0/0 or ::/0 (a list the template cannot show is not verified)",
            mutants: &[&APP_INGRESS_FROM_OPEN_PREFIX_LIST],
            not_emulated: None,
        },
    ],
    run: no_open_ingress_on_private_tier,
};

fn no_open_ingress_on_private_tier(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let expected = "no rule from 0.0.0.0/0 or ::/0";
    let mut findings = per_resource(t, "AWS::EC2::SecurityGroup", "SecurityGroupIngress", |g| {
        let rules = items(g.prop("SecurityGroupIngress"));
        let open =
            rules.iter().any(|rule| open_to_world(t, rule.get("CidrIp")) || open_to_world(t, rule.get("CidrIpv6")));
        let mut out = vec![judge(g, "SecurityGroupIngress", !open, expected)];
        let lists: Vec<&Value> = rules.iter().filter_map(|r| r.get("SourcePrefixListId")).collect();
        if !lists.is_empty() {
            out.push(prefix_lists(t, g, &lists));
        }
        out
    });
    for rule in t.resources_of("AWS::EC2::SecurityGroupIngress") {
        for property in ["CidrIp", "CidrIpv6"] {
            findings.push(judge(&rule, property, !open_to_world(t, rule.prop(property)), expected));
        }
        if let Some(list) = rule.prop("SourcePrefixListId") {
            findings.push(prefix_lists(t, &rule, &[list]));
        }
    }
    findings
}

/// One finding on the prefix lists `r`'s rules admit: each a list of the template with no /0 entry.
fn prefix_lists(t: &Template, r: &Resource, lists: &[&Value]) -> Finding {
    let open: Vec<String> = lists
        .iter()
        .filter(|v| match list_entries(t, v) {
            Some(entries) => entries.iter().any(|c| is_open_world(c)),
            None => true,
        })
        .map(|v| stackproof_harness::source::template::show(Some(v)))
        .collect();
    let actual = if open.is_empty() { "none".to_owned() } else { open.join(", ") };
    Finding::judge(
        r.id,
        "SourcePrefixListId",
        open.is_empty(),
        "prefix lists of this template without a 0.0.0.0/0 or ::/0 entry",
        actual,
        &lists,
    )
}

/// The CIDRs of the AWS::EC2::PrefixList a value names (`!Ref`, `!GetAtt X.PrefixListId`), when
/// the template gives them literally; None when it cannot show them.
fn list_entries<'t>(t: &'t Template, v: &Value) -> Option<Vec<&'t str>> {
    let id = reference(v)?;
    let list = t.resource(id).filter(|r| r.kind == "AWS::EC2::PrefixList")?;
    items(list.prop("Entries")).into_iter().map(|e| e.get("Cidr").and_then(Value::as_str)).collect()
}

/// A /0 CIDR, written in the template or as the default of the parameter it refers to.
fn open_to_world(t: &Template, v: Option<&Value>) -> bool {
    let literal = v.and_then(|v| match reference(v) {
        Some(parameter) => t.body.get("Parameters")?.get(parameter)?.get("Default"),
        None => Some(v),
    });
    literal.and_then(Value::as_str).is_some_and(is_open_world)
}
