import type { Ec2Filter, Ec2Tag } from "../port.js";

/** Flat EC2 Query parameters (`Filter.1.Value.2=...`); undefined values are left out. */
export type QueryParams = Readonly<Record<string, string | undefined>>;

/** The EC2 API version every request names; the response shapes read in shapes.ts are its. */
export const ec2ApiVersion = "2016-11-15";

/** `Filter.N.Name` and `Filter.N.Value.M`, 1-based as the Query protocol numbers lists. */
export function filterParams(filters: readonly Ec2Filter[]): Record<string, string> {
  const params: Record<string, string> = {};
  filters.forEach((filter, i) => {
    params[`Filter.${i + 1}.Name`] = filter.name;
    filter.values.forEach((value, j) => {
      params[`Filter.${i + 1}.Value.${j + 1}`] = value;
    });
  });
  return params;
}

/** `Tag.N.Key` and `Tag.N.Value` (DeleteTags removes a tag only when the value matches too). */
export function tagParams(tags: readonly Ec2Tag[]): Record<string, string> {
  const params: Record<string, string> = {};
  tags.forEach((tag, i) => {
    params[`Tag.${i + 1}.Key`] = tag.key;
    params[`Tag.${i + 1}.Value`] = tag.value;
  });
  return params;
}

/** RFC 3986 percent-encoding, as AWS canonicalises: only A-Z a-z 0-9 - _ . ~ stay literal. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** The form-encoded POST body: Action, Version, then the parameters in the order given. */
export function encodeForm(action: string, params: QueryParams): string {
  const pairs = [`Action=${encode(action)}`, `Version=${ec2ApiVersion}`];
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) pairs.push(`${encode(key)}=${encode(value)}`);
  }
  return pairs.join("&");
}
