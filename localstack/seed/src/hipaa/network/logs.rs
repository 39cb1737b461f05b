//! The log groups, all under the stack's logs key (the audit group kept a year, the others 90
//! days), and the VPC's flow log into its group.

use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, ResourceType, TrafficType};
use stackproof::hipaa::mutants as m;
use stackproof_harness::deployment::Suffix;

use super::keys;
use crate::hipaa::tags::{self, tagged};
use crate::hipaa::{Mutants, names};
use crate::{SeedError, Seeder, step};

/// The key a log group is created under.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum GroupKey {
    /// The stack's logs key.
    Stack,
    /// A new key that is not the stack's.
    Foreign,
    /// None: CloudWatch Logs' own encryption.
    Unencrypted,
}

/// A log group as the template declares it, with the mutants made at creation.
pub struct LogGroupSpec {
    /// Its logical id in the template, which CloudFormation tags it with.
    pub logical_id: &'static str,
    pub name: String,
    /// Its Name tag: the template names only the audit group.
    pub name_tag: Option<String>,
    pub key: GroupKey,
    pub retention_days: i32,
}

/// The stack's log groups made with the network: the four the outputs name, and those no output
/// names (Aurora's four, WAF's; the API execution group is made with the API, whose id it
/// carries), with any unlisted group a mutant adds.
pub struct LogGroupsSpec {
    pub audit: LogGroupSpec,
    pub ecs: LogGroupSpec,
    pub api_access: LogGroupSpec,
    pub flow: LogGroupSpec,
    pub unlisted: Vec<LogGroupSpec>,
}

impl LogGroupSpec {
    fn new(logical_id: &'static str, name: String, retention_days: i32) -> Self {
        Self { logical_id, name, name_tag: None, key: GroupKey::Stack, retention_days }
    }

    /// The API stage's execution log group (ApiExecutionLogGroup), named by the API's id.
    pub fn api_execution(rest_api: &str, suffix: &Suffix) -> Self {
        Self::new("ApiExecutionLogGroup", format!("API-Gateway-Execution-Logs_{rest_api}/api-stage-{suffix}"), 90)
    }
}

impl LogGroupsSpec {
    pub fn new(suffix: &Suffix, mutants: &Mutants) -> Self {
        let group = |logical_id, name: String| LogGroupSpec::new(logical_id, name, 90);
        let ecs =
            if mutants.has(&m::NAME_WITHOUT_SUFFIX) { "/hipaa/ecs".to_owned() } else { format!("/hipaa/ecs-{suffix}") };
        let flow = if mutants.has(&m::NAME_SUFFIX_GLUED) {
            format!("/hipaa/vpc-flow-logs{suffix}")
        } else {
            format!("/hipaa/vpc-flow-logs-{suffix}")
        };
        let aurora = |kind: &str| format!("/aws/rds/cluster/{}/{kind}", names::aurora_cluster(suffix));
        let mut unlisted = vec![
            LogGroupSpec::new("AuroraAuditLogGroup", aurora("audit"), 2192),
            LogGroupSpec::new("AuroraErrorLogGroup", aurora("error"), 90),
            LogGroupSpec::new("AuroraGeneralLogGroup", aurora("general"), 365),
            LogGroupSpec::new("AuroraSlowQueryLogGroup", aurora("slowquery"), 90),
            LogGroupSpec::new("WafLogGroup", format!("aws-waf-logs-hipaa-{suffix}"), 365),
        ];
        if mutants.has(&m::UNLISTED_LOG_GROUP_UNENCRYPTED) {
            let logical_id = m::UNLISTED_LOG_GROUP_UNENCRYPTED.unlisted().unwrap_or("UnlistedLogGroup");
            unlisted.push(LogGroupSpec {
                key: GroupKey::Unencrypted,
                ..LogGroupSpec::new(logical_id, format!("/hipaa/unlisted-{suffix}"), 90)
            });
        }
        Self {
            audit: LogGroupSpec {
                logical_id: "AuditLogGroup",
                name: names::audit_log_group(suffix),
                name_tag: Some(format!("audit-log-group-{suffix}")),
                // Made at creation: AssociateKmsKey is not emulated.
                key: if mutants.has(&m::LOG_GROUP_FOREIGN_KEY) { GroupKey::Foreign } else { GroupKey::Stack },
                retention_days: 365,
            },
            ecs: group("EcsLogGroup", ecs),
            api_access: group("ApiAccessLogGroup", format!("/hipaa/api-access-{suffix}")),
            flow: LogGroupSpec {
                key: if mutants.has(&m::FLOW_LOG_GROUP_UNENCRYPTED) { GroupKey::Unencrypted } else { GroupKey::Stack },
                retention_days: if mutants.has(&m::FLOW_LOG_RETENTION_30) { 30 } else { 90 },
                ..group("FlowLogGroup", flow)
            },
            unlisted,
        }
    }

