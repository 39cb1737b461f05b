//! The mutants of what only the DR layout v2 declares (`stackproof_seed::dr::V2_ONLY`: database TLS
//! and audit parameters, database and flow log groups, access logging, the DR alerts path). The
//! live checks that claim them judge them through the harness (`dr::mutant::...`); this proves,
//! apart from any check, that the seeder applies each as its `about` says: the property it breaks,
//! read back from the emulator through the seeder's own (unguarded) clients, holds main.ts's value
//! on the compliant v2 and the broken value on a v2 seeded with the mutant. Two mutants cannot
//! share a layout (a missing log group keeps no retention), so the mutants are seeded on two
//! layouts. A v1 layout refuses them.

use std::collections::BTreeMap;

use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use stackproof::dr::mutants as m;
use stackproof::dr::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;
use stackproof_seed::dr::{self, LayoutVersion, V2_ONLY};
use stackproof_seed::mutant::Mutants;
use stackproof_seed::{SeedError, Seeder};

use crate::{Shared, World, needs_world};

type Outputs = BTreeMap<String, String>;

/// What each mutant's property reads on a compliant v2 and on a v2 with the mutant, from the
/// layout's outputs.
fn expectations(out: &Outputs) -> Vec<(&'static Mutant, String, String)> {
    let v = |key: &str| out.get(key).cloned().unwrap_or_default();
    let group = |key: &str, retention: &str| format!("kms={} retention={retention}", v(key));
    let unencrypted = "kms=none retention=365".to_owned();
    let dr_group = v(o::DR_CLUSTER_PARAMETER_GROUP_NAME);
    let s = |x: &str| x.to_owned();
    vec![
        (&m::DR_CLUSTER_FOREIGN_PARAMETER_GROUP, dr_group.clone(), format!("{dr_group}-copy")),
        (&m::PRIMARY_FORCE_SSL_OFF, s("1"), s("0")),
        (&m::DR_PGAUDIT_NOT_LOADED, s("pgaudit,pg_stat_statements"), s("pg_stat_statements")),
        (&m::PRIMARY_PGAUDIT_WITHOUT_WRITE, s("ddl,role,write"), s("ddl,role")),
        (&m::PRIMARY_CONNECTIONS_NOT_LOGGED, s("1"), s("0")),
        (&m::DR_DISCONNECTIONS_NOT_LOGGED, s("1"), s("0")),
        (&m::DR_DB_LOG_GROUP_MISSING, group(o::DR_KMS_KEY_ARN, "365"), s("absent")),
        (&m::PRIMARY_DB_LOG_GROUP_UNENCRYPTED, group(o::PRIMARY_KMS_KEY_ARN, "365"), unencrypted.clone()),
        (&m::DR_DB_LOG_GROUP_WEEK, group(o::DR_KMS_KEY_ARN, "365"), group(o::DR_KMS_KEY_ARN, "7")),
        (&m::DR_VPC_WITHOUT_FLOW_LOG, s("ALL"), s("none")),
        (&m::PRIMARY_FLOW_LOG_REJECT_ONLY, s("ALL"), s("REJECT")),
        (&m::PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED, group(o::PRIMARY_KMS_KEY_ARN, "365"), unencrypted),
        (&m::DR_FLOW_LOG_GROUP_FOREVER, group(o::DR_KMS_KEY_ARN, "365"), group(o::DR_KMS_KEY_ARN, "never")),
        (&m::DR_BUCKET_NOT_LOGGED, format!("{} access/", v(o::DR_ACCESS_LOG_BUCKET_NAME)), s("off")),
        (
            &m::PRIMARY_BUCKET_LOGS_TO_ITSELF,
            format!("{} access/", v(o::PRIMARY_ACCESS_LOG_BUCKET_NAME)),
            format!("{} access/", v(o::PRIMARY_BUCKET_NAME)),
        ),
        (&m::PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS, s("AES256"), s("aws:kms")),
        (&m::DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED, s("true"), s("false")),
        (&m::DR_ALERTS_TOPIC_UNENCRYPTED, v(o::DR_KMS_KEY_ARN), s("none")),
        (&m::FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC, s("subscribed"), s("none")),
        (&m::FAILOVER_DR_TOPIC_NOT_PERMITTED, s("permitted"), s("absent")),
    ]
}

