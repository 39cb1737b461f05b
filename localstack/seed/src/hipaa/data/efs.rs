//! EFS: the encrypted file system, its lifecycle and policy (TLS only, the task role through a
//! mount target), one mount target per zone, and the access point of the patient data.

use aws_sdk_efs::Client as Efs;
use aws_sdk_efs::types::{
    CreationInfo, LifecyclePolicy, PerformanceMode, PosixUser, RootDirectory, ThroughputMode, TransitionToIaRules,
};
use serde_json::{Value, json};
use stackproof::hipaa::mutants as m;
use stackproof_harness::deployment::Suffix;

use super::data_subnets;
use crate::hipaa::{Base, Mutants, account_of, names, tags};
use crate::{SeedError, step};

/// The file system as the template declares it, with the mutants made at creation.
pub struct EfsSpec {
    pub name: String,
    /// Encrypted with the data key.
    pub encrypted: bool,
    pub backup: bool,
    /// The policy's statements: the Deny of plain NFS (unless a mutant drops it), the task role's Allow.
    pub policy: Vec<Value>,
    pub mount_targets: Vec<MountTargetSpec>,
    pub access_point: String,
}

pub struct MountTargetSpec {
    pub subnet: String,
    pub security_group: String,
}

impl EfsSpec {
    /// `zone_of` tells a subnet's zone: EFS allows one mount target per zone.
    pub fn new(base: &Base, mutants: &Mutants, zone_of: impl Fn(&str) -> Option<String>) -> Self {
        let suffix = &base.suffix;
        let mount_target =
            |subnet: &str| MountTargetSpec { subnet: subnet.to_owned(), security_group: base.sg.efs.clone() };
        let [first, second] = data_subnets(base, mutants.has(&m::EFS_MOUNT_TARGET_PUBLIC_SUBNET));
        let mut mount_targets = vec![mount_target(&first)];
        // A second mount target in the first one's zone would be refused (MountTargetConflict), as
        // it is when another layer's mutant puts both private subnets in one zone.
        if !mutants.has(&m::EFS_MOUNT_TARGET_ONE_AZ) && zone_of(&second) != zone_of(&first) {
            mount_targets.push(mount_target(&second));
        }
        let mut policy = vec![deny_plain_nfs(), allow_task_role(base)];
        if mutants.has(&m::EFS_POLICY_ALLOWS_PLAIN_NFS) {
            policy.remove(0);
        }
        Self {
            name: format!("efs-{suffix}"),
            encrypted: !mutants.has(&m::EFS_UNENCRYPTED),
            // Made at creation: moto answers PutBackupPolicy with HTTP 500.
            backup: !mutants.has(&m::EFS_BACKUP_OFF),
            policy,
            mount_targets,
            access_point: format!("efs-access-point-{suffix}"),
        }
    }
}

fn deny_plain_nfs() -> Value {
    json!({
        "Sid": "DenyUnencryptedTransport",
        "Effect": "Deny",
        "Principal": { "AWS": "*" },
        "Action": "*",
        "Condition": { "Bool": { "aws:SecureTransport": "false" } }
    })
}

fn allow_task_role(base: &Base) -> Value {
    // The account comes from the data key's ARN.
    let account = account_of(&base.data_key).unwrap_or_default();
    json!({
        "Sid": "AllowAppTaskMountThroughMountTargets",
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:aws:iam::{account}:role/{}", names::task_role(&base.suffix)) },
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Condition": { "Bool": { "elasticfilesystem:AccessedViaMountTarget": "true" } }
    })
}

/// What [`create`] made.
pub struct FileSystem {
    pub id: String,
    pub mount_targets: Vec<String>,
}

pub async fn create(efs: &Efs, spec: &EfsSpec, data_key: &str, suffix: &Suffix) -> Result<FileSystem, SeedError> {
    let id = create_file_system(efs, spec, data_key, suffix).await?;
    efs.put_lifecycle_configuration()
        .file_system_id(&id)
        .lifecycle_policies(LifecyclePolicy::builder().transition_to_ia(TransitionToIaRules::After30Days).build())
        .send()
        .await
        .map_err(step("PutLifecycleConfiguration"))?;
    efs.put_file_system_policy()
        .file_system_id(&id)
        .policy(json!({ "Version": "2012-10-17", "Statement": spec.policy }).to_string())
        .send()
        .await
        .map_err(step("PutFileSystemPolicy"))?;
    let mut mount_targets = Vec::new();
    for target in &spec.mount_targets {
        mount_targets.push(create_mount_target(efs, &id, target).await?);
    }
    create_access_point(efs, &id, &spec.access_point, suffix).await?;
    Ok(FileSystem { id, mount_targets })
}

async fn create_file_system(efs: &Efs, spec: &EfsSpec, data_key: &str, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(efs
        .create_file_system()
        .creation_token(&spec.name)
        .encrypted(spec.encrypted)
        .set_kms_key_id(spec.encrypted.then(|| data_key.to_owned()))
        .performance_mode(PerformanceMode::GeneralPurpose)
        .throughput_mode(ThroughputMode::Elastic)
        .backup(spec.backup)
        .set_tags(Some(tags::efs(&spec.name, suffix)?))
        .send()
        .await
        .map_err(step("CreateFileSystem"))?
        .file_system_id)
}

async fn create_mount_target(efs: &Efs, file_system: &str, spec: &MountTargetSpec) -> Result<String, SeedError> {
    Ok(efs
        .create_mount_target()
        .file_system_id(file_system)
        .subnet_id(&spec.subnet)
        .security_groups(&spec.security_group)
        .send()
        .await
        .map_err(step("CreateMountTarget"))?
        .mount_target_id)
}

/// The access point of the patient data: uid/gid 1000, its own root directory.
async fn create_access_point(efs: &Efs, file_system: &str, name: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let owner = CreationInfo::builder()
        .owner_uid(1000)
        .owner_gid(1000)
        .permissions("0750")
        .build()
        .map_err(step("CreationInfo"))?;
    efs.create_access_point()
        .client_token(name)
        .file_system_id(file_system)
        .posix_user(PosixUser::builder().uid(1000).gid(1000).build().map_err(step("PosixUser"))?)
        .root_directory(RootDirectory::builder().path("/patient-data").creation_info(owner).build())
        .set_tags(Some(tags::efs(name, suffix)?))
        .send()
        .await
        .map_err(step("CreateAccessPoint"))?;
    Ok(())
}

// Drift on the deployed file system.

/// The first mount target moved to `group`, a security group that is not the EFS tier's.
pub async fn move_first_mount_target_to(efs: &Efs, fs: &FileSystem, group: &str) -> Result<(), SeedError> {
    let first = fs.mount_targets.first().map(String::as_str).unwrap_or_default();
    efs.modify_mount_target_security_groups()
        .mount_target_id(first)
        .security_groups(group)
        .send()
        .await
        .map_err(step("ModifyMountTargetSecurityGroups"))?;
    Ok(())
}
