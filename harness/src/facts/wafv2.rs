//! WAFv2: a web ACL's rules, and which web ACL guards a resource.

use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::types::Scope;
use serde::Serialize;

use super::{Fact, FactError, classify};

const NOT_FOUND: &[&str] = &["WAFNonexistentItemException"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RateBased {
    pub limit: i64,
    /// Seconds the limit counts over; AWS's default (and the answer of a WAF that predates the
    /// field) is 300.
    pub evaluation_window_sec: i64,
    pub aggregate_key_type: String,
}

/// A rule of a managed group whose action the web ACL overrides, and the action it gets.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleOverride {
    pub name: String,
    /// `Count`, `Allow`, `Block`, `Captcha`, `Challenge`, or None when none is given.
    pub action_to_use: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedRuleGroup {
    pub vendor_name: String,
    pub name: String,
    /// Rules of the group whose action is replaced (`RuleActionOverrides`).
    pub rule_action_overrides: Vec<RuleOverride>,
    /// Rules of the group set to count only (`ExcludedRules`, the older form of a Count override).
    pub excluded_rules: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    pub name: String,
    pub priority: i32,
    /// `Block`, `Allow`, `Count`, `Captcha` or `Challenge` for a rule's own statement.
    pub action: Option<String>,
    /// `None` or `Count` for a rule group reference.
    pub override_action: Option<String>,
    pub rate_based_statement: Option<RateBased>,
    pub managed_rule_group_statement: Option<ManagedRuleGroup>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAcl {
    pub name: String,
    pub id: String,
    pub arn: String,
    /// `Allow` or `Block`.
    pub default_action: Option<String>,
    pub rules: Vec<Rule>,
}

/// The name of a rule action (`Block`, `Allow`, `Count`, `Captcha`, `Challenge`).
fn action_name(a: &aws_sdk_wafv2::types::RuleAction) -> Option<String> {
    [
        (a.block.is_some(), "Block"),
        (a.allow.is_some(), "Allow"),
        (a.count.is_some(), "Count"),
        (a.captcha.is_some(), "Captcha"),
        (a.challenge.is_some(), "Challenge"),
    ]
    .into_iter()
    .find_map(|(set, name)| set.then(|| name.to_owned()))
}

fn managed_of(m: &aws_sdk_wafv2::types::ManagedRuleGroupStatement) -> ManagedRuleGroup {
    ManagedRuleGroup {
        vendor_name: m.vendor_name.clone(),
        name: m.name.clone(),
        rule_action_overrides: m
            .rule_action_overrides()
            .iter()
            .map(|o| RuleOverride {
                name: o.name.clone(),
                action_to_use: o.action_to_use.as_ref().and_then(action_name),
            })
            .collect(),
        excluded_rules: m.excluded_rules().iter().map(|e| e.name.clone()).collect(),
    }
}

fn web_acl_of(acl: aws_sdk_wafv2::types::WebAcl) -> WebAcl {
    let rules = acl
        .rules
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let action = r.action.as_ref().and_then(action_name);
            let override_action = r.override_action.as_ref().and_then(|o| {
                [(o.none.is_some(), "None"), (o.count.is_some(), "Count")]
                    .into_iter()
                    .find_map(|(set, name)| set.then(|| name.to_owned()))
            });
            let statement = r.statement;
            Rule {
                name: r.name,
                priority: r.priority,
                action,
                override_action,
                rate_based_statement: statement.as_ref().and_then(|s| s.rate_based_statement.as_ref()).map(|rb| {
                    RateBased {
                        limit: rb.limit,
                        evaluation_window_sec: if rb.evaluation_window_sec > 0 {
                            rb.evaluation_window_sec
                        } else {
                            300
                        },
                        aggregate_key_type: rb.aggregate_key_type.as_str().to_owned(),
                    }
                }),
                managed_rule_group_statement: statement
                    .as_ref()
                    .and_then(|s| s.managed_rule_group_statement.as_ref())
                    .map(managed_of),
            }
        })
        .collect();
    let default_action = acl.default_action.and_then(|d| {
        [(d.allow.is_some(), "Allow"), (d.block.is_some(), "Block")]
            .into_iter()
            .find_map(|(set, name)| set.then(|| name.to_owned()))
    });
    WebAcl { name: acl.name, id: acl.id, arn: acl.arn, default_action, rules }
}

/// Scope, name and id of a web ACL from its ARN
/// (`arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`).
pub fn parse_web_acl_arn(arn: &str) -> Option<(Scope, String, String)> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let mut parts = resource.split('/');
    let scope = match parts.next()? {
        "regional" => Scope::Regional,
        "global" => Scope::Cloudfront,
        _ => return None,
    };
    if parts.next()? != "webacl" {
        return None;
    }
    let name = parts.next()?.to_owned();
    let id = parts.next()?.to_owned();
    Some((scope, name, id))
}

/// GetWebACL for one web ACL by ARN.
pub async fn web_acl(waf: &Client, arn: &str) -> Fact<WebAcl> {
    let (scope, name, id) = parse_web_acl_arn(arn).ok_or_else(|| FactError::Api {
        operation: "GetWebACL".into(),
        detail: format!("{arn} is not a WAFv2 web ACL ARN"),
    })?;
    let out = waf
        .get_web_acl()
        .scope(scope)
        .name(name)
        .id(id)
        .send()
        .await
        .map_err(|e| classify("GetWebACL", &e, NOT_FOUND))?;
    out.web_acl.map(web_acl_of).ok_or_else(|| FactError::Absent { what: format!("web ACL {arn}") })
}

/// GetWebACLForResource: the web ACL guarding a resource (an API stage ARN), if any.
pub async fn web_acl_for_resource(waf: &Client, resource_arn: &str) -> Fact<Option<WebAcl>> {
    let out = waf
        .get_web_acl_for_resource()
        .resource_arn(resource_arn)
        .send()
        .await
        .map_err(|e| classify("GetWebACLForResource", &e, NOT_FOUND))?;
    Ok(out.web_acl.map(web_acl_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_acl_arns_name_scope_name_and_id() {
        let arn = "arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/waf-web-acl-x/fc21-5e05";
        let (scope, name, id) = parse_web_acl_arn(arn).unwrap();
        assert_eq!((scope, name.as_str(), id.as_str()), (Scope::Regional, "waf-web-acl-x", "fc21-5e05"));
        assert!(parse_web_acl_arn("arn:aws:wafv2:eu-central-1:123456789012:regional/ipset/a/b").is_none());
        assert!(parse_web_acl_arn("not an arn").is_none());
    }
}
