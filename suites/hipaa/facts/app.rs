//! Facts of the ECS with auto scaling, API Gateway and WAF, the existing secrets, IAM roles layer.
//! Every resource is described once, concurrently; checks only read these.

use futures_util::future::join_all;
use stackproof_harness::aws::RegionClients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::apigateway::{self, Deployment, Stage};
use stackproof_harness::facts::autoscaling::{self, Scaling};
use stackproof_harness::facts::ecs::{self, Cluster, RunningTask, Service, TaskDefinition};
use stackproof_harness::facts::kms::{self, Key};
use stackproof_harness::facts::secrets::{self, Secret};
use stackproof_harness::facts::wafv2::{self, WebAcl};
use stackproof_harness::facts::{Fact, FactError, declared};

use super::{Named, named};
use crate::hipaa::outputs::{
    API_KEYS_SECRET_ARN, API_STAGE_NAME, DATABASE_SECRET_ARN, ECS_CLUSTER_NAME, ECS_SERVICE_NAME, REST_API_ID,
    TASK_DEFINITION_ARN, WEB_ACL_ARN,
};

/// The secrets the stack consumes, by output.
pub const SECRETS: &[&str] = &[DATABASE_SECRET_ARN, API_KEYS_SECRET_ARN];

pub struct AppFacts {
    /// The stack's region: where its log groups are, so where its containers must log.
    pub region: String,
    pub cluster: Named<Cluster>,
    pub service: Named<Service>,
    /// The tasks the service runs (desired status RUNNING), each with the network interface it
    /// actually got; named by the service.
    pub tasks: Named<Vec<RunningTask>>,
    /// The revision the outputs name as in use.
    pub task_definition: Named<TaskDefinition>,
    /// Every other revision in effect: the service's taskDefinition, each deployment's, each
    /// running task's, when it is not the one the outputs name; each described once.
    pub revisions: Vec<Revision>,
    /// The service's scalable target (`service/<cluster>/<service>`) and its policies.
    pub scaling: Named<Scaling>,
    /// Named by the stage ARN (`arn:aws:apigateway:<region>::/restapis/<api>/stages/<stage>`).
    pub stage: Named<Stage>,
    /// The deployments of the REST API.
    pub deployments: Named<Vec<Deployment>>,
    /// The web ACL WAF says guards the stage (GetWebACLForResource on the stage ARN), if any.
    pub stage_web_acl: Named<Option<WebAcl>>,
    /// The stack's web ACL as the outputs declare it (what must guard the stage), and described.
    pub web_acl_arn: Named<String>,
    pub web_acl: Named<WebAcl>,
    /// The secrets the stack consumes as the outputs declare them (what tasks must read), and
    /// described.
    pub database_secret_arn: Named<String>,
    pub api_keys_secret_arn: Named<String>,
    pub secrets: Vec<Named<Secret>>,
    /// Each alias a secret names as its KmsKeyId (`alias/x` or an alias ARN), with the key KMS
    /// says it points to: a secret under the secrets key's alias is under that key.
    pub secret_key_aliases: Vec<(String, Fact<Key>)>,
}

/// A task definition revision the service runs, and where it runs.
pub struct Revision {
    /// The revision as the service, a deployment or a task names it.
    pub arn: String,
    /// Where it is in effect: `taskDefinition`, `deployment ecs-svc/1 (PRIMARY)`, `task <arn>`.
    pub run_by: Vec<String>,
    pub fact: Fact<TaskDefinition>,
}

/// The revisions the service and its tasks run, each with where it runs, in first-seen order,
/// without `declared` (the outputs' revision, described on its own).
fn revisions_in_effect(
    service: Option<&Service>,
    tasks: Option<&Vec<RunningTask>>,
    declared: Option<&str>,
) -> Vec<(String, Vec<String>)> {
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |arn: &str, by: String| {
        if arn.is_empty() || Some(arn) == declared {
            return;
        }
        match found.iter_mut().find(|(a, _)| a == arn) {
            Some((_, run_by)) => run_by.push(by),
            None => found.push((arn.to_owned(), vec![by])),
        }
    };
    if let Some(s) = service {
        add(&s.task_definition, "taskDefinition".to_owned());
        for d in &s.deployments {
            add(&d.task_definition, format!("deployment {} ({})", d.id, d.status));
        }
    }
    for t in tasks.into_iter().flatten() {
        add(&t.task_definition_arn, format!("task {}", t.task_arn));
    }
    found
}

/// Both outputs, or the first one missing.
fn two<'a>(
    outputs: &'a Outputs,
    a: &'static str,
    b: &'static str,
) -> Result<(&'a str, &'a str), (&'static str, FactError)> {
    let first = outputs.get(a).map_err(|e| (a, e))?;
    let second = outputs.get(b).map_err(|e| (b, e))?;
    Ok((first, second))
}

