/**
 * Kubernetes name rules used by several settings, kept in one place so a namespace means the same
 * thing in `--allowed-namespaces`, `--leader-elect-namespace` and the mounted namespace file.
 */

/** A DNS-1123 label: namespace names. */
export const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A DNS-1123 subdomain: names of most objects, such as the Lease. */
export const dns1123Subdomain =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
