import { TransientError } from "../../src/errors.js";
import type { Ec2Filter, Ec2Page, Ec2PageRequest } from "./port.js";

/**
 * Follows NextToken until the last page, so a large account is read completely and each page is
 * one counted call. A token that repeats is an API fault, reported instead of looping forever.
 */
export async function collectPages<T>(
  filters: readonly Ec2Filter[],
  describe: (request: Ec2PageRequest) => Promise<Ec2Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await describe({ filters, nextToken });
    items.push(...page.items);
    nextToken = page.nextToken === "" ? undefined : page.nextToken;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) {
        throw new TransientError("EC2 returned the same NextToken twice; stopped paginating");
      }
      seen.add(nextToken);
    }
  } while (nextToken !== undefined);
  return items;
}
