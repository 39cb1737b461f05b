//! Static checks on the HIPAA stack's CloudFormation template, before anything is deployed.
//! Each check walks the template and emits one finding per resource, naming the logical id and
//! the property; each has a mutation that flips that property in the shipped template and must
//! make it fail.
//!
//! The tree is cut by service like the live suite (`suites/hipaa/<service>.rs`), and a static
//! check that judges a requirement the live suite also judges carries the live check's id and
//! service: `kms::kms_key_rotation_enabled` passing here and on the deployed stack is one
//! requirement proven before and after deploy. The live suite's thresholds (`MIN_TASKS`,
//! `MIN_RETENTION_DAYS`, the engine version, ...) are read from its modules, and "the stack's
//! own" key, log group, web ACL or file system is the resource the template outputs under the
//! key the live suite reads (`DataKeyArn`, `EcsLogGroupName`, ...). Checks with no live
//! counterpart keep an id that reads as the requirement.
//!
//! | old static id | id(s) now (service) |
//! | --- | --- |
//! | `cfn_lint_clean` | `cfn_lint_clean` (lint, static only) |
//! | `private_subnets_span_two_azs` | `private_subnets_span_two_azs` (network) |
//! | `vpc_flow_logs_enabled` | `vpc_flow_logs_enabled` (network) |
//! | `no_open_ingress` | `no_open_ingress_on_private_tier` (security_groups) |
//! | `kms_keys_rotate` | `kms_key_rotation_enabled` (kms) |
//! | (new) | `kms_key_enabled` (kms) |
//! | `log_groups_encrypted_with_stack_key` | `log_group_encrypted_with_stack_key` (logs) |
//! | `log_groups_retained` | `log_group_retention_set` (logs) |
//! | `aurora_encrypted_with_stack_key` | `aurora_storage_encrypted_with_stack_key` (rds) |
//! | `aurora_audit_logs_exported` | `aurora_audit_log_exported` (rds) |
//! | `aurora_requires_tls` | `aurora_tls_required` (rds) |
//! | `aurora_multi_az` | `aurora_instances_span_two_azs` (rds) |
//! | `aurora_engine_version_pinned` | `aurora_engine_version_pinned` (rds) |
//! | `efs_encrypted_with_stack_key` | `efs_encrypted_with_stack_key` (efs) |
//! | `efs_requires_tls` | `efs_policy_denies_insecure_transport` (efs) + `ecs_efs_volume_encrypted_in_transit` (ecs) |
//! | `redis_encrypted_at_rest_and_in_transit` | `elasticache_at_rest_encrypted_with_stack_key` + `elasticache_transit_encryption_required` (elasticache) |
//! | `redis_multi_az_with_failover` | `elasticache_multi_az_enabled` + `elasticache_automatic_failover_enabled` (elasticache) |
//! | `backups_enabled` | `aurora_backup_retention_and_pitr` (rds) + `efs_backup_policy_enabled` (efs) + `elasticache_snapshots_retained` (elasticache) |
//! | `data_stores_in_private_subnets` | `aurora_subnet_group_private_only` + `aurora_instances_not_public` (rds) + `efs_mount_targets_in_private_subnets` (efs) + `elasticache_subnet_group_private_only` (elasticache) |
//! | `ecs_tasks_private_without_public_ip` | `ecs_service_runs_on_fargate` + `ecs_tasks_no_public_ip` + `ecs_tasks_in_private_subnets` (ecs) |
//! | `ecs_secrets_from_secrets_manager` | `ecs_secrets_from_secrets_manager` (ecs) |
//! | `ecs_logs_to_encrypted_group` | `ecs_logs_to_stack_log_group` (ecs) |
//! | `ecs_autoscaling_two_to_ten_on_cpu` | `ecs_service_auto_scaling` (ecs) |
//! | `ecs_container_insights_on` | `ecs_container_insights_enabled` (ecs) |
//! | `api_stage_separate_from_deployment` | `api_stage_deployed` (apigateway) + `api_stage_separate_from_deployment` (apigateway, static only) |
//! | `api_stage_throttled_logged_traced` | `api_stage_throttled` + `api_access_logging_to_stack_log_group` + `api_xray_tracing_enabled` + `api_execution_logging_enabled` (apigateway) |
//! | `waf_rate_limit_and_managed_rules` (wafv2) | `waf_rate_limit_and_managed_rules` + `api_stage_protected_by_stack_web_acl` (waf) |
//! | `secrets_fetched_not_created` (secretsmanager) | `secrets_fetched_not_created` (secrets, static only) |
//! | (new, issue 14) | `secrets_encrypted_with_rotating_customer_key` (secrets) |
//! | `iam_no_wildcard_admin` | `iam_no_wildcard_admin` (iam, static only) |
//! | `names_carry_suffix` (cloudformation) | `resource_names_carry_suffix` (naming) |
//! | `nothing_retained` (cloudformation) | `nothing_retained` (lifecycle, static only) |

