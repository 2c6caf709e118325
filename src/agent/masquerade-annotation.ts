import { cidrsAnnotation, masqueradeAnnotation } from "../annotations/keys.js";
import { quote } from "../annotations/text.js";
import { suggestClosest } from "../suggest.js";

/**
 * Per-Service switch for the agent's MASQUERADE rule (`"true"` or `"false"`); absent means the
 * agent's `--agent-masquerade` default. The agent splits it off before the shared parser runs so
 * it can report its own, agent-specific message; the controller's parser accepts it too.
 */
export { masqueradeAnnotation };

/** The Service's other annotations, and its masquerade choice or the problem with it. */
export interface MasqueradeRead {
  readonly rest: Readonly<Record<string, string>>;
  readonly value: boolean | undefined;
  readonly error: string | undefined;
}

const values = ["true", "false"] as const;

/**
 * Splits the masquerade annotation off a Service's annotations and parses it strictly: a typo
 * is an error (the Service's routes are then left as they are), never a silent "false".
 */
export function readMasqueradeAnnotation(
  annotations: Readonly<Record<string, string>>,
): MasqueradeRead {
  const { [masqueradeAnnotation]: raw, ...rest } = annotations;
  if (raw === undefined) return { rest, value: undefined, error: undefined };
  if (!Object.hasOwn(rest, cidrsAnnotation)) {
    return {
      rest,
      value: undefined,
      error: `annotation ${cidrsAnnotation}: is missing but ${masqueradeAnnotation} is set; set ${cidrsAnnotation} to the VPN networks, or remove ${masqueradeAnnotation}`,
    };
  }
  if (raw === "true" || raw === "false") return { rest, value: raw === "true", error: undefined };
  const near = suggestClosest(raw.trim().toLowerCase(), values);
  const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
  return {
    rest,
    value: undefined,
    error: `annotation ${masqueradeAnnotation}: ${quote(raw)} is not supported${hint}; use true (MASQUERADE traffic to this Service's CIDRs on every node) or false`,
  };
}
