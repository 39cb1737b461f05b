//! Network judgements both stacks make in the same way.

use stackproof_harness::check::Finding;
use stackproof_harness::facts::ec2::Network;

/// Every listed subnet maps no public IP on launch; a subnet the VPC does not hold fails.
pub fn subnets_map_no_public_ip(net: &Network, ids: &[String]) -> Vec<Finding> {
    ids.iter()
        .map(|id| match net.subnet(id) {
            Some(s) => Finding::judge(
                id,
                "MapPublicIpOnLaunch",
                !s.map_public_ip_on_launch,
                false,
                s.map_public_ip_on_launch,
                s,
            ),
            None => subnet_absent(id, net),
        })
        .collect()
}

/// A subnet the stack names that its VPC does not hold.
pub fn subnet_absent(id: &str, net: &Network) -> Finding {
    Finding::judge(id, "SubnetId", false, format!("a subnet of {}", net.vpc.vpc_id), "absent", &())
}
