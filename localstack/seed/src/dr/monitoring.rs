//! Monitoring (main.ts "monitoring"): the alerts topic under the primary key, three alarms that
//! notify on alarm and on recovery, and the two log groups. The CPU and connections alarms watch
//! the primary cluster and notify the alerts topic; the replication lag alarm watches the primary
//! cluster in v1, and in v2 the DR cluster in the DR region (where AWS publishes
//! AuroraGlobalDBReplicationLag), notifying the DR region's alerts topic under the DR key (alarm
//! actions are same-region). The alarm mutants are a table: which alarm each breaks, and how.
//!
//! CloudWatch goes through the SDK's Query protocol: the workspace pins aws-sdk-cloudwatch 1.99,
//! as later releases speak only RPC v2 CBOR, which moto does not route.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};

use stackproof::dr::mutants as m;
use stackproof_harness::mutation::Mutant;

use super::core::Core;
use super::names::Names;
use super::{Layout, RPO_MS, Side};
use crate::{SeedError, step};

/// How long the operational log groups keep events, in days.
pub(crate) const LOG_RETENTION_DAYS: i32 = 30;
/// v2: how long the audit log groups (flow logs, the clusters' postgresql logs) keep events.
pub(crate) const AUDIT_LOG_RETENTION_DAYS: i32 = 365;

/// A topic as main.ts declares it.
pub(crate) struct TopicSpec {
    /// The region it is created in.
    pub side: Side,
    pub name: String,
    /// None leaves it unencrypted.
    pub key: Option<String>,
}

/// The alerts topic, in the primary region under the primary key.
pub(crate) fn topic(l: &Layout, core: &Core) -> TopicSpec {
    let key = if l.has(&m::ALERTS_TOPIC_UNENCRYPTED) {
        None
    } else if l.has(&m::ALERTS_TOPIC_AWS_MANAGED_KEY) {
        Some("alias/aws/sns".to_owned())
    } else {
        Some(core.primary_key.clone())
    };
    TopicSpec { side: Side::Primary, name: l.names.alerts_topic(), key }
}

/// v2: the DR region's alerts topic under the DR key, which the replication lag alarm notifies.
pub(crate) fn dr_topic(l: &Layout, core: &Core) -> Option<TopicSpec> {
    let key = (!l.has(&m::DR_ALERTS_TOPIC_UNENCRYPTED)).then(|| core.dr_key.clone());
    l.v2().then(|| TopicSpec { side: Side::Dr, name: l.names.dr_alerts_topic(), key })
}

/// Creates the topic in its region; returns its ARN.
pub(crate) async fn create_topic(l: &Layout, spec: &TopicSpec) -> Result<String, SeedError> {
    let mut topic = l.at(spec.side).sns.create_topic().name(&spec.name);
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
    /// The region it is put in; it notifies that region's alerts topic.
    pub side: Side,
    pub name: String,
    pub description: &'static str,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
    pub statistic: Stat,
    pub period: i32,
    pub evaluation_periods: i32,
    pub threshold: f64,
    pub comparison: ComparisonOperator,
    pub treat_missing_data: &'static str,
    pub alarm_actions: Notify,
    pub ok_actions: Notify,
    pub actions_enabled: bool,
}

