//! The VPC: two public and two private subnets over two zones, the internet gateway, one NAT
//! gateway per zone, and the route tables.

use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::types::{AttributeBooleanValue, ConnectivityType, DomainType, ResourceType};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;

use crate::hipaa::tags::tagged;
use crate::hipaa::{Mutants, VPC_CIDR};
use crate::{SeedError, step};

/// The destination of every route table's default route.
const DEFAULT_ROUTE: &str = "0.0.0.0/0";

/// A subnet as the template declares it.
pub struct SubnetSpec {
    pub name: String,
    pub cidr: &'static str,
    pub zone: String,
    /// MapPublicIpOnLaunch.
    pub public_ips: bool,
}

/// One zone's way out for its private subnet: an Elastic IP, the NAT gateway holding it (in the
/// zone's public subnet) and the private route table through it.
pub struct NatSpec {
    /// The Elastic IP's Name tag.
    pub elastic_ip: String,
    pub gateway: String,
    /// The private route table's Name tag.
    pub route_table: String,
    /// The NAT gateway sits in the zone's private subnet instead of its public one.
    pub in_private_subnet: bool,
    /// ConnectivityType private: no Elastic IP, no way out to the internet.
    pub private_connectivity: bool,
}

/// The VPC as the template declares it, with the mutants made at creation.
pub struct VpcSpec {
    pub name: String,
    pub cidr: &'static str,
    pub public_subnets: [SubnetSpec; 2],
    pub private_subnets: [SubnetSpec; 2],
    pub internet_gateway: String,
    pub public_route_table: String,
    pub nat: [NatSpec; 2],
}

impl VpcSpec {
    pub fn new(suffix: &Suffix, [az1, az2]: &[String; 2], mutants: &Mutants) -> Self {
        let subnet = |tier: &str, n: u8, cidr, zone: &String, public_ips| SubnetSpec {
            name: format!("{tier}-subnet-{n}-{suffix}"),
            cidr,
            zone: zone.clone(),
            public_ips,
        };
        let private2_zone = if mutants.has(&m::PRIVATE_SUBNETS_ONE_AZ) { az1 } else { az2 };
        let nat = |n: u8| NatSpec {
            elastic_ip: format!("nat-eip-{n}-{suffix}"),
            gateway: format!("nat-gateway-{n}-{suffix}"),
            route_table: format!("private-route-table-{n}-{suffix}"),
            in_private_subnet: false,
            private_connectivity: false,
        };
        let (mut nat1, mut nat2) = (nat(1), nat(2));
        if mutants.has(&m::ROUTE_TABLE_NAME_SUFFIX_INSIDE) {
            nat1.route_table = format!("private-route-table-1-{suffix}-copy");
        }
        if mutants.has(&m::NAT_EIP_NAME_UNSUFFIXED) {
            nat2.elastic_ip = "nat-eip-2".to_owned();
        }
        nat2.in_private_subnet = mutants.has(&m::NAT_IN_PRIVATE_SUBNET);
        nat2.private_connectivity = mutants.has(&m::NAT_PRIVATE_CONNECTIVITY);
        Self {
            name: format!("vpc-{suffix}"),
            cidr: VPC_CIDR,
            public_subnets: [
                subnet("public", 1, "10.0.0.0/18", az1, true),
                subnet("public", 2, "10.0.64.0/18", az2, true),
            ],
            private_subnets: [
                subnet("private", 1, "10.0.128.0/18", az1, false),
                subnet("private", 2, "10.0.192.0/18", private2_zone, mutants.has(&m::PRIVATE_SUBNET_PUBLIC_IP)),
            ],
            internet_gateway: format!("igw-{suffix}"),
            public_route_table: format!("public-route-table-{suffix}"),
            nat: [nat1, nat2],
        }
    }
}

/// The ids of what [`create`] made.
pub struct Vpc {
    pub id: String,
    pub public_subnets: [String; 2],
    pub private_subnets: [String; 2],
    pub internet_gateway: String,
    pub nat_gateways: [String; 2],
    pub public_route_table: String,
    pub private_route_tables: [String; 2],
}

