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
    /// The key it is encrypted with (the data key unless a mutant says otherwise); None: unencrypted.
    pub key: Option<String>,
    pub backup: bool,
    /// The policy's statements: the Deny of plain NFS, the task role's Allow, as mutants edit them.
    pub policy: Vec<Value>,
    pub mount_targets: Vec<MountTargetSpec>,
    pub access_points: Vec<AccessPointSpec>,
}

pub struct MountTargetSpec {
    pub subnet: String,
    pub security_group: String,
}

/// An access point: the POSIX identity and the directory it imposes on clients.
pub struct AccessPointSpec {
    pub name: String,
    pub uid: i64,
    pub gid: i64,
    pub root: &'static str,
}

/// The patient data directory the stack's access point roots its clients in.
const PATIENT_DATA: &str = "/patient-data";
/// The uid and gid the containers run as.
const APP_USER: i64 = 1000;
/// The file system a policy copied from another deployment would name.
const OTHER_FILE_SYSTEM: &str = "file-system/fs-0a1b2c3d4e5f60718";

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
        let key = if mutants.has(&m::EFS_UNENCRYPTED) {
            None
        } else if mutants.has(&m::EFS_ENCRYPTED_WITH_LOGS_KEY) {
            Some(base.logs_key.clone())
        } else {
            Some(base.data_key.clone())
        };
        Self {
            name: format!("efs-{suffix}"),
            key,
            // Made at creation: moto answers PutBackupPolicy with HTTP 500.
            backup: !mutants.has(&m::EFS_BACKUP_OFF),
            policy: policy(base, mutants),
            mount_targets,
            access_points: access_points(suffix, mutants),
        }
    }
}

/// The template's two statements, as the policy mutants edit them.
fn policy(base: &Base, mutants: &Mutants) -> Vec<Value> {
    // The account comes from the data key's ARN.
    let account = account_of(&base.data_key).unwrap_or_default();
    let task_role = format!("arn:aws:iam::{account}:role/{}", names::task_role(&base.suffix));
    let mut deny = deny_plain_nfs();
    if mutants.has(&m::EFS_POLICY_DENY_ONE_ROLE) {
        deny["Principal"] = json!({ "AWS": task_role });
    }
    if mutants.has(&m::EFS_POLICY_DENY_WRITES_ONLY) {
        deny["Action"] = json!("elasticfilesystem:ClientWrite");
    }
    if mutants.has(&m::EFS_POLICY_DENY_OTHER_FILE_SYSTEM) {
        deny["Resource"] = json!(names::arn("elasticfilesystem", account, OTHER_FILE_SYSTEM));
    }
    if mutants.has(&m::EFS_POLICY_DENY_EXEMPTS_ROLE) {
        deny["Condition"]["StringNotEquals"] = json!({ "aws:PrincipalArn": task_role });
    }
    let mut statements = vec![deny, allow_task_role(&task_role)];
    if mutants.has(&m::EFS_POLICY_ALLOWS_PLAIN_NFS) {
        statements.remove(0);
    }
    if mutants.has(&m::EFS_POLICY_ALLOWS_EVERYONE) {
        statements.push(json!({
            "Sid": "AllowClientsThroughMountTargets",
            "Effect": "Allow",
            "Principal": { "AWS": "*" },
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
            "Condition": { "Bool": { "elasticfilesystem:AccessedViaMountTarget": "true" } }
        }));
    }
    statements
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

fn allow_task_role(task_role: &str) -> Value {
    json!({
        "Sid": "AllowAppTaskMountThroughMountTargets",
        "Effect": "Allow",
        "Principal": { "AWS": task_role },
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Condition": { "Bool": { "elasticfilesystem:AccessedViaMountTarget": "true" } }
    })
}

/// The patient data access point (uid/gid 1000, its own directory), as the access point mutants
/// edit, drop or add to it.
fn access_points(suffix: &Suffix, mutants: &Mutants) -> Vec<AccessPointSpec> {
    let mut points = Vec::new();
    if !mutants.has(&m::EFS_ACCESS_POINT_MISSING) {
        let root = if mutants.has(&m::EFS_ACCESS_POINT_AT_ROOT) { "/" } else { PATIENT_DATA };
        points.push(AccessPointSpec { name: format!("efs-access-point-{suffix}"), uid: APP_USER, gid: APP_USER, root });
    }
    if mutants.has(&m::EFS_ACCESS_POINT_ROOT_USER) {
        points.push(AccessPointSpec {
            name: format!("efs-access-point-admin-{suffix}"),
            uid: 0,
            gid: 0,
            root: PATIENT_DATA,
        });
    }
    points
}

/// What [`create`] made.
pub struct FileSystem {
    pub id: String,
    pub mount_targets: Vec<String>,
}

pub async fn create(efs: &Efs, spec: &EfsSpec, suffix: &Suffix) -> Result<FileSystem, SeedError> {
    let id = create_file_system(efs, spec, suffix).await?;
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
    for point in &spec.access_points {
        create_access_point(efs, &id, point, suffix).await?;
    }
    Ok(FileSystem { id, mount_targets })
}

async fn create_file_system(efs: &Efs, spec: &EfsSpec, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(efs
        .create_file_system()
        .creation_token(&spec.name)
        .encrypted(spec.key.is_some())
        .set_kms_key_id(spec.key.clone())
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

/// One access point: the POSIX user and root directory `spec` names.
async fn create_access_point(
    efs: &Efs,
    file_system: &str,
    spec: &AccessPointSpec,
    suffix: &Suffix,
) -> Result<(), SeedError> {
    let owner = CreationInfo::builder()
        .owner_uid(spec.uid)
        .owner_gid(spec.gid)
        .permissions("0750")
        .build()
        .map_err(step("CreationInfo"))?;
    efs.create_access_point()
        .client_token(&spec.name)
        .file_system_id(file_system)
        .posix_user(PosixUser::builder().uid(spec.uid).gid(spec.gid).build().map_err(step("PosixUser"))?)
        .root_directory(RootDirectory::builder().path(spec.root).creation_info(owner).build())
        .set_tags(Some(tags::efs(&spec.name, suffix)?))
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

/// The second mount target (or the only one) behind `efs_group` and `other` both.
pub async fn add_group_to_second_mount_target(
    efs: &Efs,
    fs: &FileSystem,
    efs_group: &str,
    other: &str,
) -> Result<(), SeedError> {
    let second = fs.mount_targets.last().map(String::as_str).unwrap_or_default();
    efs.modify_mount_target_security_groups()
        .mount_target_id(second)
        .security_groups(efs_group)
        .security_groups(other)
        .send()
        .await
        .map_err(step("ModifyMountTargetSecurityGroups"))?;
    Ok(())
}