/// Reads `mutant`'s property of the layout whose outputs are `out`, as `expectations` spells it.
async fn observe(p: &Seeder, d: &Seeder, out: &Outputs, mutant: &Mutant) -> Result<String, Failed> {
    let v = |key: &str| out.get(key).cloned().ok_or_else(|| format!("no output {key}"));
    // The value of parameter `name` in `group`, as DescribeDBClusterParameters answers it.
    let param = |s: &Seeder, group: String, name: &'static str| {
        let rds = s.rds.clone();
        async move {
            let reply = rds.describe_db_cluster_parameters().db_cluster_parameter_group_name(&group).send().await?;
            let found = reply.parameters().iter().find(|x| x.parameter_name() == Some(name));
            Ok::<_, Failed>(found.and_then(|x| x.parameter_value()).unwrap_or("unset").to_owned())
        }
    };
    let db_log_group = |cluster: &str| format!("/aws/rds/cluster/{cluster}/postgresql");
    Ok(match *mutant {
        m::DR_CLUSTER_FOREIGN_PARAMETER_GROUP => {
            let cluster = v(o::DR_CLUSTER_IDENTIFIER)?;
            let reply = d.rds.describe_db_clusters().db_cluster_identifier(&cluster).send().await?;
            reply.db_clusters().first().and_then(|c| c.db_cluster_parameter_group()).unwrap_or("none").to_owned()
        }
        m::PRIMARY_FORCE_SSL_OFF => param(p, v(o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME)?, "rds.force_ssl").await?,
        m::DR_PGAUDIT_NOT_LOADED => {
            param(d, v(o::DR_CLUSTER_PARAMETER_GROUP_NAME)?, "shared_preload_libraries").await?
        }
        m::PRIMARY_PGAUDIT_WITHOUT_WRITE => {
            param(p, v(o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME)?, "pgaudit.log").await?
        }
        m::PRIMARY_CONNECTIONS_NOT_LOGGED => {
            param(p, v(o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME)?, "log_connections").await?
        }
        m::DR_DISCONNECTIONS_NOT_LOGGED => {
            param(d, v(o::DR_CLUSTER_PARAMETER_GROUP_NAME)?, "log_disconnections").await?
        }
        m::DR_DB_LOG_GROUP_MISSING | m::DR_DB_LOG_GROUP_WEEK => {
            log_group(d, &db_log_group(&v(o::DR_CLUSTER_IDENTIFIER)?)).await?
        }
        m::PRIMARY_DB_LOG_GROUP_UNENCRYPTED => log_group(p, &db_log_group(&v(o::PRIMARY_CLUSTER_IDENTIFIER)?)).await?,
        m::DR_VPC_WITHOUT_FLOW_LOG => flow_logs(d, &v(o::DR_VPC_ID)?).await?,
        m::PRIMARY_FLOW_LOG_REJECT_ONLY => flow_logs(p, &v(o::PRIMARY_VPC_ID)?).await?,
        m::PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED => log_group(p, &v(o::PRIMARY_FLOW_LOG_GROUP_NAME)?).await?,
        m::DR_FLOW_LOG_GROUP_FOREVER => log_group(d, &v(o::DR_FLOW_LOG_GROUP_NAME)?).await?,
        m::DR_BUCKET_NOT_LOGGED => bucket_logging(d, &v(o::DR_BUCKET_NAME)?).await?,
        m::PRIMARY_BUCKET_LOGS_TO_ITSELF => bucket_logging(p, &v(o::PRIMARY_BUCKET_NAME)?).await?,
        m::PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS => {
            let bucket = v(o::PRIMARY_ACCESS_LOG_BUCKET_NAME)?;
            let reply = p.s3.get_bucket_encryption().bucket(&bucket).send().await?;
            let rules = reply.server_side_encryption_configuration().map(|c| c.rules()).unwrap_or_default();
            let by_default = rules.first().and_then(|r| r.apply_server_side_encryption_by_default());
            by_default.map_or("none".to_owned(), |d| d.sse_algorithm().as_str().to_owned())
        }
        m::DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED => {
            let bucket = v(o::DR_ACCESS_LOG_BUCKET_NAME)?;
            let reply = d.s3.get_public_access_block().bucket(&bucket).send().await?;
            let block = reply.public_access_block_configuration().and_then(|c| c.block_public_policy());
            block.map_or("unset".to_owned(), |b| b.to_string())
        }
        m::DR_ALERTS_TOPIC_UNENCRYPTED => {
            let reply = d.sns.get_topic_attributes().topic_arn(v(o::DR_ALERTS_TOPIC_ARN)?).send().await?;
            reply.attributes().and_then(|a| a.get("KmsMasterKeyId")).map_or("none".to_owned(), Clone::clone)
        }
        m::FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC => {
            let function = format!(":function:{}", v(o::FAILOVER_FUNCTION_NAME)?);
            let reply = d.sns.list_subscriptions_by_topic().topic_arn(v(o::DR_ALERTS_TOPIC_ARN)?).send().await?;
            let subscribed = reply
                .subscriptions()
                .iter()
                .any(|s| s.protocol() == Some("lambda") && s.endpoint().is_some_and(|e| e.ends_with(&function)));
            if subscribed { "subscribed" } else { "none" }.to_owned()
        }
        m::FAILOVER_DR_TOPIC_NOT_PERMITTED => {
            let reply = p.lambda.get_policy().function_name(v(o::FAILOVER_FUNCTION_NAME)?).send().await?;
            let policy: Value = serde_json::from_str(reply.policy().unwrap_or("{}"))?;
            let dr_topic = v(o::DR_ALERTS_TOPIC_ARN)?;
            let statements = policy["Statement"].as_array().cloned().unwrap_or_default();
            let permitted = statements.iter().any(|s| {
                s["Sid"] == "AllowDrAlertsTopicInvoke"
                    && s["Condition"]["ArnLike"]["AWS:SourceArn"] == dr_topic.as_str()
            });
            if permitted { "permitted" } else { "absent" }.to_owned()
        }
        _ => return Err(format!("{} is not a v2-only mutant", mutant.name).into()),
    })
}

