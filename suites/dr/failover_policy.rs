//! The failover role's policies, judged the same way before deploy (the synth) and after it (the
//! live role): what an Allow grants beyond what failover needs, and who may assume the role. Only
//! "is this one of the layout's clusters, topics, keys" differs between the two; each source
//! answers it through [`Reach`].

use serde_json::Value;
use stackproof_harness::kit::policy::{Policy, Principal, Statement, matches_every_suffix, text};

/// The service that must be the failover role's only trusted principal.
pub const LAMBDA_SERVICE: &str = "lambda.amazonaws.com";
/// The service that invokes the function through the topic.
pub const SNS_SERVICE: &str = "sns.amazonaws.com";
/// The rds actions the function may have beyond `rds:Describe*` (lowercase: IAM actions are
/// case-insensitive).
pub const RDS_ACTIONS: &[&str] = &["rds:failoverglobalcluster", "rds:modifydbcluster"];
/// The services the failover role may act on at all (and kms, on the layout's key through a
/// service only, to publish to the KMS-encrypted topic).
pub const SERVICES: &[&str] = &["rds", "sns", "ssm", "logs"];
/// Managed policies that make any role an administrator.
pub const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/// How a source recognises the layout's own resources in a policy's Resource values.
pub trait Reach {
    fn is_cluster(&self, resource: &Value) -> bool;
    fn is_topic(&self, resource: &Value) -> bool;
    fn is_key(&self, resource: &Value) -> bool;
}

/// An action pattern that covers every action of its service (`rds:*`, `r*`), or spans services
/// (`*`): not an action named by need.
pub fn wildcard_action(pattern: &str) -> bool {
    let lower = pattern.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((service, _)) => matches_every_suffix(&lower, &format!("{service}:")),
        None => true,
    }
}

/// What an Allow statement grants beyond the failover function's needs, one line per excess.
pub fn excess(s: &Statement, reach: &impl Reach) -> Vec<String> {
    if !s.allows() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.not_action.is_some() {
        out.push(format!("NotAction {} (allows every other action)", s.not_actions().join(",")));
    }
    if s.not_resource.is_some() {
        out.push(format!("NotResource {} (allows every other resource)", s.not_resources().join(",")));
    } else if s.resource.is_none() {
        out.push("no Resource".to_owned());
    }
    let actions = s.actions();
    if s.not_resource.is_none() && s.covers_every_resource() {
        out.push(format!("Resource * for {}", actions.join(",")));
    }
    let (mut rds, mut sns, mut kms) = (false, false, false);
    for a in &actions {
        if wildcard_action(a) {
            out.push(format!("Action {a}"));
            continue;
        }
        let lower = a.to_ascii_lowercase();
        match lower.split_once(':').map(|(service, _)| service) {
            Some("rds") => {
                rds = true;
                if !(lower.starts_with("rds:describe") || RDS_ACTIONS.contains(&lower.as_str())) {
                    out.push(format!("Action {a} (beyond rds:Describe*, FailoverGlobalCluster, ModifyDBCluster)"));
                }
            }
            Some("sns") => {
                sns = true;
                if lower != "sns:publish" {
                    out.push(format!("Action {a} (beyond sns:Publish)"));
                }
            }
            Some("kms") => kms = true,
            Some(service) if SERVICES.contains(&service) => {}
            _ => out.push(format!("Action {a} (not a service failover uses: {})", SERVICES.join(", "))),
        }
    }
    let concrete: Vec<&Value> = s.resource.iter().flatten().filter(|r| text(r) != "*").collect();
    if rds {
        let foreign = concrete.iter().filter(|r| !reach.is_cluster(r));
        out.extend(foreign.map(|r| format!("rds on {} (not one of the stack's clusters)", text(r))));
    }
    if sns {
        let foreign = concrete.iter().filter(|r| !reach.is_topic(r));
        out.extend(foreign.map(|r| format!("sns on {} (not the stack's alerts topic)", text(r))));
    }
    // The topic's encryption needs the key, but only through SNS: kms:ViaService pins that.
    if kms {
        if s.condition_values(&["StringEquals"], "kms:ViaService").is_empty() {
            out.push("kms without a kms:ViaService condition".to_owned());
        }
        let foreign = concrete.iter().filter(|r| !reach.is_key(r));
        out.extend(foreign.map(|r| format!("kms on {} (not the stack's primary key)", text(r))));
    }
    let label = s.sid.as_deref().map_or(String::new(), |sid| format!("{sid}: "));
    out.into_iter().map(|e| format!("{label}{e}")).collect()
}

