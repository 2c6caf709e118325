import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  type EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";

/** One EC2 instance standing in for a cluster node. */
export interface SeededNode {
  readonly name: string;
  readonly instanceId: string;
  readonly eniId: string;
  readonly privateIp: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  /** The `spec.providerID` a real node on this instance would carry. */
  readonly providerId: string;
}

/** What `seedVpc` created: a VPC with one subnet, route table and node per zone. */
export interface SeededVpc {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
  readonly routeTableIds: readonly string[];
  readonly nodes: readonly SeededNode[];
  /** Tag every seeded route table carries, for tag-filter selection. */
  readonly routeTableTag: { readonly key: string; readonly value: string };
}

/** Options for `seedVpc`; the defaults give three zones, as in a typical HA cluster. */
export interface SeedOptions {
  readonly name: string;
  readonly region?: string;
  readonly vpcCidr?: string;
  readonly zones?: number;
}

const tags = (name: string, extra: Tag[] = []): Tag[] => [{ Key: "Name", Value: name }, ...extra];

/** Creates a VPC with, per zone, a subnet, a route table associated with it and one node instance. */
export async function seedVpc(ec2: EC2Client, options: SeedOptions): Promise<SeededVpc> {
  const region = options.region ?? "us-east-1";
  const vpcCidr = options.vpcCidr ?? "172.31.0.0/16";
  const zones = options.zones ?? 3;
  const routeTableTag = { key: "vpc-route-sync.io/seed", value: options.name };
  const vpc = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: vpcCidr,
      TagSpecifications: [{ ResourceType: "vpc", Tags: tags(options.name) }],
    }),
  );
  const vpcId = required(vpc.Vpc?.VpcId, "CreateVpc returned no VpcId");
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const imageId = required(images.Images?.[0]?.ImageId, "the EC2 emulator offers no AMI");
  const [a, b] = vpcCidr.split(".");
  const subnetIds: string[] = [];
  const routeTableIds: string[] = [];
  const nodes: SeededNode[] = [];
  for (let zone = 0; zone < zones; zone++) {
    const availabilityZone = `${region}${String.fromCharCode(97 + zone)}`;
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `${a}.${b}.${zone * 16}.0/20`,
        AvailabilityZone: availabilityZone,
        TagSpecifications: [
          { ResourceType: "subnet", Tags: tags(`${options.name}-${availabilityZone}`) },
        ],
      }),
    );
    const subnetId = required(subnet.Subnet?.SubnetId, "CreateSubnet returned no SubnetId");
    const table = await ec2.send(
      new CreateRouteTableCommand({
        VpcId: vpcId,
        TagSpecifications: [
          {
            ResourceType: "route-table",
            Tags: tags(`${options.name}-${availabilityZone}`, [
              { Key: routeTableTag.key, Value: routeTableTag.value },
            ]),
          },
        ],
      }),
    );
    const routeTableId = required(
      table.RouteTable?.RouteTableId,
      "CreateRouteTable returned no id",
    );
    await ec2.send(
      new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }),
    );
    const name = `${options.name}-node-${zone}`;
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: "t3.medium",
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetId,
        TagSpecifications: [{ ResourceType: "instance", Tags: tags(name) }],
      }),
    );
    const instance = run.Instances?.[0];
    const eni = instance?.NetworkInterfaces?.[0];
    const instanceId = required(instance?.InstanceId, "RunInstances returned no instance");
    nodes.push({
      name,
      instanceId,
      eniId: required(eni?.NetworkInterfaceId, "the instance has no network interface"),
      privateIp: required(instance?.PrivateIpAddress, "the instance has no private IP"),
      availabilityZone,
      subnetId,
      providerId: `aws:///${availabilityZone}/${instanceId}`,
    });
    subnetIds.push(subnetId);
    routeTableIds.push(routeTableId);
  }
  return { vpcId, vpcCidr, subnetIds, routeTableIds, nodes, routeTableTag };
}

function required<T>(value: T | undefined | null, message: string): T {
  if (value === undefined || value === null) throw new Error(message);
  return value;
}