pub mod apigateway;
pub mod deploy;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod iam;
pub mod kms;
pub mod lifecycle;
pub mod lint;
pub mod logs;
pub mod naming;
pub mod network;
pub mod rds;
pub mod secrets;
pub mod security_groups;

use std::path::{Path, PathBuf};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, Facts, Finding};
use stackproof_harness::facts::Fact;
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::lint::{LintFinding, cfn_lint};
pub use stackproof_harness::source::template::placeholders;
use stackproof_harness::source::template::{Resource, Template, reference, show};
use stackproof_harness::suite::TemplateSuite;

pub const REGION: &str = "eu-central-1";

/// The template and what cfn-lint said of it, read once.
pub struct TemplateFacts {
    pub template: Template,
    pub lint: Fact<Vec<LintFinding>>,
}

/// Every static check, in the live suite's service order (network, security_groups, kms, logs,
/// rds, efs, elasticache, ecs, apigateway, secrets, iam, naming), after cfn-lint and the
/// deploy commands, and before the static-only lifecycle.
pub static CHECKS: &[Check<TemplateFacts>] = &[
    lint::CFN_LINT_CLEAN,
    deploy::TEMPLATE_DEPLOYABLE_AS_DOCUMENTED,
    network::PRIVATE_SUBNETS_SPAN_TWO_AZS,
    network::VPC_FLOW_LOGS_ENABLED,
    security_groups::NO_OPEN_INGRESS_ON_PRIVATE_TIER,
    kms::KMS_KEY_ENABLED,
    kms::KMS_KEY_ROTATION_ENABLED,
    logs::LOG_GROUP_ENCRYPTED_WITH_STACK_KEY,
    logs::LOG_GROUP_RETENTION_SET,
    rds::AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY,
    rds::AURORA_BACKUP_RETENTION_AND_PITR,
    rds::AURORA_INSTANCES_SPAN_TWO_AZS,
    rds::AURORA_INSTANCES_NOT_PUBLIC,
    rds::AURORA_SUBNET_GROUP_PRIVATE_ONLY,
    rds::AURORA_AUDIT_LOG_EXPORTED,
    rds::AURORA_TLS_REQUIRED,
    rds::AURORA_ENGINE_VERSION_PINNED,
    efs::EFS_ENCRYPTED_WITH_STACK_KEY,
    efs::EFS_BACKUP_POLICY_ENABLED,
    efs::EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS,
    efs::EFS_MOUNT_TARGETS_IN_EVERY_PRIVATE_AZ,
    efs::EFS_MOUNT_TARGETS_USE_STACK_SECURITY_GROUP,
    efs::EFS_POLICY_DENIES_INSECURE_TRANSPORT,
    efs::EFS_ACCESS_POINTS_PIN_USER_AND_DIRECTORY,
    elasticache::ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY,
    elasticache::ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED,
    elasticache::ELASTICACHE_MULTI_AZ_ENABLED,
    elasticache::ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED,
    elasticache::ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY,
    elasticache::ELASTICACHE_SECURITY_GROUP_IS_STACK_CACHE_GROUP,
    elasticache::ELASTICACHE_SNAPSHOTS_RETAINED,
    ecs::ECS_SERVICE_RUNS_ON_FARGATE,
    ecs::ECS_TASKS_NO_PUBLIC_IP,
    ecs::ECS_TASKS_IN_PRIVATE_SUBNETS,
    ecs::ECS_TASKS_USE_APP_SECURITY_GROUP,
    ecs::ECS_SECRETS_FROM_SECRETS_MANAGER,
    ecs::ECS_LOGS_TO_STACK_LOG_GROUP,
    ecs::ECS_SERVICE_AUTO_SCALING,
    ecs::ECS_CONTAINER_INSIGHTS_ENABLED,
    ecs::ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT,
    apigateway::API_STAGE_DEPLOYED,
    apigateway::API_STAGE_PROTECTED_BY_STACK_WEB_ACL,
    apigateway::WAF_RATE_LIMIT_AND_MANAGED_RULES,
    apigateway::API_STAGE_THROTTLED,
    apigateway::API_ACCESS_LOGGING_TO_STACK_LOG_GROUP,
    apigateway::API_XRAY_TRACING_ENABLED,
    apigateway::API_EXECUTION_LOGGING_ENABLED,
    apigateway::API_STAGE_SEPARATE_FROM_DEPLOYMENT,
    secrets::SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY,
    secrets::SECRETS_FETCHED_NOT_CREATED,
    iam::IAM_NO_WILDCARD_ADMIN,
    naming::RESOURCE_NAMES_CARRY_SUFFIX,
    lifecycle::NOTHING_RETAINED,
];

