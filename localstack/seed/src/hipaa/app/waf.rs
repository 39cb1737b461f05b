//! WAF: the web ACL of the API stage (a per-IP rate limit and AWS managed rule groups) and its
//! association with the stage.

use aws_sdk_wafv2::Client as Waf;
use aws_sdk_wafv2::types::{
    AllowAction, BlockAction, DefaultAction, ManagedRuleGroupStatement, NoneAction, OverrideAction, RateBasedStatement,
    RateBasedStatementAggregateKeyType, Rule, RuleAction, Scope, Statement, VisibilityConfig,
};
use stackproof::hipaa::mutants as m;
use stackproof_harness::deployment::Suffix;

use crate::hipaa::{Mutants, tags};
use crate::{SeedError, step};

/// The AWS managed rule groups, each with its metric's name, in priority order after the rate limit.
const MANAGED_RULE_GROUPS: [(&str, &str); 4] = [
    ("AWSManagedRulesAmazonIpReputationList", "ip-reputation"),
    ("AWSManagedRulesCommonRuleSet", "common-rule-set"),
    ("AWSManagedRulesKnownBadInputsRuleSet", "known-bad-inputs"),
    ("AWSManagedRulesSQLiRuleSet", "sqli-rule-set"),
];

/// The web ACL as the template declares it, with the mutants made at creation.
pub struct WebAclSpec {
    pub name: String,
    /// Requests per IP per 5 minutes; None: no rate-based rule.
    pub rate_limit: Option<i64>,
}

impl WebAclSpec {
    pub fn new(suffix: &Suffix, mutants: &Mutants) -> Self {
        Self {
            name: format!("waf-web-acl-{suffix}"),
            rate_limit: (!mutants.has(&m::WAF_NO_RATE_LIMIT)).then_some(2000),
        }
    }
}

/// Creates the web ACL; returns its ARN.
pub async fn create(waf: &Waf, spec: &WebAclSpec, suffix: &Suffix) -> Result<String, SeedError> {
    let mut rules = Vec::new();
    if let Some(limit) = spec.rate_limit {
        rules.push(rate_limit_rule(limit, suffix)?);
    }
    for (priority, (group, metric)) in (1..).zip(MANAGED_RULE_GROUPS) {
        rules.push(managed_rule(priority, group, metric, suffix)?);
    }
    Ok(waf
        .create_web_acl()
        .name(&spec.name)
        .description("Protects the patient records API stage")
        .scope(Scope::Regional)
        .default_action(DefaultAction::builder().allow(AllowAction::builder().build()).build())
        .visibility_config(visibility(spec.name.clone())?)
        .set_rules(Some(rules))
        .set_tags(Some(tags::wafv2(&spec.name, suffix)?))
        .send()
        .await
        .map_err(step("CreateWebACL"))?
        .summary
        .and_then(|s| s.arn)
        .unwrap_or_default())
}

fn visibility(metric: String) -> Result<VisibilityConfig, SeedError> {
    VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(true)
        .metric_name(metric)
        .build()
        .map_err(step("VisibilityConfig"))
}

/// Blocks an IP over `limit` requests, first of all rules.
fn rate_limit_rule(limit: i64, suffix: &Suffix) -> Result<Rule, SeedError> {
    let rate = RateBasedStatement::builder()
        .limit(limit)
        .aggregate_key_type(RateBasedStatementAggregateKeyType::Ip)
        .build()
        .map_err(step("RateBasedStatement"))?;
    Rule::builder()
        .name("RateLimitPerIp")
        .priority(0)
        .action(RuleAction::builder().block(BlockAction::builder().build()).build())
        .statement(Statement::builder().rate_based_statement(rate).build())
        .visibility_config(visibility(format!("rate-limit-{suffix}"))?)
        .build()
        .map_err(step("Rule"))
}

/// AWS's managed rule group `group`, its own actions kept.
fn managed_rule(priority: i32, group: &str, metric: &str, suffix: &Suffix) -> Result<Rule, SeedError> {
    let managed = ManagedRuleGroupStatement::builder()
        .vendor_name("AWS")
        .name(group)
        .build()
        .map_err(step("ManagedRuleGroupStatement"))?;
    Rule::builder()
        .name(group)
        .priority(priority)
        .override_action(OverrideAction::builder().none(NoneAction::builder().build()).build())
        .statement(Statement::builder().managed_rule_group_statement(managed).build())
        .visibility_config(visibility(format!("{metric}-{suffix}"))?)
        .build()
        .map_err(step("Rule"))
}

pub async fn associate(waf: &Waf, web_acl: &str, resource: &str) -> Result<(), SeedError> {
    waf.associate_web_acl()
        .web_acl_arn(web_acl)
        .resource_arn(resource)
        .send()
        .await
        .map_err(step("AssociateWebACL"))?;
    Ok(())
}

// Drift on the deployed web ACL.

pub async fn disassociate(waf: &Waf, resource: &str) -> Result<(), SeedError> {
    waf.disassociate_web_acl().resource_arn(resource).send().await.map_err(step("DisassociateWebACL"))?;
    Ok(())
}
