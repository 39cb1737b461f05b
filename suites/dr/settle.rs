//! What of the DR layout can still be changing right after a deploy, read from the facts the
//! checks judge: both Aurora clusters and their instances, the global database (its status, a
//! managed failover under way, a member resynchronising), the failover function (being created
//! or updated), the backup vaults (being created), the master secret's replicas (still copying)
//! and the customer keys. Each is named as its findings name it. Buckets, the trail, alarms, the
//! topic, the health check, the parameter and IAM have no state that passes by itself.

use stackproof_harness::facts::Named;
use stackproof_harness::facts::backup::Vault;
use stackproof_harness::facts::lambda::Function;
use stackproof_harness::facts::rds::GlobalCluster;
use stackproof_harness::facts::secrets::Secret;
use stackproof_harness::suite::Changing;

use super::DrFacts;
use crate::shared::settle as shared;

/// Every resource of the layout the facts show still being created or changed.
pub fn changing(f: &DrFacts) -> Vec<Changing> {
    let (core, storage) = (&f.core, &f.storage);
    let mut out: Vec<Changing> = core.keys.iter().filter_map(|k| shared::key(&k.named)).collect();
    for side in &core.clusters {
        out.extend(shared::aurora_cluster(&side.cluster));
        out.extend(shared::aurora_instances(&side.instances));
    }
    out.extend(global_cluster(&core.global_cluster));
    out.extend(secret_replicas(&core.master_secret));
    out.extend([&storage.primary_vault, &storage.dr_vault].into_iter().filter_map(vault));
    out.extend(function(&f.ops.function));
    out
}

/// Global cluster Status values it leaves by itself.
const GLOBAL_CHANGING: &[&str] = &["creating", "modifying", "upgrading", "failing-over", "switching-over", "renaming"];

/// The global database, while its status passes, a managed failover or switchover is under way
/// (FailoverState: pending, failing-over, cancelling), or a member is resynchronising. Its
/// members' findings are named by the global cluster, so one entry says all of it.
fn global_cluster(g: &Named<GlobalCluster>) -> Option<Changing> {
    let global = g.value()?;
    let mut states = Vec::new();
    if let Some(status) = global.status.as_deref().filter(|s| GLOBAL_CHANGING.contains(s)) {
        states.push(status.to_owned());
    }
    if let Some(failover) = &global.failover_state {
        states.push(format!("failover {failover}"));
    }
    for m in &global.global_cluster_members {
        if m.synchronization_status.as_deref() == Some("pending-resync") {
            states.push(format!("member {} pending-resync", m.db_cluster_arn));
        }
    }
    (!states.is_empty()).then(|| Changing {
        resource: g.resource.clone(),
        kind: "Aurora global database",
        state: states.join("; "),
    })
}

/// The failover function while Lambda creates it (State Pending) or applies an update
/// (LastUpdateStatus InProgress). Failed or Inactive are judged.
fn function(n: &Named<Function>) -> Option<Changing> {
    let f = n.value()?;
    let state = match (f.state.as_deref(), f.last_update_status.as_deref()) {
        (Some("Pending"), _) => "State Pending".to_owned(),
        (_, Some("InProgress")) => "LastUpdateStatus InProgress".to_owned(),
        _ => return None,
    };
    Some(Changing { resource: n.resource.clone(), kind: "Lambda function", state })
}

/// A backup vault AWS Backup is still creating.
fn vault(v: &Named<Vault>) -> Option<Changing> {
    let state = v.value()?.vault_state.as_deref().filter(|s| *s == "CREATING")?;
    Some(Changing { resource: v.resource.clone(), kind: "Backup vault", state: state.to_owned() })
}

