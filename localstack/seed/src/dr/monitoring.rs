//! Monitoring (main.ts "monitoring"): the alerts topic under the primary key, three alarms on the
//! primary cluster that notify it on alarm and on recovery, and the two log groups.
//!
//! CloudWatch goes through the SDK's Query protocol: the workspace pins aws-sdk-cloudwatch 1.99,
//! as later releases speak only RPC v2 CBOR, which moto does not route.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};

use super::core::Core;
use super::{Layout, RPO_MS};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// How long the log groups keep events, in days.
pub(crate) const LOG_RETENTION_DAYS: i32 = 30;

/// The topic as main.ts declares it.
pub(crate) struct TopicSpec {
    pub name: String,
    /// None leaves it unencrypted.
    pub key: Option<String>,
}

pub(crate) fn topic(l: &Layout, core: &Core) -> TopicSpec {
    let key = (!l.has(&m::ALERTS_TOPIC_UNENCRYPTED)).then(|| core.primary_key.clone());
    TopicSpec { name: l.names.alerts_topic(), key }
}

/// Creates the topic; returns its ARN.
pub(crate) async fn create_topic(l: &Layout, spec: &TopicSpec) -> Result<String, SeedError> {
    let mut topic = l.primary.sns.create_topic().name(&spec.name);
    if let Some(key) = &spec.key {
        topic = topic.attributes("KmsMasterKeyId", key);
    }
    for (k, v) in l.tags(&[]) {
        topic = topic.tags(aws_sdk_sns::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    Ok(topic.send().await.map_err(step("CreateTopic"))?.topic_arn.unwrap_or_default())
}

/// One CloudWatch alarm on an RDS cluster, as main.ts declares it.
pub(crate) struct Alarm {
    pub name: String,
    pub description: &'static str,
    pub metric: &'static str,
    pub cluster: String,
    pub statistic: Statistic,
    pub period: i32,
    pub evaluation_periods: i32,
    pub threshold: f64,
    pub treat_missing_data: &'static str,
    /// Whether it notifies on alarm (it always notifies on recovery).
    pub alarm_actions: bool,
}

/// CPU, connections and global replication lag (the 15 minute RPO) of the primary cluster.
pub(crate) fn alarms(l: &Layout, cluster: &str) -> [Alarm; 3] {
    let connections_cluster = if l.has(&m::CONNECTIONS_ALARM_OTHER_CLUSTER) { "some-other-cluster" } else { cluster };
    let lag_metric =
        if l.has(&m::LAG_ALARM_WRONG_METRIC) { "AuroraReplicaLag" } else { "AuroraGlobalDBReplicationLag" };
    [
        Alarm {
            name: l.names.cpu_alarm(),
            description: "Aurora primary cluster CPU above 80%",
            metric: "CPUUtilization",
            cluster: cluster.to_owned(),
            statistic: Statistic::Average,
            period: 300,
            evaluation_periods: 2,
            threshold: if l.has(&m::CPU_ALARM_THRESHOLD_95) { 95.0 } else { 80.0 },
            treat_missing_data: "missing",
            alarm_actions: true,
        },
        Alarm {
            name: l.names.connections_alarm(),
            description: "Aurora primary cluster connection count too high",
            metric: "DatabaseConnections",
            cluster: connections_cluster.to_owned(),
            statistic: Statistic::Average,
            period: 300,
            evaluation_periods: 2,
            threshold: 100.0,
            treat_missing_data: "missing",
            alarm_actions: !l.has(&m::CONNECTIONS_ALARM_NO_ACTION),
        },
        Alarm {
            name: l.names.lag_alarm(),
            description: "Aurora global database replication lag above the 15 minute RPO",
            metric: lag_metric,
            cluster: cluster.to_owned(),
            statistic: Statistic::Maximum,
            period: 60,
            evaluation_periods: 3,
            threshold: RPO_MS,
            treat_missing_data: "notBreaching",
            alarm_actions: true,
        },
    ]
}

/// Puts the alarm, notifying `topic`.
pub(crate) async fn put_alarm(l: &Layout, alarm: &Alarm, topic: &str) -> Result<(), SeedError> {
    let mut put = l
        .primary
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(&alarm.name)
        .alarm_description(alarm.description)
        .namespace("AWS/RDS")
        .metric_name(alarm.metric)
        .dimensions(Dimension::builder().name("DBClusterIdentifier").value(&alarm.cluster).build())
        .statistic(alarm.statistic.clone())
        .period(alarm.period)
        .evaluation_periods(alarm.evaluation_periods)
        .threshold(alarm.threshold)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .treat_missing_data(alarm.treat_missing_data)
        .ok_actions(topic);
    if alarm.alarm_actions {
        put = put.alarm_actions(topic);
    }
    for (k, v) in l.tags(&[]) {
        put = put.tags(aws_sdk_cloudwatch::types::Tag::builder().key(k).value(v).build());
    }
    put.send().await.map_err(step("PutMetricAlarm"))?;
    Ok(())
}

/// The key a log group is created under.
pub(crate) enum GroupKey {
    /// The layout's key (the primary key's ARN).
    Layout(String),
    /// A new customer key of the primary region that is not the layout's.
    Foreign,
    /// None: CloudWatch Logs' own encryption.
    Unencrypted,
}

/// A log group as main.ts declares it.
pub(crate) struct LogGroupSpec {
    pub name: String,
    pub key: GroupKey,
}

/// The application's log group and the failover function's. moto answers AssociateKmsKey with
/// HTTP 500, so the key mutants are made here, at creation.
pub(crate) fn log_groups(l: &Layout, core: &Core) -> [LogGroupSpec; 2] {
    let layout = || GroupKey::Layout(core.primary_key.clone());
    let app_name = if l.has(&m::APP_LOG_GROUP_SUFFIX_GLUED) {
        format!("/healthcare-dr/{}app", l.suffix)
    } else {
        l.names.app_log_group()
    };
    [
        LogGroupSpec {
            name: app_name,
            key: if l.has(&m::APP_LOG_GROUP_FOREIGN_KEY) { GroupKey::Foreign } else { layout() },
        },
        LogGroupSpec {
            name: l.names.failover_log_group(),
            key: if l.has(&m::FAILOVER_LOG_GROUP_UNENCRYPTED) { GroupKey::Unencrypted } else { layout() },
        },
    ]
}

/// Creates the log group, keeping events 30 days.
pub(crate) async fn create_log_group(l: &Layout, spec: &LogGroupSpec) -> Result<(), SeedError> {
    let key = match &spec.key {
        GroupKey::Layout(arn) => Some(arn.clone()),
        GroupKey::Foreign => Some(foreign_key(l).await?),
        GroupKey::Unencrypted => None,
    };
    let mut create = l.primary.logs.create_log_group().log_group_name(&spec.name).set_kms_key_id(key);
    for (k, v) in l.tags(&[]) {
        create = create.tags(k, v);
    }
    create.send().await.map_err(step("CreateLogGroup"))?;
    retention(l, &spec.name, LOG_RETENTION_DAYS).await
}

/// A customer key of the primary region that is not the layout's (no alias, no tags); its ARN.
async fn foreign_key(l: &Layout) -> Result<String, SeedError> {
    let created = l.primary.kms.create_key().description(format!("not the layout's key ({})", l.suffix));
    Ok(created.send().await.map_err(step("CreateKey"))?.key_metadata.and_then(|m| m.arn).unwrap_or_default())
}

pub(crate) async fn retention(l: &Layout, group: &str, days: i32) -> Result<(), SeedError> {
    let put = l.primary.logs.put_retention_policy().log_group_name(group).retention_in_days(days);
    put.send().await.map_err(step("PutRetentionPolicy"))?;
    Ok(())
}

pub(crate) async fn delete_retention(l: &Layout, group: &str) -> Result<(), SeedError> {
    let delete = l.primary.logs.delete_retention_policy().log_group_name(group);
    delete.send().await.map_err(step("DeleteRetentionPolicy"))?;
    Ok(())
}
