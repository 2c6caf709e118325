import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownershipTagPrefix } from "../../providers/aws/ownership-tags.js";
import { ec2Operations } from "../../providers/aws/port.js";
import {
  awsIamDir,
  awsPolicy,
  decide,
  ec2ActionsInClient,
  readAwsIam,
  sample,
} from "./fixtures/aws-iam.js";

const root = join(import.meta.dirname, "..", "..");
const placeholders = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const arn = (type: string, id: string, account = sample.AWS_ACCOUNT_ID) =>
  `arn:aws:ec2:${sample.AWS_REGION}:${account}:${type}/${id}`;
const table = arn("route-table", "rtb-0123456789abcdef0");
const eni = arn("network-interface", "eni-0123456789abcdef0");
const clusterVpc = arn("vpc", sample.VPC_ID ?? "");
const otherVpc = arn("vpc", "vpc-0fedcba9876543210");
const selectorTag = `aws:ResourceTag/${sample.ROUTE_TABLE_TAG_KEY}`;
const region = { "aws:RequestedRegion": "eu-west-1", "ec2:Region": "eu-west-1" };
/** A route table that carries the selector tag, in the cluster's VPC: the only kind managed. */
const managed = { ...region, [selectorTag]: "managed", "ec2:Vpc": clusterVpc };
const untagged = { ...region, "aws:ResourceTag/Name": "main", "ec2:Vpc": clusterVpc };
const inOtherVpc = { ...managed, "ec2:Vpc": otherVpc };
const routeTag = `${ownershipTagPrefix}10.8.0.0/24`;

const controller = ["controller-policy.json"];
const withSourceDestCheck = ["controller-policy.json", "source-dest-check-policy.json"];

