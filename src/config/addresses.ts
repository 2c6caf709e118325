import { parseIp } from "../domain/cidr.js";
import { describeType, fail, ok, type Parsed, show, type ValueParser } from "./values.js";

/** Where the health and metrics server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

const hostname = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const addressExample = "e.g. 0.0.0.0:8080, [::]:8080 or 127.0.0.1:0";

function checkAddress(host: string, port: number, shown: string): Parsed<ListenAddress> {
  const ip = parseIp(host);
  if (ip === undefined && !hostname.test(host)) {
    return fail(`${shown} has an invalid host ${show(host)}; ${addressExample}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return fail(
      `${shown} has an invalid port; use 0 to 65535 (0 picks a free port), ${addressExample}`,
    );
  }
  return ok({ host, port });
}

/**
 * `host:port` as Go and Kubernetes components write it: `[::]:8080` for IPv6, and an empty host
 * (`:8080`) meaning all interfaces. In the file it is `{ host, port }`, either field optional.
 */
export function listenAddressValue(defaults: ListenAddress): ValueParser<ListenAddress> {
  return {
    fromText: (text) => {
      const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
      if (match === null) return fail(`${show(text)} is not host:port; ${addressExample}`);
      const bracketed = match[1];
      if (bracketed !== undefined && parseIp(bracketed)?.family !== 6) {
        return fail(`${show(text)} has an invalid IPv6 address in brackets; ${addressExample}`);
      }
      const host = bracketed ?? (match[2] === "" ? defaults.host : (match[2] ?? defaults.host));
      return checkAddress(host, Number(match[3]), show(text));
    },
    fromFile: (value) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return fail(`expected a mapping with host and port, got ${describeType(value)}`);
      }
      const {
        host = defaults.host,
        port = defaults.port,
        ...rest
      } = value as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) return fail(`unexpected key ${show(extra)}; use only host and port`);
      if (typeof host !== "string")
        return fail(`host: expected a string, got ${describeType(host)}`);
      if (typeof port !== "number")
        return fail(`port: expected a number, got ${describeType(port)}`);
      return checkAddress(host.trim(), port, show(`${host}:${port}`));
    },
  };
}

/**
 * An http(s) endpoint override for emulators and fakes. Credentials in the URL are refused so
 * they can never reach a log line; use the SDK's credential chain instead.
 */
export const endpointValue: ValueParser<string> = {
  fromText: (text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail(`${show(text)} is not a URL; write e.g. http://127.0.0.1:4566`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return fail(`${show(text)} is not an http(s) URL; write e.g. https://ec2.example.internal`);
    }
    if (url.username !== "" || url.password !== "") {
      return fail(
        `${show(url.host)}: remove the credentials from the URL; use the SDK's credentials`,
      );
    }
    return ok(text);
  },
  fromFile: (value) =>
    typeof value === "string"
      ? endpointValue.fromText(value.trim())
      : fail(`expected a URL string, got ${describeType(value)}`),
};
