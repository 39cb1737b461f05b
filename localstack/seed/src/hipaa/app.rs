//! ECS with auto scaling, API Gateway and WAF, the existing secrets, IAM roles of the HIPAA reference deployment, and their mutants.

use aws_sdk_apigateway::types::{
    ConnectionType, EndpointConfiguration, EndpointType, IntegrationType, Op, PatchOperation,
};
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, ClusterSetting, ClusterSettingName,
    ContainerDefinition, CpuArchitecture, DeploymentCircuitBreaker, DeploymentConfiguration, EfsAuthorizationConfig,
    EfsAuthorizationConfigIam, EfsTransitEncryption, EfsVolumeConfiguration, KeyValuePair, LaunchType,
    LogConfiguration, LogDriver, MountPoint, NetworkConfiguration, NetworkMode, OsFamily, PortMapping, PropagateTags,
    RuntimePlatform, Secret, TransportProtocol, Volume,
};
use aws_sdk_wafv2::types::{
    AllowAction, BlockAction, DefaultAction, ManagedRuleGroupStatement, NoneAction, OverrideAction, RateBasedStatement,
    RateBasedStatementAggregateKeyType, Rule, RuleAction, Scope, Statement, VisibilityConfig,
};
use serde_json::json;

use super::{APP_PORT, Base, Mutants, REGION, SECRET_CANARY};
use crate::{SeedError, Seeder, step};
use stackproof::hipaa::mutants as m;
use stackproof_harness::mutation::Mutant;

/// Stands in for the stack's internal NLB: elbv2 is not seeded, and API Gateway's VPC link only
/// records the ARN.
fn load_balancer_arn(account: &str, suffix: &str) -> String {
    format!("arn:aws:elasticloadbalancing:{REGION}:{account}:loadbalancer/net/nlb-{suffix}/0123456789abcdef")
}

/// Seeds this layer on top of `base`, adds its outputs to `base.outputs`, applies its mutants.
pub async fn deploy(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    // Boxed: this future holds many large SDK futures in debug builds; on the heap it cannot
    // overflow the stack of the thread that awaits the whole deployment.
    Box::pin(seed(s, base, mutants)).await
}

