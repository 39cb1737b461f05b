//! Canaries: one secret value planted wherever real deployments keep secrets, on top of a seeded
//! deployment (compliant or broken), so a test can show that no report and no console line ever
//! holds it. The value looks like a generated secret (its random core is what the shape detector
//! flags); a plain-word variant sits under a harmless tag name (`Owner`), where no redaction can
//! recognize it, so only keeping facts by allowlist keeps it out.
//!
//! Two sets: [`Canaries::Kept`] plants it only where a deployment may hold a secret and still pass
//! every check (tags of every kind of resource, descriptions, a webhook subscription, a task's
//! override environment, besides the secrets themselves and the database passwords every seeded
//! deployment holds); [`Canaries::Plaintext`] adds it as credentials in plain text where the
//! credential checks look (a function's and a task definition's environment, a log option), so
//! those checks fail, naming the variable.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ecs::types::{ContainerOverride, KeyValuePair, LaunchType, TaskOverride};
use stackproof::dr::outputs as dr_out;
use stackproof::hipaa::outputs as hipaa_out;

use crate::{SeedError, Seeder, dr, step};

/// The canary: a prefix anyone can grep for, then a random core.
pub const SECRET_CANARY: &str = "stackproof-canary-Zq8RkT3vWm6Y";
/// The canary's random core, which a partial redaction could leave behind.
pub const CANARY_CORE: &str = "Zq8RkT3vWm6Y";
/// The canary as a plain word: lower case, no digits, nothing a shape detector flags.
pub const CANARY_WORD: &str = "stackproofcanarywordowner";

/// Every form of the canary a report or console line must never hold.
pub const FORMS: &[&str] = &[SECRET_CANARY, CANARY_CORE, CANARY_WORD];

/// The environment variables [`Canaries::Plaintext`] sets in a function and a task definition.
pub const PLAINTEXT_VARIABLES: &[&str] = &["DATABASE_URL", "SIGNING_KEY"];
/// The log option [`Canaries::Plaintext`] sets in every container of a task definition.
pub const PLAINTEXT_LOG_OPTION: &str = "apikey";

/// Which places get the canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canaries {
    /// Where a deployment may keep a secret and still pass every check.
    Kept,
    /// Also as credentials in plain text, where the credential checks look: they fail.
    Plaintext,
}

impl Canaries {
    fn plaintext(self) -> bool {
        self == Canaries::Plaintext
    }
}

/// The tags planted on each resource: a connection string and a key under credential names, and
/// the plain word under a harmless name.
fn tags() -> [(&'static str, String); 3] {
    [("DB_CONNECTION", connection_url()), ("api_key", SECRET_CANARY.to_owned()), ("Owner", CANARY_WORD.to_owned())]
}

fn connection_url() -> String {
    format!("postgres://admin:{SECRET_CANARY}@db.internal:5432/phi")
}

/// The plain-text credentials of [`Canaries::Plaintext`], as name and value.
fn plaintext_variables() -> [(&'static str, String); 2] {
    [("DATABASE_URL", connection_url()), ("SIGNING_KEY", SECRET_CANARY.to_owned())]
}

/// Where the canary went, in words, in planting order.
#[derive(Debug, Default)]
pub struct Places(Vec<String>);

impl Places {
    fn add(&mut self, place: impl Into<String>) {
        self.0.push(place.into());
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }
}

/// The value of output `key` (its first entry when a list), which the deployment made.
fn output<'a>(outputs: &'a BTreeMap<String, String>, key: &str) -> Result<&'a str, SeedError> {
    outputs.get(key).and_then(|v| v.split(',').next()).filter(|v| !v.is_empty()).ok_or_else(|| SeedError::Api {
        step: "canaries".into(),
        detail: format!("the deployment has no output {key} to plant a canary on"),
    })
}

/// The three canary tags on an EC2 resource.
async fn tag_ec2(s: &Seeder, id: &str) -> Result<(), SeedError> {
    let tags = tags().map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build());
    s.ec2.create_tags().resources(id).set_tags(Some(tags.to_vec())).send().await.map_err(step("CreateTags"))?;
    Ok(())
}

