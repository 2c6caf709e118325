import { TransientError } from "../../src/errors.js";
import type { Ec2Pages } from "./port.js";

/**
 * Reads every page of a Describe, so a large account is read completely. The SDK's paginator
 * follows NextToken; a token that comes back a second time (a cycle the paginator would follow
 * forever) is an API fault, reported instead of looping, and no further page is requested.
 */
export async function collectPages<T>(pages: Ec2Pages<T>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  for await (const page of pages) {
    items.push(...page.items);
    const token = page.nextToken;
    if (token === undefined) continue;
    if (seen.has(token)) {
      throw new TransientError("EC2 returned the same NextToken twice; stopped paginating");
    }
    seen.add(token);
  }
  return items;
}
