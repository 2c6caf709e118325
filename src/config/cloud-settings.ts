import { endpointValue } from "./addresses.js";
import { defaults } from "./defaults.js";
import { type ItemParser, listOf, patternItem, tagItem } from "./lists.js";
import { defineSetting, switchHelp } from "./setting.js";
import { booleanValue, fail, integer, ok, show, stringValue } from "./values.js";

const awsRegion = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const gcpProject = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const gcpName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const azureRouteTableId =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/routeTables\/[\w.-]{1,80}$/i;

/** GCP wants the network's name; a self-link is a common paste, so suggest its last segment. */
function checkGcpNetwork(text: string): string | undefined {
  if (gcpName.test(text)) return undefined;
  const last = text.split("/").pop() ?? "";
  const hint = text.includes("/") && gcpName.test(last) ? ` (did you mean ${last}?)` : "";
  return `${show(text)} is not a network name${hint}; write the VPC network's name, e.g. default`;
}

/** Azure resource ids compare case-insensitively, so duplicates do too. */
const azureRouteTableItem: ItemParser<string> = {
  fromText: (text) =>
    azureRouteTableId.test(text)
      ? ok(text)
      : fail(
          `${show(text)} is not an Azure route table id; write /subscriptions/<subscription-guid>/resourceGroups/<group>/providers/Microsoft.Network/routeTables/<name>`,
        ),
  key: (text) => text.toLowerCase(),
};

/** Per-cloud settings; all are syntax-checked, only the chosen provider's are required. */
export const cloudSettings = {
  awsRegion: defineSetting({
    flag: "aws-region",
    file: "aws.region",
    placeholder: "<region>",
    group: "AWS",
    help: "Region of the route tables, e.g. eu-west-1. Default: the AWS SDK's lookup: AWS_REGION, else region in the shared config file (AWS_PROFILE, AWS_CONFIG_FILE), else the instance metadata service; start-up fails naming these when none has one.",
    parser: stringValue((text) =>
      awsRegion.test(text) ? undefined : `${show(text)} is not an AWS region; write e.g. us-east-1`,
    ),
  }),
  awsEndpoint: defineSetting({
    flag: "aws-endpoint",
    file: "aws.endpoint",
    placeholder: "<url>",
    group: "AWS",
    help: "EC2 endpoint override, for emulators such as LocalStack or a custom VPC endpoint name; wins over every AWS setting. Default: the AWS SDK's endpoint resolution: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, the shared config file's endpoint_url / services section (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores those), else the regional endpoint, FIPS and/or dual-stack when AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT or the shared config say so.",
    parser: endpointValue,
  }),
  awsRouteTableIds: defineSetting({
    flag: "aws-route-table-ids",
    file: "aws.routeTableIds",
    placeholder: "<ids>",
    group: "AWS",
    help: "Comma-separated route tables to manage, e.g. rtb-0123456789abcdef0. This and/or --aws-route-table-tags is required with --provider aws.",
    parser: listOf(
      patternItem(
        /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/,
        "an AWS route table id; write e.g. rtb-0123456789abcdef0",
      ),
    ),
  }),
  awsRouteTableTags: defineSetting({
    flag: "aws-route-table-tags",
    file: "aws.routeTableTags",
    placeholder: "<key=value,...>",
    group: "AWS",
    help: "Manage every route table carrying all of these tags, e.g. vpc-route-sync=enabled. Lets IAM policies be scoped by the same tag.",
    parser: listOf(tagItem),
  }),
  awsManageSourceDestCheck: defineSetting({
    flag: "aws-manage-source-dest-check",
    file: "aws.manageSourceDestCheck",
    placeholder: "[bool]",
    group: "AWS",
    help: switchHelp(
      "Turn off source/destination checking on the target node's network interface (forwarding fails without it) instead of only reporting it; needs ec2:ModifyNetworkInterfaceAttribute.",
      defaults.awsManageSourceDestCheck,
    ),
    parser: booleanValue,
  }),
  gcpProject: defineSetting({
    flag: "gcp-project",
    file: "gcp.project",
    placeholder: "<project>",
    group: "GCP",
    help: "Project holding the VPC network (the host project for Shared VPC). Required with --provider gcp.",
    parser: stringValue((text) =>
      gcpProject.test(text)
        ? undefined
        : `${show(text)} is not a GCP project id; write e.g. my-project-123`,
    ),
  }),
  gcpNetwork: defineSetting({
    flag: "gcp-network",
    file: "gcp.network",
    placeholder: "<name>",
    group: "GCP",
    help: "Name of the VPC network whose routes to manage, e.g. default. Required with --provider gcp.",
    parser: stringValue(checkGcpNetwork),
  }),
  gcpEndpoint: defineSetting({
    flag: "gcp-endpoint",
    file: "gcp.endpoint",
    placeholder: "<url>",
    group: "GCP",
    help: "Compute API endpoint override, for local fakes. Default: the public Compute API.",
    parser: endpointValue,
  }),
  gcpRoutePriority: defineSetting({
    flag: "gcp-route-priority",
    file: "gcp.routePriority",
    placeholder: "<n>",
    group: "GCP",
    help: `Priority of managed routes (lower wins); 0 is kept free so that a move can insert the new route at a better priority before removing the old. Default: ${defaults.gcpRoutePriority}.`,
    parser: integer(1, 65_535),
  }),
  azureRouteTableIds: defineSetting({
    flag: "azure-route-table-ids",
    file: "azure.routeTableIds",
    placeholder: "<ids>",
    group: "Azure",
    help: "Comma-separated resource ids of the route tables to manage (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/routeTables/<name>). Required with --provider azure.",
    parser: listOf(azureRouteTableItem),
  }),
  azureEndpoint: defineSetting({
    flag: "azure-endpoint",
    file: "azure.endpoint",
    placeholder: "<url>",
    group: "Azure",
    help: "Resource Manager endpoint override, for local fakes. Default: the public Azure Resource Manager.",
    parser: endpointValue,
  }),
} as const;
