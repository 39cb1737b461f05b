//! WAF: the web ACL of the API stage (a per-IP rate limit and AWS managed rule groups) and its
//! association with the stage.

use aws_sdk_wafv2::Client as Waf;
use aws_sdk_wafv2::primitives::Blob;
use aws_sdk_wafv2::types::{
    AllowAction, BlockAction, ByteMatchStatement, CountAction, DefaultAction, FieldToMatch, ManagedRuleGroupStatement,
    NoneAction, OverrideAction, PositionalConstraint, RateBasedStatement, RateBasedStatementAggregateKeyType, Rule,
    RuleAction, RuleActionOverride, Scope, SingleHeader, Statement, TextTransformation, TextTransformationType,
    VisibilityConfig,
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
/// Requests per IP per 5 minutes (template.yml RateLimitPerIp).
const RATE_LIMIT: i64 = 2000;

/// One managed group as the web ACL applies it.
pub struct ManagedGroup {
    pub name: &'static str,
    pub metric: &'static str,
    /// OverrideAction Count instead of None: the group only counts.
    pub count_only: bool,
    /// Rules of the group overridden to Count.
    pub rules_to_count: Vec<&'static str>,
}

/// The web ACL as the template declares it, with the mutants made at creation.
pub struct WebAclSpec {
    pub name: String,
    /// Requests per IP per 5 minutes; None: no rate-based rule.
    pub rate_limit: Option<i64>,
    /// The rate-based rule counts instead of blocking.
    pub rate_count_only: bool,
    pub managed: Vec<ManagedGroup>,
    /// A rule allowing requests with a header, first of all rules.
    pub allow_first: bool,
}

impl WebAclSpec {
    pub fn new(suffix: &Suffix, mutants: &Mutants) -> Self {
        let managed = MANAGED_RULE_GROUPS
            .into_iter()
            .filter(|(group, _)| !(mutants.has(&m::WAF_MANAGED_GROUP_REMOVED) && group.contains("KnownBadInputs")))
            .map(|(name, metric)| ManagedGroup {
                name,
                metric,
                count_only: mutants.has(&m::WAF_MANAGED_GROUP_COUNT_ONLY) && name.contains("SQLi"),
                rules_to_count: if mutants.has(&m::WAF_MANAGED_RULE_OVERRIDDEN_TO_COUNT) && name.contains("Common") {
                    vec!["CrossSiteScripting_BODY"]
                } else {
                    Vec::new()
                },
            })
            .collect();
        Self {
            name: format!("waf-web-acl-{suffix}"),
            rate_limit: if mutants.has(&m::WAF_NO_RATE_LIMIT) {
                None
            } else if mutants.has(&m::WAF_RATE_LIMIT_RAISED) {
                Some(RATE_LIMIT * 10)
            } else {
                Some(RATE_LIMIT)
            },
            rate_count_only: mutants.has(&m::WAF_RATE_RULE_COUNT_ONLY),
            managed,
            allow_first: mutants.has(&m::WAF_ALLOW_RULE_FIRST),
        }
    }

    /// The template's web ACL under another name: another ACL, as well configured.
    pub fn other(suffix: &Suffix) -> Self {
        Self { name: format!("waf-web-acl-other-{suffix}"), ..Self::new(suffix, &Mutants::default()) }
    }
}

/// Creates the web ACL; returns its ARN.
pub async fn create(waf: &Waf, spec: &WebAclSpec, suffix: &Suffix) -> Result<String, SeedError> {
    // Each rule's priority is its place: the first is evaluated first.
    let mut rules = Vec::new();
    if spec.allow_first {
        rules.push(allow_internal_rule(0, suffix)?);
    }
    if let Some(limit) = spec.rate_limit {
        rules.push(rate_limit_rule(rules.len() as i32, limit, spec.rate_count_only, suffix)?);
    }
    for group in &spec.managed {
        rules.push(managed_rule(rules.len() as i32, group, suffix)?);
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

fn block() -> RuleAction {
    RuleAction::builder().block(BlockAction::builder().build()).build()
}

fn count() -> RuleAction {
    RuleAction::builder().count(CountAction::builder().build()).build()
}

/// Blocks (or only counts) an IP over `limit` requests.
fn rate_limit_rule(priority: i32, limit: i64, count_only: bool, suffix: &Suffix) -> Result<Rule, SeedError> {
    let rate = RateBasedStatement::builder()
        .limit(limit)
        .aggregate_key_type(RateBasedStatementAggregateKeyType::Ip)
        .build()
        .map_err(step("RateBasedStatement"))?;
    Rule::builder()
        .name("RateLimitPerIp")
        .priority(priority)
        .action(if count_only { count() } else { block() })
        .statement(Statement::builder().rate_based_statement(rate).build())
        .visibility_config(visibility(format!("rate-limit-{suffix}"))?)
        .build()
        .map_err(step("Rule"))
}

/// AWS's managed rule group, its own actions kept unless the spec overrides them.
fn managed_rule(priority: i32, group: &ManagedGroup, suffix: &Suffix) -> Result<Rule, SeedError> {
    let overrides = group
        .rules_to_count
        .iter()
        .map(|rule| RuleActionOverride::builder().name(*rule).action_to_use(count()).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(step("RuleActionOverride"))?;
    let managed = ManagedRuleGroupStatement::builder()
        .vendor_name("AWS")
        .name(group.name)
        .set_rule_action_overrides((!overrides.is_empty()).then_some(overrides))
        .build()
        .map_err(step("ManagedRuleGroupStatement"))?;
    let mode = if group.count_only {
        OverrideAction::builder().count(CountAction::builder().build()).build()
    } else {
        OverrideAction::builder().none(NoneAction::builder().build()).build()
    };
    Rule::builder()
        .name(group.name)
        .priority(priority)
        .override_action(mode)
        .statement(Statement::builder().managed_rule_group_statement(managed).build())
        .visibility_config(visibility(format!("{}-{suffix}", group.metric))?)
        .build()
        .map_err(step("Rule"))
}

/// Allows any request carrying `x-internal-caller: yes`: nothing after it sees such requests.
fn allow_internal_rule(priority: i32, suffix: &Suffix) -> Result<Rule, SeedError> {
    let header = SingleHeader::builder().name("x-internal-caller").build().map_err(step("SingleHeader"))?;
    let unchanged = TextTransformation::builder()
        .priority(0)
        .r#type(TextTransformationType::None)
        .build()
        .map_err(step("TextTransformation"))?;
    let matches = ByteMatchStatement::builder()
        .search_string(Blob::new("yes"))
        .field_to_match(FieldToMatch::builder().single_header(header).build())
        .text_transformations(unchanged)
        .positional_constraint(PositionalConstraint::Exactly)
        .build()
        .map_err(step("ByteMatchStatement"))?;
    Rule::builder()
        .name("AllowInternalCallers")
        .priority(priority)
        .action(RuleAction::builder().allow(AllowAction::builder().build()).build())
        .statement(Statement::builder().byte_match_statement(matches).build())
        .visibility_config(visibility(format!("allow-internal-{suffix}"))?)
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

/// Another web ACL, as well configured as the stack's, guards `resource` in its place.
pub async fn associate_other(waf: &Waf, resource: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let other = create(waf, &WebAclSpec::other(suffix), suffix).await?;
    disassociate(waf, resource).await?;
    associate(waf, &other, resource).await
}