async fn tag_key(s: &Seeder, key_arn: &str) -> Result<(), SeedError> {
    let tag = |(k, v): (&str, String)| {
        aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"))
    };
    let tags = tags().into_iter().map(tag).collect::<Result<Vec<_>, _>>()?;
    s.kms.tag_resource().key_id(key_arn).set_tags(Some(tags)).send().await.map_err(step("TagResource (KMS)"))?;
    Ok(())
}

fn tag_map() -> HashMap<String, String> {
    tags().into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The log group's ARN, as DescribeLogGroups gives it (without the trailing `:*`).
async fn tag_log_group(s: &Seeder, name: &str) -> Result<(), SeedError> {
    let groups = s.logs.describe_log_groups().log_group_name_prefix(name).send().await;
    let groups = groups.map_err(step("DescribeLogGroups"))?.log_groups.unwrap_or_default();
    let arn =
        groups.into_iter().find(|g| g.log_group_name.as_deref() == Some(name)).and_then(|g| g.arn).ok_or_else(
            || SeedError::Api { step: "DescribeLogGroups".into(), detail: format!("no log group {name}") },
        )?;
    let arn = arn.strip_suffix(":*").unwrap_or(&arn);
    s.logs
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tag_map()))
        .send()
        .await
        .map_err(step("TagResource (logs)"))?;
    Ok(())
}

async fn tag_bucket(s: &Seeder, bucket: &str) -> Result<(), SeedError> {
    use aws_sdk_s3::types::{Tag, Tagging};
    // PutBucketTagging replaces the set: the bucket's own tags are kept beside the canaries.
    let own = s.s3.get_bucket_tagging().bucket(bucket).send().await.map(|t| t.tag_set).unwrap_or_default();
    let planted = tags().map(|(k, v)| Tag::builder().key(k).value(v).build().map_err(step("Tag")));
    let all = own.into_iter().map(Ok).chain(planted).collect::<Result<Vec<_>, _>>()?;
    let tagging = Tagging::builder().set_tag_set(Some(all)).build().map_err(step("Tagging"))?;
    s.s3.put_bucket_tagging().bucket(bucket).tagging(tagging).send().await.map_err(step("PutBucketTagging"))?;
    Ok(())
}

async fn tag_secret(s: &Seeder, arn: &str) -> Result<(), SeedError> {
    let tags = tags().map(|(k, v)| aws_sdk_secretsmanager::types::Tag::builder().key(k).value(v).build());
    let sm = &s.secretsmanager;
    sm.tag_resource()
        .secret_id(arn)
        .set_tags(Some(tags.to_vec()))
        .send()
        .await
        .map_err(step("TagResource (secret)"))?;
    let description = format!("rotated by hand; connection {}", connection_url());
    sm.update_secret().secret_id(arn).description(description).send().await.map_err(step("UpdateSecret"))?;
    Ok(())
}

/// Plants the canary in the HIPAA deployment whose `outputs` these are (eu-central-1).
pub async fn plant_hipaa(s: &Seeder, outputs: &BTreeMap<String, String>, which: Canaries) -> Result<Places, SeedError> {
    use hipaa_out as o;
    let out = |key| output(outputs, key);
    let mut places = Places::default();
    places.add("secret value of DatabaseSecretArn (the password field; seeded with the deployment)");
    places.add("secret value of ApiKeysSecretArn (api_key and redis_auth_token; seeded with the deployment)");
    places.add("Aurora cluster master password (seeded with the deployment)");
    places.add("ElastiCache replication group auth token (seeded with the deployment)");
    for (key, what) in
        [(o::VPC_ID, "VPC"), (o::PRIVATE_SUBNET_IDS, "subnet"), (o::APP_SECURITY_GROUP_ID, "security group")]
    {
        let id = out(key)?;
        tag_ec2(s, id).await?;
        places.add(format!("tags DB_CONNECTION, api_key, Owner on {what} {id}"));
    }
    let key = out(o::DATA_KEY_ARN)?;
    tag_key(s, key).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on KMS key {key}"));
    let group = out(o::ECS_LOG_GROUP_NAME)?;
    tag_log_group(s, group).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on log group {group}"));
    let fs = out(o::EFS_FILE_SYSTEM_ID)?;
    let efs_tag =
        |(k, v): (&str, String)| aws_sdk_efs::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    let efs_tags = tags().into_iter().map(efs_tag).collect::<Result<Vec<_>, _>>()?;
    s.efs.tag_resource().resource_id(fs).set_tags(Some(efs_tags)).send().await.map_err(step("TagResource (EFS)"))?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on EFS file system {fs}"));
    let cluster = out(o::DB_CLUSTER_IDENTIFIER)?;
    tag_db_cluster(s, cluster).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on Aurora cluster {cluster}"));
    for key in [o::DATABASE_SECRET_ARN, o::API_KEYS_SECRET_ARN] {
        let arn = out(key)?;
        tag_secret(s, arn).await?;
        places.add(format!("tags and description of secret {arn}"));
    }
    let (ecs_cluster, service) = (out(o::ECS_CLUSTER_NAME)?, out(o::ECS_SERVICE_NAME)?);
    tag_ecs_cluster(s, ecs_cluster).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on ECS cluster {ecs_cluster}"));
    run_task_with_override(s, ecs_cluster, service).await?;
    places.add(format!("override environment SESSION_SECRET and Owner of a task of service {service}"));
    if which.plaintext() {
        let revision = plaintext_revision(s, ecs_cluster, service).await?;
        places.add(format!(
            "environment {} and log option {PLAINTEXT_LOG_OPTION} of every container of {revision}, which service {service} runs",
            PLAINTEXT_VARIABLES.join(", ")
        ));
    }
    Ok(places)
}

