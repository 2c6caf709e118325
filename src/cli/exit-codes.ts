/**
 * The process exit codes, one meaning each. `plan` uses all of them; `controller` and `agent`
 * exit 0 when stopped, 1 on failure (leadership lost included) and `usage` for bad settings.
 */
export const exitCodes = {
  /** Done; for `plan`: in sync, no route write needed. */
  ok: 0,
  /** Failed at run time: Kubernetes or the cloud unreachable, leadership lost. */
  error: 1,
  /** `plan`: at least one create/replace/delete is pending. */
  drift: 2,
  /** `plan`: nothing to write, but conflicts or refused requests need attention. */
  attention: 3,
  /** The command line or configuration is wrong (sysexits EX_USAGE); nothing was done. */
  usage: 64,
} as const;
