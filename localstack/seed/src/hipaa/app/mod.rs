//! ECS with auto scaling, API Gateway and WAF, and the IAM roles of the HIPAA reference
//! deployment, and their mutants.

pub mod api;
pub mod ecs;
pub mod iam;
pub mod waf;

use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::mutation::Mutant;

use self::api::{Api, ApiSpec};
use self::ecs::{EcsSpec, Service};
use self::iam::RolesSpec;
use self::waf::WebAclSpec;
use super::network::logs::{LogGroupSpec, create_group};
use super::{Base, Mutants, account_of};
use crate::{SeedError, Seeder};

/// Stands in for the file system when the data layer is not seeded.
const STAND_IN_FILE_SYSTEM: &str = "fs-0123456789abcdef0";
/// Stands in for the EFS access point the task mounts through: the data layer's is not read back.
const STAND_IN_ACCESS_POINT: &str = "fsap-0123456789abcdef0";
/// The account when the secrets' ARNs do not name one.
const STAND_IN_ACCOUNT: &str = "123456789012";

/// What the app layer's resources refer to, beside `base`.
pub struct Refs<'a> {
    pub base: &'a Base,
    /// From a secret's ARN.
    pub account: String,
    /// The data layer's file system.
    pub file_system: String,
    pub access_point: &'static str,
}

impl<'a> Refs<'a> {
    fn new(base: &'a Base) -> Self {
        Self {
            base,
            account: account_of(&base.db_secret).unwrap_or(STAND_IN_ACCOUNT).to_owned(),
            file_system: base
                .outputs
                .get(o::EFS_FILE_SYSTEM_ID)
                .map_or(STAND_IN_FILE_SYSTEM, String::as_str)
                .to_owned(),
            access_point: STAND_IN_ACCESS_POINT,
        }
    }
}

/// Seeds this layer on top of `base`, adds its outputs to `base.outputs`, applies its mutants.
pub async fn deploy(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    // Boxed: this future holds many large SDK futures in debug builds; on the heap it cannot
    // overflow the stack of the thread that awaits the whole deployment.
    Box::pin(seed(s, base, mutants)).await
}

async fn seed(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    let suffix = base.suffix.clone();
    let refs = Refs::new(base);
    let roles = iam::create(&s.iam, &RolesSpec::new(&refs), &suffix).await?;
    let ecs_spec = EcsSpec::new(&refs, mutants);
    let service = ecs::create(&s.ecs, &s.autoscaling, &ecs_spec, &refs, &roles, &suffix).await?;
    let api = api::create(&s.apigateway, &ApiSpec::new(&refs, mutants), &suffix).await?;
    let execution_logs = LogGroupSpec::api_execution(&api.id, &suffix);
    create_group(s, &execution_logs, &refs.base.logs_key, &suffix).await?;
    let web_acl = waf::create(&s.wafv2, &WebAclSpec::new(&suffix, mutants), &suffix).await?;
    waf::associate(&s.wafv2, &web_acl, &api.stage_arn()).await?;
    if let Some(placement) = ecs::drifted_network(&refs, mutants) {
        ecs::update_network(&s.ecs, &service, &placement).await?;
    }
    if let Some(revision) = ecs::drifted_revision(&service) {
        ecs::update_revision(&s.ecs, &service, revision).await?;
    }
    for mutant in mutants.iter() {
        drift(s, &refs, &service, &api, mutant).await?;
    }
    base.add_outputs([
        (o::ECS_CLUSTER_NAME, service.cluster),
        (o::ECS_SERVICE_NAME, service.name),
        (o::TASK_DEFINITION_ARN, service.task_definition),
        (o::WEB_ACL_ARN, web_acl),
    ]);
    base.add_outputs(api.outputs());
    Ok(())
}

/// Applies `mutant` to the deployed layer, if it is this layer's drift.
async fn drift(s: &Seeder, refs: &Refs<'_>, service: &Service, api: &Api, mutant: &Mutant) -> Result<(), SeedError> {
    match *mutant {
        m::ECS_SERVICE_DESIRED_ONE => ecs::desire_one(&s.ecs, service).await,
        m::ECS_TASK_RUNNING_IN_PUBLIC_SUBNET
        | m::ECS_TASK_RUNNING_WITH_EXTRA_SECURITY_GROUP
        | m::ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS => ecs::run_stray_task(&s.ecs, refs, service, mutant).await,
        m::ECS_SCALING_MIN_ONE => ecs::scale_down_to_one(&s.autoscaling, service).await,
        m::ECS_SCALING_MAX_FOUR => ecs::cap_at_four(&s.autoscaling, service).await,
        m::ECS_SCALING_OUT_SUSPENDED => ecs::suspend_scaling_out(&s.autoscaling, service).await,
        m::API_STAGE_DEPLOYMENT_DELETED => api::delete_stage_deployment(&s.apigateway, api).await,
        m::API_METHOD_THROTTLING_RAISED | m::API_METHOD_LOGGING_OFF | m::API_METHOD_DATA_TRACE_ON => {
            api::override_proxy_method(&s.apigateway, api, mutant).await
        }
        m::WAF_NOT_ASSOCIATED => waf::disassociate(&s.wafv2, &api.stage_arn()).await,
        m::WAF_OTHER_ACL_ASSOCIATED => waf::associate_other(&s.wafv2, &api.stage_arn(), &refs.base.suffix).await,
        // Made at creation, the network's (one UpdateService above), or another layer's.
        _ => Ok(()),
    }
}