/// The secret, while a replica is still being copied (InProgress). A Failed replica is judged.
fn secret_replicas(n: &Named<Secret>) -> Option<Changing> {
    let copying: Vec<&str> = n
        .value()?
        .replication_status
        .iter()
        .filter(|r| r.status.as_deref() == Some("InProgress"))
        .map(|r| r.region.as_str())
        .collect();
    (!copying.is_empty()).then(|| Changing {
        resource: n.resource.clone(),
        kind: "Secrets Manager secret",
        state: format!("replica in {} InProgress", copying.join(", ")),
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::shared::settle::tests::{named, unavailable};
    use stackproof_harness::facts::rds::GlobalMember;
    use stackproof_harness::facts::secrets::Replica;

    fn global(status: Option<&str>, failover: Option<&str>, sync: &[Option<&str>]) -> Named<GlobalCluster> {
        named(
            "healthcare-global-x",
            GlobalCluster {
                global_cluster_identifier: "healthcare-global-x".into(),
                engine: Some("aurora-postgresql".into()),
                engine_version: Some("15.3".into()),
                storage_encrypted: Some(true),
                deletion_protection: Some(false),
                global_cluster_members: sync
                    .iter()
                    .enumerate()
                    .map(|(i, s)| GlobalMember {
                        db_cluster_arn: format!("arn:aws:rds:eu-west-2:1:cluster:c{i}"),
                        is_writer: i == 0,
                        synchronization_status: s.map(Into::into),
                    })
                    .collect(),
                status: status.map(Into::into),
                failover_state: failover.map(Into::into),
            },
        )
    }

    #[test]
    fn a_global_database_changing_says_each_part_that_changes() {
        assert_eq!(
            global_cluster(&global(Some("modifying"), None, &[None, None])),
            Some(Changing {
                resource: "healthcare-global-x".into(),
                kind: "Aurora global database",
                state: "modifying".into()
            })
        );
        let switching = global_cluster(&global(Some("available"), Some("pending"), &[None, Some("pending-resync")]));
        assert_eq!(
            switching.map(|c| c.state),
            Some("failover pending; member arn:aws:rds:eu-west-2:1:cluster:c1 pending-resync".to_owned())
        );
    }

    #[test]
    fn a_global_database_available_and_connected_is_judged() {
        assert_eq!(global_cluster(&global(Some("available"), None, &[Some("connected"), None])), None);
        assert_eq!(global_cluster(&global(None, None, &[])), None, "moto reports no status: nothing to wait for");
        assert_eq!(global_cluster(&global(Some("deleting"), None, &[])), None);
        assert_eq!(global_cluster(&unavailable("g")), None);
    }

    fn function_in(state: Option<&str>, update: Option<&str>) -> Named<Function> {
        named(
            "failover-x",
            Function {
                function_name: "failover-x".into(),
                function_arn: "arn:aws:lambda:eu-west-2:1:function:failover-x".into(),
                role: "arn:aws:iam::1:role/r".into(),
                runtime: None,
                handler: None,
                timeout: None,
                memory_size: None,
                kms_key_arn: None,
                environment: Vec::new(),
                state: state.map(Into::into),
                last_update_status: update.map(Into::into),
            },
        )
    }

    #[test]
    fn a_function_pending_or_updating_is_changing_and_a_failed_one_judged() {
        assert_eq!(function(&function_in(Some("Pending"), None)).map(|c| c.state), Some("State Pending".into()));
        assert_eq!(
            function(&function_in(Some("Active"), Some("InProgress"))).map(|c| c.state),
            Some("LastUpdateStatus InProgress".into())
        );
        for (state, update) in [
            (Some("Active"), Some("Successful")),
            (Some("Failed"), None),
            (Some("Active"), Some("Failed")),
            (None, None),
        ] {
            assert_eq!(function(&function_in(state, update)), None, "{state:?} {update:?}");
        }
    }

    fn vault_in(state: Option<&str>) -> Named<Vault> {
        named(
            "vault-x",
            Vault {
                backup_vault_name: "vault-x".into(),
                backup_vault_arn: "arn:aws:backup:eu-west-2:1:backup-vault:vault-x".into(),
                encryption_key_arn: None,
                vault_type: None,
                vault_state: state.map(Into::into),
                locked: None,
                number_of_recovery_points: 0,
            },
        )
    }

    #[test]
    fn a_vault_being_created_is_changing() {
        assert_eq!(vault(&vault_in(Some("CREATING"))).map(|c| c.resource), Some("vault-x".into()));
        for state in [Some("AVAILABLE"), Some("FAILED"), None] {
            assert_eq!(vault(&vault_in(state)), None, "{state:?}");
        }
    }

    fn secret_with(replicas: &[(&str, &str)]) -> Named<Secret> {
        named(
            "arn:aws:secretsmanager:eu-west-2:1:secret:db",
            Secret {
                arn: "arn:aws:secretsmanager:eu-west-2:1:secret:db".into(),
                name: "db".into(),
                kms_key_id: None,
                deleted_date: None,
                rotation_enabled: None,
                replication_status: replicas
                    .iter()
                    .map(|(region, status)| Replica {
                        region: (*region).into(),
                        kms_key_id: None,
                        status: Some((*status).into()),
                        status_message: None,
                    })
                    .collect(),
            },
        )
    }

    #[test]
    fn a_secret_whose_replica_is_still_copying_is_changing_and_a_failed_one_judged() {
        assert_eq!(
            secret_replicas(&secret_with(&[("eu-west-1", "InProgress")])).map(|c| c.state),
            Some("replica in eu-west-1 InProgress".into())
        );
        assert_eq!(secret_replicas(&secret_with(&[("eu-west-1", "InSync")])), None);
        assert_eq!(secret_replicas(&secret_with(&[("eu-west-1", "Failed")])), None);
        assert_eq!(secret_replicas(&secret_with(&[])), None);
    }
}