async fn tag_db_cluster(s: &Seeder, cluster: &str) -> Result<(), SeedError> {
    let found = s.rds.describe_db_clusters().db_cluster_identifier(cluster).send().await;
    let arn = found
        .map_err(step("DescribeDBClusters"))?
        .db_clusters
        .unwrap_or_default()
        .into_iter()
        .find_map(|c| c.db_cluster_arn);
    let arn = arn
        .ok_or_else(|| SeedError::Api { step: "DescribeDBClusters".into(), detail: format!("no cluster {cluster}") })?;
    let tags = tags().map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build());
    s.rds
        .add_tags_to_resource()
        .resource_name(arn)
        .set_tags(Some(tags.to_vec()))
        .send()
        .await
        .map_err(step("AddTagsToResource"))?;
    Ok(())
}

async fn tag_ecs_cluster(s: &Seeder, cluster: &str) -> Result<(), SeedError> {
    let found = s.ecs.describe_clusters().clusters(cluster).send().await.map_err(step("DescribeClusters"))?;
    let arn = found.clusters.unwrap_or_default().into_iter().find_map(|c| c.cluster_arn);
    let arn =
        arn.ok_or_else(|| SeedError::Api { step: "DescribeClusters".into(), detail: format!("no cluster {cluster}") })?;
    let tags = tags().map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build());
    s.ecs
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags.to_vec()))
        .send()
        .await
        .map_err(step("TagResource (ECS)"))?;
    Ok(())
}

/// The service as ECS describes it.
async fn describe_service(s: &Seeder, cluster: &str, service: &str) -> Result<aws_sdk_ecs::types::Service, SeedError> {
    let found = s.ecs.describe_services().cluster(cluster).services(service).send().await;
    found.map_err(step("DescribeServices"))?.services.unwrap_or_default().into_iter().next().ok_or_else(|| {
        SeedError::Api { step: "DescribeServices".into(), detail: format!("no service {service} in {cluster}") }
    })
}

async fn describe_task_definition(s: &Seeder, arn: &str) -> Result<aws_sdk_ecs::types::TaskDefinition, SeedError> {
    let described = s.ecs.describe_task_definition().task_definition(arn).send().await;
    described.map_err(step("DescribeTaskDefinition"))?.task_definition.ok_or_else(|| SeedError::Api {
        step: "DescribeTaskDefinition".into(),
        detail: format!("no task definition {arn}"),
    })
}