pub struct HipaaTemplate;

impl HipaaTemplate {
    /// The template at `path` with the commands the stack's documentation gives to deploy it.
    pub fn read(path: &Path) -> Result<Template, Error> {
        let mut template = Template::load(path)?;
        template.deployed_by = deploy::documented_deploys(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        Ok(template)
    }
}

impl TemplateSuite for HipaaTemplate {
    type Facts = TemplateFacts;

    fn name(&self) -> &'static str {
        "hipaa-template"
    }

    fn stack(&self) -> &'static str {
        "hipaa"
    }

    fn default_template(&self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stacks/hipaa/v1/template.yml")
    }

    fn checks(&self) -> &'static [Check<TemplateFacts>] {
        CHECKS
    }

    fn load(&self, path: &Path) -> Result<TemplateFacts, Error> {
        let template = HipaaTemplate::read(path)?;
        let lint = cfn_lint(path, REGION);
        Ok(TemplateFacts { template, lint })
    }
}

/// How a mutation breaks the shipped template for one check.
pub type Change = stackproof_harness::mutation::Change<Template>;

/// A named breakage of the template: the failing finding must name `resource` and `property`.
pub type Mutation = stackproof_harness::mutation::Mutation<Template>;

impl Facts for TemplateFacts {
    type Mutant = Mutation;
}

// Template-only helpers; the judgements every static suite makes (`judge`, `judge_value`,
// `missing`, `per_resource`, `nothing_of`) are imported from `kit::source` where used.

/// A finding naming the resource and property, with `actual` listing what was found (`none` if
/// nothing) rather than a property value.
pub fn judge_found(r: &Resource, property: &str, found: &[impl AsRef<str>], expected: impl ToString) -> Finding {
    let actual =
        if found.is_empty() { "none".into() } else { found.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ") };
    Finding::judge(r.id, property, !found.is_empty(), expected, actual, &r.prop(property))
}

/// One of the stack's own resources as the template declares it in its outputs: the resource
/// output `key` names (`DataKeyArn: !GetAtt DataKey.Arn`). The live suite reads the same output
/// from the deployed stack, so "the stack's data key" means one resource before and after
/// deploy. `id` is None when the template has no such output or it names no single resource.
pub struct Own<'t> {
    pub output: &'static str,
    pub id: Option<&'t str>,
}

impl<'t> Own<'t> {
    pub fn of(t: &'t Template, output: &'static str) -> Self {
        let value = t.body.get("Outputs").and_then(|o| o.get(output)).and_then(|o| o.get("Value"));
        let id = match value.map(targets).as_deref() {
            Some([id]) => t.resource(id).map(|r| r.id),
            _ => None,
        };
        Self { output, id }
    }

    /// True if the value names this resource and nothing else (`!GetAtt X.Arn`, `!Ref X`, or a
    /// `!Sub` ARN built from `${X}` and pseudo parameters).
    pub fn named_by(&self, v: Option<&Value>) -> bool {
        let Some(id) = self.id else { return false };
        let named = v.map(targets).unwrap_or_default();
        !named.is_empty() && named.iter().all(|n| *n == id)
    }

    /// What a finding expects: `DataKey (output DataKeyArn of this stack)`.
    pub fn expected(&self) -> String {
        match self.id {
            Some(id) => format!("{id} (output {} of this stack)", self.output),
            None => format!("the resource output {} names (the template has no such output)", self.output),
        }
    }
}

