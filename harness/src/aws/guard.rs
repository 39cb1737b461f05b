//! Read-only by construction: an interceptor on every client the harness builds refuses any
//! operation not on the allowlist, before the request is serialized, signed or sent. It also
//! keeps a ledger of what was sent, so a run can show (and tests can prove) that each resource
//! was described once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// Every operation the harness may send, as (service, operation) in the SDK's own naming: the
/// union of the stacks' reads (a test in the suites keeps it so: no entry unused).
/// Each is a Describe/Get/List that reads configuration; secret values are never read, so
/// `GetSecretValue` is absent and must stay absent. Some replies still carry what teams keep
/// secrets in (noted beside them); their facts keep, by allowlist, only what checks judge. EC2's
/// Describe replies carry every tag: only `facts::KEPT_TAGS` are kept.
/// Calls the credential chain makes (STS AssumeRole and AssumeRoleWithWebIdentity, SSO, IMDS,
/// `credential_process`) happen before any client exists and are outside this guard.
pub const ALLOWED: &[(&str, &str)] = &[
    ("apigateway", "GetDeployments"),
    ("apigateway", "GetStage"),
    ("applicationautoscaling", "DescribeScalableTargets"),
    ("applicationautoscaling", "DescribeScalingPolicies"),
    ("backup", "DescribeBackupVault"),
    ("backup", "GetBackupPlan"),
    ("backup", "GetBackupSelection"),
    ("backup", "ListBackupSelections"),
    ("cloudformation", "DescribeStacks"),
    ("cloudformation", "ListStackResources"),
    ("cloudtrail", "GetEventSelectors"),
    ("cloudtrail", "GetTrail"),
    ("cloudtrail", "GetTrailStatus"),
    ("cloudwatch", "DescribeAlarms"),
    ("cloudwatchlogs", "DescribeLogGroups"),
    ("ec2", "DescribeAddresses"),
    ("ec2", "DescribeFlowLogs"),
    ("ec2", "DescribeInternetGateways"),
    ("ec2", "DescribeNatGateways"),
    ("ec2", "DescribeNetworkInterfaces"),
    ("ec2", "DescribeRouteTables"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeSubnets"),
    ("ec2", "DescribeVpcAttribute"),
    ("ec2", "DescribeVpcs"),
    ("ec2", "GetManagedPrefixListEntries"),
    ("ecs", "DescribeClusters"),
    ("ecs", "DescribeServices"),
    // Answers every container's environment and log options with their values: the fact keeps
    // names and a verdict on each value (`secret::Shape`, named like a credential), and values
    // only of the log options the checks read (`facts::ecs::KEPT_LOG_OPTIONS`).
    ("ecs", "DescribeTaskDefinition"),
    // Answers each task's container overrides, environments included: only ARNs, status and the
    // network attachment's fields are kept (`facts::ecs::service_tasks`).
    ("ecs", "DescribeTasks"),
    ("ecs", "ListTasks"),
    ("efs", "DescribeAccessPoints"),
    ("efs", "DescribeBackupPolicy"),
    ("efs", "DescribeFileSystemPolicy"),
    ("efs", "DescribeFileSystems"),
    ("efs", "DescribeMountTargetSecurityGroups"),
    ("efs", "DescribeMountTargets"),
    ("elasticache", "DescribeCacheClusters"),
    ("elasticache", "DescribeCacheSubnetGroups"),
    ("elasticache", "DescribeReplicationGroups"),
    ("iam", "GetPolicy"),
    ("iam", "GetPolicyVersion"),
    ("iam", "GetRole"),
    ("iam", "GetRolePolicy"),
    ("iam", "ListAttachedRolePolicies"),
    ("iam", "ListRolePolicies"),
    ("kms", "DescribeKey"),
    ("kms", "GetKeyRotationStatus"),
    // Answers the environment's variables decrypted: the fact keeps names and a verdict on each
    // value, and values only of the variables a check compares (the topic ARN, the configuration
    // parameter's name), never one that looks like a credential (`facts::lambda::function`).
    ("lambda", "GetFunctionConfiguration"),
    ("lambda", "GetPolicy"),
    ("rds", "DescribeDBClusterParameters"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeDBSubnetGroups"),
    ("rds", "DescribeGlobalClusters"),
    ("resourcegroupstaggingapi", "GetResources"),
    ("route53", "GetHealthCheck"),
    ("s3", "GetBucketEncryption"),
    ("s3", "GetBucketLogging"),
    ("s3", "GetBucketLifecycleConfiguration"),
    ("s3", "GetBucketPolicy"),
    ("s3", "GetBucketReplication"),
    ("s3", "GetBucketVersioning"),
    ("s3", "GetPublicAccessBlock"),
    ("secretsmanager", "DescribeSecret"),
    ("sns", "GetTopicAttributes"),
    // Answers every endpoint whole, webhook URLs with the tokens in their paths included: ARN
    // endpoints are kept, others only as `https://host/<redacted>` (`facts::sns::subscriptions`).
    ("sns", "ListSubscriptionsByTopic"),
    // Answers descriptions, which are not kept (`facts::ssm::parameter`).
    ("ssm", "DescribeParameters"),
    ("sts", "GetCallerIdentity"),
    ("wafv2", "GetWebACL"),
    ("wafv2", "GetWebACLForResource"),
];

/// Operations refused even if someone adds them to the allowlist by mistake.
const NEVER: &[&str] = &[
    "GetSecretValue",
    "BatchGetSecretValue",
    "Decrypt",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetParameterHistory",
    "GetObject",
];

/// Reads allowed only in a form that cannot return secret material, judged on the request itself:
/// SSM GetParameter without decryption answers a `String` parameter's value (configuration, such
/// as which clusters a failover function promotes) and never a SecureString's plaintext. It stays
/// in NEVER, so the plain allowlist never admits it.
const WITHOUT_DECRYPTION: &[(&str, &str)] = &[("ssm", "GetParameter")];

/// Whether a request the plain allowlist refuses is one of WITHOUT_DECRYPTION's, asking for no
/// decryption.
pub fn is_allowed_without_decryption(
    service: &str,
    operation: &str,
    input: &aws_smithy_runtime_api::client::interceptors::context::Input,
) -> bool {
    let listed = WITHOUT_DECRYPTION.iter().any(|(s, o)| *s == service_key(service) && *o == operation);
    listed
        && input
            .downcast_ref::<aws_sdk_ssm::operation::get_parameter::GetParameterInput>()
            .is_some_and(|i| i.with_decryption != Some(true))
}

/// Service names as the SDK reports them ("CloudWatch Logs") folded to the allowlist's form.
fn service_key(service: &str) -> String {
    service.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

pub fn is_allowed(service: &str, operation: &str) -> bool {
    let service = service_key(service);
    !NEVER.contains(&operation)
        && ["Describe", "Get", "List"].iter().any(|p| operation.starts_with(p))
        && ALLOWED.iter().any(|(s, o)| *s == service && *o == operation)
}

/// What every run sends whatever its stack: who it runs as.
pub const IDENTITY: &[(&str, &str)] = &[("sts", "GetCallerIdentity")];

/// Where a stack's outputs come from when no outputs file is given.
pub const STACK_OUTPUTS: &[(&str, &str)] = &[("cloudformation", "DescribeStacks")];

/// The operations one run may send: the identity call, the outputs lookup for a stack whose
/// outputs CloudFormation keeps, and the reads its stack's facts make. Anything else is refused,
/// even a read another stack makes; and nothing is admitted that is not on [`ALLOWED`].
#[derive(Debug, Clone)]
pub struct Allowlist {
    operations: Vec<(&'static str, &'static str)>,
    scopes: &'static [ScopedRead],
}

/// A read granted only on the resources an ARN pattern names, not on every resource: SSM
/// GetParameter on the stack's own configuration parameters.
pub type ScopedRead = ((&'static str, &'static str), &'static str);

impl Allowlist {
    /// `scopes` narrows some of `facts_read` to the resources they may read.
    pub fn for_stack(
        facts_read: &'static [(&'static str, &'static str)],
        outputs_from_stack: bool,
        scopes: &'static [ScopedRead],
    ) -> Self {
        let mut operations = IDENTITY.to_vec();
        if outputs_from_stack {
            operations.extend_from_slice(STACK_OUTPUTS);
        }
        operations.extend_from_slice(facts_read);
        operations.sort_unstable();
        operations.dedup();
        Self { operations, scopes }
    }

    /// Every read the guard knows: for tests that need any client.
    pub fn everything() -> Self {
        Self { operations: ALLOWED.to_vec(), scopes: &[] }
    }

    pub fn operations(&self) -> &[(&'static str, &'static str)] {
        &self.operations
    }

    /// The resource pattern `operation` is granted on, when it is not every resource.
    pub fn scope(&self, operation: (&str, &str)) -> Option<&'static str> {
        self.scopes.iter().find(|(op, _)| *op == operation).map(|(_, arn)| *arn)
    }

    /// Reads that answer a value and are admitted only without decryption: they need a scope.
    pub fn value_reads(&self) -> impl Iterator<Item = &(&'static str, &'static str)> {
        self.operations.iter().filter(|(s, o)| WITHOUT_DECRYPTION.iter().any(|(ws, wo)| ws == s && wo == o))
    }

    pub fn admits(
        &self,
        service: &str,
        operation: &str,
        input: &aws_smithy_runtime_api::client::interceptors::context::Input,
    ) -> bool {
        let key = service_key(service);
        let read = is_allowed(service, operation) || is_allowed_without_decryption(service, operation, input);
        read && self.operations.iter().any(|(s, o)| *s == key && *o == operation)
    }
}

/// The error a refused call fails with; it reaches callers inside the SDK's error.
#[derive(Debug, thiserror::Error)]
#[error("stackproof is read-only: it refused to send {service} {operation}")]
pub struct Refused {
    pub service: String,
    pub operation: String,
}

/// A request bound for somewhere else than the target says: an endpoint override on the AWS
/// target (`AWS_ENDPOINT_URL_<SERVICE>`, `endpoint_url` in a profile), or a client of the
/// emulator target going out to AWS.
#[derive(Debug, thiserror::Error)]
#[error(
    "stackproof refused to send {operation} to {to}: {target} was asked for, and an endpoint override points there (AWS_ENDPOINT_URL* in the environment or endpoint_url in the AWS config); unset it, or check an emulator with --target localstack --endpoint URL"
)]
pub struct Redirected {
    pub operation: String,
    pub to: String,
    pub target: String,
}

/// Where every request of a run must go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// AWS's own endpoints.
    Aws,
    /// One endpoint: `scheme://host:port`.
    Endpoint(String),
}