describe("AWS IAM documents", () => {
  it("are valid JSON with version 2012-10-17 and only documented placeholders", () => {
    const files = readdirSync(awsIamDir).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual([
      "controller-policy.json",
      "irsa-trust-policy.json",
      "pod-identity-trust-policy.json",
      "source-dest-check-policy.json",
    ]);
    const guide = readFileSync(join(root, "docs", "install-aws.md"), "utf8");
    for (const file of files) {
      expect(awsPolicy(file).Version, file).toBe("2012-10-17");
      for (const key of placeholders(readAwsIam(file))) {
        expect(guide, `docs/install-aws.md sets ${key} for ${file}`).toContain(`export ${key}=`);
      }
    }
  });

  it("grant exactly the EC2 actions the provider code can call, nothing more", () => {
    const called = ec2ActionsInClient();
    expect(called).toEqual(Object.values(ec2Operations).sort());
    const granted = withSourceDestCheck.flatMap((f) =>
      awsPolicy(f).Statement.flatMap((s) => list(s.Action)),
    );
    expect(
      granted.every((a) => !a.includes("*")),
      "no wildcard actions",
    ).toBe(true);
    expect([...new Set(granted)].sort()).toEqual(called.map((c) => `ec2:${c}`));
  });

  it("keep ModifyNetworkInterfaceAttribute out of the base policy, in its own optional file", () => {
    const base = awsPolicy("controller-policy.json").Statement.flatMap((s) => list(s.Action));
    expect(base).not.toContain("ec2:ModifyNetworkInterfaceAttribute");
    const [statement] = awsPolicy("source-dest-check-policy.json").Statement;
    expect(list(statement?.Action)).toEqual(["ec2:ModifyNetworkInterfaceAttribute"]);
  });

  it("allow every call the provider makes, on the resources EC2 authorizes it against", async () => {
    for (const operation of ec2ActionsInClient()) {
      const action = `ec2:${operation}`;
      const request = operation.startsWith("Describe")
        ? { action, resource: "*", context: region }
        : operation === "ModifyNetworkInterfaceAttribute"
          ? { action, resource: eni, context: { ...region, "ec2:Vpc": clusterVpc } }
          : operation.endsWith("Tags")
            ? { action, resource: table, context: { ...managed, "aws:TagKeys": [routeTag] } }
            : { action, resource: table, context: managed };
      expect(await decide(withSourceDestCheck, request), action).toBe("Allowed");
    }
  });

  it("are checked against the route table only: EC2 does not authorize route writes on the ENI", async () => {
    for (const action of ["ec2:CreateRoute", "ec2:ReplaceRoute"]) {
      const decision = await decide(controller, { action, resource: eni, context: region });
      expect(decision, action).toMatch(/^invalid: /);
    }
  });

  it.each([
    [
      "does not describe in another region",
      "ec2:DescribeRouteTables",
      "*",
      { ...region, "aws:RequestedRegion": "us-east-1" },
    ],
    ["does not create a route in an untagged table", "ec2:CreateRoute", table, untagged],
    ["does not replace a route in an untagged table", "ec2:ReplaceRoute", table, untagged],
    ["does not delete a route in an untagged table", "ec2:DeleteRoute", table, untagged],
    [
      "does not create a route in a tagged table of another VPC",
      "ec2:CreateRoute",
      table,
      inOtherVpc,
    ],
    [
      "does not replace a route in a tagged table of another VPC",
      "ec2:ReplaceRoute",
      table,
      inOtherVpc,
    ],
    [
      "does not delete a route in a tagged table of another VPC",
      "ec2:DeleteRoute",
      table,
      inOtherVpc,
    ],
    [
      "does not tag a tagged table of another VPC",
      "ec2:CreateTags",
      table,
      { ...inOtherVpc, "aws:TagKeys": [routeTag] },
    ],
    [
      "cannot add the selector tag that puts a table under management",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": [sample.ROUTE_TABLE_TAG_KEY ?? ""] },
    ],
    [
      "cannot remove the selector tag",
      "ec2:DeleteTags",
      table,
      { ...managed, "aws:TagKeys": [sample.ROUTE_TABLE_TAG_KEY ?? ""] },
    ],
    [
      "cannot write a tag key outside vpc-route-sync.io/route/*",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": ["Name"] },
    ],
    [
      "cannot mix an ownership tag with another key",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": [routeTag, "Name"] },
    ],
    [
      "cannot tag an untagged table at all",
      "ec2:CreateTags",
      table,
      { ...untagged, "aws:TagKeys": [routeTag] },
    ],
    ["cannot delete every tag at once (DeleteTags without keys)", "ec2:DeleteTags", table, managed],
    [
      "cannot write routes in another account's tables",
      "ec2:CreateRoute",
      table.replace("111122223333", "999999999999"),
      managed,
    ],
    [
      "cannot touch an ENI in another VPC",
      "ec2:ModifyNetworkInterfaceAttribute",
      eni,
      { ...region, "ec2:Vpc": otherVpc },
    ],
  ] as const)("%s", async (_, action, resource, context) => {
    const decision = await decide(withSourceDestCheck, { action, resource, context });
    expect(decision).toBe("ImplicitlyDenied");
  });

  it("restrict ownership tags to the prefix the provider writes", () => {
    const statement = awsPolicy("controller-policy.json").Statement.find((s) =>
      list(s.Action).includes("ec2:CreateTags"),
    );
    expect(statement?.Condition?.["ForAllValues:StringLike"]?.["aws:TagKeys"]).toEqual([
      `${ownershipTagPrefix}*`,
    ]);
    expect(list(statement?.Action).sort()).toEqual(["ec2:CreateTags", "ec2:DeleteTags"]);
  });

  it("let only the controller's ServiceAccount assume the role through IRSA", () => {
    const [statement] = awsPolicy("irsa-trust-policy.json").Statement;
    expect(statement?.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(statement?.Principal).toEqual({
      Federated: `arn:aws:iam::111122223333:oidc-provider/${sample.OIDC_PROVIDER}`,
    });
    expect(statement?.Condition?.StringEquals).toEqual({
      [`${sample.OIDC_PROVIDER}:aud`]: "sts.amazonaws.com",
      [`${sample.OIDC_PROVIDER}:sub`]: "system:serviceaccount:vpc-route-sync:vpc-route-sync",
    });
  });

  it("let EKS Pod Identity of this account and cluster assume the role", () => {
    const [statement] = awsPolicy("pod-identity-trust-policy.json").Statement;
    expect(statement?.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(list(statement?.Action).sort()).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(statement?.Condition?.ArnEquals?.["aws:SourceArn"]).toBe(
      "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu-1",
    );
  });
});
