import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadConfig } from "./load.js";

const common = { clusterId: "prod-1", allowedCidrs: "10.8.0.0/16", allowedNamespaces: "vpn" };
const azureId =
  "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/net-rg/providers/Microsoft.Network/routeTables/vpn-routes";

function load(options: Record<string, unknown>) {
  return loadConfig({
    options: { ...common, ...options },
    env: {},
    readFile: () => {
      throw new Error("ENOENT");
    },
    hostname: () => "host-a",
    randomHex: () => "0badc0de",
  });
}

function problemsOf(options: Record<string, unknown>): string[] {
  try {
    load(options);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("provider settings that load", () => {
  it.each([
    [
      "AWS with route table ids, both id lengths",
      { provider: "aws", awsRouteTableIds: "rtb-0123456789abcdef0, rtb-0a1b2c3d" },
      (c: ReturnType<typeof load>) => c.aws.routeTableIds,
      ["rtb-0123456789abcdef0", "rtb-0a1b2c3d"],
    ],
    [
      "AWS with route table tags only",
      { provider: "aws", awsRouteTableTags: "vpc-route-sync=enabled, team = net" },
      (c: ReturnType<typeof load>) => c.aws.routeTableTags,
      [
        { key: "vpc-route-sync", value: "enabled" },
        { key: "team", value: "net" },
      ],
    ],
    [
      "AWS with a tag whose value is empty",
      { provider: "aws", awsRouteTableTags: "managed=" },
      (c: ReturnType<typeof load>) => c.aws.routeTableTags,
      [{ key: "managed", value: "" }],
    ],
    [
      "AWS with a LocalStack endpoint, region and source/dest check management",
      {
        provider: "aws",
        awsRouteTableIds: "rtb-0123456789abcdef0",
        awsEndpoint: "http://127.0.0.1:4566",
        awsRegion: "us-gov-west-1",
        awsManageSourceDestCheck: true,
      },
      (c: ReturnType<typeof load>) => c.aws,
      {
        region: "us-gov-west-1",
        endpoint: "http://127.0.0.1:4566",
        routeTableIds: ["rtb-0123456789abcdef0"],
        routeTableTags: [],
        manageSourceDestCheck: true,
      },
    ],
    [
      "GCP with project, network, endpoint and priority",
      {
        provider: "gcp",
        gcpProject: "my-project-123",
        gcpNetwork: "default",
        gcpEndpoint: "https://127.0.0.1:8443/compute/v1",
        gcpRoutePriority: "900",
      },
      (c: ReturnType<typeof load>) => c.gcp,
      {
        project: "my-project-123",
        network: "default",
        endpoint: "https://127.0.0.1:8443/compute/v1",
        routePriority: 900,
      },
    ],
    [
      "GCP with a domain-scoped project",
      { provider: "gcp", gcpProject: "example.com:vpn-prod", gcpNetwork: "vpc-1" },
      (c: ReturnType<typeof load>) => c.gcp.project,
      "example.com:vpn-prod",
    ],
    [
      "Azure with route table ids",
      { provider: "azure", azureRouteTableIds: azureId, azureEndpoint: "https://127.0.0.1:9443" },
      (c: ReturnType<typeof load>) => c.azure,
      { routeTableIds: [azureId], endpoint: "https://127.0.0.1:9443" },
    ],
  ])("loads %s", (_, options, pick, expected) => {
    expect(pick(load(options))).toEqual(expected);
  });
});

describe("provider settings that are refused", () => {
  it.each([
    [
      "AWS without any route table",
      { provider: "aws" },
      "--aws-route-table-ids (VRS_AWS_ROUTE_TABLE_IDS, or aws.routeTableIds in the config file) or --aws-route-table-tags (VRS_AWS_ROUTE_TABLE_TAGS, or aws.routeTableTags in the config file): one is required with provider aws; name the route tables to manage, e.g. --aws-route-table-ids rtb-0123456789abcdef0 or --aws-route-table-tags vpc-route-sync=enabled",
    ],
    [
      "an AWS route table id of the wrong shape",
      { provider: "aws", awsRouteTableIds: "rtb-XYZ" },
      '--aws-route-table-ids (VRS_AWS_ROUTE_TABLE_IDS): "rtb-XYZ" is not an AWS route table id; write e.g. rtb-0123456789abcdef0',
    ],
    [
      "a subnet id given as a route table",
      { provider: "aws", awsRouteTableIds: "subnet-0123456789abcdef0" },
      '"subnet-0123456789abcdef0" is not an AWS route table id',
    ],
    [
      "an AWS tag without =",
      { provider: "aws", awsRouteTableTags: "vpc-route-sync" },
      '--aws-route-table-tags (VRS_AWS_ROUTE_TABLE_TAGS): "vpc-route-sync" is not key=value; write e.g. vpc-route-sync=true',
    ],
    [
      "an AWS tag with an empty key",
      { provider: "aws", awsRouteTableTags: "=x" },
      '--aws-route-table-tags (VRS_AWS_ROUTE_TABLE_TAGS): tag key "" must be 1 to 128 characters; write key=value',
    ],
    [
      "an AWS tag key given twice",
      { provider: "aws", awsRouteTableTags: "a=1,a=2" },
      "--aws-route-table-tags (VRS_AWS_ROUTE_TABLE_TAGS): a is listed twice; remove the duplicate",
    ],
    [
      "an AWS region in the wrong case",
      { provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d", awsRegion: "US-EAST-1" },
      '--aws-region (VRS_AWS_REGION): "US-EAST-1" is not an AWS region; write e.g. us-east-1',
    ],
    [
      "an endpoint that is not a URL",
      { provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d", awsEndpoint: "localhost:4566" },
      '--aws-endpoint (VRS_AWS_ENDPOINT): "localhost:4566" is not an http(s) URL; write e.g. https://ec2.example.internal',
    ],
    [
      "an endpoint with another scheme",
      { provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d", awsEndpoint: "ftp://x" },
      '"ftp://x" is not an http(s) URL',
    ],
    [
      "an endpoint carrying credentials",
      {
        provider: "gcp",
        gcpProject: "my-project",
        gcpNetwork: "default",
        gcpEndpoint: "https://user:secret@fake.local",
      },
      '--gcp-endpoint (VRS_GCP_ENDPOINT): "fake.local": remove the credentials from the URL',
    ],
    [
      "GCP without a project",
      { provider: "gcp", gcpNetwork: "default" },
      "--gcp-project (VRS_GCP_PROJECT, or gcp.project in the config file): is required; set the project that holds the VPC network",
    ],
    [
      "GCP without a network",
      { provider: "gcp", gcpProject: "my-project" },
      "--gcp-network (VRS_GCP_NETWORK, or gcp.network in the config file): is required; set the VPC network's name, e.g. default",
    ],
    [
      "a GCP network given as a self-link",
      {
        provider: "gcp",
        gcpProject: "my-project",
        gcpNetwork: "projects/my-project/global/networks/vpc-1",
      },
      '--gcp-network (VRS_GCP_NETWORK): "projects/my-project/global/networks/vpc-1" is not a network name (did you mean vpc-1?); write the VPC network\'s name, e.g. default',
    ],
    [
      "a GCP project id with upper case",
      { provider: "gcp", gcpProject: "My-Project", gcpNetwork: "default" },
      '--gcp-project (VRS_GCP_PROJECT): "My-Project" is not a GCP project id; write e.g. my-project-123',
    ],
    [
      "GCP route priority 0, which leaves no room for make-before-break",
      { provider: "gcp", gcpProject: "my-project", gcpNetwork: "default", gcpRoutePriority: "0" },
      '--gcp-route-priority (VRS_GCP_ROUTE_PRIORITY): "0" is out of range; use a whole number from 1 to 65535',
    ],
    [
      "Azure without route tables",
      { provider: "azure" },
      "--azure-route-table-ids (VRS_AZURE_ROUTE_TABLE_IDS, or azure.routeTableIds in the config file): is required; list the resource ids of the route tables to manage",
    ],
    [
      "an Azure route table given by name",
      { provider: "azure", azureRouteTableIds: "vpn-routes" },
      '--azure-route-table-ids (VRS_AZURE_ROUTE_TABLE_IDS): "vpn-routes" is not an Azure route table id; write /subscriptions/<subscription-guid>/resourceGroups/<group>/providers/Microsoft.Network/routeTables/<name>',
    ],
    [
      "an Azure id of another resource type",
      { provider: "azure", azureRouteTableIds: azureId.replace("routeTables", "virtualNetworks") },
      "is not an Azure route table id",
    ],
    [
      "the same Azure route table in different case",
      { provider: "azure", azureRouteTableIds: `${azureId},${azureId.toUpperCase()}` },
      "is listed twice; remove the duplicate",
    ],
    [
      "a typo in another provider's settings",
      { provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d", gcpRoutePriority: "high" },
      '--gcp-route-priority (VRS_GCP_ROUTE_PRIORITY): "high" is not a whole number; use a whole number from 1 to 65535',
    ],
  ])("explains %s", (_, options, expected) => {
    const problems = problemsOf(options);
    expect(problems.some((line) => line.includes(expected))).toBe(true);
  });

  it("does not require the settings of providers that are not chosen", () => {
    expect(() => load({ provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d" })).not.toThrow();
  });
});