/// One more task of the service's group, on the service's revision and placement, whose first
/// container's environment is overridden with the canary: what DescribeTasks answers with.
async fn run_task_with_override(s: &Seeder, cluster: &str, service: &str) -> Result<(), SeedError> {
    let svc = describe_service(s, cluster, service).await?;
    let revision = svc.task_definition.clone().unwrap_or_default();
    let td = describe_task_definition(s, &revision).await?;
    let container = td.container_definitions().first().and_then(|c| c.name.clone()).unwrap_or_default();
    let variables = [("SESSION_SECRET", SECRET_CANARY.to_owned()), ("Owner", CANARY_WORD.to_owned())];
    let environment = variables.map(|(k, v)| KeyValuePair::builder().name(k).value(v).build());
    let overrides = TaskOverride::builder()
        .container_overrides(
            ContainerOverride::builder().name(container).set_environment(Some(environment.to_vec())).build(),
        )
        .build();
    let mut run = s
        .ecs
        .run_task()
        .cluster(cluster)
        .task_definition(revision)
        .launch_type(LaunchType::Fargate)
        .group(format!("service:{service}"))
        .started_by("ecs-svc/0000000000000000000")
        .overrides(overrides);
    if let Some(network) = svc.network_configuration {
        run = run.network_configuration(network);
    }
    run.send().await.map_err(step("RunTask"))?;
    Ok(())
}

/// A new revision of the service's task definition whose every container holds the plain-text
/// credentials and the log option, and UpdateService to it; returns its ARN.
async fn plaintext_revision(s: &Seeder, cluster: &str, service: &str) -> Result<String, SeedError> {
    let svc = describe_service(s, cluster, service).await?;
    let td = describe_task_definition(s, &svc.task_definition.unwrap_or_default()).await?;
    let containers = td
        .container_definitions
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|mut c| {
            let env = c.environment.get_or_insert_with(Vec::new);
            env.extend(plaintext_variables().map(|(k, v)| KeyValuePair::builder().name(k).value(v).build()));
            if let Some(logs) = c.log_configuration.as_mut() {
                logs.options.get_or_insert_with(HashMap::new).insert(PLAINTEXT_LOG_OPTION.into(), SECRET_CANARY.into());
            }
            c
        })
        .collect();
    let registered = s
        .ecs
        .register_task_definition()
        .family(td.family.clone().unwrap_or_default())
        .set_task_role_arn(td.task_role_arn.clone())
        .set_execution_role_arn(td.execution_role_arn.clone())
        .set_network_mode(td.network_mode.clone())
        .set_requires_compatibilities(td.requires_compatibilities.clone())
        .set_cpu(td.cpu.clone())
        .set_memory(td.memory.clone())
        .set_runtime_platform(td.runtime_platform.clone())
        .set_volumes(td.volumes.clone())
        .set_container_definitions(Some(containers))
        .send()
        .await
        .map_err(step("RegisterTaskDefinition"))?;
    let arn = registered.task_definition.and_then(|t| t.task_definition_arn).unwrap_or_default();
    s.ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .task_definition(&arn)
        .send()
        .await
        .map_err(step("UpdateService"))?;
    Ok(arn)
}