/// What an alarm compares: a statistic, or a percentile (ExtendedStatistic).
pub(crate) enum Stat {
    Of(Statistic),
    Percentile(&'static str),
}

/// Whom an alarm notifies on a state change.
#[derive(Clone, Copy)]
pub(crate) enum Notify {
    Topic,
    Nobody,
    /// Another topic of the account: the alerts topic's ARN with `-other` appended.
    OtherTopic,
}

/// How a monitoring mutant changes the alarm it breaks.
type Break = fn(&mut Alarm, &Names);

/// The index of the alarm each monitoring mutant breaks (CPU, connections, lag) and the change.
const BREAKS: &[(&Mutant, usize, Break)] = &[
    (&m::CPU_ALARM_WRONG_METRIC, 0, |a, _| a.metric = "FreeableMemory"),
    (&m::CPU_ALARM_CUSTOM_NAMESPACE, 0, |a, _| a.namespace = "Healthcare/RDS"),
    (&m::CPU_ALARM_DR_CLUSTER, 0, |a, n| a.dimensions = vec![(CLUSTER_DIMENSION, n.cluster(Side::Dr))]),
    (&m::CPU_ALARM_MINIMUM, 0, |a, _| a.statistic = Stat::Of(Statistic::Minimum)),
    (&m::CPU_ALARM_HOURLY_PERIOD, 0, |a, _| a.period = 3600),
    (&m::CPU_ALARM_24_EVALUATION_PERIODS, 0, |a, _| a.evaluation_periods = 24),
    (&m::CPU_ALARM_THRESHOLD_95, 0, |a, _| a.threshold = 95.0),
    (&m::CPU_ALARM_LESS_THAN, 0, |a, _| a.comparison = ComparisonOperator::LessThanThreshold),
    (&m::CPU_ALARM_ACTIONS_DISABLED, 0, |a, _| a.actions_enabled = false),
    (&m::CONNECTIONS_ALARM_WRONG_METRIC, 1, |a, _| a.metric = "ActiveTransactions"),
    (&m::CONNECTIONS_ALARM_CUSTOM_NAMESPACE, 1, |a, _| a.namespace = "Healthcare/RDS"),
    (&m::CONNECTIONS_ALARM_OTHER_CLUSTER, 1, |a, _| {
        a.dimensions = vec![(CLUSTER_DIMENSION, "some-other-cluster".into())]
    }),
    (&m::CONNECTIONS_ALARM_PERCENTILE, 1, |a, _| a.statistic = Stat::Percentile("p10")),
    (&m::CONNECTIONS_ALARM_DAILY_PERIOD, 1, |a, _| a.period = 86400),
    (&m::CONNECTIONS_ALARM_12_EVALUATION_PERIODS, 1, |a, _| a.evaluation_periods = 12),
    (&m::CONNECTIONS_ALARM_THRESHOLD_1000, 1, |a, _| a.threshold = 1000.0),
    (&m::CONNECTIONS_ALARM_LESS_OR_EQUAL, 1, |a, _| a.comparison = ComparisonOperator::LessThanOrEqualToThreshold),
    (&m::CONNECTIONS_ALARM_NO_ACTION, 1, |a, _| a.alarm_actions = Notify::Nobody),
    (&m::LAG_ALARM_WRONG_METRIC, 2, |a, _| a.metric = "AuroraReplicaLag"),
    (&m::LAG_ALARM_CUSTOM_NAMESPACE, 2, |a, _| a.namespace = "Healthcare/RDS"),
    (&m::LAG_ALARM_EXTRA_DIMENSION, 2, |a, _| a.dimensions.push(("Role", "WRITER".into()))),
    (&m::LAG_ALARM_AVERAGE, 2, |a, _| a.statistic = Stat::Of(Statistic::Average)),
    (&m::LAG_ALARM_HOURLY_PERIOD, 2, |a, _| a.period = 3600),
    (&m::LAG_ALARM_60_EVALUATION_PERIODS, 2, |a, _| a.evaluation_periods = 60),
    (&m::LAG_ALARM_ABOVE_RPO, 2, |a, _| a.threshold = 4.0 * RPO_MS),
    (&m::LAG_ALARM_LESS_THAN, 2, |a, _| a.comparison = ComparisonOperator::LessThanThreshold),
    (&m::LAG_ALARM_OTHER_TOPIC, 2, |a, _| a.alarm_actions = Notify::OtherTopic),
    (&m::LAG_ALARM_NO_OK_ACTION, 2, |a, _| a.ok_actions = Notify::Nobody),
];

const CLUSTER_DIMENSION: &str = "DBClusterIdentifier";

/// An alarm on `cluster`, in the primary region, that notifies the topic on alarm and on recovery.
fn on_cluster(name: String, description: &'static str, metric: &'static str, cluster: &str) -> Alarm {
    Alarm {
        side: Side::Primary,
        name,
        description,
        namespace: "AWS/RDS",
        metric,
        dimensions: vec![(CLUSTER_DIMENSION, cluster.to_owned())],
        statistic: Stat::Of(Statistic::Average),
        period: 300,
        evaluation_periods: 2,
        threshold: 0.0,
        comparison: ComparisonOperator::GreaterThanThreshold,
        treat_missing_data: "missing",
        alarm_actions: Notify::Topic,
        ok_actions: Notify::Topic,
        actions_enabled: true,
    }
}

/// CPU and connections of the primary cluster, and global replication lag (the 15 minute RPO): of
/// the primary cluster in v1, of the DR cluster in the DR region in v2; with the mutants asked for.
pub(crate) fn alarms(l: &Layout, cluster: &str) -> [Alarm; 3] {
    let n = &l.names;
    let cpu = Alarm {
        threshold: 80.0,
        ..on_cluster(n.cpu_alarm(), "Aurora primary cluster CPU above 80%", "CPUUtilization", cluster)
    };
    let connections = Alarm {
        threshold: 100.0,
        ..on_cluster(
            n.connections_alarm(),
            "Aurora primary cluster connection count too high",
            "DatabaseConnections",
            cluster,
        )
    };
    let (lag_side, lag_cluster) =
        if l.v2() { (Side::Dr, n.cluster(Side::Dr)) } else { (Side::Primary, cluster.to_owned()) };
    let lag = Alarm {
        side: lag_side,
        statistic: Stat::Of(Statistic::Maximum),
        period: 60,
        evaluation_periods: 3,
        threshold: RPO_MS,
        treat_missing_data: "notBreaching",
        ..on_cluster(
            n.lag_alarm(),
            "Aurora global database replication lag above the 15 minute RPO",
            "AuroraGlobalDBReplicationLag",
            &lag_cluster,
        )
    };
    let mut alarms = [cpu, connections, lag];
    for (mutant, i, change) in BREAKS {
        if l.has(mutant) {
            change(&mut alarms[*i], n);
        }
    }
    alarms
}

fn actions(notify: Notify, topic: &str) -> Option<Vec<String>> {
    match notify {
        Notify::Topic => Some(vec![topic.to_owned()]),
        Notify::Nobody => None,
        Notify::OtherTopic => Some(vec![format!("{topic}-other")]),
    }
}

/// Puts the alarm in its region, notifying `topic` (of that region).
pub(crate) async fn put_alarm(l: &Layout, alarm: &Alarm, topic: &str) -> Result<(), SeedError> {
    let dimensions = alarm.dimensions.iter().map(|(k, v)| Dimension::builder().name(*k).value(v).build());
    let mut put = l
        .at(alarm.side)
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(&alarm.name)
        .alarm_description(alarm.description)
        .namespace(alarm.namespace)
        .metric_name(alarm.metric)
        .set_dimensions(Some(dimensions.collect()))
        .period(alarm.period)
        .evaluation_periods(alarm.evaluation_periods)
        .threshold(alarm.threshold)
        .comparison_operator(alarm.comparison.clone())
        .treat_missing_data(alarm.treat_missing_data)
        .set_alarm_actions(actions(alarm.alarm_actions, topic))
        .set_ok_actions(actions(alarm.ok_actions, topic))
        .actions_enabled(alarm.actions_enabled);
    put = match &alarm.statistic {
        Stat::Of(s) => put.statistic(s.clone()),
        Stat::Percentile(p) => put.extended_statistic(*p),
    };
    for (k, v) in l.tags(&[]) {
        put = put.tags(aws_sdk_cloudwatch::types::Tag::builder().key(k).value(v).build());
    }
    put.send().await.map_err(step("PutMetricAlarm"))?;
    Ok(())
}

/// The key a log group is created under.
pub(crate) enum GroupKey {
    /// The layout's key of the group's region (its ARN).
    Layout(String),
    /// A new customer key of the group's region that is not the layout's.
    Foreign,
    /// None: CloudWatch Logs' own encryption.
    Unencrypted,
}

/// A log group as main.ts declares it.
pub(crate) struct LogGroupSpec {
    /// The region it is created in.
    pub side: Side,
    pub name: String,
    pub key: GroupKey,
    /// How long it keeps events, in days; None keeps them forever.
    pub retention: Option<i32>,
    /// Its own Name tag, beside the default tags (only a mutant's unlisted group has one).
    pub name_tag: Option<&'static str>,
}

/// The application's log group and the failover function's. moto answers AssociateKmsKey with
/// HTTP 500, so the key mutants are made here, at creation.
pub(crate) fn log_groups(l: &Layout, core: &Core) -> Vec<LogGroupSpec> {
    let layout = || GroupKey::Layout(core.primary_key.clone());
    let app_name = if l.has(&m::APP_LOG_GROUP_SUFFIX_GLUED) {
        format!("/healthcare-dr/{}app", l.suffix)
    } else {
        l.names.app_log_group()
    };
    let mut groups = vec![
        kept_30_days(app_name, if l.has(&m::APP_LOG_GROUP_FOREIGN_KEY) { GroupKey::Foreign } else { layout() }),
        kept_30_days(
            l.names.failover_log_group(),
            if l.has(&m::FAILOVER_LOG_GROUP_UNENCRYPTED) { GroupKey::Unencrypted } else { layout() },
        ),
    ];
    // A group added to the layout without an output: the default tags mark it all the same.
    if l.has(&m::UNLISTED_LOG_GROUP_UNENCRYPTED) {
        groups.push(LogGroupSpec {
            name_tag: m::UNLISTED_LOG_GROUP_UNENCRYPTED.unlisted(),
            ..kept_30_days(format!("/healthcare-dr/{}/unlisted", l.suffix), GroupKey::Unencrypted)
        });
    }
    // Likewise in the DR region.
    if l.has(&m::UNLISTED_DR_LOG_GROUP_UNENCRYPTED) {
        groups.push(LogGroupSpec {
            side: Side::Dr,
            name_tag: m::UNLISTED_DR_LOG_GROUP_UNENCRYPTED.unlisted(),
            ..kept_30_days(format!("/healthcare-dr/{}/unlisted-dr", l.suffix), GroupKey::Unencrypted)
        });
    }
    groups
}

/// A primary-region group keeping events 30 days, as main.ts's operational groups do.
fn kept_30_days(name: String, key: GroupKey) -> LogGroupSpec {
    LogGroupSpec { side: Side::Primary, name, key, retention: Some(LOG_RETENTION_DAYS), name_tag: None }
}

/// Creates the log group in its region and sets its retention, if it has one.
pub(crate) async fn create_log_group(l: &Layout, spec: &LogGroupSpec) -> Result<(), SeedError> {
    let key = match &spec.key {
        GroupKey::Layout(arn) => Some(arn.clone()),
        GroupKey::Foreign => Some(foreign_key(l, spec.side).await?),
        GroupKey::Unencrypted => None,
    };
    let logs = &l.at(spec.side).logs;
    let mut create = logs.create_log_group().log_group_name(&spec.name).set_kms_key_id(key);
    let own: Vec<(&str, &str)> = spec.name_tag.iter().map(|n| ("Name", *n)).collect();
    for (k, v) in l.tags(&own) {
        create = create.tags(k, v);
    }
    create.send().await.map_err(step("CreateLogGroup"))?;
    match spec.retention {
        Some(days) => retention_in(l, spec.side, &spec.name, days).await,
        None => Ok(()),
    }
}

/// A customer key of the side's region that is not the layout's (no alias, no tags); its ARN.
async fn foreign_key(l: &Layout, side: Side) -> Result<String, SeedError> {
    let created = l.at(side).kms.create_key().description(format!("not the layout's key ({})", l.suffix));
    Ok(created.send().await.map_err(step("CreateKey"))?.key_metadata.and_then(|m| m.arn).unwrap_or_default())
}

/// PutRetentionPolicy on a primary-region group.
pub(crate) async fn retention(l: &Layout, group: &str, days: i32) -> Result<(), SeedError> {
    retention_in(l, Side::Primary, group, days).await
}

async fn retention_in(l: &Layout, side: Side, group: &str, days: i32) -> Result<(), SeedError> {
    let put = l.at(side).logs.put_retention_policy().log_group_name(group).retention_in_days(days);
    put.send().await.map_err(step("PutRetentionPolicy"))?;
    Ok(())
}

pub(crate) async fn delete_retention(l: &Layout, group: &str) -> Result<(), SeedError> {
    let delete = l.primary.logs.delete_retention_policy().log_group_name(group);
    delete.send().await.map_err(step("DeleteRetentionPolicy"))?;
    Ok(())
}
