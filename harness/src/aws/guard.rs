//! Read-only by construction: an interceptor on every client the harness builds refuses any
//! operation not on the allowlist, before the request is serialized, signed or sent. It also
//! keeps a ledger of what was sent, so a run can show (and tests can prove) that each resource
//! was described once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Every operation the harness may send, as (service, operation) in the SDK's own naming.
/// Each is a Describe/Get/List that reads configuration; secret values are never read, so
/// `GetSecretValue` is absent and must stay absent.
pub const ALLOWED: &[(&str, &str)] = &[
    ("apigateway", "GetDeployments"),
    ("apigateway", "GetIntegration"),
    ("apigateway", "GetMethod"),
    ("apigateway", "GetResources"),
    ("apigateway", "GetRestApi"),
    ("apigateway", "GetStage"),
    ("apigateway", "GetStages"),
    ("apigateway", "GetVpcLink"),
    ("apigateway", "GetVpcLinks"),
    ("applicationautoscaling", "DescribeScalableTargets"),
    ("applicationautoscaling", "DescribeScalingPolicies"),
    ("backup", "DescribeBackupVault"),
    ("backup", "GetBackupPlan"),
    ("backup", "GetBackupSelection"),
    ("backup", "ListBackupSelections"),
    ("cloudformation", "DescribeStacks"),
    ("cloudtrail", "GetEventSelectors"),
    ("cloudtrail", "GetTrail"),
    ("cloudtrail", "GetTrailStatus"),
    ("cloudwatch", "DescribeAlarms"),
    ("cloudwatchlogs", "DescribeLogGroups"),
    ("ec2", "DescribeAvailabilityZones"),
    ("ec2", "DescribeFlowLogs"),
    ("ec2", "DescribeInternetGateways"),
    ("ec2", "DescribeNatGateways"),
    ("ec2", "DescribeRouteTables"),
    ("ec2", "DescribeSecurityGroupRules"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeSubnets"),
    ("ec2", "DescribeVpcAttribute"),
    ("ec2", "DescribeVpcs"),
    ("ecs", "DescribeClusters"),
    ("ecs", "DescribeServices"),
    ("ecs", "DescribeTaskDefinition"),
    ("ecs", "DescribeTasks"),
    ("ecs", "ListServices"),
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
    ("kms", "GetKeyPolicy"),
    ("kms", "GetKeyRotationStatus"),
    ("kms", "ListAliases"),
    ("lambda", "GetFunctionConfiguration"),
    ("lambda", "GetPolicy"),
    ("rds", "DescribeDBClusterParameterGroups"),
    ("rds", "DescribeDBClusterParameters"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeDBSubnetGroups"),
    ("rds", "DescribeGlobalClusters"),
    ("route53", "GetHealthCheck"),
    ("s3", "GetBucketEncryption"),
    ("s3", "GetBucketLifecycleConfiguration"),
    ("s3", "GetBucketPolicy"),
    ("s3", "GetBucketReplication"),
    ("s3", "GetBucketVersioning"),
    ("s3", "GetPublicAccessBlock"),
    ("secretsmanager", "DescribeSecret"),
    ("sns", "GetTopicAttributes"),
    ("sns", "ListSubscriptionsByTopic"),
    ("ssm", "DescribeParameters"),
    ("sts", "GetCallerIdentity"),
    ("wafv2", "GetWebACL"),
    ("wafv2", "GetWebACLForResource"),
    ("wafv2", "ListWebACLs"),
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

/// The error a refused call fails with; it reaches callers inside the SDK's error.
#[derive(Debug, thiserror::Error)]
#[error("stackproof is read-only: it refused to send {service} {operation}")]
pub struct Refused {
    pub service: String,
    pub operation: String,
}

/// What the guard let through and what it refused, counted per (service, operation).
#[derive(Debug, Default)]
pub struct Ledger {
    /// Each request sent, keyed by (service, operation, input as text), so repeated identical
    /// requests can be found; per-operation counts are sums over it.
    requests: Mutex<BTreeMap<(String, String, String), u32>>,
    refused: Mutex<Vec<(String, String)>>,
}

impl Ledger {
    pub fn sent(&self) -> BTreeMap<(String, String), u32> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        let mut sent = BTreeMap::new();
        for ((service, operation, _), n) in requests.iter() {
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

    /// Every distinct request sent: (service, operation, input, times), in key order.
    pub fn requests(&self) -> Vec<(String, String, String, u32)> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        requests.iter().map(|((s, o, i), n)| (s.clone(), o.clone(), i.clone(), *n)).collect()
    }

    /// Requests sent more than once with the same input: (service, operation, input, times).
    pub fn repeated(&self) -> Vec<(String, String, String, u32)> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        requests.iter().filter(|(_, n)| **n > 1).map(|((s, o, i), n)| (s.clone(), o.clone(), i.clone(), *n)).collect()
    }

    pub fn refused(&self) -> Vec<(String, String)> {
        self.refused.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadOnlyGuard {
    ledger: Arc<Ledger>,
}

impl ReadOnlyGuard {
    pub fn new() -> Self {
        Self::default()
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
        if is_allowed(&service, &operation) {
            let input = format!("{:?}", context.input());
            let mut requests = self.ledger.requests.lock().unwrap_or_else(PoisonError::into_inner);
            *requests.entry((service_key(&service), operation, input)).or_default() += 1;
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
    fn service_names_are_matched_in_any_spelling() {
        assert!(is_allowed("CloudWatch Logs", "DescribeLogGroups"));
        assert!(is_allowed("KMS", "DescribeKey"));
        assert!(!is_allowed("EC2", "DescribeKey"), "operation allowed under the wrong service");
    }
}
