//! What counts as still changing for resources more than one stack has (Aurora clusters and
//! their instances, customer keys): only states that pass by themselves. A state that lasts until
//! someone acts (stopped, failed, an instance waiting for a reboot, a key pending deletion) or
//! that takes the resource away (deleting) is no wait: it is judged.

use stackproof_harness::facts::Named;
use stackproof_harness::facts::kms::Key;
use stackproof_harness::facts::rds::{Cluster, Instance};
use stackproof_harness::suite::Changing;

/// DBCluster Status values an Aurora cluster leaves by itself (RDS User Guide, "Viewing DB
/// cluster status").
pub const CLUSTER_CHANGING: &[&str] = &[
    "backing-up",
    "backtracking",
    "creating",
    "failing-over",
    "maintenance",
    "migrating",
    "modifying",
    "preparing-data-migration",
    "promoting",
    "rebooting",
    "renaming",
    "resetting-master-credentials",
    "starting",
    "stopping",
    "storage-optimization",
    "update-iam-db-auth",
    "upgrading",
];

/// DBInstanceStatus values an instance leaves by itself (RDS User Guide, "Viewing DB instance
/// status").
pub const INSTANCE_CHANGING: &[&str] = &[
    "backing-up",
    "configuring-enhanced-monitoring",
    "configuring-iam-database-auth",
    "configuring-log-exports",
    "converting-to-vpc",
    "creating",
    "maintenance",
    "modifying",
    "moving-to-vpc",
    "rebooting",
    "renaming",
    "resetting-master-credentials",
    "starting",
    "stopping",
    "storage-config-upgrade",
    "storage-optimization",
    "upgrading",
];

/// KeyState values a customer key leaves by itself: a multi-Region replica being created, a
/// multi-Region key being updated.
pub const KEY_CHANGING: &[&str] = &["Creating", "Updating"];

/// The cluster, when its status is one it leaves by itself. Named as its findings are: by the
/// identifier the outputs give.
pub fn aurora_cluster(c: &Named<Cluster>) -> Option<Changing> {
    let cluster = c.value()?;
    CLUSTER_CHANGING.contains(&cluster.status.as_str()).then(|| Changing {
        resource: c.resource.clone(),
        kind: "Aurora cluster",
        state: cluster.status.clone(),
    })
}

/// Each instance of the cluster whose status is one it leaves by itself, named as its findings
/// are: `<cluster>/<instance>`.
pub fn aurora_instances(i: &Named<Vec<Instance>>) -> Vec<Changing> {
    i.value()
        .into_iter()
        .flatten()
        .filter(|x| INSTANCE_CHANGING.contains(&x.db_instance_status.as_str()))
        .map(|x| Changing {
            resource: format!("{}/{}", i.resource, x.db_instance_identifier),
            kind: "Aurora instance",
            state: x.db_instance_status.clone(),
        })
        .collect()
}

