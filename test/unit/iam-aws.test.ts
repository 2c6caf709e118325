import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownershipTagPrefix } from "../../providers/aws/ownership-tags.js";
import { ec2Operations } from "../../providers/aws/port.js";

const root = join(import.meta.dirname, "..", "..");
const iamDir = join(root, "deploy", "iam", "aws");
const read = (name: string) => readFileSync(join(iamDir, name), "utf8");

/** What the documents' placeholders are replaced with, as docs/install-aws.md does (envsubst). */
const sample: Record<string, string> = {
  AWS_REGION: "eu-west-1",
  AWS_ACCOUNT_ID: "111122223333",
  ROUTE_TABLE_TAG_KEY: "vpc-route-sync.io/cluster/prod-eu-1",
  ROUTE_TABLE_TAG_VALUE: "managed",
  VPC_ID: "vpc-0123456789abcdef0",
  OIDC_PROVIDER: "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  NAMESPACE: "vpc-route-sync",
  SERVICE_ACCOUNT: "vpc-route-sync",
  EKS_CLUSTER_NAME: "prod-eu-1",
};

type ConditionBlock = Record<string, Record<string, string | string[]>>;

interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: ConditionBlock;
}

interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const placeholders = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);

function policy(name: string): PolicyDocument {
  const text = read(name).replace(/\$\{([A-Z0-9_]+)\}/g, (_, key: string) => {
    const value = sample[key];
    if (value === undefined) throw new Error(`${name} uses an unknown placeholder \${${key}}`);
    return value;
  });
  return JSON.parse(text) as PolicyDocument;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every EC2 action the provider's only SDK-importing file sends: each `new CreateRouteCommand(`
 * and each SDK paginator call `paginateDescribeVpcs(` (a Describe action, one call per page).
 */
function commandsInClient(): string[] {
  const source = readFileSync(join(root, "providers", "aws", "client.ts"), "utf8");
  const sent = source.matchAll(/\bnew (\w+)Command\(|\bpaginate(\w+)\(/g);
  return [...new Set([...sent].map((m) => m[1] ?? m[2] ?? ""))].sort();
}

/** A request as IAM sees it: action, resource ARN and condition context. */
interface AwsRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);

/** IAM's evaluation of exactly the condition operators these documents use. */
function conditionHolds(operator: string, key: string, expected: string[], request: AwsRequest) {
  const actual = request.context[key];
  const values = actual === undefined ? [] : list(actual as string | string[]);
  switch (operator) {
    case "StringEquals":
    case "ArnEquals":
      return values.length > 0 && values.every((v) => expected.includes(v));
    case "StringLike":
      return values.length > 0 && values.every((v) => expected.some((p) => glob(p, v)));
    case "ForAllValues:StringLike":
      return values.every((v) => expected.some((p) => glob(p, v)));
    case "Null":
      return (expected[0] === "true") === (actual === undefined);
    default:
      throw new Error(`the test's evaluator does not know the operator ${operator}`);
  }
}

function isAllowed(document: PolicyDocument, request: AwsRequest): boolean {
  return document.Statement.some(
    (s) =>
      s.Effect === "Allow" &&
      list(s.Action).includes(request.action) &&
      list(s.Resource).some((r) => glob(r, request.resource)) &&
      Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
        Object.entries(keys).every(([key, value]) =>
          conditionHolds(operator, key, list(value), request),
        ),
      ),
  );
}

const table = "arn:aws:ec2:eu-west-1:111122223333:route-table/rtb-0123456789abcdef0";
const managed = {
  "aws:RequestedRegion": "eu-west-1",
  [`aws:ResourceTag/${sample.ROUTE_TABLE_TAG_KEY}`]: "managed",
};
const unmanaged = { "aws:RequestedRegion": "eu-west-1", "aws:ResourceTag/Name": "main" };
const routeTag = `${ownershipTagPrefix}10.8.0.0/24`;

describe("AWS IAM documents", () => {
  it("are valid JSON with version 2012-10-17 and only documented placeholders", () => {
    const files = readdirSync(iamDir).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual([
      "controller-policy.json",
      "irsa-trust-policy.json",
      "pod-identity-trust-policy.json",
      "source-dest-check-policy.json",
    ]);
    const guide = readFileSync(join(root, "docs", "install-aws.md"), "utf8");
    for (const file of files) {
      expect(policy(file).Version, file).toBe("2012-10-17");
      for (const key of placeholders(read(file))) {
        expect(guide, `docs/install-aws.md sets ${key} for ${file}`).toContain(`export ${key}=`);
      }
    }
  });

  it("grant exactly the EC2 actions the provider code can call, nothing more", () => {
    const called = commandsInClient();
    expect(called).toEqual(Object.values(ec2Operations).sort());
    const granted = ["controller-policy.json", "source-dest-check-policy.json"].flatMap((f) =>
      policy(f).Statement.flatMap((s) => list(s.Action)),
    );
    expect(
      granted.every((a) => !a.includes("*")),
      "no wildcard actions",
    ).toBe(true);
    expect([...new Set(granted)].sort()).toEqual(called.map((c) => `ec2:${c}`));
  });

  it("keep ModifyNetworkInterfaceAttribute out of the base policy, in its own optional file", () => {
    const base = policy("controller-policy.json").Statement.flatMap((s) => list(s.Action));
    expect(base).not.toContain("ec2:ModifyNetworkInterfaceAttribute");
    const [statement] = policy("source-dest-check-policy.json").Statement;
    expect(list(statement?.Action)).toEqual(["ec2:ModifyNetworkInterfaceAttribute"]);
    expect(statement?.Condition?.StringEquals?.["ec2:Vpc"]).toBe(
      "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0123456789abcdef0",
    );
  });

  const controller = () => policy("controller-policy.json");
  it.each([
    [
      "describes route tables in the configured region",
      "ec2:DescribeRouteTables",
      "*",
      { "aws:RequestedRegion": "eu-west-1" },
      true,
    ],
    [
      "does not describe in another region",
      "ec2:DescribeRouteTables",
      "*",
      { "aws:RequestedRegion": "us-east-1" },
      false,
    ],
    [
      "replaces a route in a table carrying the cluster's tag",
      "ec2:ReplaceRoute",
      table,
      managed,
      true,
    ],
    [
      "creates and deletes routes only in tagged tables",
      "ec2:CreateRoute",
      table,
      unmanaged,
      false,
    ],
    ["does not delete a route in an untagged table", "ec2:DeleteRoute", table, unmanaged, false],
    [
      "writes an ownership tag on a tagged table",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": [routeTag] },
      true,
    ],
    [
      "removes an ownership tag from a tagged table",
      "ec2:DeleteTags",
      table,
      { ...managed, "aws:TagKeys": [routeTag] },
      true,
    ],
    [
      "cannot write the selector tag that puts a table under management",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": [sample.ROUTE_TABLE_TAG_KEY ?? ""] },
      false,
    ],
    [
      "cannot tag an untagged table at all",
      "ec2:CreateTags",
      table,
      { ...unmanaged, "aws:TagKeys": [routeTag] },
      false,
    ],
    [
      "cannot delete every tag at once (DeleteTags without keys)",
      "ec2:DeleteTags",
      table,
      managed,
      false,
    ],
    [
      "cannot mix an ownership tag with another key",
      "ec2:CreateTags",
      table,
      { ...managed, "aws:TagKeys": [routeTag, "Name"] },
      false,
    ],
    [
      "cannot write routes in another account's tables",
      "ec2:CreateRoute",
      table.replace("111122223333", "999999999999"),
      managed,
      false,
    ],
  ] as const)("%s", (_, action, resource, context, expected) => {
    expect(isAllowed(controller(), { action, resource, context })).toBe(expected);
  });

  it("restrict ownership tags to the prefix the provider writes", () => {
    const statement = controller().Statement.find((s) => list(s.Action).includes("ec2:CreateTags"));
    expect(statement?.Condition?.["ForAllValues:StringLike"]?.["aws:TagKeys"]).toEqual([
      `${ownershipTagPrefix}*`,
    ]);
    expect(list(statement?.Action).sort()).toEqual(["ec2:CreateTags", "ec2:DeleteTags"]);
  });

  it("let only the controller's ServiceAccount assume the role through IRSA", () => {
    const [statement] = policy("irsa-trust-policy.json").Statement;
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
    const [statement] = policy("pod-identity-trust-policy.json").Statement;
    expect(statement?.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(list(statement?.Action).sort()).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(statement?.Condition?.ArnEquals?.["aws:SourceArn"]).toBe(
      "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu-1",
    );
  });
});
