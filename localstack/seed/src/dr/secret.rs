//! The database's master credentials in their own secret (main.ts "master secret"): under the
//! primary key, replicated to the DR region under the DR key. The value carries the canary, so
//! reports can be searched for leaks.
//!
//! moto keeps AddReplicaRegions and reports ReplicationStatus (InSync), but drops the replica's
//! KmsKeyId: it reads "alias/aws/secretsmanager".

use aws_sdk_secretsmanager::types::{ReplicaRegionType, Tag as SecretTag};
use serde_json::json;

use super::aurora::Master;
use super::{DR_REGION, Layout};
use crate::hipaa::SECRET_CANARY;
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// The credentials the layout generates (random_password).
pub(crate) fn master() -> Master {
    Master { username: "healthcare_admin", password: format!("{SECRET_CANARY}-master-password") }
}

/// The secret as main.ts declares it.
pub(crate) struct SecretSpec {
    pub name: String,
    pub description: &'static str,
    /// None leaves the account's default key (aws/secretsmanager).
    pub kms_key: Option<String>,
    /// The replica's region and key; None keeps it in the primary region only.
    pub replica: Option<(&'static str, String)>,
    /// A secret of the same name already in the replica's region: the replica fails.
    pub taken_in_replica_region: bool,
}

pub(crate) fn spec(l: &Layout, primary_key: &str, dr_key: &str) -> SecretSpec {
    SecretSpec {
        name: l.names.master_secret(),
        description: "master credentials of the healthcare-dr Aurora global database",
        kms_key: (!l.has(&m::MASTER_SECRET_DEFAULT_KEY)).then(|| primary_key.to_owned()),
        replica: (!l.has(&m::MASTER_SECRET_NOT_REPLICATED)).then(|| (DR_REGION, dr_key.to_owned())),
        taken_in_replica_region: l.has(&m::MASTER_SECRET_REPLICA_FAILED),
    }
}

/// Creates the secret holding `master`; returns its ARN.
pub(crate) async fn create(l: &Layout, spec: &SecretSpec, master: &Master) -> Result<String, SeedError> {
    if spec.taken_in_replica_region {
        // Someone's secret of that name in the DR region: Secrets Manager cannot replicate there.
        let other = l.dr.secretsmanager.create_secret().name(&spec.name).secret_string("{}");
        other.send().await.map_err(step("CreateSecret"))?;
    }
    let value = json!({ "username": master.username, "password": master.password });
    let mut create = l
        .primary
        .secretsmanager
        .create_secret()
        .name(&spec.name)
        .description(spec.description)
        .secret_string(value.to_string())
        .set_kms_key_id(spec.kms_key.clone());
    if let Some((region, key)) = &spec.replica {
        create = create.add_replica_regions(ReplicaRegionType::builder().region(*region).kms_key_id(key).build());
    }
    for (k, v) in l.tags(&[]) {
        create = create.tags(SecretTag::builder().key(k).value(v).build());
    }
    Ok(create.send().await.map_err(step("CreateSecret"))?.arn.unwrap_or_default())
}
