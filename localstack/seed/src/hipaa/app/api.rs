//! API Gateway: a VPC link to the internal NLB, `{proxy+}` ANY with IAM auth, a deployment and a
//! throttled, traced, logged stage.

use aws_sdk_apigateway::Client as ApiGateway;
use aws_sdk_apigateway::types::{
    ConnectionType, EndpointConfiguration, EndpointType, IntegrationType, Op, PatchOperation,
};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use super::Refs;
use crate::hipaa::{APP_PORT, Mutants, REGION, names, tags};
use crate::{SeedError, step};

const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","sourceIp":"$context.identity.sourceIp","caller":"$context.identity.caller","userArn":"$context.identity.userArn","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationStatus":"$context.integration.status","integrationLatency":"$context.integration.latency","wafStatus":"$context.waf.status"}"#;

/// Records the request id, time and status, not who called.
const ACCESS_LOG_FORMAT_WITHOUT_CALLER: &str =
    r#"{"requestId":"$context.requestId","requestTime":"$context.requestTime","status":"$context.status"}"#;

/// The stage's per-method throttling: requests per second, burst.
const THROTTLING: (&str, &str) = ("100", "200");
/// A burst far above the stack's.
const RAISED_BURST: &str = "5000";
/// A region that is not the stack's, for logs sent elsewhere.
const OTHER_REGION: &str = "eu-west-1";
/// The settings key of ANY on `/{proxy+}` (its path with `/` escaped as `~1`).
const PROXY_ANY: &str = "~1{proxy+}/ANY";

/// A per-method override of the stage's settings, for ANY on `/{proxy+}`.
struct MethodOverride {
    pub log_level: &'static str,
    pub data_trace: bool,
    pub rate_limit: &'static str,
}

impl MethodOverride {
    /// The override a mutant asks for: the template's settings but one.
    fn of(mutant: &Mutant) -> Option<Self> {
        let kept = Self { log_level: "INFO", data_trace: false, rate_limit: THROTTLING.0 };
        match *mutant {
            m::API_METHOD_THROTTLING_RAISED => Some(Self { rate_limit: "5000", ..kept }),
            m::API_METHOD_LOGGING_OFF => Some(Self { log_level: "OFF", ..kept }),
            m::API_METHOD_DATA_TRACE_ON => Some(Self { data_trace: true, ..kept }),
            _ => None,
        }
    }
}

/// The API as the template declares it, with the mutants made at creation.
pub struct ApiSpec {
    pub vpc_link: String,
    /// Stands in for the stack's internal NLB: elbv2 is not seeded, and API Gateway's VPC link
    /// only records the ARN.
    pub load_balancer_arn: String,
    /// The NLB's DNS name the integration calls, on the app port.
    pub backend_uri: String,
    pub rest_api: String,
    pub stage: String,
    pub tracing: bool,
    pub execution_log_level: &'static str,
    pub throttling: bool,
    pub burst_limit: &'static str,
    /// The access log group's ARN; None: no access log settings.
    pub access_log_destination: Option<String>,
    pub access_log_format: &'static str,
}

impl ApiSpec {
    pub fn new(refs: &Refs, mutants: &Mutants) -> Self {
        let suffix = &refs.base.suffix;
        let nlb = names::load_balancer(suffix);
        let access_log_group = format!("log-group:{}", refs.base.api_access_log_group);
        let access_log_arn = if mutants.has(&m::API_ACCESS_LOGS_TO_OTHER_REGION) {
            format!("arn:aws:logs:{OTHER_REGION}:{}:{access_log_group}", refs.account)
        } else {
            names::arn("logs", &refs.account, &access_log_group)
        };
        Self {
            vpc_link: format!("vpc-link-{suffix}"),
            load_balancer_arn: names::arn(
                "elasticloadbalancing",
                &refs.account,
                &format!("loadbalancer/net/{nlb}/0123456789abcdef"),
            ),
            backend_uri: format!("http://{nlb}-0123456789abcdef.elb.{REGION}.amazonaws.com:{APP_PORT}/{{proxy}}"),
            rest_api: format!("rest-api-{suffix}"),
            stage: format!("api-stage-{suffix}"),
            tracing: !mutants.has(&m::API_TRACING_OFF),
            execution_log_level: if mutants.has(&m::API_EXECUTION_LOGGING_OFF) { "OFF" } else { "INFO" },
            throttling: !mutants.has(&m::API_THROTTLING_OFF),
            burst_limit: if mutants.has(&m::API_BURST_LIMIT_RAISED) { RAISED_BURST } else { THROTTLING.1 },
            access_log_destination: (!mutants.has(&m::API_ACCESS_LOGS_OFF)).then_some(access_log_arn),
            access_log_format: if mutants.has(&m::API_ACCESS_LOG_FORMAT_WITHOUT_CALLER) {
                ACCESS_LOG_FORMAT_WITHOUT_CALLER
            } else {
                ACCESS_LOG_FORMAT
            },
        }
    }
}