/// True if the trust policy lets the Lambda service, and no one else, assume the role: there is
/// an Allow, and every Allow names only that service.
pub fn trusts_only_lambda(trust: &Policy) -> bool {
    let only_lambda = |s: &Statement| {
        matches!(&s.principal, Some(p @ Principal::Of(_)) if p.types() == ["Service"])
            && s.not_principal.is_none()
            && s.service_principals() == [LAMBDA_SERVICE]
    };
    trust.allows().next().is_some() && trust.allows().all(only_lambda)
}

/// The principals of a trust policy's Allow statements, for evidence.
pub fn trusted(trust: &Policy) -> Vec<Value> {
    trust.allows().map(|s| serde_json::to_value(&s.principal).unwrap_or(Value::Null)).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A reach that knows one cluster, one topic and one key by their text.
    struct Named;

    impl Reach for Named {
        fn is_cluster(&self, r: &Value) -> bool {
            text(r).ends_with(":cluster:p")
        }
        fn is_topic(&self, r: &Value) -> bool {
            text(r) == "topic"
        }
        fn is_key(&self, r: &Value) -> bool {
            text(r) == "key"
        }
    }

    fn statement(v: Value) -> Statement {
        Policy::parse(&json!({"Statement": [v]})).statements.remove(0)
    }

    #[test]
    fn what_failover_needs_is_no_excess() {
        for needed in [
            json!({"Effect": "Allow", "Action": ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster"], "Resource": "arn:aws:rds:r:1:cluster:p"}),
            json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "topic"}),
            json!({"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "key", "Condition": {"StringEquals": {"kms:ViaService": "sns.r.amazonaws.com"}}}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"}),
        ] {
            assert!(excess(&statement(needed.clone()), &Named).is_empty(), "{needed}");
        }
    }

    #[test]
    fn every_kind_of_excess_is_named() {
        let excess_of = |v: Value| excess(&statement(v), &Named);
        let all = excess_of(json!({"Effect": "Allow", "Action": "rds:*", "Resource": "*"}));
        assert!(all.iter().any(|x| x.contains("Action rds:*")) && all.iter().any(|x| x.contains("Resource *")));
        assert!(
            excess_of(json!({"Effect": "Allow", "Action": "r*", "Resource": "arn:aws:rds:r:1:cluster:p"}))[0]
                .contains("Action r*")
        );
        assert_eq!(
            excess_of(
                json!({"Effect": "Allow", "Action": "rds:DeleteDBCluster", "Resource": "arn:aws:rds:r:1:cluster:p"})
            )
            .len(),
            1
        );
        assert_eq!(
            excess_of(
                json!({"Effect": "Allow", "Action": "rds:ModifyDBCluster", "Resource": "arn:aws:rds:r:1:cluster:prod"})
            )
            .len(),
            1
        );
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "other"})).len(), 1);
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "key"})).len(), 1);
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:x"})).len(), 1);
        assert_eq!(excess_of(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"})).len(), 1);
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "ssm:GetParameter"})), ["no Resource"]);
        assert_eq!(
            excess_of(json!({"Sid": "Wide", "Effect": "Allow", "Action": "*", "Resource": "arn:x"})),
            ["Wide: Action *"]
        );
    }

    #[test]
    fn only_the_lambda_service_may_assume_the_role() {
        let trust = |v: Value| Policy::parse(&json!({"Statement": [v]}));
        let lambda =
            json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"});
        assert!(trusts_only_lambda(&trust(lambda)));
        let also = json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com", "AWS": "*"}, "Action": "sts:AssumeRole"});
        assert!(!trusts_only_lambda(&trust(also)));
        let not =
            json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sts:AssumeRole"});
        assert!(!trusts_only_lambda(&trust(not)));
        assert!(!trusts_only_lambda(&Policy::parse(&json!({"Statement": []}))));
    }
}
