//! v2's VPC flow logs (main.ts `flow_log_role`, `flow_log_policy`, and each side's
//! `<side>_flow_log_group` and `<side>_flow_log` in `network(...)`): every VPC's traffic, ALL of
//! it, to a log group of its own region under the region's key, kept 365 days, delivered as the
//! flow log role.
//!
//! moto keeps what CreateFlowLogs is sent, but given LogDestination (as the Terraform provider
//! sends main.ts's logDestination) it reads DeliverLogsStatus FAILED and no LogGroupName (mod.rs).

use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, ResourceType, TrafficType};
use serde_json::{Value, json};

use super::monitoring::{AUDIT_LOG_RETENTION_DAYS, GroupKey, LogGroupSpec, create_log_group};
use super::network::ec2_tags;
use super::{DR_REGION, Layout, PRIMARY_REGION, Side};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// How often records are aggregated, in seconds (main.ts maxAggregationInterval).
const MAX_AGGREGATION_SECONDS: i32 = 60;

/// The flow log role's inline policy: write to the layout's flow log groups of both regions.
pub(crate) fn role_policy(l: &Layout, account: &str) -> Vec<Value> {
    let groups =
        |region: &str| format!("arn:aws:logs:{region}:{account}:log-group:/healthcare-dr/{}/flow-logs/*", l.suffix);
    vec![json!({
        "Sid": "DeliverFlowLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        "Resource": [groups(PRIMARY_REGION), groups(DR_REGION)],
    })]
}

/// A side's flow log and its group as main.ts declares them.
pub(crate) struct FlowLogSpec {
    pub side: Side,
    pub vpc: String,
    pub group: LogGroupSpec,
    /// Whether the VPC has a flow log at all (its group is created either way).
    pub enabled: bool,
    pub traffic: TrafficType,
    /// The flow log role's ARN.
    pub role: String,
    /// The flow log's Name tag.
    pub name: String,
}

/// The side's flow log of `vpc`, into a group under `key` (the side's layout key), as `role`.
pub(crate) fn spec(l: &Layout, side: Side, vpc: &str, key: &str, role: &str) -> FlowLogSpec {
    let (primary, dr) = (side == Side::Primary, side == Side::Dr);
    let group = LogGroupSpec {
        side,
        name: l.names.flow_log_group(side),
        key: if primary && l.has(&m::PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED) {
            GroupKey::Unencrypted
        } else {
            GroupKey::Layout(key.to_owned())
        },
        retention: (!(dr && l.has(&m::DR_FLOW_LOG_GROUP_FOREVER))).then_some(AUDIT_LOG_RETENTION_DAYS),
        name_tag: None,
    };
    FlowLogSpec {
        side,
        vpc: vpc.to_owned(),
        group,
        enabled: !(dr && l.has(&m::DR_VPC_WITHOUT_FLOW_LOG)),
        traffic: if primary && l.has(&m::PRIMARY_FLOW_LOG_REJECT_ONLY) {
            TrafficType::Reject
        } else {
            TrafficType::All
        },
        role: role.to_owned(),
        name: l.names.flow_log(side),
    }
}

/// Creates the group, then the VPC's flow log into it (by the group's ARN, as main.ts's
/// logDestination), tagged with the default tags and its Name.
pub(crate) async fn create(l: &Layout, spec: &FlowLogSpec, account: &str) -> Result<(), SeedError> {
    create_log_group(l, &spec.group).await?;
    if !spec.enabled {
        return Ok(());
    }
    let region = spec.side.region();
    let destination = format!("arn:aws:logs:{region}:{account}:log-group:{}", spec.group.name);
    let created = l
        .at(spec.side)
        .ec2
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&spec.vpc)
        .traffic_type(spec.traffic.clone())
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_destination(destination)
        .deliver_logs_permission_arn(&spec.role)
        .max_aggregation_interval(MAX_AGGREGATION_SECONDS)
        .tag_specifications(ec2_tags(l, ResourceType::VpcFlowLog, &[("Name", &spec.name)]))
        .send()
        .await
        .map_err(step("CreateFlowLogs"))?;
    // CreateFlowLogs answers per resource: a refused VPC is in Unsuccessful, not an error.
    if let Some(refused) = created.unsuccessful().first() {
        let why = refused.error.as_ref().and_then(|e| e.message.clone()).unwrap_or_default();
        return Err(SeedError::Api { step: "CreateFlowLogs".into(), detail: format!("{} refused: {why}", spec.vpc) });
    }
    Ok(())
}