/// Logical ids a list property refers to (`SubnetIds: [!Ref A, !Ref B]`).
pub fn references(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(reference).collect(),
        Some(other) => reference(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The logical ids and parameter names a value names: `!Ref X`, `!GetAtt X.Attr`, the `${X}` and
/// `${X.Attr}` placeholders of `!Sub` (through its variable map), and the parts of `!Join`.
/// Pseudo parameters (`AWS::Region`) are left out.
pub fn targets(v: &Value) -> Vec<&str> {
    let mut found = match (reference(v), v.get("Fn::Sub"), v.pointer("/Fn::Join/1")) {
        (Some(id), _, _) => vec![id],
        (_, Some(sub), _) => sub_targets(sub),
        (_, _, Some(Value::Array(parts))) => parts.iter().flat_map(targets).collect(),
        _ => Vec::new(),
    };
    found.retain(|id| !id.starts_with("AWS::"));
    found
}

fn sub_targets(sub: &Value) -> Vec<&str> {
    let (text, vars) = match sub {
        Value::String(text) => (text.as_str(), None),
        Value::Array(parts) => (parts.first().and_then(Value::as_str).unwrap_or(""), parts.get(1)),
        _ => return Vec::new(),
    };
    placeholders(text)
        .into_iter()
        .flat_map(|name| match vars.and_then(|m| m.get(name)) {
            Some(bound) => targets(bound),
            None => vec![name],
        })
        .collect()
}

/// The text of a `!Sub` (short or list form).
pub fn sub_text(v: &Value) -> Option<&str> {
    match v.get("Fn::Sub")? {
        Value::String(text) => Some(text),
        Value::Array(parts) => parts.first()?.as_str(),
        _ => None,
    }
}

/// True if the value names a resource of `kind` the template itself creates.
pub fn refers_to(t: &Template, v: Option<&Value>, kind: &str) -> bool {
    v.is_some_and(|v| targets(v).iter().any(|id| t.resource(id).is_some_and(|r| r.kind == kind)))
}

/// A parameter through which the stack receives the ARN of an EXISTING Secrets Manager secret.
pub fn is_secret_parameter(t: &Template, name: &str) -> bool {
    let Some(parameter) = t.body.get("Parameters").and_then(|p| p.get(name)) else { return false };
    let pattern = parameter.get("AllowedPattern").and_then(Value::as_str).unwrap_or("");
    name.ends_with("SecretArn") || pattern.contains("secretsmanager")
}

/// A number as CloudFormation accepts it: `7` or `'7'`.
pub fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
}

/// The items of a list property; a single value counts as a list of one (IAM's `Action: '*'`).
pub fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

/// The zone a subnet or instance is pinned to, comparable across resources: `!Select [n, !GetAZs]`
/// becomes `GetAZs[n]`, a hard-coded zone stays itself; None if the zone is left to AWS.
pub fn zone_of(v: Option<&Value>) -> Option<String> {
    let v = v?;
    Some(az_index(v).map_or_else(|| show(Some(v)), |n| format!("GetAZs[{n}]")))
}

/// n of `!Select [n, !GetAZs ...]`; None for anything else, e.g. a hard-coded zone name.
pub fn az_index(v: &Value) -> Option<u64> {
    let [index, list] = v.get("Fn::Select")?.as_array()?.as_slice() else { return None };
    list.get("Fn::GetAZs")?;
    index.as_u64().or_else(|| index.as_str()?.parse().ok())
}

/// The template's private subnets: they do not map public IPs on launch, and every route table
/// they are associated with is one of the template's and has no route to an internet gateway.
/// An unassociated subnet uses the VPC's main route table, which the template cannot route out.
pub fn private_subnets(t: &Template) -> Vec<Resource<'_>> {
    t.resources_of("AWS::EC2::Subnet")
        .filter(|s| !is_true(s.prop("MapPublicIpOnLaunch")))
        .filter(|s| {
            t.resources_of("AWS::EC2::SubnetRouteTableAssociation")
                .filter(|a| a.prop("SubnetId").and_then(reference) == Some(s.id))
                .all(|a| a.prop("RouteTableId").and_then(reference).is_some_and(|rt| is_private_route_table(t, rt)))
        })
        .collect()
}

/// A route table of the template with no route through a gateway other than a VPN gateway (a
/// `GatewayId` route is how a table reaches an internet gateway).
fn is_private_route_table(t: &Template, table: &str) -> bool {
    t.resource(table).is_some_and(|r| r.kind == "AWS::EC2::RouteTable")
        && !t.resources_of("AWS::EC2::Route").any(|route| {
            route.prop("RouteTableId").and_then(reference) == Some(table)
                && route.prop("GatewayId").is_some_and(|g| !refers_to(t, Some(g), "AWS::EC2::VPNGateway"))
        })
}

/// True if every subnet the value lists is a private subnet of the template (and it lists one).
pub fn only_private_subnets(private: &[Resource], v: Option<&Value>) -> bool {
    let listed = references(v);
    !listed.is_empty() && listed.iter().all(|id| private.iter().any(|s| s.id == *id))
}

#[cfg(test)]
mod tests;
