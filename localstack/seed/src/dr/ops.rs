//! Monitoring, audit and the failover path (main.ts: "monitoring", "CloudTrail", "failover
//! Lambda" and "Route53"): the alerts topic, three alarms, two log groups, the trail and its
//! bucket, the failover role, configuration parameter and function, its subscription to the
//! topic, and the health check on the replication lag alarm.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};
use aws_sdk_route53::types::{
    AlarmIdentifier, CloudWatchRegion, HealthCheckConfig, HealthCheckType, InsufficientDataHealthStatus,
    TagResourceType,
};
use aws_sdk_ssm::types::ParameterType;
use serde_json::json;

use super::core::{Core, policy, role};
use super::storage::{block_public_access, bucket, bucket_policy, deny_insecure_transport, encryption};
use super::{DR_REGION, Layout, PRIMARY_REGION, RPO_MS, package};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// The failover function's code (main.ts packages stacks/dr/v1/lambda as its asset).
const FAILOVER_CODE: &[u8] = include_bytes!("../../../../stacks/dr/v1/lambda/index.js");

/// One CloudWatch alarm on the primary cluster, as main.ts declares it.
struct Alarm<'a> {
    name: String,
    description: &'a str,
    metric: &'a str,
    cluster: &'a str,
    statistic: Statistic,
    period: i32,
    evaluation_periods: i32,
    threshold: f64,
    treat_missing_data: &'a str,
    alarm_actions: bool,
}