impl Destination {
    fn admits(&self, origin: &str, host: &str) -> bool {
        match self {
            Destination::Aws => [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"].iter().any(|d| host.ends_with(d)),
            Destination::Endpoint(e) => origin == e,
        }
    }

    fn describe(&self) -> String {
        match self {
            Destination::Aws => "AWS".to_owned(),
            Destination::Endpoint(e) => e.clone(),
        }
    }
}

/// `scheme://host:port` of a URL, ports written out, as endpoints are compared.
pub fn origin(url: &str) -> Option<(String, String)> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.to_owned();
    let port = u.port_or_known_default()?;
    Some((format!("{}://{host}:{port}", u.scheme()), host))
}

/// What the guard let through and what it refused, counted per (service, operation).
#[derive(Debug, Default)]
pub struct Ledger {
    /// Each request sent, keyed by (service, operation, input as text, region), so repeated
    /// identical requests can be found (the same input to two regions is two requests: a layout's
    /// discovery asks each region for its tags); per-operation counts are sums over it.
    requests: Mutex<BTreeMap<(String, String, String, String), u32>>,
    refused: Mutex<Vec<(String, String)>>,
    /// HTTP attempts per (service, operation), retries included.
    attempts: Mutex<BTreeMap<(String, String), u32>>,
    /// Every endpoint an attempt went to (`scheme://host:port`).
    endpoints: Mutex<std::collections::BTreeSet<String>>,
    /// Time per (service, operation), from serializing each request to its answer, summed.
    time: Mutex<BTreeMap<(String, String), Duration>>,
}