impl Vpc {
    pub fn outputs(&self) -> [(&'static str, String); 7] {
        [
            (o::VPC_ID, self.id.clone()),
            (o::PUBLIC_SUBNET_IDS, self.public_subnets.join(",")),
            (o::PRIVATE_SUBNET_IDS, self.private_subnets.join(",")),
            (o::INTERNET_GATEWAY_ID, self.internet_gateway.clone()),
            (o::NAT_GATEWAY_IDS, self.nat_gateways.join(",")),
            (o::PUBLIC_ROUTE_TABLE_ID, self.public_route_table.clone()),
            (o::PRIVATE_ROUTE_TABLE_IDS, self.private_route_tables.join(",")),
        ]
    }
}

/// Where a default route leads.
enum Via<'a> {
    InternetGateway(&'a str),
    Nat(&'a str),
}

/// Creates the VPC and everything in it, in the template's order.
pub async fn create(ec2: &Ec2, spec: &VpcSpec, suffix: &Suffix) -> Result<Vpc, SeedError> {
    let id = crate::create_vpc(ec2, spec.cidr, tagged(ResourceType::Vpc, &spec.name, suffix)).await?;
    let [public1, public2] = &spec.public_subnets;
    let [private1, private2] = &spec.private_subnets;
    let public_subnets =
        [create_subnet(ec2, &id, public1, suffix).await?, create_subnet(ec2, &id, public2, suffix).await?];
    let private_subnets =
        [create_subnet(ec2, &id, private1, suffix).await?, create_subnet(ec2, &id, private2, suffix).await?];
    let internet_gateway = create_internet_gateway(ec2, &id, &spec.internet_gateway, suffix).await?;
    let public_route_table = create_route_table(ec2, &id, &spec.public_route_table, &public_subnets, suffix).await?;
    create_default_route(ec2, &public_route_table, Via::InternetGateway(&internet_gateway)).await?;
    // One NAT gateway per zone, each in its public subnet, each private table routed to its own.
    let [nat1, nat2] = &spec.nat;
    let (nat_gateway1, private_table1) =
        create_nat_zone(ec2, &id, nat1, [&public_subnets[0], &private_subnets[0]], suffix).await?;
    let (nat_gateway2, private_table2) =
        create_nat_zone(ec2, &id, nat2, [&public_subnets[1], &private_subnets[1]], suffix).await?;
    Ok(Vpc {
        id,
        public_subnets,
        private_subnets,
        internet_gateway,
        nat_gateways: [nat_gateway1, nat_gateway2],
        public_route_table,
        private_route_tables: [private_table1, private_table2],
    })
}

async fn create_subnet(ec2: &Ec2, vpc: &str, spec: &SubnetSpec, suffix: &Suffix) -> Result<String, SeedError> {
    let id = ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(spec.cidr)
        .availability_zone(&spec.zone)
        .tag_specifications(tagged(ResourceType::Subnet, &spec.name, suffix))
        .send()
        .await
        .map_err(step("CreateSubnet"))?
        .subnet
        .and_then(|s| s.subnet_id)
        .unwrap_or_default();
    ec2.modify_subnet_attribute()
        .subnet_id(&id)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(spec.public_ips).build())
        .send()
        .await
        .map_err(step("ModifySubnetAttribute"))?;
    Ok(id)
}

async fn create_internet_gateway(ec2: &Ec2, vpc: &str, name: &str, suffix: &Suffix) -> Result<String, SeedError> {
    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(tagged(ResourceType::InternetGateway, name, suffix))
        .send()
        .await
        .map_err(step("CreateInternetGateway"))?
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .unwrap_or_default();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(vpc)
        .send()
        .await
        .map_err(step("AttachInternetGateway"))?;
    Ok(igw)
}

/// A route table associated with `subnets`.
async fn create_route_table(
    ec2: &Ec2,
    vpc: &str,
    name: &str,
    subnets: &[String],
    suffix: &Suffix,
) -> Result<String, SeedError> {
    let id = ec2
        .create_route_table()
        .vpc_id(vpc)
        .tag_specifications(tagged(ResourceType::RouteTable, name, suffix))
        .send()
        .await
        .map_err(step("CreateRouteTable"))?
        .route_table
        .and_then(|t| t.route_table_id)
        .unwrap_or_default();
    for subnet in subnets {
        ec2.associate_route_table()
            .route_table_id(&id)
            .subnet_id(subnet)
            .send()
            .await
            .map_err(step("AssociateRouteTable"))?;
    }
    Ok(id)
}

async fn create_default_route(ec2: &Ec2, table: &str, via: Via<'_>) -> Result<(), SeedError> {
    let route = ec2.create_route().route_table_id(table).destination_cidr_block(DEFAULT_ROUTE);
    let route = match via {
        Via::InternetGateway(igw) => route.gateway_id(igw),
        Via::Nat(nat) => route.nat_gateway_id(nat),
    };
    route.send().await.map_err(step("CreateRoute"))?;
    Ok(())
}

/// The NAT gateway in the zone's public subnet (or, when asked, its private one) and the route
/// table of its private subnet through it.
async fn create_nat_zone(
    ec2: &Ec2,
    vpc: &str,
    spec: &NatSpec,
    [public_subnet, private_subnet]: [&str; 2],
    suffix: &Suffix,
) -> Result<(String, String), SeedError> {
    let home = if spec.in_private_subnet { private_subnet } else { public_subnet };
    let nat = create_nat_gateway(ec2, home, &spec.elastic_ip, &spec.gateway, spec.private_connectivity, suffix).await?;
    let table = create_route_table(ec2, vpc, &spec.route_table, &[private_subnet.to_owned()], suffix).await?;
    create_default_route(ec2, &table, Via::Nat(&nat)).await?;
    Ok((nat, table))
}

/// A NAT gateway in `subnet` holding a new Elastic IP (none for a private one); returns its id.
async fn create_nat_gateway(
    ec2: &Ec2,
    subnet: &str,
    elastic_ip: &str,
    name: &str,
    private: bool,
    suffix: &Suffix,
) -> Result<String, SeedError> {
    let create =
        ec2.create_nat_gateway().subnet_id(subnet).tag_specifications(tagged(ResourceType::Natgateway, name, suffix));
    let create = if private {
        create.connectivity_type(ConnectivityType::Private)
    } else {
        let eip = ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .tag_specifications(tagged(ResourceType::ElasticIp, elastic_ip, suffix))
            .send()
            .await
            .map_err(step("AllocateAddress"))?
            .allocation_id
            .unwrap_or_default();
        create.allocation_id(eip)
    };
    Ok(create
        .send()
        .await
        .map_err(step("CreateNatGateway"))?
        .nat_gateway
        .and_then(|g| g.nat_gateway_id)
        .unwrap_or_default())
}

// Drift on the deployed VPC.

/// The first private table's default route replaced by one to the internet gateway.
pub async fn route_first_private_table_to_igw(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    ec2.replace_route()
        .route_table_id(&vpc.private_route_tables[0])
        .destination_cidr_block(DEFAULT_ROUTE)
        .gateway_id(&vpc.internet_gateway)
        .send()
        .await
        .map_err(step("ReplaceRoute"))?;
    Ok(())
}

pub async fn delete_first_nat_gateway(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    ec2.delete_nat_gateway().nat_gateway_id(&vpc.nat_gateways[0]).send().await.map_err(step("DeleteNatGateway"))?;
    Ok(())
}

pub async fn turn_dns_hostnames_off(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    let off = AttributeBooleanValue::builder().value(false).build();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc.id)
        .enable_dns_hostnames(off)
        .send()
        .await
        .map_err(step("ModifyVpcAttribute"))?;
    Ok(())
}

