//! The VPC: two public and two private subnets over two zones, the internet gateway, one NAT
//! gateway per zone, and the route tables.

use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::types::{AttributeBooleanValue, DomainType, ResourceType};
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
    pub elastic_ip: String,
    pub gateway: String,
    pub route_table: String,
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
        };
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
            nat: [nat(1), nat(2)],
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
        create_nat_zone(ec2, &id, nat1, &public_subnets[0], &private_subnets[0], suffix).await?;
    let (nat_gateway2, private_table2) =
        create_nat_zone(ec2, &id, nat2, &public_subnets[1], &private_subnets[1], suffix).await?;
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

/// The NAT gateway in `public_subnet` and the route table of `private_subnet` through it.
async fn create_nat_zone(
    ec2: &Ec2,
    vpc: &str,
    spec: &NatSpec,
    public_subnet: &str,
    private_subnet: &str,
    suffix: &Suffix,
) -> Result<(String, String), SeedError> {
    let eip = ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(tagged(ResourceType::ElasticIp, &spec.elastic_ip, suffix))
        .send()
        .await
        .map_err(step("AllocateAddress"))?
        .allocation_id
        .unwrap_or_default();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(public_subnet)
        .allocation_id(eip)
        .tag_specifications(tagged(ResourceType::Natgateway, &spec.gateway, suffix))
        .send()
        .await
        .map_err(step("CreateNatGateway"))?
        .nat_gateway
        .and_then(|g| g.nat_gateway_id)
        .unwrap_or_default();
    let table = create_route_table(ec2, vpc, &spec.route_table, &[private_subnet.to_owned()], suffix).await?;
    create_default_route(ec2, &table, Via::Nat(&nat)).await?;
    Ok((nat, table))
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