/// When an admitted operation started, kept in its own config bag until it completes.
#[derive(Debug, Clone)]
struct Started(Instant);

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

impl Ledger {
    pub fn sent(&self) -> BTreeMap<(String, String), u32> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        let mut sent = BTreeMap::new();
        for ((service, operation, _, _), n) in requests.iter() {
            *sent.entry((service.clone(), operation.clone())).or_default() += n;
        }
        sent
    }

    pub fn sent_count(&self, service: &str, operation: &str) -> u32 {
        let key = (service_key(service), operation.to_owned());
        self.sent().get(&key).copied().unwrap_or(0)
    }

    pub fn total_sent(&self) -> u32 {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).values().sum()
    }

    /// Every distinct request sent: (service, operation, input, times), in key order; the same
    /// input sent to several regions is one entry, its times summed.
    pub fn requests(&self) -> Vec<(String, String, String, u32)> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        let mut merged: BTreeMap<(String, String, String), u32> = BTreeMap::new();
        for ((s, o, i, _), n) in requests.iter() {
            *merged.entry((s.clone(), o.clone(), i.clone())).or_default() += n;
        }
        merged.into_iter().map(|((s, o, i), n)| (s, o, i, n)).collect()
    }

    /// Requests sent more than once with the same input to the same region: (service, operation,
    /// input, times).
    pub fn repeated(&self) -> Vec<(String, String, String, u32)> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        requests
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|((s, o, i, _), n)| (s.clone(), o.clone(), i.clone(), *n))
            .collect()
    }

    pub fn refused(&self) -> Vec<(String, String)> {
        self.refused.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// HTTP attempts per (service, operation), retries included.
    pub fn attempts(&self) -> BTreeMap<(String, String), u32> {
        self.attempts.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Time per (service, operation): each request from before it was serialized to its
    /// answer (retries and backoff included), summed.
    pub fn time(&self) -> BTreeMap<(String, String), Duration> {
        self.time.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Every endpoint the run's attempts went to.
    pub fn endpoints(&self) -> Vec<String> {
        self.endpoints.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }
}

#[derive(Debug, Clone)]
pub struct ReadOnlyGuard {
    ledger: Arc<Ledger>,
    destination: Destination,
    allowlist: Arc<Allowlist>,
}

impl ReadOnlyGuard {
    pub fn new(destination: Destination, allowlist: Allowlist) -> Self {
        Self { ledger: Arc::default(), destination, allowlist: Arc::new(allowlist) }
    }

    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "stackproof::ReadOnlyGuard"
    }

    // Not read_before_execution: for client-level interceptors that runs before the operation's
    // Metadata is in the config bag. This hook runs once per operation, before serialization.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Every generated operation carries its Metadata; if it is ever missing, refuse.
        let (service, operation) = match cfg.load::<Metadata>() {
            Some(m) => (m.service().to_owned(), m.name().to_owned()),
            None => ("unknown".to_owned(), "unknown".to_owned()),
        };
        if self.allowlist.admits(&service, &operation, context.input()) {
            let input = format!("{:?}", context.input());
            let region = cfg.load::<aws_types::region::Region>().map(|r| r.to_string()).unwrap_or_default();
            let mut requests = self.ledger.requests.lock().unwrap_or_else(PoisonError::into_inner);
            *requests.entry((service_key(&service), operation, input, region)).or_default() += 1;
            cfg.interceptor_state().store_put(Started(Instant::now()));
            Ok(())
        } else {
            self.ledger
                .refused
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((service.clone(), operation.clone()));
            Err(Box::new(Refused { service, operation }))
        }
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.check_destination(context.request().uri(), cfg)
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(Started(at)), Some(m)) = (cfg.load::<Started>(), cfg.load::<Metadata>()) {
            let key = (service_key(m.service()), m.name().to_owned());
            *self.ledger.time.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_default() += at.elapsed();
        }
        Ok(())
    }
}

