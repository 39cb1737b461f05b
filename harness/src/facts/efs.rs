//! EFS: one file system, its backup policy, its file-system policy, its mount targets with
//! their security groups, and its access points. Each is a fact of its own, so one refused read
//! does not hide the rest.

use aws_sdk_efs::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use super::{Fact, FactError, classify};

/// The error codes meaning "this file system does not exist".
const FS_GONE: &[&str] = &["FileSystemNotFound"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileSystem {
    pub file_system_id: String,
    /// What the file-system policy's Resource must cover.
    pub file_system_arn: String,
    pub life_cycle_state: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub performance_mode: String,
    pub throughput_mode: Option<String>,
    pub number_of_mount_targets: i32,
}

/// DescribeBackupPolicy: `Status` of the policy, or `None` when the file system has none
/// (PolicyNotFound), which means no automatic backups.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupPolicy {
    pub file_system_id: String,
    pub status: Option<String>,
}

/// DescribeFileSystemPolicy: the resource policy as JSON, or `None` when there is none.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileSystemPolicy {
    pub file_system_id: String,
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MountTarget {
    pub mount_target_id: String,
    pub file_system_id: String,
    pub subnet_id: String,
    pub life_cycle_state: String,
    pub availability_zone_name: Option<String>,
    pub availability_zone_id: Option<String>,
    pub vpc_id: Option<String>,
    /// DescribeMountTargetSecurityGroups
    pub security_groups: Vec<String>,
}

/// DescribeAccessPoints: one access point of the file system, with the identity and directory it
/// imposes on every client that mounts through it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessPoint {
    pub access_point_id: String,
    pub access_point_arn: Option<String>,
    pub name: Option<String>,
    pub life_cycle_state: Option<String>,
    /// None: clients keep the user and groups they claim (root included).
    pub posix_user: Option<PosixUser>,
    /// RootDirectory.Path; None means `/`, the whole file system.
    pub root_directory: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PosixUser {
    pub uid: i64,
    pub gid: i64,
    pub secondary_gids: Vec<i64>,
}

/// `Ok(())` when the service answered PolicyNotFound (the policy is not set), else the error.
fn no_policy<E, R>(operation: &str, err: SdkError<E, R>) -> Result<(), FactError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(se) if se.err().code() == Some("PolicyNotFound") => Ok(()),
        _ => Err(classify(operation, &err, FS_GONE)),
    }
}

/// DescribeFileSystems for one file system id.
pub async fn file_system(efs: &Client, id: &str) -> Fact<FileSystem> {
    let out = efs
        .describe_file_systems()
        .file_system_id(id)
        .send()
        .await
        .map_err(|e| classify("DescribeFileSystems", &e, FS_GONE))?;
    let fs = out
        .file_systems
        .unwrap_or_default()
        .into_iter()
        .find(|f| f.file_system_id == id)
        .ok_or_else(|| FactError::Absent { what: format!("file system {id}") })?;
    // A reply without the file system's ARN cannot be judged against its policy: an error, not an
    // empty ARN that some wildcard might cover.
    let file_system_arn = fs.file_system_arn.clone().filter(|a| !a.is_empty()).ok_or_else(|| FactError::Api {
        operation: "DescribeFileSystems".into(),
        detail: format!("the reply for {id} has no FileSystemArn"),
    })?;
    Ok(FileSystem {
        file_system_id: id.to_owned(),
        file_system_arn,
        life_cycle_state: fs.life_cycle_state.as_str().to_owned(),
        encrypted: fs.encrypted.unwrap_or(false),
        kms_key_id: fs.kms_key_id,
        performance_mode: fs.performance_mode.as_str().to_owned(),
        throughput_mode: fs.throughput_mode.map(|m| m.as_str().to_owned()),
        number_of_mount_targets: fs.number_of_mount_targets,
    })
}