/// `kms=<key|none> retention=<days|never>` of the log group called `name`, or `absent`.
async fn log_group(s: &Seeder, name: &str) -> Result<String, Failed> {
    let reply = s.logs.describe_log_groups().log_group_name_prefix(name).send().await?;
    let Some(group) = reply.log_groups().iter().find(|g| g.log_group_name() == Some(name)) else {
        return Ok("absent".to_owned());
    };
    let retention = group.retention_in_days().map_or("never".to_owned(), |d| d.to_string());
    Ok(format!("kms={} retention={retention}", group.kms_key_id().unwrap_or("none")))
}

/// The traffic types of the VPC's flow logs, or `none`.
async fn flow_logs(s: &Seeder, vpc: &str) -> Result<String, Failed> {
    let reply = s.ec2.describe_flow_logs().send().await?;
    let of_vpc = reply.flow_logs().iter().filter(|f| f.resource_id() == Some(vpc));
    let traffic: Vec<&str> = of_vpc.filter_map(|f| f.traffic_type()).map(|t| t.as_str()).collect();
    Ok(if traffic.is_empty() { "none".to_owned() } else { traffic.join(",") })
}

/// `<target bucket> <prefix>` of the bucket's access logging, or `off`.
async fn bucket_logging(s: &Seeder, bucket: &str) -> Result<String, Failed> {
    let reply = s.s3.get_bucket_logging().bucket(bucket).send().await?;
    Ok(reply.logging_enabled().map_or("off".to_owned(), |l| format!("{} {}", l.target_bucket(), l.target_prefix())))
}

