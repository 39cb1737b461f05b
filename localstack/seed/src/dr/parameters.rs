//! v2's Aurora cluster parameter groups (main.ts "Aurora cluster parameter groups"): one per
//! side, family aurora-postgresql15, that refuses plaintext connections (rds.force_ssl) and turns
//! on pgaudit and connection logging; each cluster runs with its side's group.
//!
//! moto keeps the parameters put and answers only those from DescribeDBClusterParameters; it
//! takes any group name on CreateDBCluster (mod.rs).

use aws_sdk_rds::types::{ApplyMethod, Parameter};

use super::aurora::rds_tags;
use super::{Layout, Side};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;
use stackproof_harness::mutation::Mutant;

const FAMILY: &str = "aurora-postgresql15";
const DESCRIPTION: &str = "TLS only, pgaudit and connection logging";

/// One parameter as main.ts sets it.
pub(crate) struct Setting {
    pub name: &'static str,
    pub value: &'static str,
    /// Static parameters apply at the next reboot; dynamic ones at once.
    pub at_reboot: bool,
}

/// A cluster parameter group as main.ts declares it.
pub(crate) struct ParameterGroupSpec {
    pub side: Side,
    pub name: String,
    pub settings: Vec<Setting>,
}

/// main.ts's six parameters, as the side's mutants leave them.
fn settings(l: &Layout, side: Side) -> Vec<Setting> {
    let on = |mutant: &Mutant, broken_side: Side| side == broken_side && l.has(mutant);
    let set = |name, value, at_reboot| Setting { name, value, at_reboot };
    vec![
        set("rds.force_ssl", if on(&m::PRIMARY_FORCE_SSL_OFF, Side::Primary) { "0" } else { "1" }, true),
        set(
            "shared_preload_libraries",
            if on(&m::DR_PGAUDIT_NOT_LOADED, Side::Dr) { "pg_stat_statements" } else { "pgaudit,pg_stat_statements" },
            true,
        ),
        set(
            "pgaudit.log",
            if on(&m::PRIMARY_PGAUDIT_WITHOUT_WRITE, Side::Primary) { "ddl,role" } else { "ddl,role,write" },
            false,
        ),
        set("pgaudit.role", "rds_pgaudit", false),
        set("log_connections", if on(&m::PRIMARY_CONNECTIONS_NOT_LOGGED, Side::Primary) { "0" } else { "1" }, false),
        set("log_disconnections", if on(&m::DR_DISCONNECTIONS_NOT_LOGGED, Side::Dr) { "0" } else { "1" }, false),
    ]
}

/// The groups to create: each side's, and the copy of the DR group the foreign-group mutant runs
/// the DR cluster with (same settings, a name the layout does not declare).
pub(crate) fn groups(l: &Layout) -> Vec<ParameterGroupSpec> {
    let of =
        |side| ParameterGroupSpec { side, name: l.names.cluster_parameter_group(side), settings: settings(l, side) };
    let mut groups = vec![of(Side::Primary), of(Side::Dr)];
    if l.has(&m::DR_CLUSTER_FOREIGN_PARAMETER_GROUP) {
        groups.push(ParameterGroupSpec { name: foreign_copy(l), ..of(Side::Dr) });
    }
    groups
}

/// The group the side's cluster runs with: its side's, but for the foreign-group mutant.
pub(crate) fn of_cluster(l: &Layout, side: Side) -> String {
    if side == Side::Dr && l.has(&m::DR_CLUSTER_FOREIGN_PARAMETER_GROUP) {
        foreign_copy(l)
    } else {
        l.names.cluster_parameter_group(side)
    }
}

fn foreign_copy(l: &Layout) -> String {
    format!("{}-copy", l.names.cluster_parameter_group(Side::Dr))
}

/// Creates the group with the default tags, then sets its parameters.
pub(crate) async fn create(l: &Layout, spec: &ParameterGroupSpec) -> Result<(), SeedError> {
    let rds = &l.at(spec.side).rds;
    rds.create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&spec.name)
        .db_parameter_group_family(FAMILY)
        .description(DESCRIPTION)
        .set_tags(Some(rds_tags(l)))
        .send()
        .await
        .map_err(step("CreateDBClusterParameterGroup"))?;
    let parameters = spec.settings.iter().map(|s| {
        let apply = if s.at_reboot { ApplyMethod::PendingReboot } else { ApplyMethod::Immediate };
        Parameter::builder().parameter_name(s.name).parameter_value(s.value).apply_method(apply).build()
    });
    rds.modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&spec.name)
        .set_parameters(Some(parameters.collect()))
        .send()
        .await
        .map_err(step("ModifyDBClusterParameterGroup"))?;
    Ok(())
}