    /// The outputs' four in the template's order, then the others.
    pub fn all(&self) -> impl Iterator<Item = &LogGroupSpec> {
        [&self.audit, &self.ecs, &self.api_access, &self.flow].into_iter().chain(&self.unlisted)
    }
}

/// Creates the group under `logs_key` (or a foreign key) and sets its retention.
pub async fn create_group(s: &Seeder, spec: &LogGroupSpec, logs_key: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let key = match spec.key {
        GroupKey::Stack => Some(logs_key.to_owned()),
        GroupKey::Foreign => Some(keys::create_foreign(&s.kms, suffix).await?),
        GroupKey::Unencrypted => None,
    };
    let mut tags = match &spec.name_tag {
        Some(name) => tags::map(name, suffix),
        None => [(tags::SUFFIX.to_owned(), suffix.as_str().to_owned())].into(),
    };
    let stack = names::stack(suffix);
    tags.extend(tags::cloudformation(spec.logical_id, &stack).map(|(k, v)| (k.to_owned(), v.to_owned())));
    s.logs
        .create_log_group()
        .log_group_name(&spec.name)
        .set_kms_key_id(key)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(step("CreateLogGroup"))?;
    s.logs
        .put_retention_policy()
        .log_group_name(&spec.name)
        .retention_in_days(spec.retention_days)
        .send()
        .await
        .map_err(step("PutRetentionPolicy"))?;
    Ok(())
}

/// The VPC flow log: all traffic, into its log group, through a role of its own.
pub struct FlowLogSpec {
    pub name: String,
    pub role: String,
    pub group: String,
    pub traffic: TrafficType,
}

impl FlowLogSpec {
    pub fn new(suffix: &Suffix, groups: &LogGroupsSpec, mutants: &Mutants) -> Self {
        let group = if mutants.has(&m::FLOW_LOG_TO_OTHER_GROUP) {
            format!("/hipaa/other-flow-logs-{suffix}")
        } else {
            groups.flow.name.clone()
        };
        let traffic = if mutants.has(&m::FLOW_LOG_REJECT_ONLY) { TrafficType::Reject } else { TrafficType::All };
        Self { name: format!("vpc-flow-log-{suffix}"), role: format!("vpc-flow-logs-role-{suffix}"), group, traffic }
    }
}

const FLOW_LOGS_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Creates the role and the flow log of `vpc`; returns the flow log ids.
pub async fn create_flow_log(
    s: &Seeder,
    vpc: &str,
    spec: &FlowLogSpec,
    suffix: &Suffix,
) -> Result<Vec<String>, SeedError> {
    let role = s
        .iam
        .create_role()
        .role_name(&spec.role)
        .assume_role_policy_document(FLOW_LOGS_TRUST)
        .send()
        .await
        .map_err(step("CreateRole"))?
        .role
        .map(|r| r.arn)
        .unwrap_or_default();
    Ok(s.ec2
        .create_flow_logs()
        .resource_ids(vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(spec.traffic.clone())
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name(&spec.group)
        .deliver_logs_permission_arn(role)
        .tag_specifications(tagged(ResourceType::VpcFlowLog, &spec.name, suffix))
        .send()
        .await
        .map_err(step("CreateFlowLogs"))?
        .flow_log_ids
        .unwrap_or_default())
}

// Drift on the deployed logs.

pub async fn delete_retention(logs: &aws_sdk_cloudwatchlogs::Client, group: &str) -> Result<(), SeedError> {
    logs.delete_retention_policy().log_group_name(group).send().await.map_err(step("DeleteRetentionPolicy"))?;
    Ok(())
}

pub async fn delete_flow_logs(ec2: &aws_sdk_ec2::Client, ids: &[String]) -> Result<(), SeedError> {
    ec2.delete_flow_logs().set_flow_log_ids(Some(ids.to_vec())).send().await.map_err(step("DeleteFlowLogs"))?;
    Ok(())
}
