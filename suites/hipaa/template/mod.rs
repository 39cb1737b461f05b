//! Static checks on the HIPAA stack's CloudFormation template, before anything is deployed.
//! Each check walks the template and emits one finding per resource, naming the logical id and
//! the property; each has a mutation that flips that property in the shipped template and must
//! make it fail.

pub mod api;
pub mod ecs;
pub mod encryption;
pub mod iam;
pub mod kms;
pub mod lifecycle;
pub mod lint;
pub mod logs;
pub mod network;
pub mod resilience;

use std::path::{Path, PathBuf};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, Facts, Finding};
use stackproof_harness::facts::Fact;
use stackproof_harness::kit;
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::lint::{LintFinding, cfn_lint};
use stackproof_harness::source::template::{Resource, Template, reference, show};
use stackproof_harness::suite::TemplateSuite;

pub const REGION: &str = "eu-central-1";

/// The template and what cfn-lint said of it, read once.
pub struct TemplateFacts {
    pub template: Template,
    pub lint: Fact<Vec<LintFinding>>,
}

/// Every static check, in report order.
pub static CHECKS: &[Check<TemplateFacts>] = &[
    lint::CFN_LINT_CLEAN,
    kms::KMS_KEYS_ROTATE,
    encryption::AURORA_ENCRYPTED_WITH_STACK_KEY,
    encryption::EFS_ENCRYPTED_WITH_STACK_KEY,
    encryption::REDIS_ENCRYPTED_AT_REST_AND_IN_TRANSIT,
    encryption::AURORA_REQUIRES_TLS,
    encryption::EFS_REQUIRES_TLS,
    logs::LOG_GROUPS_ENCRYPTED_WITH_STACK_KEY,
    logs::LOG_GROUPS_RETAINED,
    logs::AURORA_AUDIT_LOGS_EXPORTED,
    network::DATA_STORES_IN_PRIVATE_SUBNETS,
    network::ECS_TASKS_PRIVATE_WITHOUT_PUBLIC_IP,
    network::NO_OPEN_INGRESS,
    network::PRIVATE_SUBNETS_SPAN_TWO_AZS,
    network::VPC_FLOW_LOGS_ENABLED,
    resilience::AURORA_MULTI_AZ,
    resilience::REDIS_MULTI_AZ_WITH_FAILOVER,
    resilience::BACKUPS_ENABLED,
    resilience::AURORA_ENGINE_VERSION_PINNED,
    lifecycle::NOTHING_RETAINED,
    lifecycle::NAMES_CARRY_SUFFIX,
    lifecycle::SECRETS_FETCHED_NOT_CREATED,
    api::API_STAGE_SEPARATE_FROM_DEPLOYMENT,
    api::API_STAGE_THROTTLED_LOGGED_TRACED,
    api::WAF_RATE_LIMIT_AND_MANAGED_RULES,
    iam::IAM_NO_WILDCARD_ADMIN,
    ecs::ECS_SECRETS_FROM_SECRETS_MANAGER,
    ecs::ECS_LOGS_TO_ENCRYPTED_GROUP,
    ecs::ECS_AUTOSCALING_TWO_TO_TEN_ON_CPU,
    ecs::ECS_CONTAINER_INSIGHTS_ON,
];

pub struct HipaaTemplate;

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
        let template = Template::load(path)?;
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

// Shared helpers for the checks; the judgements every static suite makes are in `kit::source`.
pub use stackproof_harness::kit::source::{judge, judge_value, missing, per_resource};

/// A finding naming the resource and property, with `actual` listing what was found (`none` if
/// nothing) rather than a property value.
pub fn judge_found(r: &Resource, property: &str, found: &[impl AsRef<str>], expected: impl ToString) -> Finding {
    let actual =
        if found.is_empty() { "none".into() } else { found.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ") };
    Finding::judge(r.id, property, !found.is_empty(), expected, actual, &r.prop(property))
}

/// True if the value refers to a KMS key the template itself creates.
pub fn is_stack_key(t: &Template, v: Option<&Value>) -> bool {
    v.and_then(reference).and_then(|id| t.resource(id)).is_some_and(|r| r.kind == "AWS::KMS::Key")
}

/// Logical ids a list property refers to (`SubnetIds: [!Ref A, !Ref B]`).
pub fn references(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(reference).collect(),
        Some(other) => reference(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A failing finding for a requirement no resource of the template fulfils.
pub fn nothing_of(kind: &str, property: &str) -> Finding {
    kit::source::nothing_of::<Template>(kind, property)
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

/// The names of the `${X}` / `${X.Attr}` placeholders of a `!Sub` text (`${!X}` is literal text).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') {
            names.push(name.split('.').next().unwrap_or(name));
        }
        rest = &after[end + 1..];
    }
    names
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