async fn seed(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    let has = |mutant: &Mutant| mutants.has(mutant);
    let suffix = base.suffix.as_str().to_owned();
    // The account, from a secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:...).
    let account = base.db_secret.split(':').nth(4).unwrap_or("123456789012").to_owned();

    // IAM: the task execution role (pull, logs, inject the two secrets) and the task role.
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "ecs-tasks.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "aws:SourceAccount": account } }
        }]
    })
    .to_string();
    let role = async |name: String, about: &str| -> Result<String, SeedError> {
        Ok(s.iam
            .create_role()
            .role_name(&name)
            .description(about)
            .assume_role_policy_document(&trust)
            .tags(aws_sdk_iam::types::Tag::builder().key("Name").value(&name).build().map_err(step("Tag"))?)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("EnvironmentSuffix")
                    .value(&suffix)
                    .build()
                    .map_err(step("Tag"))?,
            )
            .send()
            .await
            .map_err(step("CreateRole"))?
            .role
            .map(|r| r.arn)
            .unwrap_or_default())
    };
    let execution_role_name = format!("ecs-task-execution-role-{suffix}");
    let task_role_name = format!("ecs-task-role-{suffix}");
    let execution_role =
        role(execution_role_name.clone(), "Pulls the image, writes container logs and injects the existing secrets.")
            .await?;
    let task_role = role(task_role_name.clone(), "Runtime identity of the patient records containers.").await?;
    s.iam
        .attach_role_policy()
        .role_name(&execution_role_name)
        .policy_arn("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        .send()
        .await
        .map_err(step("AttachRolePolicy"))?;
    let decrypt_via_secrets_manager = json!({
        "Sid": "DecryptSecretsThroughSecretsManager",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": base.data_key,
        "Condition": { "StringEquals": { "kms:ViaService": format!("secretsmanager.{REGION}.amazonaws.com") } }
    });
    let execution_policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Sid": "ReadTheTwoExistingSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [base.db_secret, base.api_secret] },
            decrypt_via_secrets_manager,
        ]
    });
    s.iam
        .put_role_policy()
        .role_name(&execution_role_name)
        .policy_name(format!("ecs-task-execution-secrets-{suffix}"))
        .policy_document(execution_policy.to_string())
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;

    // The data layer's file system when it is seeded, else a stand-in id.
    let file_system = base.outputs.get("EfsFileSystemId").cloned().unwrap_or_else(|| "fs-0123456789abcdef0".to_owned());
    let access_point = "fsap-0123456789abcdef0";
    let audit_group =
        base.outputs.get("AuditLogGroupName").cloned().unwrap_or_else(|| format!("/hipaa/audit-{suffix}"));
    let task_policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MountEfsThroughTheAccessPointOnly",
                "Effect": "Allow",
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                "Resource": format!("arn:aws:elasticfilesystem:{REGION}:{account}:file-system/{file_system}"),
                "Condition": { "StringEquals": {
                    "elasticfilesystem:AccessPointArn": format!("arn:aws:elasticfilesystem:{REGION}:{account}:access-point/{access_point}")
                } }
            },
            {
                "Sid": "WriteApplicationAuditTrail",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": format!("arn:aws:logs:{REGION}:{account}:log-group:{audit_group}:*")
            },
            {
                "Sid": "ReadRotatedSecretsAtRuntime",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [base.db_secret, base.api_secret]
            },
            decrypt_via_secrets_manager,
        ]
    });
    s.iam
        .put_role_policy()
        .role_name(&task_role_name)
        .policy_name(format!("ecs-task-policy-{suffix}"))
        .policy_document(task_policy.to_string())
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;

    // ECS cluster with Container Insights.
    let ecs_tag = |k: &str, v: &str| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build();
    let cluster_name = format!("ecs-cluster-{suffix}");
    let insights = if has(&m::ECS_CONTAINER_INSIGHTS_OFF) { "disabled" } else { "enabled" };
    s.ecs
        .create_cluster()
        .cluster_name(&cluster_name)
        .capacity_providers("FARGATE")
        .default_capacity_provider_strategy(
            CapacityProviderStrategyItem::builder()
                .capacity_provider("FARGATE")
                .weight(1)
                .build()
                .map_err(step("CapacityProviderStrategyItem"))?,
        )
        .settings(ClusterSetting::builder().name(ClusterSettingName::ContainerInsights).value(insights).build())
        .tags(ecs_tag("Name", &cluster_name))
        .tags(ecs_tag("EnvironmentSuffix", &suffix))
        .send()
        .await
        .map_err(step("CreateCluster"))?;

    // Task definition: secrets from the existing secrets, logs to the stack's group, EFS over TLS.
    let env = |name: &str, value: String| KeyValuePair::builder().name(name).value(value).build();
    let mut environment = vec![
        env("DB_HOST", format!("aurora-cluster-{suffix}.cluster-c0ffee.{REGION}.rds.amazonaws.com")),
        env("DB_PORT", "3306".into()),
        env("DB_SSL_MODE", "REQUIRED".into()),
        env("REDIS_HOST", format!("master.redis-{suffix}.c0ffee.euc1.cache.amazonaws.com")),
        env("REDIS_PORT", "6379".into()),
        env("REDIS_TLS", "true".into()),
        env("DATA_DIR", "/mnt/patient-data".into()),
        env("AUDIT_LOG_GROUP", audit_group.clone()),
    ];
    if has(&m::ECS_SECRET_IN_ENVIRONMENT) {
        environment.push(env("DB_PASSWORD", format!("{SECRET_CANARY}-db-password")));
    }
    let secret = |name: &str, value_from: String| {
        Secret::builder().name(name).value_from(value_from).build().map_err(step("Secret"))
    };
    let log_group = if has(&m::ECS_LOGS_TO_OTHER_GROUP) {
        format!("/ecs/unencrypted-{suffix}")
    } else {
        base.ecs_log_group.clone()
    };
    let container = ContainerDefinition::builder()
        .name("app")
        .image(format!("{account}.dkr.ecr.{REGION}.amazonaws.com/patient-records:1.0.0"))
        .essential(true)
        .port_mappings(PortMapping::builder().container_port(APP_PORT).protocol(TransportProtocol::Tcp).build())
        .set_environment(Some(environment))
        .secrets(secret("DB_USERNAME", format!("{}:username::", base.db_secret))?)
        .secrets(secret("DB_PASSWORD", format!("{}:password::", base.db_secret))?)
        .secrets(secret("REDIS_AUTH_TOKEN", format!("{}:redis_auth_token::", base.api_secret))?)
        .secrets(secret("API_KEYS", base.api_secret.clone())?)
        .mount_points(
            MountPoint::builder()
                .source_volume("patient-data")
                .container_path("/mnt/patient-data")
                .read_only(false)
                .build(),
        )
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", log_group)
                .options("awslogs-region", REGION)
                .options("awslogs-stream-prefix", "app")
                .build()
                .map_err(step("LogConfiguration"))?,
        )
        .build();
    let transit = if has(&m::ECS_EFS_TRANSIT_ENCRYPTION_OFF) {
        EfsTransitEncryption::Disabled
    } else {
        EfsTransitEncryption::Enabled
    };
    let volume = Volume::builder()
        .name("patient-data")
        .efs_volume_configuration(
            EfsVolumeConfiguration::builder()
                .file_system_id(&file_system)
                .transit_encryption(transit)
                .authorization_config(
                    EfsAuthorizationConfig::builder()
                        .access_point_id(access_point)
                        .iam(EfsAuthorizationConfigIam::Enabled)
                        .build(),
                )
                .build()
                .map_err(step("EfsVolumeConfiguration"))?,
        )
        .build();
    let family = format!("ecs-task-{suffix}");
    let task_definition = s
        .ecs
        .register_task_definition()
        .family(&family)
        .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Fargate)
        .network_mode(NetworkMode::Awsvpc)
        .cpu("1024")
        .memory("2048")
        .runtime_platform(
            RuntimePlatform::builder()
                .operating_system_family(OsFamily::Linux)
                .cpu_architecture(CpuArchitecture::X8664)
                .build(),
        )
        .execution_role_arn(&execution_role)
        .task_role_arn(&task_role)
        .container_definitions(container)
        .volumes(volume)
        .tags(ecs_tag("Name", &family))
        .tags(ecs_tag("EnvironmentSuffix", &suffix))
        .send()
        .await
        .map_err(step("RegisterTaskDefinition"))?
        .task_definition
        .and_then(|t| t.task_definition_arn)
        .unwrap_or_default();

    // The Fargate service: private subnets, the app security group, no public IP.
    let awsvpc = |subnets: Vec<String>,
                  groups: Vec<String>,
                  public: AssignPublicIp|
     -> Result<NetworkConfiguration, SeedError> {
        Ok(NetworkConfiguration::builder()
            .awsvpc_configuration(
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(subnets))
                    .set_security_groups(Some(groups))
                    .assign_public_ip(public)
                    .build()
                    .map_err(step("AwsVpcConfiguration"))?,
            )
            .build())
    };
    let service_name = format!("ecs-service-{suffix}");
    let launch_type = if has(&m::ECS_SERVICE_EC2_LAUNCH_TYPE) { LaunchType::Ec2 } else { LaunchType::Fargate };
    s.ecs
        .create_service()
        .cluster(&cluster_name)
        .service_name(&service_name)
        .task_definition(&task_definition)
        .launch_type(launch_type)
        .desired_count(2)
        .enable_ecs_managed_tags(true)
        .propagate_tags(PropagateTags::Service)
        .enable_execute_command(false)
        .deployment_configuration(
            DeploymentConfiguration::builder()
                .minimum_healthy_percent(100)
                .maximum_percent(200)
                .deployment_circuit_breaker(DeploymentCircuitBreaker::builder().enable(true).rollback(true).build())
                .build(),
        )
        .network_configuration(awsvpc(
            base.private_subnets.clone(),
            vec![base.sg.app.clone()],
            AssignPublicIp::Disabled,
        )?)
        .tags(ecs_tag("Name", &service_name))
        .tags(ecs_tag("EnvironmentSuffix", &suffix))
        .send()
        .await
        .map_err(step("CreateService"))?;

    // Auto scaling: 2..10 tasks, tracking average CPU.
    let scaling_id = format!("service/{cluster_name}/{service_name}");
    let scalable_target = async |min: i32| -> Result<(), SeedError> {
        s.autoscaling
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&scaling_id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(min)
            .max_capacity(10)
            .send()
            .await
            .map_err(step("RegisterScalableTarget"))?;
        Ok(())
    };
    scalable_target(2).await?;
    s.autoscaling
        .put_scaling_policy()
        .policy_name(format!("ecs-cpu-scaling-{suffix}"))
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(&scaling_id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(
            TargetTrackingScalingPolicyConfiguration::builder()
                .predefined_metric_specification(
                    PredefinedMetricSpecification::builder()
                        .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
                        .build()
                        .map_err(step("PredefinedMetricSpecification"))?,
                )
                .target_value(60.0)
                .scale_in_cooldown(120)
                .scale_out_cooldown(60)
                .build()
                .map_err(step("TargetTrackingScalingPolicyConfiguration"))?,
        )
        .send()
        .await
        .map_err(step("PutScalingPolicy"))?;

    // API Gateway: VPC link to the internal NLB, {proxy+} ANY with IAM auth, a deployment and a
    // throttled, traced, logged stage.
    let load_balancer = load_balancer_arn(&account, &suffix);
    let vpc_link = s
        .apigateway
        .create_vpc_link()
        .name(format!("vpc-link-{suffix}"))
        .description("Private path from API Gateway to the internal NLB")
        .target_arns(&load_balancer)
        .tags("Name", format!("vpc-link-{suffix}"))
        .tags("EnvironmentSuffix", &suffix)
        .send()
        .await
        .map_err(step("CreateVpcLink"))?
        .id
        .unwrap_or_default();
    let api = s
        .apigateway
        .create_rest_api()
        .name(format!("rest-api-{suffix}"))
        .description("Patient records API (HIPAA stack)")
        .endpoint_configuration(EndpointConfiguration::builder().types(EndpointType::Regional).build())
        .tags("Name", format!("rest-api-{suffix}"))
        .tags("EnvironmentSuffix", &suffix)
        .send()
        .await
        .map_err(step("CreateRestApi"))?;
    let api_id = api.id.clone().unwrap_or_default();
    let root = api.root_resource_id.clone().unwrap_or_default();
    let proxy = s
        .apigateway
        .create_resource()
        .rest_api_id(&api_id)
        .parent_id(root)
        .path_part("{proxy+}")
        .send()
        .await
        .map_err(step("CreateResource"))?
        .id
        .unwrap_or_default();
    s.apigateway
        .put_method()
        .rest_api_id(&api_id)
        .resource_id(&proxy)
        .http_method("ANY")
        .authorization_type("AWS_IAM")
        .request_parameters("method.request.path.proxy", true)
        .send()
        .await
        .map_err(step("PutMethod"))?;
    s.apigateway
        .put_integration()
        .rest_api_id(&api_id)
        .resource_id(&proxy)
        .http_method("ANY")
        .r#type(IntegrationType::HttpProxy)
        .integration_http_method("ANY")
        .connection_type(ConnectionType::VpcLink)
        .connection_id(&vpc_link)
        .uri(format!("http://nlb-{suffix}-0123456789abcdef.elb.{REGION}.amazonaws.com:{APP_PORT}/{{proxy}}"))
        .passthrough_behavior("WHEN_NO_MATCH")
        .timeout_in_millis(29000)
        .request_parameters("integration.request.path.proxy", "method.request.path.proxy")
        .send()
        .await
        .map_err(step("PutIntegration"))?;
    let deployment = s
        .apigateway
        .create_deployment()
        .rest_api_id(&api_id)
        .description("HIPAA stack v1 deployment")
        .send()
        .await
        .map_err(step("CreateDeployment"))?
        .id
        .unwrap_or_default();
    let stage_name = format!("api-stage-{suffix}");
    s.apigateway
        .create_stage()
        .rest_api_id(&api_id)
        .stage_name(&stage_name)
        .deployment_id(&deployment)
        .description("Throttled, traced and access-logged stage")
        .tracing_enabled(!has(&m::API_TRACING_OFF))
        .cache_cluster_enabled(false)
        .tags("Name", &stage_name)
        .tags("EnvironmentSuffix", &suffix)
        .send()
        .await
        .map_err(step("CreateStage"))?;
    let patch = |path: &str, value: String| PatchOperation::builder().op(Op::Replace).path(path).value(value).build();
    let level = if has(&m::API_EXECUTION_LOGGING_OFF) { "OFF" } else { "INFO" };
    let mut ops = vec![patch("/*/*/logging/loglevel", level.into()), patch("/*/*/metrics/enabled", "true".into())];
    if !has(&m::API_THROTTLING_OFF) {
        ops.push(patch("/*/*/throttling/rateLimit", "100".into()));
        ops.push(patch("/*/*/throttling/burstLimit", "200".into()));
    }
    if !has(&m::API_ACCESS_LOGS_OFF) {
        let destination = format!("arn:aws:logs:{REGION}:{account}:log-group:{}", base.api_access_log_group);
        let format = r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","sourceIp":"$context.identity.sourceIp","caller":"$context.identity.caller","userArn":"$context.identity.userArn","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationStatus":"$context.integration.status","integrationLatency":"$context.integration.latency","wafStatus":"$context.waf.status"}"#;
        ops.push(patch("/accessLogSettings/destinationArn", destination));
        ops.push(patch("/accessLogSettings/format", format.into()));
    }
    s.apigateway
        .update_stage()
        .rest_api_id(&api_id)
        .stage_name(&stage_name)
        .set_patch_operations(Some(ops))
        .send()
        .await
        .map_err(step("UpdateStage"))?;

    // WAF: per-IP rate limit and AWS managed rule groups, associated with the stage.
    let visibility = |metric: String| {
        VisibilityConfig::builder()
            .sampled_requests_enabled(true)
            .cloud_watch_metrics_enabled(true)
            .metric_name(metric)
            .build()
            .map_err(step("VisibilityConfig"))
    };
    let mut rules = Vec::new();
    if !has(&m::WAF_NO_RATE_LIMIT) {
        rules.push(
            Rule::builder()
                .name("RateLimitPerIp")
                .priority(0)
                .action(RuleAction::builder().block(BlockAction::builder().build()).build())
                .statement(
                    Statement::builder()
                        .rate_based_statement(
                            RateBasedStatement::builder()
                                .limit(2000)
                                .aggregate_key_type(RateBasedStatementAggregateKeyType::Ip)
                                .build()
                                .map_err(step("RateBasedStatement"))?,
                        )
                        .build(),
                )
                .visibility_config(visibility(format!("rate-limit-{suffix}"))?)
                .build()
                .map_err(step("Rule"))?,
        );
    }
    let managed = [
        ("AWSManagedRulesAmazonIpReputationList", "ip-reputation"),
        ("AWSManagedRulesCommonRuleSet", "common-rule-set"),
        ("AWSManagedRulesKnownBadInputsRuleSet", "known-bad-inputs"),
        ("AWSManagedRulesSQLiRuleSet", "sqli-rule-set"),
    ];
    for (i, (group, metric)) in managed.into_iter().enumerate() {
        rules.push(
            Rule::builder()
                .name(group)
                .priority(i32::try_from(i).unwrap_or(0) + 1)
                .override_action(OverrideAction::builder().none(NoneAction::builder().build()).build())
                .statement(
                    Statement::builder()
                        .managed_rule_group_statement(
                            ManagedRuleGroupStatement::builder()
                                .vendor_name("AWS")
                                .name(group)
                                .build()
                                .map_err(step("ManagedRuleGroupStatement"))?,
                        )
                        .build(),
                )
                .visibility_config(visibility(format!("{metric}-{suffix}"))?)
                .build()
                .map_err(step("Rule"))?,
        );
    }
    let acl_name = format!("waf-web-acl-{suffix}");
    let web_acl = s
        .wafv2
        .create_web_acl()
        .name(&acl_name)
        .description("Protects the patient records API stage")
        .scope(Scope::Regional)
        .default_action(DefaultAction::builder().allow(AllowAction::builder().build()).build())
        .visibility_config(visibility(acl_name.clone())?)
        .set_rules(Some(rules))
        .tags(aws_sdk_wafv2::types::Tag::builder().key("Name").value(&acl_name).build().map_err(step("Tag"))?)
        .tags(
            aws_sdk_wafv2::types::Tag::builder()
                .key("EnvironmentSuffix")
                .value(&suffix)
                .build()
                .map_err(step("Tag"))?,
        )
        .send()
        .await
        .map_err(step("CreateWebACL"))?
        .summary
        .and_then(|s| s.arn)
        .unwrap_or_default();
    let stage_arn = format!("arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/{stage_name}");
    s.wafv2
        .associate_web_acl()
        .web_acl_arn(&web_acl)
        .resource_arn(&stage_arn)
        .send()
        .await
        .map_err(step("AssociateWebACL"))?;

    // Drift applied on top of the compliant deployment.
    let public_ip = has(&m::ECS_TASK_PUBLIC_IP);
    let public_subnet = has(&m::ECS_SERVICE_IN_PUBLIC_SUBNET);
    let extra_group = has(&m::ECS_SERVICE_EXTRA_SECURITY_GROUP);
    if public_ip || public_subnet || extra_group {
        let mut subnets = base.private_subnets.clone();
        if public_subnet {
            subnets.extend(base.public_subnets.first().cloned());
        }
        let mut groups = vec![base.sg.app.clone()];
        if extra_group {
            groups.push(base.sg.database.clone());
        }
        let assign = if public_ip { AssignPublicIp::Enabled } else { AssignPublicIp::Disabled };
        s.ecs
            .update_service()
            .cluster(&cluster_name)
            .service(&service_name)
            .network_configuration(awsvpc(subnets, groups, assign)?)
            .send()
            .await
            .map_err(step("UpdateService"))?;
    }
    for mutant in mutants.iter() {
        match *mutant {
            m::ECS_SCALING_MIN_ONE => scalable_target(1).await?,
            m::API_STAGE_DEPLOYMENT_DELETED => {
                s.apigateway
                    .delete_deployment()
                    .rest_api_id(&api_id)
                    .deployment_id(&deployment)
                    .send()
                    .await
                    .map_err(step("DeleteDeployment"))?;
            }
            m::WAF_NOT_ASSOCIATED => {
                s.wafv2
                    .disassociate_web_acl()
                    .resource_arn(&stage_arn)
                    .send()
                    .await
                    .map_err(step("DisassociateWebACL"))?;
            }
            m::SECRET_SCHEDULED_FOR_DELETION => {
                s.secretsmanager
                    .delete_secret()
                    .secret_id(&base.db_secret)
                    .recovery_window_in_days(7)
                    .send()
                    .await
                    .map_err(step("DeleteSecret"))?;
            }
            m::SECRET_FOREIGN_KEY => {
                let foreign = s
                    .kms
                    .create_key()
                    .description(format!("a key that is not the stack's ({suffix})"))
                    .send()
                    .await
                    .map_err(step("CreateKey"))?
                    .key_metadata
                    .and_then(|m| m.arn)
                    .unwrap_or_default();
                s.secretsmanager
                    .update_secret()
                    .secret_id(&base.api_secret)
                    .kms_key_id(foreign)
                    .send()
                    .await
                    .map_err(step("UpdateSecret"))?;
            }
            // Applied at creation above, or another layer's.
            _ => {}
        }
    }

    for (key, value) in [
        ("EcsClusterName", cluster_name),
        ("EcsServiceName", service_name),
        ("TaskDefinitionArn", task_definition),
        ("RestApiId", api_id),
        ("ApiStageName", stage_name),
        ("WebAclArn", web_acl),
        ("LoadBalancerArn", load_balancer),
    ] {
        base.outputs.insert(key.to_owned(), value);
    }
    Ok(())
}