/// The key, when KMS is still creating or updating it.
pub fn key(k: &Named<Key>) -> Option<Changing> {
    let key = k.value()?;
    KEY_CHANGING.contains(&key.key_state.as_str()).then(|| Changing {
        resource: k.resource.clone(),
        kind: "KMS key",
        state: key.key_state.clone(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use stackproof_harness::facts::FactError;
    use stackproof_harness::facts::kms::Rotation;

    /// A fact named as a stack output names it.
    pub(crate) fn named<T>(resource: &str, fact: T) -> Named<T> {
        Named { output: "Output", resource: resource.into(), fact: Ok(fact) }
    }

    /// A fact that could not be had.
    pub(crate) fn unavailable<T>(resource: &str) -> Named<T> {
        Named {
            output: "Output",
            resource: resource.into(),
            fact: Err(FactError::Api { operation: "Describe".into(), detail: "throttled".into() }),
        }
    }

    pub(crate) fn cluster(status: &str) -> Cluster {
        Cluster {
            db_cluster_identifier: "db".into(),
            status: status.into(),
            engine: "aurora-mysql".into(),
            engine_version: "8.0.mysql_aurora.3.08.1".into(),
            storage_encrypted: true,
            kms_key_id: None,
            backup_retention_period: Some(35),
            earliest_restorable_time: None,
            latest_restorable_time: None,
            db_subnet_group: None,
            db_cluster_parameter_group: None,
            vpc_security_groups: vec![],
            enabled_cloudwatch_logs_exports: vec![],
            db_cluster_members: vec![],
            multi_az: None,
            publicly_accessible: None,
            preferred_backup_window: None,
            deletion_protection: None,
            serverless_v2_scaling_configuration: None,
            db_cluster_arn: None,
        }
    }

    pub(crate) fn instance(id: &str, status: &str) -> Instance {
        Instance {
            db_instance_identifier: id.into(),
            db_cluster_identifier: "db".into(),
            db_instance_status: status.into(),
            availability_zone: None,
            publicly_accessible: Some(false),
            db_instance_class: None,
            engine_version: None,
            vpc_security_groups: vec![],
        }
    }

    fn key_in(state: &str) -> Key {
        Key {
            arn: "arn:aws:kms:eu-central-1:1:key/k".into(),
            key_id: "k".into(),
            enabled: state == "Enabled",
            key_state: state.into(),
            key_manager: "CUSTOMER".into(),
            rotation: Ok(Rotation { key_rotation_enabled: true, rotation_period_in_days: None }),
        }
    }

    #[test]
    fn a_cluster_creating_or_modifying_is_changing_under_its_output_name() {
        for status in ["creating", "modifying", "backing-up", "upgrading"] {
            let c = aurora_cluster(&named("hipaa-db-pr1", cluster(status)));
            assert_eq!(
                c,
                Some(Changing { resource: "hipaa-db-pr1".into(), kind: "Aurora cluster", state: status.into() })
            );
        }
    }

    #[test]
    fn a_cluster_available_stopped_failed_or_deleting_is_judged() {
        for status in ["available", "stopped", "inaccessible-encryption-credentials", "migration-failed", "deleting"] {
            assert_eq!(aurora_cluster(&named("db", cluster(status))), None, "{status}");
        }
        assert_eq!(aurora_cluster(&unavailable("db")), None, "an error is judged as an error, not waited for");
    }

    #[test]
    fn each_instance_still_changing_is_named_under_its_cluster() {
        let instances = named(
            "db",
            vec![instance("db-1", "available"), instance("db-2", "creating"), instance("db-3", "rebooting")],
        );
        let changing = aurora_instances(&instances);
        let names: Vec<(&str, &str)> = changing.iter().map(|c| (c.resource.as_str(), c.state.as_str())).collect();
        assert_eq!(names, [("db/db-2", "creating"), ("db/db-3", "rebooting")]);
        assert!(changing.iter().all(|c| c.kind == "Aurora instance"));
    }

    #[test]
    fn an_instance_stopped_failed_or_waiting_for_a_reboot_is_judged() {
        for status in ["available", "stopped", "failed", "storage-full", "incompatible-parameters", "deleting"] {
            assert!(aurora_instances(&named("db", vec![instance("db-1", status)])).is_empty(), "{status}");
        }
    }

    #[test]
    fn a_key_being_created_or_updated_is_changing_and_one_pending_deletion_is_judged() {
        assert_eq!(key(&named("arn:k", key_in("Creating"))).map(|c| c.state), Some("Creating".to_owned()));
        assert_eq!(key(&named("arn:k", key_in("Updating"))).map(|c| c.resource), Some("arn:k".to_owned()));
        for state in ["Enabled", "Disabled", "PendingDeletion", "PendingImport", "Unavailable"] {
            assert_eq!(key(&named("arn:k", key_in(state))), None, "{state}");
        }
    }
}