/// Seeds v2 under `suffix` with `mutants` and reads each of `judged` back: the mismatches.
fn seed_and_observe(w: &World, suffix: &str, mutants: &[&'static Mutant], broken: bool) -> Result<Vec<String>, Failed> {
    let judged: Vec<&'static Mutant> = if broken { mutants.to_vec() } else { V2_ONLY.to_vec() };
    w.rt.block_on(async {
        let suffix = Suffix::parse(suffix)?;
        let out = dr::deploy(&w.endpoint, &suffix, LayoutVersion::V2, &Mutants::of(mutants)).await?;
        let (p, d) =
            (Seeder::new(&w.endpoint, dr::PRIMARY_REGION).await?, Seeder::new(&w.endpoint, dr::DR_REGION).await?);
        let mut mismatches = Vec::new();
        for (mutant, compliant, broken_value) in expectations(&out) {
            if !judged.iter().any(|j| j.name == mutant.name) {
                continue;
            }
            let want = if broken { broken_value } else { compliant };
            let saw = observe(&p, &d, &out, mutant).await?;
            if saw != want {
                let layout = if broken { "with the mutant" } else { "compliant" };
                mismatches
                    .push(format!("{} ({layout}): {} expected {want:?}, saw {saw:?}", mutant.name, mutant.property));
            }
        }
        Ok::<_, Failed>(mismatches)
    })
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world("dr::v2_only_mutants::each_breaks_its_property".into(), world, |w| {
            // Every v2-only mutant is read, and no two read the same thing.
            let names: Vec<&str> = expectations(&Outputs::new()).iter().map(|(m, _, _)| m.name).collect();
            let all: Vec<&str> = V2_ONLY.iter().map(|m| m.name).collect();
            assert_eq!(names, all, "one reading per v2-only mutant, in catalogue order");
            let (week, others): (Vec<&'static Mutant>, Vec<&'static Mutant>) =
                V2_ONLY.iter().copied().partition(|m| m.name == m::DR_DB_LOG_GROUP_WEEK.name);
            let mut mismatches = seed_and_observe(w, "v2-only-ok", &[], false)?;
            mismatches.extend(seed_and_observe(w, "v2-only-a", &others, true)?);
            mismatches.extend(seed_and_observe(w, "v2-only-b", &week, true)?);
            if mismatches.is_empty() { Ok(()) } else { Err(mismatches.join("\n").into()) }
        }),
        needs_world("dr::v2_only_mutants::refused_for_v1".into(), world, |w| {
            for mutant in V2_ONLY {
                let suffix = Suffix::parse("v1-refuses")?;
                let refused =
                    w.rt.block_on(dr::deploy(&w.endpoint, &suffix, LayoutVersion::V1, &Mutants::of(&[mutant])));
                match refused {
                    Err(SeedError::NotInLayout { mutant: name, version }) if name == mutant.name && version == "v1" => {
                    }
                    other => {
                        return Err(format!(
                            "{} on v1: expected a refusal, got {:?}",
                            mutant.name,
                            other.map(|o| o.len())
                        )
                        .into());
                    }
                }
            }
            // Refused before anything was created: the suffix is still free.
            let seeded = w.rt.block_on(dr::deploy(
                &w.endpoint,
                &Suffix::parse("v1-refuses")?,
                LayoutVersion::V1,
                &Mutants::default(),
            ))?;
            assert!(!seeded.contains_key(o::STACK_VERSION));
            Ok(())
        }),
    ]
}