/// A fact about a resource named by two outputs (`resource` built from both).
async fn named2<T, Fut>(
    outputs: &Outputs,
    a: &'static str,
    b: &'static str,
    resource: impl FnOnce(&str, &str) -> String,
    fetch: impl FnOnce(String, String) -> Fut,
) -> Named<T>
where
    Fut: Future<Output = Fact<T>>,
{
    match two(outputs, a, b) {
        Ok((x, y)) => Named { output: b, resource: resource(x, y), fact: fetch(x.to_owned(), y.to_owned()).await },
        Err((key, missing)) => Named { output: key, resource: key.to_owned(), fact: Err(missing) },
    }
}

pub async fn gather(c: &RegionClients, outputs: &Outputs) -> AppFacts {
    let stage_arn = |api: &str, stage: &str| apigateway::stage_arn(&c.region, api, stage);

    let cluster = named(outputs, ECS_CLUSTER_NAME, |name| async move { ecs::cluster(&c.ecs, &name).await });
    let service = named2(
        outputs,
        ECS_CLUSTER_NAME,
        ECS_SERVICE_NAME,
        |_, service| service.to_owned(),
        |cluster, service| async move { ecs::service(&c.ecs, &cluster, &service).await },
    );
    let tasks = named2(
        outputs,
        ECS_CLUSTER_NAME,
        ECS_SERVICE_NAME,
        |_, service| service.to_owned(),
        |cluster, service| async move { ecs::service_tasks(&c.ecs, &c.ec2, &cluster, &service).await },
    );
    let task_definition =
        named(outputs, TASK_DEFINITION_ARN, |arn| async move { ecs::task_definition(&c.ecs, &arn).await });
    let scaling = named2(
        outputs,
        ECS_CLUSTER_NAME,
        ECS_SERVICE_NAME,
        autoscaling::ecs_service_resource_id,
        |cluster, service| async move { autoscaling::ecs_service(&c.autoscaling, &cluster, &service).await },
    );
    let stage = named2(outputs, REST_API_ID, API_STAGE_NAME, stage_arn, |api, stage| async move {
        apigateway::stage(&c.apigateway, &api, &stage).await
    });
    let deployments =
        named(outputs, REST_API_ID, |api| async move { apigateway::deployments(&c.apigateway, &api).await });
    let stage_web_acl = named2(outputs, REST_API_ID, API_STAGE_NAME, stage_arn, |api, stage| async move {
        wafv2::web_acl_for_resource(&c.wafv2, &stage_arn(&api, &stage)).await
    });
    let web_acl = named(outputs, WEB_ACL_ARN, |arn| async move { wafv2::web_acl(&c.wafv2, &arn).await });
    let secrets = join_all(
        SECRETS.iter().map(|k| named(outputs, k, |arn| async move { secrets::secret(&c.secretsmanager, &arn).await })),
    );

    // Boxed: the SDK's futures are large in debug builds, and ten of them side by side overflow
    // a test thread's stack.
    let (cluster, service, tasks, task_definition, scaling, stage, deployments, stage_web_acl, web_acl, secrets) = tokio::join!(
        Box::pin(cluster),
        Box::pin(service),
        Box::pin(tasks),
        Box::pin(task_definition),
        Box::pin(scaling),
        Box::pin(stage),
        Box::pin(deployments),
        Box::pin(stage_web_acl),
        Box::pin(web_acl),
        Box::pin(secrets)
    );
    // What the service runs is known only now: the revisions it names beyond the outputs' one.
    let named_revision = outputs.get(TASK_DEFINITION_ARN).ok();
    let in_effect = revisions_in_effect(service.value(), tasks.value(), named_revision);
    let revisions = Box::pin(join_all(in_effect.into_iter().map(|(arn, run_by)| async move {
        let fact = ecs::task_definition(&c.ecs, &arn).await;
        Revision { arn, run_by, fact }
    })))
    .await;
    let secret_key_aliases = Box::pin(aliases_of(c, &secrets)).await;
    AppFacts {
        region: c.region.clone(),
        cluster,
        service,
        tasks,
        task_definition,
        revisions,
        scaling,
        stage,
        deployments,
        stage_web_acl,
        web_acl_arn: declared(outputs, WEB_ACL_ARN),
        web_acl,
        database_secret_arn: declared(outputs, DATABASE_SECRET_ARN),
        api_keys_secret_arn: declared(outputs, API_KEYS_SECRET_ARN),
        secrets,
        secret_key_aliases,
    }
}

/// A key reference that is an alias (`alias/x`, `arn:aws:kms:<region>:<account>:alias/x`), not a
/// key id or key ARN.
pub fn is_alias(key_ref: &str) -> bool {
    key_ref.starts_with("alias/") || key_ref.contains(":alias/")
}

/// The aliases the secrets' KmsKeyIds name, each described once (DescribeKey resolves an alias).
async fn aliases_of(c: &RegionClients, secrets: &[Named<Secret>]) -> Vec<(String, Fact<Key>)> {
    let mut aliases: Vec<String> =
        secrets.iter().filter_map(|n| n.value()?.kms_key_id.clone()).filter(|k| is_alias(k)).collect();
    aliases.sort();
    aliases.dedup();
    join_all(aliases.into_iter().map(|alias| async move {
        let key = kms::key(&c.kms, &alias).await;
        (alias, key)
    }))
    .await
}
