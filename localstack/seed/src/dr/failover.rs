//! The failover path (main.ts "failover Lambda"): the function's role and its policy, its
//! configuration parameter, the function itself (never invoked: the emulator runs no code), the
//! topic's permission to invoke it and its subscription to the topic; in v2 also the DR region's
//! topic's permission and subscription, across regions.
//!
//! moto's CreateFunction takes any bytes as a package; the seeder still sends a real zip.

use std::collections::HashMap;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};
use aws_sdk_ssm::types::ParameterType;
use serde_json::{Value, json};

use stackproof::dr::mutants as m;

use super::core::Core;
use super::{DR_REGION, Layout, PRIMARY_REGION, Side, package, secret};
use crate::{SeedError, step};

/// The failover function's code (main.ts packages stacks/dr/v1/lambda as its asset).
const FAILOVER_CODE: &[u8] = include_bytes!("../../../../stacks/dr/v1/lambda/index.js");

/// The role may describe and fail over the global database, publish to the topic, read its
/// configuration and write its own logs.
pub(crate) fn role_policy(l: &Layout, core: &Core, topic: &str) -> Vec<Value> {
    let account = &core.account;
    let log_group = format!("arn:aws:logs:{PRIMARY_REGION}:{account}:log-group:{}", l.names.failover_log_group());
    let parameters = l.names.failover_config_parameters();
    let mut statements = vec![
        json!({
            "Sid": "DescribeAndFailOverTheGlobalDatabase",
            "Effect": "Allow",
            "Action": ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster", "rds:ModifyDBCluster"],
            "Resource": [core.global_cluster_arn, core.primary_cluster_arn, core.dr_cluster_arn],
        }),
        json!({ "Sid": "PublishFailoverEvents", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": [topic] }),
        json!({
            "Sid": "ReadFailoverConfiguration",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": [format!("arn:aws:ssm:{PRIMARY_REGION}:{account}:parameter{parameters}")],
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
            "Resource": [log_group, format!("{log_group}:log-stream:*")],
        }),
    ];
    if l.has(&m::FAILOVER_ROLE_WILDCARD) {
        statements.push(json!({ "Sid": "OperatorConvenience", "Effect": "Allow", "Action": "rds:*", "Resource": "*" }));
    }
    if l.has(&m::FAILOVER_ROLE_DENIES_FAILOVER) {
        let deny = json!({ "Sid": "NoFailoverDuringMigration", "Effect": "Deny", "Action": "rds:FailoverGlobalCluster", "Resource": "*" });
        statements.push(deny);
    }
    statements
}

/// A second inline policy of the role, which main.ts does not declare: the mutant's name and
/// statements.
pub(crate) fn extra_role_policy(l: &Layout) -> Option<(String, Vec<Value>)> {
    l.has(&m::FAILOVER_ROLE_SECOND_INLINE_POLICY).then(|| {
        let objects = format!("arn:aws:s3:::{}/*", l.names.data_bucket(Side::Primary));
        let read = json!({ "Sid": "ReadRecords", "Effect": "Allow", "Action": "s3:GetObject", "Resource": objects });
        (format!("{}-data-read", l.names.failover_role()), vec![read])
    })
}

/// The function's configuration, or None when the mutant leaves it out.
pub(crate) fn config(l: &Layout, core: &Core) -> Option<Value> {
    let global =
        if l.has(&m::FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER) { "healthcare-global-prod" } else { &core.global_cluster };
    let mut primary = core.primary_cluster_arn.clone();
    let mut dr = core.dr_cluster_arn.clone();
    if l.has(&m::FAILOVER_CONFIG_FOREIGN_PRIMARY) {
        primary = format!("arn:aws:rds:{PRIMARY_REGION}:{}:cluster:healthcare-db-prod", core.account);
    }
    if l.has(&m::FAILOVER_CONFIG_CLUSTERS_SWAPPED) {
        std::mem::swap(&mut primary, &mut dr);
    }
    (!l.has(&m::FAILOVER_CONFIG_MISSING)).then(|| {
        json!({
            "globalClusterIdentifier": global,
            "primaryClusterArn": primary,
            "drClusterArn": dr,
            "primaryRegion": PRIMARY_REGION,
            "drRegion": DR_REGION,
            "replicationLagAlarmName": l.names.lag_alarm(),
            "autoFailover": false,
            "rpoMinutes": 15,
            "rtoMinutes": 60,
        })
    })
}

/// Puts the configuration parameter.
pub(crate) async fn put_config(l: &Layout, config: &Value) -> Result<(), SeedError> {
    let mut put = l
        .primary
        .ssm
        .put_parameter()
        .name(l.names.failover_config_parameter())
        .r#type(if l.has(&m::FAILOVER_CONFIG_SECURE_STRING) {
            ParameterType::SecureString
        } else {
            ParameterType::String
        })
        .description("configuration of the healthcare-dr failover function")
        .value(config.to_string());
    for (k, v) in l.tags(&[]) {
        put = put.tags(aws_sdk_ssm::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    put.send().await.map_err(step("PutParameter"))?;
    Ok(())
}

/// The function as main.ts declares it.
pub(crate) struct FunctionSpec {
    pub name: String,
    pub role: String,
    pub topic: String,
    /// The configuration parameter's name: the output's, whatever the function is pointed at.
    pub config_parameter: String,
    /// Environment.Variables.
    pub environment: Vec<(&'static str, String)>,
    /// Whether the function subscribes to the topic.
    pub subscribed: bool,
    /// Whether a second permission lets SNS invoke it from any topic.
    pub any_topic_may_invoke: bool,
    /// v2: the DR region's alerts topic (the replication lag alarm's), which invokes the function
    /// across regions.
    pub dr_topic: Option<String>,
    /// Whether the DR region's topic may invoke it (AllowDrAlertsTopicInvoke).
    pub dr_topic_may_invoke: bool,
    /// Whether it subscribes to the DR region's topic.
    pub subscribed_to_dr_topic: bool,
}

pub(crate) fn function(l: &Layout, core: &Core, role: &str, topic: &str, dr_topic: Option<&str>) -> FunctionSpec {
    let role = if l.has(&m::FAILOVER_FUNCTION_FOREIGN_ROLE) { &core.replication_role } else { role };
    let config_parameter = l.names.failover_config_parameter();
    let topic_variable = if l.has(&m::FAILOVER_ENV_OTHER_TOPIC) { format!("{topic}-other") } else { topic.to_owned() };
    let config_variable =
        if l.has(&m::FAILOVER_ENV_OTHER_CONFIG) { format!("{config_parameter}-old") } else { config_parameter.clone() };
    let mut environment = vec![("ALERTS_TOPIC_ARN", topic_variable), ("CONFIG_PARAMETER_NAME", config_variable)];
    let master = secret::master();
    if l.has(&m::FAILOVER_ENV_DB_PASSWORD) {
        environment.push(("DB_PASS", master.password.clone()));
    }
    if l.has(&m::FAILOVER_ENV_CONNECTION_URL) {
        let url =
            format!("postgresql://{}:{}@{}:5432/healthcare", master.username, master.password, core.primary_endpoint);
        environment.push(("REPLICA_ENDPOINT", url));
    }
    FunctionSpec {
        name: l.names.failover_function(),
        role: role.to_owned(),
        topic: topic.to_owned(),
        config_parameter,
        environment,
        subscribed: !l.has(&m::FAILOVER_NOT_SUBSCRIBED),
        any_topic_may_invoke: l.has(&m::FAILOVER_INVOKE_ANY_TOPIC),
        dr_topic: dr_topic.map(str::to_owned),
        dr_topic_may_invoke: !l.has(&m::FAILOVER_DR_TOPIC_NOT_PERMITTED),
        subscribed_to_dr_topic: !l.has(&m::FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC),
    }
}

/// Creates the function, lets the topics invoke it and subscribes it to them, as asked.
pub(crate) async fn create_function(l: &Layout, spec: &FunctionSpec) -> Result<(), SeedError> {
    let lambda = &l.primary.lambda;
    let variables = spec.environment.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let environment = Environment::builder().set_variables(Some(variables)).build();
    let package = package::stored("index.js", FAILOVER_CODE)
        .map_err(|source| SeedError::Io { path: "stacks/dr/v1/lambda/index.js (zipped)".into(), source })?;
    let tags: HashMap<String, String> = l.tags(&[]).into_iter().collect();
    let function_arn = lambda
        .create_function()
        .function_name(&spec.name)
        .description("orchestrates the healthcare-dr Aurora global database failover")
        .role(&spec.role)
        .runtime(Runtime::Nodejs20x)
        .handler("index.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(package)).build())
        .timeout(300)
        .memory_size(256)
        .environment(environment)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(step("CreateFunction"))?
        .function_arn
        .unwrap_or_default();
    lambda
        .add_permission()
        .function_name(&spec.name)
        .statement_id("AllowAlertsTopicInvoke")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .source_arn(&spec.topic)
        .send()
        .await
        .map_err(step("AddPermission"))?;
    if spec.any_topic_may_invoke {
        let any = lambda.add_permission().function_name(&spec.name).statement_id("AllowAnyTopic");
        let any = any.action("lambda:InvokeFunction").principal("sns.amazonaws.com");
        any.send().await.map_err(step("AddPermission"))?;
    }
    if spec.subscribed {
        let subscribe = l.primary.sns.subscribe().topic_arn(&spec.topic).protocol("lambda").endpoint(&function_arn);
        subscribe.send().await.map_err(step("Subscribe"))?;
    }
    let Some(dr_topic) = &spec.dr_topic else { return Ok(()) };
    if spec.dr_topic_may_invoke {
        let permit = lambda.add_permission().function_name(&spec.name).statement_id("AllowDrAlertsTopicInvoke");
        let permit = permit.action("lambda:InvokeFunction").principal("sns.amazonaws.com").source_arn(dr_topic);
        permit.send().await.map_err(step("AddPermission"))?;
    }
    if spec.subscribed_to_dr_topic {
        // The DR region's topic, so subscribed through that region's client.
        let subscribe = l.dr.sns.subscribe().topic_arn(dr_topic).protocol("lambda").endpoint(&function_arn);
        subscribe.send().await.map_err(step("Subscribe"))?;
    }
    Ok(())
}