/// Plants the canary in the DR layout whose `outputs` these are, in both regions of the emulator
/// at `endpoint`.
pub async fn plant_dr(
    endpoint: &str,
    outputs: &BTreeMap<String, String>,
    which: Canaries,
) -> Result<Places, SeedError> {
    use dr_out as o;
    let primary = Seeder::new(endpoint, dr::PRIMARY_REGION).await?;
    let secondary = Seeder::new(endpoint, dr::DR_REGION).await?;
    let out = |key| output(outputs, key);
    let mut places = Places::default();
    places.add("secret value of PrimaryMasterUserSecretArn (the master password; seeded with the layout)");
    places.add("Aurora primary cluster master password (seeded with the layout)");
    for (s, key, what) in [
        (&primary, o::PRIMARY_VPC_ID, "VPC"),
        (&secondary, o::DR_VPC_ID, "VPC"),
        (&primary, o::PRIMARY_PRIVATE_SUBNET_IDS, "subnet"),
        (&primary, o::PRIMARY_DB_SECURITY_GROUP_ID, "security group"),
    ] {
        let id = out(key)?;
        tag_ec2(s, id).await?;
        places.add(format!("tags DB_CONNECTION, api_key, Owner on {what} {id} ({})", s.region));
    }
    for (s, key) in [(&primary, o::PRIMARY_BUCKET_NAME), (&primary, o::TRAIL_BUCKET_NAME)] {
        let bucket = out(key)?;
        tag_bucket(s, bucket).await?;
        places.add(format!("tags DB_CONNECTION, api_key, Owner on bucket {bucket}"));
    }
    let key = out(o::PRIMARY_KMS_KEY_ARN)?;
    tag_key(&primary, key).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on KMS key {key}"));
    let group = out(o::FAILOVER_LOG_GROUP_NAME)?;
    tag_log_group(&primary, group).await?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on log group {group}"));
    let secret = out(o::PRIMARY_MASTER_USER_SECRET_ARN)?;
    tag_secret(&primary, secret).await?;
    places.add(format!("tags and description of secret {secret}"));
    let topic = out(o::ALERTS_TOPIC_ARN)?;
    let webhook = format!("https://hooks.example.com/services/T0CANARY/{SECRET_CANARY}?owner={CANARY_WORD}");
    let subscribe = primary.sns.subscribe().topic_arn(topic).protocol("https").endpoint(webhook);
    subscribe.send().await.map_err(step("Subscribe"))?;
    places.add(format!("https subscription of {topic}, the token in its URL's path and query"));
    if let Some(parameter) = outputs.get(o::FAILOVER_CONFIG_PARAMETER_NAME) {
        describe_parameter(&primary, parameter).await?;
        places.add(format!("description and tags of SSM parameter {parameter}"));
    }
    let function = out(o::FAILOVER_FUNCTION_NAME)?;
    let lambda = &primary.lambda;
    let config = lambda.get_function_configuration().function_name(function).send().await;
    let config = config.map_err(step("GetFunctionConfiguration"))?;
    let arn = config.function_arn.clone().unwrap_or_default();
    lambda
        .tag_resource()
        .resource(&arn)
        .set_tags(Some(tag_map()))
        .send()
        .await
        .map_err(step("TagResource (Lambda)"))?;
    places.add(format!("tags DB_CONNECTION, api_key, Owner on function {function}"));
    if which.plaintext() {
        let mut variables = config.environment.and_then(|e| e.variables).unwrap_or_default();
        variables.extend(plaintext_variables().map(|(k, v)| (k.to_owned(), v)));
        let environment = aws_sdk_lambda::types::Environment::builder().set_variables(Some(variables)).build();
        let update = lambda.update_function_configuration().function_name(function).environment(environment);
        update.send().await.map_err(step("UpdateFunctionConfiguration"))?;
        places.add(format!("environment {} of function {function}", PLAINTEXT_VARIABLES.join(", ")));
    }
    Ok(places)
}

/// PutParameter again with the same value and type, and the canary in its description; tags.
async fn describe_parameter(s: &Seeder, name: &str) -> Result<(), SeedError> {
    let got = s.ssm.get_parameter().name(name).with_decryption(true).send().await.map_err(step("GetParameter"))?;
    let (value, kind) = got.parameter.map(|p| (p.value, p.r#type)).unwrap_or_default();
    let description = format!("owner {CANARY_WORD}; break-glass connection {}", connection_url());
    s.ssm
        .put_parameter()
        .name(name)
        .set_value(value)
        .set_type(kind)
        .overwrite(true)
        .description(description)
        .send()
        .await
        .map_err(step("PutParameter"))?;
    let tag = |(k, v): (&str, String)| aws_sdk_ssm::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    let tags = tags().into_iter().map(tag).collect::<Result<Vec<_>, _>>()?;
    s.ssm
        .add_tags_to_resource()
        .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::Parameter)
        .resource_id(name)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(step("AddTagsToResource (SSM)"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use stackproof_harness::secret::{Shape, shape};

    use super::*;

    #[test]
    fn the_canary_looks_like_a_secret_and_its_word_does_not() {
        assert_eq!(shape(SECRET_CANARY), Some(Shape::RandomToken));
        assert_eq!(shape(&connection_url()), Some(Shape::UrlWithPassword));
        assert_eq!(shape(CANARY_WORD), None, "the plain word must pass every shape test");
        assert!(SECRET_CANARY.contains(CANARY_CORE));
        // Where the reference deployments put it, it reads as a secret too.
        assert!(shape(&format!("{SECRET_CANARY}-db-password")).is_some());
    }
}