/// What [`create`] made.
pub struct Api {
    pub id: String,
    pub deployment: String,
    pub stage: String,
    pub load_balancer_arn: String,
}

impl Api {
    /// The stage's ARN, as WAF associates it.
    pub fn stage_arn(&self) -> String {
        format!("arn:aws:apigateway:{REGION}::/restapis/{}/stages/{}", self.id, self.stage)
    }

    pub fn outputs(&self) -> [(&'static str, String); 3] {
        [
            (o::REST_API_ID, self.id.clone()),
            (o::API_STAGE_NAME, self.stage.clone()),
            (o::LOAD_BALANCER_ARN, self.load_balancer_arn.clone()),
        ]
    }
}

pub async fn create(api: &ApiGateway, spec: &ApiSpec, suffix: &Suffix) -> Result<Api, SeedError> {
    let vpc_link = create_vpc_link(api, spec, suffix).await?;
    let (id, root) = create_rest_api(api, spec, suffix).await?;
    create_proxy(api, spec, &id, &root, &vpc_link).await?;
    let deployment = api
        .create_deployment()
        .rest_api_id(&id)
        .description("HIPAA stack v1 deployment")
        .send()
        .await
        .map_err(step("CreateDeployment"))?
        .id
        .unwrap_or_default();
    create_stage(api, spec, &id, &deployment, suffix).await?;
    configure_stage(api, spec, &id).await?;
    Ok(Api { id, deployment, stage: spec.stage.clone(), load_balancer_arn: spec.load_balancer_arn.clone() })
}

async fn create_vpc_link(api: &ApiGateway, spec: &ApiSpec, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(api
        .create_vpc_link()
        .name(&spec.vpc_link)
        .description("Private path from API Gateway to the internal NLB")
        .target_arns(&spec.load_balancer_arn)
        .set_tags(Some(tags::map(&spec.vpc_link, suffix)))
        .send()
        .await
        .map_err(step("CreateVpcLink"))?
        .id
        .unwrap_or_default())
}

/// Creates the regional REST API; returns its id and its root resource's id.
async fn create_rest_api(api: &ApiGateway, spec: &ApiSpec, suffix: &Suffix) -> Result<(String, String), SeedError> {
    let made = api
        .create_rest_api()
        .name(&spec.rest_api)
        .description("Patient records API (HIPAA stack)")
        .endpoint_configuration(EndpointConfiguration::builder().types(EndpointType::Regional).build())
        .set_tags(Some(tags::map(&spec.rest_api, suffix)))
        .send()
        .await
        .map_err(step("CreateRestApi"))?;
    Ok((made.id.unwrap_or_default(), made.root_resource_id.unwrap_or_default()))
}

/// `{proxy+}` under the root: ANY with IAM auth, proxied through the VPC link.
async fn create_proxy(api: &ApiGateway, spec: &ApiSpec, id: &str, root: &str, vpc_link: &str) -> Result<(), SeedError> {
    let proxy = api
        .create_resource()
        .rest_api_id(id)
        .parent_id(root)
        .path_part("{proxy+}")
        .send()
        .await
        .map_err(step("CreateResource"))?
        .id
        .unwrap_or_default();
    api.put_method()
        .rest_api_id(id)
        .resource_id(&proxy)
        .http_method("ANY")
        .authorization_type("AWS_IAM")
        .request_parameters("method.request.path.proxy", true)
        .send()
        .await
        .map_err(step("PutMethod"))?;
    api.put_integration()
        .rest_api_id(id)
        .resource_id(&proxy)
        .http_method("ANY")
        .r#type(IntegrationType::HttpProxy)
        .integration_http_method("ANY")
        .connection_type(ConnectionType::VpcLink)
        .connection_id(vpc_link)
        .uri(&spec.backend_uri)
        .passthrough_behavior("WHEN_NO_MATCH")
        .timeout_in_millis(29000)
        .request_parameters("integration.request.path.proxy", "method.request.path.proxy")
        .send()
        .await
        .map_err(step("PutIntegration"))?;
    Ok(())
}

async fn create_stage(
    api: &ApiGateway,
    spec: &ApiSpec,
    id: &str,
    deployment: &str,
    suffix: &Suffix,
) -> Result<(), SeedError> {
    api.create_stage()
        .rest_api_id(id)
        .stage_name(&spec.stage)
        .deployment_id(deployment)
        .description("Throttled, traced and access-logged stage")
        .tracing_enabled(spec.tracing)
        .cache_cluster_enabled(false)
        .set_tags(Some(tags::map(&spec.stage, suffix)))
        .send()
        .await
        .map_err(step("CreateStage"))?;
    Ok(())
}

/// The stage's method settings and access log settings, in one UpdateStage.
async fn configure_stage(api: &ApiGateway, spec: &ApiSpec, id: &str) -> Result<(), SeedError> {
    let patch = |path: &str, value: &str| PatchOperation::builder().op(Op::Replace).path(path).value(value).build();
    let mut ops = vec![patch("/*/*/logging/loglevel", spec.execution_log_level), patch("/*/*/metrics/enabled", "true")];
    if spec.throttling {
        ops.push(patch("/*/*/throttling/rateLimit", THROTTLING.0));
        ops.push(patch("/*/*/throttling/burstLimit", spec.burst_limit));
    }
    if let Some(destination) = &spec.access_log_destination {
        ops.push(patch("/accessLogSettings/destinationArn", destination));
        ops.push(patch("/accessLogSettings/format", spec.access_log_format));
    }
    api.update_stage()
        .rest_api_id(id)
        .stage_name(&spec.stage)
        .set_patch_operations(Some(ops))
        .send()
        .await
        .map_err(step("UpdateStage"))?;
    Ok(())
}

// Drift on the deployed API.

/// UpdateStage: the settings of ANY on `/{proxy+}` overridden as `mutant` asks, every one of
/// them given.
pub async fn override_proxy_method(api: &ApiGateway, made: &Api, mutant: &Mutant) -> Result<(), SeedError> {
    let Some(o) = MethodOverride::of(mutant) else { return Ok(()) };
    let patch = |setting: &str, value: &str| {
        PatchOperation::builder().op(Op::Replace).path(format!("/{PROXY_ANY}/{setting}")).value(value).build()
    };
    let ops = vec![
        patch("logging/loglevel", o.log_level),
        patch("logging/dataTrace", if o.data_trace { "true" } else { "false" }),
        patch("metrics/enabled", "true"),
        patch("throttling/rateLimit", o.rate_limit),
        patch("throttling/burstLimit", THROTTLING.1),
    ];
    api.update_stage()
        .rest_api_id(&made.id)
        .stage_name(&made.stage)
        .set_patch_operations(Some(ops))
        .send()
        .await
        .map_err(step("UpdateStage"))?;
    Ok(())
}

/// DeleteDeployment of the deployment the stage points at.
pub async fn delete_stage_deployment(api: &ApiGateway, made: &Api) -> Result<(), SeedError> {
    api.delete_deployment()
        .rest_api_id(&made.id)
        .deployment_id(&made.deployment)
        .send()
        .await
        .map_err(step("DeleteDeployment"))?;
    Ok(())
}
