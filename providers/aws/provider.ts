import type { Cidr } from "../../src/domain/cidr.js";
import { isNotFound, PermanentError } from "../../src/errors.js";
import { LookupCache } from "../lookup-cache.js";
import type { Provider } from "../types.js";
import { applyRouteWrite } from "./apply-write.js";
import { describeManagedTables } from "./managed-tables.js";
import { meterPort } from "./metered-port.js";
import { observeTable } from "./observed-table.js";
import { type AwsProviderOptions, defaultCacheTtlMs, validateAwsOptions } from "./options.js";
import type { Ec2Port } from "./port.js";
import { createTargetResolver } from "./target-resolver.js";
import { describeVpcCidrs } from "./vpc-cidrs.js";

/** The options once the region is known: given, or resolved by the SDK (see index.ts). */
export type ResolvedAwsOptions = AwsProviderOptions & { readonly region: string };

/**
 * The AWS provider over any Ec2Port: the SDK's EC2Client in production (see index.ts), a fake in
 * unit tests. Every call goes through `meterPort`, so it is counted and its errors are typed.
 */
export function buildAwsProvider(ec2: Ec2Port, options: ResolvedAwsOptions): Provider {
  validateAwsOptions(options);
  const logger = options.logger.child({ provider: "aws" });
  const port = meterPort(ec2, { clock: options.clock, calls: options.calls });
  const ttlMs = options.cacheTtlMs ?? defaultCacheTtlMs;
  const selection = { ids: options.routeTableIds, tags: options.routeTableTags };
  const cidrCache = new LookupCache<readonly Cidr[]>(options.clock, ttlMs);
  const warned = new Set<string>();
  let vpcIds: readonly string[] | undefined;

  const warnOnce = (key: string, fields: object, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(fields, message);
  };
  const describeTables = async () => {
    const tables = await describeManagedTables(port, selection, options.region);
    vpcIds = [...new Set(tables.flatMap((t) => (t.vpcId === undefined ? [] : [t.vpcId])))].sort();
    if (tables.length === 0) {
      warnOnce("no-tables", { selection }, "no route table matches the configured selection");
    } else {
      warned.delete("no-tables");
    }
    return tables;
  };
  const knownVpcIds = async (): Promise<readonly string[]> => {
    if (vpcIds === undefined) await describeTables();
    return vpcIds ?? [];
  };
  const resolver = createTargetResolver({
    port,
    clock: options.clock,
    ttlMs,
    manageSourceDestCheck: options.manageSourceDestCheck,
    vpcIds: knownVpcIds,
    logger,
  });

  return {
    name: "aws",
    capabilities: {
      gaplessReplace: true,
      forwardingCheck: true,
      manageForwarding: options.manageSourceDestCheck,
      ipv6: true,
    },
    async listTables() {
      return (await describeTables()).map((source) => {
        const { table, malformedKeys } = observeTable(source);
        for (const key of malformedKeys) {
          warnOnce(
            `${table.id} ${key}`,
            { table: table.id, key },
            "ownership tag key names no CIDR; ignored",
          );
        }
        return table;
      });
    },
    async networkCidrs() {
      const ids = await knownVpcIds();
      const key = ids.join(",");
      return await cidrCache.get(key, () => describeVpcCidrs(port, ids, logger));
    },
    resolveTarget: (node, family) => resolver.resolve(node, family),
    applyWrite: (write) =>
      applyRouteWrite(
        { port, clusterId: options.clusterId, logger, forgetNode: resolver.forgetNode },
        write,
      ),
    async enableForwarding(target) {
      if (!options.manageSourceDestCheck) {
        throw new PermanentError(
          `not turning off source/destination check on ${target.id} (node ${target.nodeName}): manageSourceDestCheck is not enabled; disable the check on ${target.id} yourself, or set manageSourceDestCheck`,
        );
      }
      try {
        await port.setSourceDestCheck(target.id, false);
      } catch (error) {
        if (isNotFound(error)) resolver.forgetNode(target.nodeName);
        throw error;
      }
      resolver.markForwardingEnabled(target.id);
      logger.debug(
        { eni: target.id, node: target.nodeName },
        "source/destination check turned off",
      );
    },
  };
}