/// Seeds monitoring, audit and failover; applies this layer's mutants.
pub(crate) async fn deploy(l: &mut Layout, core: &Core) -> Result<(), SeedError> {
    let suffix = l.suffix.clone();
    let account = &core.account;
    let p = &l.primary;

    // The alerts topic, encrypted with the primary key.
    let mut topic = p.sns.create_topic().name(format!("healthcare-dr-alerts-{suffix}"));
    if !l.has(&m::ALERTS_TOPIC_UNENCRYPTED) {
        topic = topic.attributes("KmsMasterKeyId", &core.primary_key);
    }
    for (k, v) in l.tags(&[]) {
        topic = topic.tags(aws_sdk_sns::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    let topic_arn = topic.send().await.map_err(step("CreateTopic"))?.topic_arn.unwrap_or_default();

    // Alarms on the primary cluster, each notifying the topic on alarm and on recovery.
    let cpu_alarm = format!("healthcare-db-cpu-{suffix}");
    let connections_alarm = format!("healthcare-db-connections-{suffix}");
    let lag_alarm = format!("healthcare-db-replication-lag-{suffix}");
    let alarms = [
        Alarm {
            name: cpu_alarm.clone(),
            description: "Aurora primary cluster CPU above 80%",
            metric: "CPUUtilization",
            cluster: &core.primary_cluster,
            statistic: Statistic::Average,
            period: 300,
            evaluation_periods: 2,
            threshold: if l.has(&m::CPU_ALARM_THRESHOLD_95) { 95.0 } else { 80.0 },
            treat_missing_data: "missing",
            alarm_actions: true,
        },
        Alarm {
            name: connections_alarm.clone(),
            description: "Aurora primary cluster connection count too high",
            metric: "DatabaseConnections",
            cluster: if l.has(&m::CONNECTIONS_ALARM_OTHER_CLUSTER) {
                "some-other-cluster"
            } else {
                &core.primary_cluster
            },
            statistic: Statistic::Average,
            period: 300,
            evaluation_periods: 2,
            threshold: 100.0,
            treat_missing_data: "missing",
            alarm_actions: !l.has(&m::CONNECTIONS_ALARM_NO_ACTION),
        },
        Alarm {
            name: lag_alarm.clone(),
            description: "Aurora global database replication lag above the 15 minute RPO",
            metric: if l.has(&m::LAG_ALARM_WRONG_METRIC) { "AuroraReplicaLag" } else { "AuroraGlobalDBReplicationLag" },
            cluster: &core.primary_cluster,
            statistic: Statistic::Maximum,
            period: 60,
            evaluation_periods: 3,
            threshold: RPO_MS,
            treat_missing_data: "notBreaching",
            alarm_actions: true,
        },
    ];
    for alarm in alarms {
        let mut put = p
            .cloudwatch
            .put_metric_alarm()
            .alarm_name(&alarm.name)
            .alarm_description(alarm.description)
            .namespace("AWS/RDS")
            .metric_name(alarm.metric)
            .dimensions(Dimension::builder().name("DBClusterIdentifier").value(alarm.cluster).build())
            .statistic(alarm.statistic)
            .period(alarm.period)
            .evaluation_periods(alarm.evaluation_periods)
            .threshold(alarm.threshold)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .treat_missing_data(alarm.treat_missing_data)
            .ok_actions(&topic_arn);
        if alarm.alarm_actions {
            put = put.alarm_actions(&topic_arn);
        }
        for (k, v) in l.tags(&[]) {
            put = put.tags(aws_sdk_cloudwatch::types::Tag::builder().key(k).value(v).build());
        }
        put.send().await.map_err(step("PutMetricAlarm"))?;
    }

    // Log groups: 30 days under the primary key (moto answers AssociateKmsKey with HTTP 500, so
    // the unencrypted mutant is made here).
    let function_name = format!("healthcare-failover-{suffix}");
    let app_log_group = format!("/healthcare-dr/{suffix}/app");
    let failover_log_group = format!("/aws/lambda/{function_name}");
    for (group, encrypted) in
        [(&app_log_group, true), (&failover_log_group, !l.has(&m::FAILOVER_LOG_GROUP_UNENCRYPTED))]
    {
        let mut create = p.logs.create_log_group().log_group_name(group);
        if encrypted {
            create = create.kms_key_id(&core.primary_key);
        }
        for (k, v) in l.tags(&[]) {
            create = create.tags(k, v);
        }
        create.send().await.map_err(step("CreateLogGroup"))?;
        p.logs
            .put_retention_policy()
            .log_group_name(group)
            .retention_in_days(30)
            .send()
            .await
            .map_err(step("PutRetentionPolicy"))?;
    }

    // CloudTrail: a multi-region trail with log file validation, encrypted with the primary
    // key, into a private bucket of its own that only the trail may write to.
    let trail_name = format!("healthcare-dr-trail-{suffix}");
    let trail_arn = format!("arn:aws:cloudtrail:{PRIMARY_REGION}:{account}:trail/{trail_name}");
    let trail_bucket = format!("healthcare-dr-trail-{suffix}");
    let trail_bucket_arn = format!("arn:aws:s3:::{trail_bucket}");
    bucket(l, p, &trail_bucket).await?;
    encryption(p, &trail_bucket, Some(&core.primary_key)).await?;
    block_public_access(p, &trail_bucket, !l.has(&m::TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED)).await?;
    let trail_bucket_policy = vec![
        json!({
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:GetBucketAcl",
            "Resource": trail_bucket_arn,
            "Condition": { "StringEquals": { "aws:SourceArn": trail_arn } },
        }),
        json!({
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:PutObject",
            "Resource": format!("{trail_bucket_arn}/AWSLogs/{account}/*"),
            "Condition": {
                "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn },
            },
        }),
        deny_insecure_transport(&trail_bucket_arn),
    ];
    bucket_policy(p, &trail_bucket, trail_bucket_policy).await?;
    let mut trail = p
        .cloudtrail
        .create_trail()
        .name(&trail_name)
        .s3_bucket_name(&trail_bucket)
        .is_multi_region_trail(!l.has(&m::TRAIL_SINGLE_REGION))
        .include_global_service_events(true)
        .enable_log_file_validation(!l.has(&m::TRAIL_NO_LOG_VALIDATION));
    if !l.has(&m::TRAIL_UNENCRYPTED) {
        trail = trail.kms_key_id(&core.primary_key);
    }
    for (k, v) in l.tags(&[]) {
        trail =
            trail.tags_list(aws_sdk_cloudtrail::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    trail.send().await.map_err(step("CreateTrail"))?;
    // A new trail does not log until started; the Terraform provider starts it (enable_logging).
    p.cloudtrail.start_logging().name(&trail_name).send().await.map_err(step("StartLogging"))?;

    // The failover function's role: describe and fail over the global database, publish to the
    // topic, read its configuration, write its own logs.
    let failover_role_name = format!("healthcare-failover-{suffix}");
    let failover_role = role(
        l,
        &failover_role_name,
        vec![json!({
            "Effect": "Allow",
            "Principal": { "Service": "lambda.amazonaws.com" },
            "Action": "sts:AssumeRole",
        })],
    )
    .await?;
    let failover_log_group_arn = format!("arn:aws:logs:{PRIMARY_REGION}:{account}:log-group:{failover_log_group}");
    let mut statements = vec![
        json!({
            "Sid": "DescribeAndFailOverTheGlobalDatabase",
            "Effect": "Allow",
            "Action": ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster", "rds:ModifyDBCluster"],
            "Resource": [core.global_cluster_arn, core.primary_cluster_arn, core.dr_cluster_arn],
        }),
        json!({
            "Sid": "PublishFailoverEvents",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": [topic_arn],
        }),
        json!({
            "Sid": "ReadFailoverConfiguration",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": [format!("arn:aws:ssm:{PRIMARY_REGION}:{account}:parameter/healthcare-dr/{suffix}/*")],
        }),
        json!({
            "Sid": "EncryptNotificationsOnTheTopic",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": [core.primary_key],
            "Condition": { "StringEquals": { "kms:ViaService": format!("sns.{PRIMARY_REGION}.amazonaws.com") } },
        }),
        json!({
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [failover_log_group_arn, format!("{failover_log_group_arn}:log-stream:*")],
        }),
    ];
    if l.has(&m::FAILOVER_ROLE_WILDCARD) {
        statements.push(json!({ "Sid": "OperatorConvenience", "Effect": "Allow", "Action": "rds:*", "Resource": "*" }));
    }
    p.iam
        .put_role_policy()
        .role_name(&failover_role_name)
        .policy_name(&failover_role_name)
        .policy_document(policy(statements))
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;

    // The function's configuration.
    let config_parameter = format!("/healthcare-dr/{suffix}/config");
    if !l.has(&m::FAILOVER_CONFIG_MISSING) {
        let config = json!({
            "globalClusterIdentifier": core.global_cluster,
            "primaryClusterArn": core.primary_cluster_arn,
            "drClusterArn": core.dr_cluster_arn,
            "primaryRegion": PRIMARY_REGION,
            "drRegion": DR_REGION,
            "replicationLagAlarmName": lag_alarm,
            "autoFailover": false,
            "rpoMinutes": 15,
            "rtoMinutes": 60,
        });
        let mut put = p
            .ssm
            .put_parameter()
            .name(&config_parameter)
            .r#type(ParameterType::String)
            .description("configuration of the healthcare-dr failover function")
            .value(config.to_string());
        for (k, v) in l.tags(&[]) {
            put = put.tags(aws_sdk_ssm::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
        }
        put.send().await.map_err(step("PutParameter"))?;
    }

    // The failover function (never invoked: the emulator runs no code), allowed to be invoked by
    // the topic and subscribed to it.
    let function_role = if l.has(&m::FAILOVER_FUNCTION_FOREIGN_ROLE) { &core.replication_role } else { &failover_role };
    let environment = Environment::builder()
        .variables("ALERTS_TOPIC_ARN", &topic_arn)
        .variables("CONFIG_PARAMETER_NAME", &config_parameter)
        .build();
    let package = package::stored("index.js", FAILOVER_CODE)
        .map_err(|source| SeedError::Io { path: "stacks/dr/v1/lambda/index.js (zipped)".into(), source })?;
    let code = FunctionCode::builder().zip_file(Blob::new(package)).build();
    let tags: HashMap<String, String> = l.tags(&[]).into_iter().collect();
    let function_arn = p
        .lambda
        .create_function()
        .function_name(&function_name)
        .description("orchestrates the healthcare-dr Aurora global database failover")
        .role(function_role)
        .runtime(Runtime::Nodejs20x)
        .handler("index.handler")
        .code(code)
        .timeout(300)
        .memory_size(256)
        .environment(environment)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(step("CreateFunction"))?
        .function_arn
        .unwrap_or_default();
    p.lambda
        .add_permission()
        .function_name(&function_name)
        .statement_id("AllowAlertsTopicInvoke")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .source_arn(&topic_arn)
        .send()
        .await
        .map_err(step("AddPermission"))?;
    if !l.has(&m::FAILOVER_NOT_SUBSCRIBED) {
        p.sns
            .subscribe()
            .topic_arn(&topic_arn)
            .protocol("lambda")
            .endpoint(&function_arn)
            .send()
            .await
            .map_err(step("Subscribe"))?;
    }

    // Route53 (global): healthy while the replication lag alarm is not in ALARM. moto drops
    // AlarmIdentifier and InsufficientDataHealthStatus; they are sent as main.ts declares them.
    let config = if l.has(&m::HEALTH_CHECK_HTTP) {
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::Http)
            .fully_qualified_domain_name(&core.primary_endpoint)
            .port(80)
            .resource_path("/")
    } else {
        let alarm = AlarmIdentifier::builder().region(CloudWatchRegion::from(PRIMARY_REGION)).name(&lag_alarm);
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::CloudwatchMetric)
            .alarm_identifier(alarm.build().map_err(step("AlarmIdentifier"))?)
            .insufficient_data_health_status(InsufficientDataHealthStatus::Unhealthy)
    };
    let health_check = p
        .route53
        .create_health_check()
        .caller_reference(format!("healthcare-replication-{suffix}"))
        .health_check_config(config.build().map_err(step("HealthCheckConfig"))?)
        .send()
        .await
        .map_err(step("CreateHealthCheck"))?
        .health_check
        .map(|h| h.id)
        .unwrap_or_default();
    let name = format!("healthcare-replication-{suffix}");
    let tags = l.tags(&[("Name", &name)]).into_iter();
    let tags = tags.map(|(k, v)| aws_sdk_route53::types::Tag::builder().key(k).value(v).build());
    p.route53
        .change_tags_for_resource()
        .resource_type(TagResourceType::Healthcheck)
        .resource_id(&health_check)
        .set_add_tags(Some(tags.collect()))
        .send()
        .await
        .map_err(step("ChangeTagsForResource"))?;

    // Drift applied after creation.
    if l.has(&m::APP_LOG_RETENTION_7) {
        p.logs
            .put_retention_policy()
            .log_group_name(&app_log_group)
            .retention_in_days(7)
            .send()
            .await
            .map_err(step("PutRetentionPolicy"))?;
    }
    if l.has(&m::TRAIL_STOPPED) {
        p.cloudtrail.stop_logging().name(&trail_name).send().await.map_err(step("StopLogging"))?;
    }

    l.output("AlertsTopicArn", topic_arn);
    l.output("CpuAlarmName", cpu_alarm);
    l.output("ConnectionsAlarmName", connections_alarm);
    l.output("ReplicationLagAlarmName", lag_alarm);
    l.output("AppLogGroupName", app_log_group);
    l.output("FailoverLogGroupName", failover_log_group);
    l.output("TrailName", trail_name);
    l.output("TrailBucketName", trail_bucket);
    l.output("FailoverFunctionName", function_name);
    l.output("FailoverRoleName", failover_role_name);
    l.output("FailoverConfigParameterName", config_parameter);
    l.output("HealthCheckId", health_check);
    Ok(())
}
