//! The IAM policy a run needs, generated from the operations the guard lets it send: a CI role
//! given this policy can do exactly what stackproof does, read configuration, and nothing else.

use serde_json::{Value, json};

use crate::aws::guard::Allowlist;

/// The IAM service prefix of an SDK service name as the guard writes it.
fn prefix(service: &str) -> &str {
    match service {
        "applicationautoscaling" => "application-autoscaling",
        "cloudwatchlogs" => "logs",
        "efs" => "elasticfilesystem",
        "resourcegroupstaggingapi" => "tag",
        other => other,
    }
}

/// The IAM action an operation needs. S3 and API Gateway name their permissions otherwise than
/// their operations: API Gateway authorizes reads as `apigateway:GET` on its resource paths.
pub fn iam_action(service: &str, operation: &str) -> String {
    let s3 = |op: &str| {
        match op {
            "GetBucketEncryption" => "GetEncryptionConfiguration",
            "GetBucketLifecycleConfiguration" => "GetLifecycleConfiguration",
            "GetBucketReplication" => "GetReplicationConfiguration",
            "GetPublicAccessBlock" => "GetBucketPublicAccessBlock",
            other => other,
        }
        .to_owned()
    };
    match service {
        "apigateway" => "apigateway:GET".to_owned(),
        "s3" => format!("s3:{}", s3(operation)),
        other => format!("{}:{operation}", prefix(other)),
    }
}

/// The policy document for a run's allowlist: one Allow of every read it needs, sorted, on every
/// resource (these are reads of configuration, which most services do not scope by resource); a
/// read the stack scopes (a parameter's value) in a statement of its own on those resources only.
/// No statement grants kms:Decrypt, so a SecureString parameter could only come back encrypted.
pub fn document(allowlist: &Allowlist) -> Value {
    let mut actions: Vec<String> = Vec::new();
    let mut scoped: Vec<(String, &str)> = Vec::new();
    for &(service, operation) in allowlist.operations() {
        let action = iam_action(service, operation);
        match allowlist.scope((service, operation)) {
            Some(arn) => scoped.push((action, arn)),
            None => actions.push(action),
        }
    }
    actions.sort();
    actions.dedup();
    let mut statements =
        vec![json!({"Sid": "StackproofReadOnly", "Effect": "Allow", "Action": actions, "Resource": "*"})];
    scoped.sort();
    for (i, (action, arn)) in scoped.into_iter().enumerate() {
        statements.push(json!({
            "Sid": format!("StackproofReadConfiguration{}", i + 1),
            "Effect": "Allow",
            "Action": [action],
            "Resource": arn
        }));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::guard::ALLOWED;

    #[test]
    fn the_policy_names_every_allowed_read_and_nothing_more() {
        let doc = document(&Allowlist::everything());
        let statements = doc["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1, "nothing scoped: {doc}");
        let actions: Vec<&str> =
            statements[0]["Action"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
        for action in &actions {
            assert!(!action.contains('*'), "{action} is a wildcard");
            let (_, name) = action.split_once(':').unwrap();
            assert!(["Describe", "Get", "List", "GET"].iter().any(|p| name.starts_with(p)), "{action} is not a read");
            for secret in ["GetSecretValue", "Decrypt", "GetParameter", "GetParameters", "GetObject", "GetFunction"] {
                assert_ne!(name, secret, "{action} reads secret material");
            }
        }
        for (service, operation) in ALLOWED {
            assert!(actions.contains(&iam_action(service, operation).as_str()), "{service} {operation} has no action");
        }
    }

    #[test]
    fn a_parameter_value_is_granted_only_on_the_scoped_parameters() {
        static READS: &[(&str, &str)] = &[("ssm", "DescribeParameters"), ("ssm", "GetParameter")];
        static SCOPES: &[crate::aws::guard::ScopedRead] =
            &[(("ssm", "GetParameter"), "arn:aws:ssm:*:*:parameter/app/*")];
        let doc = document(&Allowlist::for_stack(READS, false, SCOPES));
        let all = &doc["Statement"][0];
        assert_eq!(all["Resource"], "*");
        assert!(!all["Action"].as_array().unwrap().iter().any(|a| a == "ssm:GetParameter"), "{doc}");
        let scoped = &doc["Statement"][1];
        assert_eq!(scoped["Action"], serde_json::json!(["ssm:GetParameter"]));
        assert_eq!(scoped["Resource"], "arn:aws:ssm:*:*:parameter/app/*");
        assert!(!doc.to_string().contains("Decrypt"));
    }

    #[test]
    fn services_and_operations_map_to_iam_names() {
        assert_eq!(iam_action("cloudwatchlogs", "DescribeLogGroups"), "logs:DescribeLogGroups");
        assert_eq!(iam_action("efs", "DescribeFileSystems"), "elasticfilesystem:DescribeFileSystems");
        assert_eq!(iam_action("s3", "GetBucketEncryption"), "s3:GetEncryptionConfiguration");
        assert_eq!(iam_action("apigateway", "GetStage"), "apigateway:GET");
        assert_eq!(
            iam_action("applicationautoscaling", "DescribeScalableTargets"),
            "application-autoscaling:DescribeScalableTargets"
        );
    }
}