/// DescribeBackupPolicy for one file system.
pub async fn backup_policy(efs: &Client, id: &str) -> Fact<BackupPolicy> {
    let status = match efs.describe_backup_policy().file_system_id(id).send().await {
        Ok(out) => out.backup_policy.map(|p| p.status.as_str().to_owned()),
        Err(e) => {
            no_policy("DescribeBackupPolicy", e)?;
            None
        }
    };
    Ok(BackupPolicy { file_system_id: id.to_owned(), status })
}

/// DescribeFileSystemPolicy for one file system, parsed.
pub async fn file_system_policy(efs: &Client, id: &str) -> Fact<FileSystemPolicy> {
    let text = match efs.describe_file_system_policy().file_system_id(id).send().await {
        Ok(out) => out.policy,
        Err(e) => {
            no_policy("DescribeFileSystemPolicy", e)?;
            None
        }
    };
    let policy = match text {
        Some(text) => Some(serde_json::from_str(&text).map_err(|e| FactError::Api {
            operation: "DescribeFileSystemPolicy".into(),
            detail: format!("the policy is not JSON: {e}"),
        })?),
        None => None,
    };
    Ok(FileSystemPolicy { file_system_id: id.to_owned(), policy })
}

/// DescribeMountTargets for one file system (every page), then each mount target's security
/// groups.
pub async fn mount_targets(efs: &Client, id: &str) -> Fact<Vec<MountTarget>> {
    let targets = efs
        .describe_mount_targets()
        .file_system_id(id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeMountTargets", &e, FS_GONE))?;
    // A mount target the reply does not identify cannot be judged, nor asked for its groups.
    if targets.iter().any(|t| t.mount_target_id.is_empty()) {
        return Err(FactError::Api {
            operation: "DescribeMountTargets".into(),
            detail: format!("the reply for {id} holds a mount target without MountTargetId"),
        });
    }
    // One per AZ at most, so a handful: asked one after another.
    let mut groups = Vec::with_capacity(targets.len());
    for t in &targets {
        groups.push(
            efs.describe_mount_target_security_groups()
                .mount_target_id(&t.mount_target_id)
                .send()
                .await
                .map(|o| o.security_groups)
                .map_err(|e| classify("DescribeMountTargetSecurityGroups", &e, &["MountTargetNotFound"])),
        );
    }
    targets
        .into_iter()
        .zip(groups)
        .map(|(t, groups)| {
            Ok(MountTarget {
                mount_target_id: t.mount_target_id,
                file_system_id: t.file_system_id,
                subnet_id: t.subnet_id,
                life_cycle_state: t.life_cycle_state.as_str().to_owned(),
                availability_zone_name: t.availability_zone_name,
                availability_zone_id: t.availability_zone_id,
                vpc_id: t.vpc_id,
                security_groups: groups?,
            })
        })
        .collect()
}

/// DescribeAccessPoints for one file system (every page).
pub async fn access_points(efs: &Client, id: &str) -> Fact<Vec<AccessPoint>> {
    let points = efs
        .describe_access_points()
        .file_system_id(id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeAccessPoints", &e, FS_GONE))?;
    points
        .into_iter()
        .map(|p| {
            // An access point the reply does not identify is no evidence of anything.
            let access_point_id = p.access_point_id.filter(|a| !a.is_empty()).ok_or_else(|| FactError::Api {
                operation: "DescribeAccessPoints".into(),
                detail: format!("the reply for {id} holds an access point without AccessPointId"),
            })?;
            Ok(AccessPoint {
                access_point_id,
                access_point_arn: p.access_point_arn,
                name: p.name,
                life_cycle_state: p.life_cycle_state.map(|s| s.as_str().to_owned()),
                posix_user: p.posix_user.map(|u| PosixUser {
                    uid: u.uid,
                    gid: u.gid,
                    secondary_gids: u.secondary_gids.unwrap_or_default(),
                }),
                root_directory: p.root_directory.and_then(|r| r.path),
            })
        })
        .collect()
}
