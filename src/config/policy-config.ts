import type { Cidr } from "../domain/cidr.js";
import { cidrContains } from "../domain/cidr.js";
import { defaults } from "./defaults.js";
import type { Problems } from "./problems.js";
import type { Found, SettingReader } from "./reader.js";
import { settings } from "./settings.js";

/** The admin-owned authority: what may be routed, and from which namespaces. */
export interface PolicyConfig {
  allowedCidrs: Cidr[] | undefined;
  allowedNamespaces: string[] | undefined;
  minPrefixLength: { v4: number; v6: number };
  clusterCidrs: Cidr[];
  trustedEndpointSliceManagers: string[];
}

const allowedFix = "set it to the VPN networks Services may request, e.g. 10.8.0.0/16";
const namespacesFix =
  "list the namespaces of the VPN Services, e.g. vpn, or * to trust every namespace";

/**
 * An allowlist entry may be broad (10.0.0.0/8 with a /16 minimum lets Services request any /16 or
 * longer inside it), but never everything, and never only cluster addresses (it would allow nothing).
 */
function checkAllowedCidrs(
  problems: Problems,
  allowed: Found<Cidr[]>,
  cluster: Found<Cidr[]> | undefined,
): void {
  for (const cidr of allowed.value) {
    if (cidr.prefix === 0) {
      problems.add(
        allowed.label,
        `${cidr.text} would allow every address, including a default route; list only the VPN networks, e.g. 10.8.0.0/16`,
      );
    }
    for (const refused of cluster?.value ?? []) {
      if (cidrContains(refused, cidr)) {
        problems.add(
          allowed.label,
          `${cidr.text} lies inside the cluster CIDR ${refused.text} from ${cluster?.label}, so nothing in it could ever be routed; remove it or fix the cluster CIDR`,
        );
      }
    }
  }
}

/** Reads and cross-checks the allowlist settings; required ones come back undefined when missing. */
export function readPolicyConfig(reader: SettingReader, problems: Problems): PolicyConfig {
  const v4 = reader.read(settings.minPrefixLength);
  const v6 = reader.read(settings.minPrefixLengthV6);
  const minPrefixLength = {
    v4: v4?.value ?? defaults.minPrefixLength.v4,
    v6: v6?.value ?? defaults.minPrefixLength.v6,
  };
  const cluster = reader.read(settings.clusterCidrs) ?? reader.partial(settings.clusterCidrs);
  const allowed = reader.require(settings.allowedCidrs, allowedFix);
  const checkable = allowed ?? reader.partial(settings.allowedCidrs);
  if (checkable !== undefined) {
    checkAllowedCidrs(problems, checkable, cluster);
  }

  const namespaces = reader.require(settings.allowedNamespaces, namespacesFix);
  if (namespaces?.value.includes("*") && namespaces.value.length > 1) {
    problems.add(
      namespaces.label,
      "* already means every namespace; use * alone, or list only specific namespaces",
    );
  }
  return {
    allowedCidrs: allowed?.value,
    allowedNamespaces: namespaces?.value,
    minPrefixLength,
    clusterCidrs: reader.read(settings.clusterCidrs)?.value ?? [],
    trustedEndpointSliceManagers: reader.read(settings.trustedEndpointSliceManagers)?.value ?? [
      ...defaults.trustedEndpointSliceManagers,
    ],
  };
}
