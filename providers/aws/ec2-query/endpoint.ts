/** One AWS partition's DNS suffixes, picked by region prefix. */
interface Partition {
  readonly prefix: RegExp;
  readonly dnsSuffix: string;
  readonly dualStackDnsSuffix: string;
}

/**
 * The partitions other than the commercial one (which also covers GovCloud and unknown
 * regions): the facts of the SDK's partitions table that the EC2 endpoint rules use.
 */
const partitions: readonly Partition[] = [
  {
    prefix: /^cn-/,
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
  },
  { prefix: /^eusc-/, dnsSuffix: "amazonaws.eu", dualStackDnsSuffix: "api.amazonwebservices.eu" },
  { prefix: /^us-iso-/, dnsSuffix: "c2s.ic.gov", dualStackDnsSuffix: "api.aws.ic.gov" },
  { prefix: /^us-isob-/, dnsSuffix: "sc2s.sgov.gov", dualStackDnsSuffix: "api.aws.scloud" },
  {
    prefix: /^eu-isoe-/,
    dnsSuffix: "cloud.adc-e.uk",
    dualStackDnsSuffix: "api.cloud-aws.adc-e.uk",
  },
  { prefix: /^us-isof-/, dnsSuffix: "csp.hci.ic.gov", dualStackDnsSuffix: "api.aws.hci.ic.gov" },
];
const commercial = { dnsSuffix: "amazonaws.com", dualStackDnsSuffix: "api.aws" };

/** FIPS and dual-stack endpoints, off unless the operator asks, as in the AWS SDK. */
export interface EndpointVariants {
  readonly fips: boolean;
  readonly dualStack: boolean;
}

/** The SDK's switches `AWS_USE_FIPS_ENDPOINT` / `AWS_USE_DUALSTACK_ENDPOINT` ("true" turns on). */
export function endpointVariants(env: Readonly<Record<string, string | undefined>>) {
  const isOn = (name: string) => env[name]?.toLowerCase() === "true";
  return { fips: isOn("AWS_USE_FIPS_ENDPOINT"), dualStack: isOn("AWS_USE_DUALSTACK_ENDPOINT") };
}

/**
 * Where EC2 Query requests go: the override when set (LocalStack, the fault proxy), else the
 * regional endpoint by the SDK's EC2 rules: `https://ec2.<region>.amazonaws.com`,
 * `.amazonaws.com.cn` in China, `ec2-fips.` with FIPS (GovCloud's plain endpoint is FIPS already).
 */
export function ec2Endpoint(
  region: string,
  override: string | undefined,
  variants: EndpointVariants = { fips: false, dualStack: false },
): URL {
  if (override !== undefined) {
    const url = new URL(override);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new TypeError(`EC2 endpoint ${override} is not an http(s) URL`);
    }
    return url;
  }
  const partition = partitions.find((p) => p.prefix.test(region)) ?? commercial;
  if (variants.fips && !variants.dualStack && region.startsWith("us-gov-")) {
    return new URL(`https://ec2.${region}.amazonaws.com/`);
  }
  const host = variants.fips ? "ec2-fips" : "ec2";
  const suffix = variants.dualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix;
  return new URL(`https://${host}.${region}.${suffix}/`);
}
