//! What a mutant adds to the layout without an output: a key and a security group of the DR
//! region that carry the provider's default tags (and a Name, which discovery names them by), so
//! only discovery, never the outputs, finds them. Both are made last, beside the layout.

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, Tag as Ec2Tag, TagSpecification};
use stackproof::dr::mutants as m;
use stackproof_harness::mutation::Mutant;

use super::network::ANYWHERE;
use super::{Layout, Side};
use crate::{SeedError, step};

/// Where the unlisted resources go: the DR region, whose discovery must be used to find them.
const SIDE: Side = Side::Dr;

/// Makes what the mutants asked for, if any.
pub(crate) async fn deploy(l: &Layout) -> Result<(), SeedError> {
    if l.has(&m::DR_UNLISTED_KEY_ROTATION_OFF) {
        key_without_rotation(l, &m::DR_UNLISTED_KEY_ROTATION_OFF).await?;
    }
    if l.has(&m::DR_UNLISTED_GROUP_OPEN_TO_WORLD) {
        group_open_to_world(l, &m::DR_UNLISTED_GROUP_OPEN_TO_WORLD).await?;
    }
    Ok(())
}

/// The Name tag that discovery names the mutant's resource by: its logical id.
fn name(mutant: &Mutant) -> &'static str {
    mutant.unlisted().unwrap_or(mutant.name)
}

/// A customer key with the default tags and rotation left off (CreateKey's default).
async fn key_without_rotation(l: &Layout, mutant: &Mutant) -> Result<(), SeedError> {
    let kms = &l.at(SIDE).kms;
    let mut create = kms.create_key().description(format!("healthcare-dr unlisted key {}", l.suffix));
    for (k, v) in l.tags(&[("Name", name(mutant))]) {
        create = create.tags(aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"))?);
    }
    create.send().await.map_err(step("CreateKey"))?;
    Ok(())
}

/// A group with the default tags made without a vpcId (so in the region's default VPC), admitting
/// ssh from anywhere.
async fn group_open_to_world(l: &Layout, mutant: &Mutant) -> Result<(), SeedError> {
    let ec2 = &l.at(SIDE).ec2;
    let tags = l.tags(&[("Name", name(mutant))]).into_iter().map(|(k, v)| Ec2Tag::builder().key(k).value(v).build());
    let tags = TagSpecification::builder().resource_type(ResourceType::SecurityGroup).set_tags(Some(tags.collect()));
    let group = ec2
        .create_security_group()
        .group_name(format!("healthcare-dr-unlisted-{}", l.suffix))
        .description("a group of the layout outside its VPCs, open to the world")
        .tag_specifications(tags.build())
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default();
    let ssh = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip(ANYWHERE).build())
        .build();
    ec2.authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(ssh)
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    Ok(())
}