/// Finds a redirected request inside an SDK error's source chain.
pub fn redirect_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Redirected> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Redirected>() {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

impl ReadOnlyGuard {
    /// Once per attempt, with the request as it will be sent: counted, and refused if it would
    /// go elsewhere than the target.
    fn check_destination(&self, uri: &str, cfg: &ConfigBag) -> Result<(), BoxError> {
        let (service, operation) = match cfg.load::<Metadata>() {
            Some(m) => (service_key(m.service()), m.name().to_owned()),
            None => ("unknown".to_owned(), "unknown".to_owned()),
        };
        *self
            .ledger
            .attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((service, operation.clone()))
            .or_default() += 1;
        let Some((origin, host)) = origin(uri) else {
            return Err(Box::new(Redirected { operation, to: uri.to_owned(), target: self.destination.describe() }));
        };
        self.ledger.endpoints.lock().unwrap_or_else(PoisonError::into_inner).insert(origin.clone());
        if self.destination.admits(&origin, &host) {
            Ok(())
        } else {
            Err(Box::new(Redirected { operation, to: origin, target: self.destination.describe() }))
        }
    }
}

/// Finds the guard's refusal inside an SDK error's source chain.
pub fn refusal_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refused> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Refused>() {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowlist_holds_only_reads() {
        for (service, op) in ALLOWED {
            assert!(is_allowed(service, op), "{service} {op} listed but not allowed");
            assert!(["Describe", "Get", "List"].iter().any(|p| op.starts_with(p)), "{op} is not a read");
            assert!(!NEVER.contains(op), "{op} reads secret material");
        }
    }

    #[test]
    fn writes_and_secret_reads_are_refused() {
        for (service, op) in [
            ("KMS", "ScheduleKeyDeletion"),
            ("KMS", "DisableKeyRotation"),
            ("EC2", "DeleteVpc"),
            ("EC2", "CreateRoute"),
            ("Secrets Manager", "GetSecretValue"),
            ("KMS", "Decrypt"),
            ("CloudFormation", "DeleteStack"),
        ] {
            assert!(!is_allowed(service, op), "{service} {op} allowed");
        }
    }

    #[test]
    fn a_parameter_is_read_only_without_decryption() {
        use aws_sdk_ssm::operation::get_parameter::GetParameterInput;
        use aws_smithy_runtime_api::client::interceptors::context::Input;
        let ask = |decrypt: Option<bool>| {
            Input::erase(GetParameterInput::builder().name("/x/config").set_with_decryption(decrypt).build().unwrap())
        };
        assert!(!is_allowed("SSM", "GetParameter"), "the plain allowlist never admits it");
        assert!(is_allowed_without_decryption("SSM", "GetParameter", &ask(None)));
        assert!(is_allowed_without_decryption("SSM", "GetParameter", &ask(Some(false))));
        assert!(!is_allowed_without_decryption("SSM", "GetParameter", &ask(Some(true))), "a SecureString's plaintext");
        assert!(!is_allowed_without_decryption("SSM", "GetParameters", &ask(None)));
        assert!(!is_allowed_without_decryption("Secrets Manager", "GetParameter", &ask(None)));
    }

    #[test]
    fn requests_go_only_where_the_target_says() {
        let aws = Destination::Aws;
        let (o, h) = origin("https://kms.eu-central-1.amazonaws.com/").unwrap();
        assert!(aws.admits(&o, &h));
        let (o, h) = origin("http://127.0.0.1:4566/").unwrap();
        assert!(!aws.admits(&o, &h), "a local endpoint is not AWS");
        let (o, h) = origin("https://kms.eu-central-1.amazonaws.com.evil.example/").unwrap();
        assert!(!aws.admits(&o, &h));
        let emulator = Destination::Endpoint("http://127.0.0.1:4566".into());
        let (o, h) = origin("http://127.0.0.1:4566/?Action=DescribeVpcs").unwrap();
        assert!(emulator.admits(&o, &h));
        let (o, h) = origin("https://sts.eu-central-1.amazonaws.com/").unwrap();
        assert!(!emulator.admits(&o, &h), "an emulator run never reaches AWS");
        assert_eq!(origin("https://s3.amazonaws.com/b").unwrap().0, "https://s3.amazonaws.com:443");
    }

    #[test]
    fn service_names_are_matched_in_any_spelling() {
        assert!(is_allowed("CloudWatch Logs", "DescribeLogGroups"));
        assert!(is_allowed("KMS", "DescribeKey"));
        assert!(!is_allowed("EC2", "DescribeKey"), "operation allowed under the wrong service");
    }
}
