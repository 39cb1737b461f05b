//! The IAM policy a run needs, generated from the operations the guard lets it send: a CI role
//! given this policy can do exactly what stackproof does, read configuration, and nothing else.

use serde_json::{Value, json};

/// The IAM service prefix of an SDK service name as the guard writes it.
fn prefix(service: &str) -> &str {
    match service {
        "applicationautoscaling" => "application-autoscaling",
        "cloudwatchlogs" => "logs",
        "efs" => "elasticfilesystem",
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

/// The policy document for `operations`: one Allow of every action they need, sorted, on every
/// resource (these are reads of configuration, which most services do not scope by resource).
pub fn document(operations: &[(&str, &str)]) -> Value {
    let mut actions: Vec<String> = operations.iter().map(|(s, o)| iam_action(s, o)).collect();
    actions.sort();
    actions.dedup();
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "StackproofReadOnly",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::guard::ALLOWED;

    #[test]
    fn the_policy_names_every_allowed_read_and_nothing_more() {
        let doc = document(ALLOWED);
        let actions: Vec<&str> =
            doc["Statement"][0]["Action"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
        for action in &actions {
            assert!(!action.contains('*'), "{action} is a wildcard");
            let (_, name) = action.split_once(':').unwrap();
            assert!(["Describe", "Get", "List", "GET"].iter().any(|p| name.starts_with(p)), "{action} is not a read");
            for secret in ["GetSecretValue", "Decrypt", "GetParameter", "GetObject", "GetFunction\""] {
                assert_ne!(format!("{name}\""), secret, "{action} reads secret material");
                assert_ne!(name, secret);
            }
        }
        for (service, operation) in ALLOWED {
            assert!(actions.contains(&iam_action(service, operation).as_str()), "{service} {operation} has no action");
        }
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
