import { describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors.js";
import { collectPages } from "./paginate.js";
import type { Ec2Page, Ec2Pages } from "./port.js";

/** Pages answered from a script, counting how many were requested. */
function scripted(tokens: readonly (string | undefined)[]) {
  const requested = { count: 0 };
  async function* pages(): Ec2Pages<number> {
    for (const [i, nextToken] of tokens.entries()) {
      requested.count++;
      const page: Ec2Page<number> = { items: [i], nextToken };
      yield page;
    }
  }
  return { pages: pages(), requested };
}

describe("collectPages", () => {
  it("reads every page until one comes without a token", async () => {
    const { pages, requested } = scripted(["a", "b", undefined]);
    expect(await collectPages(pages)).toEqual([0, 1, 2]);
    expect(requested.count).toBe(3);
  });

  it("stops with a TransientError, asking for no further page, when a token comes back", async () => {
    const { pages, requested } = scripted(["a", "b", "a", "b", undefined]);
    const error = await collectPages(pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/same NextToken twice/);
    expect(requested.count).toBe(3);
  });
});
