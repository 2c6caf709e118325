import { describe, expect, it } from "vitest";
import { parseRouteGet, parseRouteList } from "./kernel-route.js";

// Captured from iproute2 6.1 (`ip -N -d -json route show table main`) in a network namespace.
const v4 = `[{"type":"1","dst":"10.0.0.0/24","dev":"t0","protocol":"2","scope":"253","prefsrc":"10.0.0.1","flags":[]},{"type":"1","dst":"10.9.0.0/24","gateway":"10.244.1.2","dev":"t0","protocol":"201","scope":"0","flags":["onlink"]},{"type":"1","dst":"10.9.0.0/24","gateway":"10.0.0.9","dev":"t0","protocol":"201","scope":"0","metric":5,"flags":[]},{"type":"7","dst":"10.11.0.0/24","protocol":"3","scope":"0","flags":[]},{"type":"1","dst":"10.244.1.2","dev":"t1","protocol":"3","scope":"253","flags":[]},{"type":"1","dst":"default","gateway":"10.0.0.254","dev":"t0","protocol":"3","scope":"0","flags":[]}]`;
const v6 = `[{"type":"1","dst":"fd08::/64","gateway":"fd00::2","dev":"t0","protocol":"201","scope":"0","metric":1024,"flags":[],"pref":"medium"},{"type":"1","dst":"fd09::/64","protocol":"201","metric":1024,"nexthops":[{"gateway":"fd00::3","dev":"t0"},{"gateway":"fd00::4","dev":"t0"}],"flags":[]}]`;

describe("parseRouteList", () => {
  it("reads protocol, type, metric, gateway, device and onlink from ip -N -d -json", () => {
    const routes = parseRouteList(v4, 4);
    expect(routes.map((r) => [r.dst, r.protocol, r.type, r.metric, r.gateway, r.onlink])).toEqual([
      ["10.0.0.0/24", 2, 1, 0, undefined, false],
      ["10.9.0.0/24", 201, 1, 0, "10.244.1.2", true],
      ["10.9.0.0/24", 201, 1, 5, "10.0.0.9", false],
      ["10.11.0.0/24", 3, 7, 0, undefined, false],
      ["10.244.1.2/32", 3, 1, 0, undefined, false],
      ["0.0.0.0/0", 3, 1, 0, "10.0.0.254", false],
    ]);
    expect(routes[1]?.dev).toBe("t0");
  });

  it("marks multipath IPv6 routes and keeps their family", () => {
    const routes = parseRouteList(v6, 6);
    expect(routes.map((r) => [r.family, r.dst, r.metric, r.multipath])).toEqual([
      [6, "fd08::/64", 1024, false],
      [6, "fd09::/64", 1024, true],
    ]);
  });

  it("treats empty output as no routes and refuses output that is not a JSON array", () => {
    expect(parseRouteList("\n", 4)).toEqual([]);
    expect(() => parseRouteList('{"dst":"x"}', 4)).toThrow(/JSON array/);
  });
});

describe("parseRouteGet", () => {
  it("finds the interface of an on-link Pod, the gateway of a remote one and a local address", () => {
    expect(
      parseRouteGet(
        `[{"dst":"10.244.1.2","dev":"vethx","prefsrc":"10.0.0.1","flags":[],"uid":0,"cache":[]}]`,
      ),
    ).toEqual({ dev: "vethx", gateway: undefined, local: false });
    expect(
      parseRouteGet(
        `[{"dst":"10.244.2.9","gateway":"10.0.0.7","dev":"t0","flags":[],"uid":0,"cache":[]}]`,
      ),
    ).toEqual({ dev: "t0", gateway: "10.0.0.7", local: false });
    expect(
      parseRouteGet(
        `[{"type":"local","dst":"10.0.0.1","dev":"lo","flags":[],"uid":0,"cache":["local"]}]`,
      ),
    ).toEqual({ dev: "lo", gateway: undefined, local: true });
  });
});
