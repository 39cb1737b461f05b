//! The ops layer: monitoring, audit and the failover path (main.ts: "monitoring", "CloudTrail",
//! "failover Lambda" and "Route53"): the alerts topic (and in v2 the DR region's), three alarms,
//! two log groups, the trail and its bucket, the failover role, configuration parameter and
//! function, its subscription to the topic (and in v2 to the DR region's), and the health check on
//! the replication lag alarm. It composes the resource modules and records their outputs.

use stackproof::dr::outputs as o;

use super::core::Core;
use super::{Layout, Side, failover, health, iam, monitoring, trail};
use crate::SeedError;

/// Seeds monitoring, audit and failover; records their outputs.
pub(crate) async fn deploy(l: &mut Layout, core: &Core) -> Result<(), SeedError> {
    let topic = monitoring::create_topic(l, &monitoring::topic(l, core)).await?;
    let dr_topic = match monitoring::dr_topic(l, core) {
        Some(spec) => Some(monitoring::create_topic(l, &spec).await?),
        None => None,
    };
    let alarms = monitoring::alarms(l, &core.primary_cluster);
    for alarm in &alarms {
        // Alarm actions are same-region: a DR-region alarm notifies the DR region's topic.
        let notified = match (alarm.side, &dr_topic) {
            (Side::Dr, Some(dr_topic)) => dr_topic,
            _ => &topic,
        };
        monitoring::put_alarm(l, alarm, notified).await?;
    }
    let log_groups = monitoring::log_groups(l, core);
    for group in &log_groups {
        monitoring::create_log_group(l, group).await?;
    }

    let trail = trail::spec(l, core)?;
    trail::create_bucket(l, core, &trail).await?;
    trail::create(l, &trail).await?;

    let role = iam::failover(l, &core.account);
    let role_arn = iam::create(l, &role).await?;
    iam::put_inline_policy(l, &role.name, failover::role_policy(l, core, &topic)).await?;
    if let Some((name, statements)) = failover::extra_role_policy(l) {
        iam::put_named_inline_policy(l, &role.name, &name, statements).await?;
    }
    if let Some(config) = failover::config(l, core) {
        failover::put_config(l, &config).await?;
    }
    let function = failover::function(l, core, &role_arn, &topic, dr_topic.as_deref());
    failover::create_function(l, &function).await?;
    let health_check = health::create(l, &health::spec(l, core)).await?;

    let [cpu, connections, lag] = alarms.map(|a| a.name);
    // The two the outputs name come first; a mutant's unlisted group has no output.
    let mut names = log_groups.into_iter().map(|g| g.name);
    let (app_log_group, failover_log_group) = (names.next().unwrap_or_default(), names.next().unwrap_or_default());
    l.output(o::ALERTS_TOPIC_ARN, topic);
    l.output(o::CPU_ALARM_NAME, cpu);
    l.output(o::CONNECTIONS_ALARM_NAME, connections);
    l.output(o::REPLICATION_LAG_ALARM_NAME, lag);
    l.output(o::APP_LOG_GROUP_NAME, app_log_group);
    l.output(o::FAILOVER_LOG_GROUP_NAME, failover_log_group);
    l.output(o::TRAIL_NAME, trail.name);
    l.output(o::TRAIL_BUCKET_NAME, trail.bucket);
    l.output(o::FAILOVER_FUNCTION_NAME, function.name);
    l.output(o::FAILOVER_ROLE_NAME, role.name);
    l.output(o::FAILOVER_CONFIG_PARAMETER_NAME, function.config_parameter);
    l.output(o::HEALTH_CHECK_ID, health_check);
    if let Some(dr_topic) = dr_topic {
        l.output(o::DR_ALERTS_TOPIC_ARN, dr_topic);
    }
    Ok(())
}