pub async fn delete_public_default_route(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    ec2.delete_route()
        .route_table_id(&vpc.public_route_table)
        .destination_cidr_block(DEFAULT_ROUTE)
        .send()
        .await
        .map_err(step("DeleteRoute"))?;
    Ok(())
}

pub async fn turn_dns_support_off(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    let off = AttributeBooleanValue::builder().value(false).build();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc.id)
        .enable_dns_support(off)
        .send()
        .await
        .map_err(step("ModifyVpcAttribute"))?;
    Ok(())
}

/// The VPC gets an Amazon IPv6 block, the first private subnet a /64 of it and
/// AssignIpv6AddressOnCreation.
pub async fn first_private_subnet_assigns_ipv6(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    let block = ec2
        .associate_vpc_cidr_block()
        .vpc_id(&vpc.id)
        .amazon_provided_ipv6_cidr_block(true)
        .send()
        .await
        .map_err(step("AssociateVpcCidrBlock"))?
        .ipv6_cidr_block_association
        .and_then(|a| a.ipv6_cidr_block)
        .unwrap_or_default();
    // The block's first /64: `2001:db8:1200::/56` gives `2001:db8:1200::/64`.
    let subnet_block = format!("{}/64", block.split('/').next().unwrap_or_default());
    let subnet = &vpc.private_subnets[0];
    ec2.associate_subnet_cidr_block()
        .subnet_id(subnet)
        .ipv6_cidr_block(subnet_block)
        .send()
        .await
        .map_err(step("AssociateSubnetCidrBlock"))?;
    ec2.modify_subnet_attribute()
        .subnet_id(subnet)
        .assign_ipv6_address_on_creation(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .map_err(step("ModifySubnetAttribute"))?;
    Ok(())
}

/// A third NAT gateway, not among the outputs, in the second public subnet; the second private
/// table's default route replaced by one to it.
pub async fn route_second_private_table_to_foreign_nat(ec2: &Ec2, vpc: &Vpc, suffix: &Suffix) -> Result<(), SeedError> {
    let eip = format!("nat-eip-3-{suffix}");
    let nat = create_nat_gateway(ec2, &vpc.public_subnets[1], &eip, &format!("nat-gateway-3-{suffix}"), false, suffix)
        .await?;
    ec2.replace_route()
        .route_table_id(&vpc.private_route_tables[1])
        .destination_cidr_block(DEFAULT_ROUTE)
        .nat_gateway_id(nat)
        .send()
        .await
        .map_err(step("ReplaceRoute"))?;
    Ok(())
}

/// A documentation range routed to the internet gateway from the second private table.
pub async fn route_range_of_second_private_table_to_igw(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    ec2.create_route()
        .route_table_id(&vpc.private_route_tables[1])
        .destination_cidr_block("203.0.113.0/24")
        .gateway_id(&vpc.internet_gateway)
        .send()
        .await
        .map_err(step("CreateRoute"))?;
    Ok(())
}

/// The id of `subnet`'s association with `table`.
async fn association(ec2: &Ec2, table: &str, subnet: &str) -> Result<String, SeedError> {
    let tables =
        ec2.describe_route_tables().route_table_ids(table).send().await.map_err(step("DescribeRouteTables"))?;
    tables
        .route_tables()
        .iter()
        .flat_map(|t| t.associations())
        .find(|a| a.subnet_id() == Some(subnet))
        .and_then(|a| a.route_table_association_id.clone())
        .ok_or_else(|| SeedError::Api {
            step: "DescribeRouteTables".into(),
            detail: format!("{subnet} is not associated with {table}"),
        })
}

/// ReplaceRouteTableAssociation: the second private subnet onto the public route table.
pub async fn move_second_private_subnet_to_public_table(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    let current = association(ec2, &vpc.private_route_tables[1], &vpc.private_subnets[1]).await?;
    ec2.replace_route_table_association()
        .association_id(current)
        .route_table_id(&vpc.public_route_table)
        .send()
        .await
        .map_err(step("ReplaceRouteTableAssociation"))?;
    Ok(())
}

/// DisassociateRouteTable: the second public subnet falls back to the VPC's main table.
pub async fn disassociate_second_public_subnet(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    let current = association(ec2, &vpc.public_route_table, &vpc.public_subnets[1]).await?;
    ec2.disassociate_route_table().association_id(current).send().await.map_err(step("DisassociateRouteTable"))?;
    Ok(())
}

pub async fn detach_internet_gateway(ec2: &Ec2, vpc: &Vpc) -> Result<(), SeedError> {
    ec2.detach_internet_gateway()
        .internet_gateway_id(&vpc.internet_gateway)
        .vpc_id(&vpc.id)
        .send()
        .await
        .map_err(step("DetachInternetGateway"))?;
    Ok(())
}
